import type { StateCreator } from 'zustand';
import type { GridMode } from '../../components/BatchGrid/layout';
import type { SweepPoint } from '../../components/Sweep/knee';
import type { ThemeName } from '../theme/palette';
import { RunLog } from '../run/run-log';
import type { BackendInfo, RunSource } from '../run/types';
import { DEFAULT_CONFIG, type RunConfig } from './config';

export type LaneId = 'a' | 'b';

export type Phase = 'loading' | 'ready' | 'running' | 'paused' | 'done' | 'error';

export interface LaneStatus {
  phase: Phase;
  source: RunSource;
  backend: BackendInfo | null;
  modelName: string | null;
  /** A sentence for the status line: progress while loading, the error when failed. */
  message: string | null;
  /** The strategy this lane runs (compare mode pins a and b to static and continuous). */
  strategy: RunConfig['strategy'];
  /** For recorded and replayed runs: where they were measured or which file they came from. */
  sourceNote: string | null;
  /** The recorded demo switches strategy each time it starts over (until the visitor changes a setting). */
  demoAlternates: boolean;
}

export interface ConfigSlice {
  config: RunConfig;
  setConfig: (patch: Partial<RunConfig>) => void;
}

export interface SessionSlice {
  /** Stable objects, mutated in place; subscribe to them, never select their contents. */
  logs: Record<LaneId, RunLog>;
  lanes: Record<LaneId, LaneStatus>;
  setLane: (id: LaneId, patch: Partial<LaneStatus>) => void;
  sweep: { running: boolean; points: SweepPoint[]; adapter: string | null; error: string | null; simulated?: boolean };
  setSweep: (patch: Partial<SessionSlice['sweep']>) => void;
  /** A passing message: a refused setting, a file that could not be read. */
  notice: string | null;
  setNotice: (notice: string | null) => void;
}

export type KvView = 'owner' | 'waste';
export type Topic = 'overview' | 'grid' | 'prefill-decode' | 'static-idle' | 'kv-waste' | 'paged' | 'bound' | 'knobs' | 'compare' | 'prefix-caching';

export interface UiSlice {
  theme: ThemeName;
  gridMode: GridMode;
  kvView: KvView;
  selected: number | null;
  compare: boolean;
  tourStep: number | null;
  /** The topic the visitor picked: it stays until they pick another. */
  topic: Topic;
  /** The topic of the view the visitor last pointed at: offered as a link, never switched to. */
  suggestedTopic: Topic | null;
  /** The lesson is open in the reading view (full size, no scrolling). */
  reading: boolean;
  setUi: (patch: Partial<Omit<UiSlice, 'setUi'>>) => void;
}

export type AppState = ConfigSlice & SessionSlice & UiSlice;
type Slice<T> = StateCreator<AppState, [], [], T>;

export const configSlice =
  (initial: RunConfig = DEFAULT_CONFIG): Slice<ConfigSlice> =>
  (set) => ({
    config: initial,
    setConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch } })),
  });

const initialLane = (strategy: RunConfig['strategy']): LaneStatus => ({
  phase: 'loading',
  source: 'recorded',
  backend: null,
  modelName: null,
  message: null,
  strategy,
  sourceNote: null,
  demoAlternates: false,
});

export const sessionSlice: Slice<SessionSlice> = (set) => ({
  logs: { a: new RunLog(), b: new RunLog() },
  lanes: { a: initialLane('continuous'), b: initialLane('continuous') },
  setLane: (id, patch) => set((s) => ({ lanes: { ...s.lanes, [id]: { ...s.lanes[id], ...patch } } })),
  sweep: { running: false, points: [], adapter: null, error: null },
  setSweep: (patch) => set((s) => ({ sweep: { ...s.sweep, ...patch } })),
  notice: null,
  setNotice: (notice) => set({ notice }),
});

export const uiSlice =
  (theme: ThemeName = 'light'): Slice<UiSlice> =>
  (set) => ({
    theme,
    gridMode: 'iterations',
    kvView: 'waste',
    selected: null,
    compare: false,
    tourStep: null,
    topic: 'overview',
    suggestedTopic: null,
    reading: false,
    setUi: (patch) => set(patch),
  });
