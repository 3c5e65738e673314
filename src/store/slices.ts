import type { StateCreator } from 'zustand';
import type { GridMode } from '../../components/BatchGrid/layout';
import type { MeasuredSweep } from '../worker/sweep';
import type { CompareAxis } from '../run/compare';
import type { ExperimentSetup } from '../worker/experiment';
import type { AnyscaleRow } from '../../engine';
import type { ThemeName } from '../theme/palette';
import { RunLog } from '../run/run-log';
import type { BackendInfo, RunSource } from '../run/types';
import { DEFAULT_CONFIG, type RunConfig } from './config';
import { withoutMoeInt8 } from '../run/model-formats';

export type LaneId = 'a' | 'b';

export type Phase = 'loading' | 'ready' | 'running' | 'paused' | 'done' | 'error';

export interface LaneStatus {
  phase: Phase;
  source: RunSource;
  backend: BackendInfo | null;
  modelName: string | null;
  /** A sentence for the status line: progress while loading, the error when failed. */
  message: string | null;
  /** The strategy this lane runs (compare mode may pin a and b to static and continuous). */
  strategy: RunConfig['strategy'];
  /** In compare mode, what this lane is ("Paged KV"); null for the single lane. */
  label: string | null;
  /** The first-visit demo's scene on screen: what it is, what to look at, and what comes next. */
  demoScene: { title: string; caption: string; next: string | null } | null;
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
  /** The last step-time sweep (engine/experiments/sweep.ts) and where it ran. */
  sweep: { running: boolean; measured: MeasuredSweep | null; error: string | null };
  setSweep: (patch: Partial<SessionSlice['sweep']>) => void;
  /** Anyscale's experiment, row by row as the worker serves it. */
  experiment: { running: boolean; setup: ExperimentSetup | null; rows: AnyscaleRow[]; error: string | null };
  setExperiment: (patch: Partial<SessionSlice['experiment']>) => void;
  /** A passing message: a refused setting, a file that could not be read. */
  notice: string | null;
  setNotice: (notice: string | null) => void;
}

export type KvView = 'owner' | 'waste';
export type Topic =
  | 'overview'
  | 'grid'
  | 'prefill-decode'
  | 'static-idle'
  | 'kv-waste'
  | 'paged'
  | 'bound'
  | 'knobs'
  | 'compare'
  | 'block-size'
  | 'chunked-prefill'
  | 'device-ratio'
  | 'anyscale'
  | 'prefix-caching'
  | 'traffic'
  | 'quantization'
  | 'flash-attention'
  | 'experts';

/** Which of the step-time and memory-traffic views the row under the grid shows where it has room for one. */
export type BelowPick = 'bound' | 'traffic';

export interface UiSlice {
  theme: ThemeName;
  gridMode: GridMode;
  kvView: KvView;
  selected: number | null;
  compare: boolean;
  /** What compare mode changes between its two runs (everything else is identical). */
  compareBy: CompareAxis;
  /** The main area shows the run, or the experiments view. */
  view: 'run' | 'experiments';
  tourStep: number | null;
  /** The topic the visitor picked: it stays until they pick another. */
  topic: Topic;
  /** The topic of the view the visitor last pointed at: offered as a link, never switched to. */
  suggestedTopic: Topic | null;
  /** The lesson is open in the reading view (full size, no scrolling). */
  reading: boolean;
  /** Presenter mode (kept in the URL): larger type, thicker cells, only the presenter's controls. */
  presenter: boolean;
  /** The settings drawer is open (screens too narrow for the settings column). */
  settingsOpen: boolean;
  /** The lane whose grid and KV map are open as data tables (their text alternative). */
  dataTable: LaneId | null;
  belowPick: BelowPick;
  setUi: (patch: Partial<Omit<UiSlice, 'setUi'>>) => void;
}

export type AppState = ConfigSlice & SessionSlice & UiSlice;
type Slice<T> = StateCreator<AppState, [], [], T>;

export const configSlice =
  (initial: RunConfig = DEFAULT_CONFIG): Slice<ConfigSlice> =>
  (set) => ({
    config: initial,
    // A patch that would pair an MoE model with int8 weights (picking the model, switching off the sim) gets f32 weights and says so.
    setConfig: (patch) =>
      set((s) => {
        const { config, notice } = withoutMoeInt8({ ...s.config, ...patch });
        return notice ? { config, notice } : { config };
      }),
  });

const initialLane = (strategy: RunConfig['strategy']): LaneStatus => ({
  phase: 'loading',
  source: 'recorded',
  backend: null,
  modelName: null,
  message: null,
  strategy,
  label: null,
  demoScene: null,
  sourceNote: null,
  demoAlternates: false,
});

export const sessionSlice: Slice<SessionSlice> = (set) => ({
  logs: { a: new RunLog(), b: new RunLog() },
  lanes: { a: initialLane('continuous'), b: initialLane('continuous') },
  setLane: (id, patch) => set((s) => ({ lanes: { ...s.lanes, [id]: { ...s.lanes[id], ...patch } } })),
  sweep: { running: false, measured: null, error: null },
  setSweep: (patch) => set((s) => ({ sweep: { ...s.sweep, ...patch } })),
  experiment: { running: false, setup: null, rows: [], error: null },
  setExperiment: (patch) => set((s) => ({ experiment: { ...s.experiment, ...patch } })),
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
    compareBy: 'strategy',
    view: 'run',
    tourStep: null,
    topic: 'overview',
    suggestedTopic: null,
    reading: false,
    presenter: false,
    settingsOpen: false,
    dataTable: null,
    belowPick: 'traffic',
    setUi: (patch) => set(patch),
  });
