import { useEffect, useMemo, type CSSProperties, type ReactNode } from 'react';
import type { Commands } from '../src/run/commands';
import { CommandsContext } from '../src/run/commands';
import { ReplaySource } from '../src/run/replay-source';
import type { RecordedRun } from '../src/run/types';
import { DEFAULT_CONFIG, type RunConfig } from '../src/store/config';
import type { AppState, LaneId } from '../src/store/slices';
import { createAppStore, StoreProvider } from '../src/store/store';
import type { ThemeName } from '../src/theme/palette';

export interface HarnessProps {
  runs: Partial<Record<LaneId, RecordedRun>>;
  /** Replay the runs from the start (true) or show them whole (false, the default). */
  animate?: boolean;
  theme?: ThemeName;
  config?: Partial<RunConfig>;
  ui?: Partial<Pick<AppState, 'gridMode' | 'kvView' | 'selected' | 'compare' | 'compareBy' | 'tourStep' | 'topic' | 'view'>>;
  /** Lane labels, as compare mode names its runs ("Paged KV"). */
  labels?: Partial<Record<LaneId, string>>;
  /** Size of the box the component gets (canvas views fill their parent). */
  size?: CSSProperties;
  children: ReactNode;
}

/**
 * What every story renders in: a store of its own holding recorded runs, and commands that play
 * them back (play, pause, step, reset work in a story as in the app, without an engine).
 */
export function Harness({ runs, animate = false, theme = 'light', config, ui, labels, size, children }: HarnessProps) {
  const { store, replay } = useMemo(() => {
    const store = createAppStore({ config: { ...DEFAULT_CONFIG, ...config }, theme });
    if (ui) store.getState().setUi(ui);
    const setPhase = (phase: 'running' | 'paused' | 'done') => (Object.keys(runs) as LaneId[]).forEach((id) => store.getState().setLane(id, { phase }));
    const replay = new ReplaySource(runs, store.getState().logs, { onPlaying: (p) => setPhase(p ? 'running' : 'paused'), onDone: () => setPhase('done') }, 'max');
    for (const [id, run] of Object.entries(runs) as [LaneId, RecordedRun][]) {
      store.getState().setLane(id, { source: 'recorded', phase: 'ready', backend: run.backend, modelName: run.modelName, strategy: run.events[0]?.strategy ?? 'continuous', sourceNote: run.backend.description, label: labels?.[id] ?? null });
    }
    if (!animate) replay.showAll();
    return { store, replay };
  }, [runs, animate, theme, config, ui, labels]);
  useEffect(() => {
    if (animate) replay.play();
    return () => replay.dispose();
  }, [replay, animate]);
  const commands = useMemo<Commands>(
    () => ({
      play: () => replay.play(),
      pause: () => replay.pause(),
      step: () => replay.step(),
      reset: () => replay.reset(),
      exportFile: () => undefined,
      importTrace: () => undefined,
      runSweep: () => undefined,
      runExperiment: () => undefined,
      cancelExperiment: () => undefined,
    }),
    [replay],
  );
  return (
    <StoreProvider store={store}>
      <CommandsContext.Provider value={commands}>
        <div data-theme={theme} style={{ background: 'var(--bg)', color: 'var(--text)', display: 'flex', flexDirection: 'column', ...size }}>
          {children}
        </div>
      </CommandsContext.Provider>
    </StoreProvider>
  );
}
