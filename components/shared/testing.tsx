import { cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, vi } from 'vitest';
import type { Commands } from '../../src/run/commands';
import { CommandsContext } from '../../src/run/commands';
import type { RecordedRun } from '../../src/run/types';
import { createAppStore, StoreProvider, type AppStore } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(cleanup);

// jsdom has no canvas: views must survive a null context (they still set their data attributes).
HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];

export function fakeCommands(): Commands {
  return { play: vi.fn(), pause: vi.fn(), step: vi.fn(), reset: vi.fn(), exportFile: vi.fn(), importTrace: vi.fn(), runSweep: vi.fn(), runExperiment: vi.fn(), cancelExperiment: vi.fn() };
}

/** Puts recorded runs into lanes, as the app does when it replays them, all iterations shown. */
export function loadRuns(store: AppStore, runs: Partial<Record<LaneId, RecordedRun>>): void {
  for (const [lane, run] of Object.entries(runs) as [LaneId, RecordedRun][]) {
    const log = store.getState().logs[lane];
    log.clear();
    log.setVocab(run.vocab);
    log.addRequests(run.requests);
    log.append(run.events);
    store.getState().setLane(lane, { source: 'recorded', phase: 'ready', strategy: run.events[0]?.strategy ?? 'continuous', backend: run.backend, modelName: run.modelName, sourceNote: run.backend.description });
  }
}

export function renderWithStore(ui: ReactElement, store: AppStore = createAppStore(), commands: Commands = fakeCommands()): RenderResult & { store: AppStore; commands: Commands } {
  const r = render(
    <StoreProvider store={store}>
      <CommandsContext.Provider value={commands}>{ui}</CommandsContext.Provider>
    </StoreProvider>,
  );
  return { ...r, store, commands };
}
