import { iterationsCsv } from '../../engine/serve/csv';
import { exportChromeTrace, type TraceRun } from '../../engine/serve/trace';
import { parseTrace } from '../../engine/serve/trace-import';
import type { RunLog } from './run-log';
import type { RecordedRun } from './types';

/** The lanes as a Perfetto-ready Chrome trace, via the engine's exporter (one process per lane). */
export function exportTrace(lanes: readonly { name: string; log: RunLog; backend: string }[]): string {
  return exportChromeTrace(lanes.filter((l) => l.log.events.length > 0).map((l) => traceRun(l.name, l.log, l.backend)));
}

export function traceRun(name: string, log: RunLog, backend: string): TraceRun {
  const first = log.events[0];
  const last = log.lastEvent;
  return {
    label: `${name} · ${last?.kv.manager ?? 'paged'}`,
    strategy: last?.strategy ?? 'continuous',
    backend,
    kvManager: first?.kv.manager ?? 'paged',
    events: log.events.slice(),
    requests: log.records(),
  };
}

export const exportCsv = (log: RunLog): string => iterationsCsv(log.events);

/** A trace exported by batchscope (here or by the CLI), as runs the replay can show. */
export function importTrace(text: string, source: string): RecordedRun[] {
  return parseTrace(text, source).map((run) => ({
    version: 1,
    label: run.label,
    backend: { kind: run.backend === 'sim' ? 'sim' : run.backend === 'webgpu' ? 'webgpu' : 'cpu', description: `${run.backend} (recorded in ${source})` },
    modelName: run.label,
    vocab: {},
    requests: run.requests.map((r) => ({ id: r.id, arrivalMs: r.arrivalMs, prompt: [], maxNewTokens: r.output.length })),
    events: run.events,
  }));
}
