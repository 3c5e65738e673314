import { createContext, useContext } from 'react';

export type ExportKind = 'trace' | 'csv' | 'workload' | 'png' | 'svg';

/**
 * What the controls can ask of whatever drives the lanes (the worker controller in the app, a
 * replay of fixtures in stories): small typed commands, so views never know who runs the engine.
 */
export interface Commands {
  play(): void;
  pause(): void;
  step(): void;
  /** Starts the workload over with the current configuration. */
  reset(): void;
  exportFile(kind: ExportKind): void;
  importTrace(file: File): void;
  runSweep(): void;
  /** Anyscale's experiment on the sim (full size) or this device (scaled); cancel stops it between runs. */
  runExperiment(on: 'sim' | 'device'): void;
  cancelExperiment(): void;
}

export const CommandsContext = createContext<Commands | null>(null);

export function useCommands(): Commands {
  const c = useContext(CommandsContext);
  if (!c) throw new Error('controls rendered outside a <CommandsContext.Provider>');
  return c;
}
