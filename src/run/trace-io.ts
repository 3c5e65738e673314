import { iterationsCsv } from '../../engine/serve/csv';
import { exportChromeTrace, sparseVocab, type TracePrompt, type TraceRun } from '../../engine/serve/trace';
import { parseTrace } from '../../engine/serve/trace-import';
import { BatchscopeError } from '../../engine/errors';
import { FILE_BYTES, formatBytes } from '../../engine/limits';
import { decodeText } from '../../engine/text';
import type { RunLog } from './run-log';
import type { RecordedRun, RequestMeta } from './types';

export interface TraceLane {
  name: string;
  log: RunLog;
  backend: string;
  /** Absent: the replay titles the run by its label, as for traces written before it existed. */
  modelName?: string;
}

/** The lanes as a Perfetto-ready Chrome trace, via the engine's exporter (one process per lane). */
export function exportTrace(lanes: readonly TraceLane[]): string {
  return exportChromeTrace(lanes.filter((l) => l.log.events.length > 0).map((l) => traceRun(l.name, l.log, l.backend, l.modelName)));
}

export function traceRun(name: string, log: RunLog, backend: string, modelName?: string): TraceRun {
  const first = log.events[0];
  const last = log.lastEvent;
  const prompts: TracePrompt[] = [...log.requests.values()]
    .filter((t) => t.meta)
    .sort((a, b) => a.id - b.id)
    .map(({ id, meta }) => ({ id, prompt: meta!.prompt, ...(meta!.promptText !== undefined ? { promptText: meta!.promptText } : {}) }));
  const run: TraceRun = {
    label: `${name} · ${last?.kv.manager ?? 'paged'}`,
    strategy: last?.strategy ?? 'continuous',
    backend,
    kvManager: first?.kv.manager ?? 'paged',
    events: log.events.slice(),
    requests: log.records(),
    ...(modelName !== undefined ? { modelName } : {}),
    ...(prompts.length ? { prompts } : {}),
  };
  // The simulator samples placeholder tokens: giving them text would pass them off as output.
  if (backend === 'sim') return run;
  // tokenText's `#id` means the log has no text for it: leave the id out rather than store the stand-in.
  const vocab = sparseVocab(run, (id) => {
    const t = log.tokenText(id);
    return t === `#${id}` ? undefined : t;
  });
  return Object.keys(vocab).length ? { ...run, vocab } : run;
}

export const exportCsv = (log: RunLog): string => iterationsCsv(log.events);

/**
 * A trace file chosen by the visitor: refused by size before it is read, and as bytes that are
 * not text before anything tries to parse them (so no message ever shows binary garbage).
 */
export async function importTraceFile(file: Blob & { name: string }): Promise<RecordedRun[]> {
  if (file.size > FILE_BYTES.trace) throw new BatchscopeError('bad-file', `${file.name}: is ${formatBytes(file.size)}, over the limit of ${formatBytes(FILE_BYTES.trace)} for a trace`);
  return importTrace(decodeText(new Uint8Array(await file.arrayBuffer()), file.name, 'bad-trace'), file.name);
}

/** A trace exported by batchscope (here or by the CLI), as runs the replay can show. */
export function importTrace(text: string, source: string): RecordedRun[] {
  return parseTrace(text, source).map((run) => {
    // Older traces carry no prompts or vocab: their requests replay with empty prompts and `#id` tokens.
    const prompts = new Map(run.prompts?.map((p) => [p.id, p]));
    return {
      version: 1,
      label: run.label,
      backend: { kind: run.backend === 'sim' ? 'sim' : run.backend === 'webgpu' ? 'webgpu' : 'cpu', description: `${run.backend} (recorded in ${source})` },
      modelName: run.modelName ?? run.label,
      vocab: run.vocab ?? {},
      requests: run.requests.map((r): RequestMeta => {
        const p = prompts.get(r.id);
        return { id: r.id, arrivalMs: r.arrivalMs, prompt: p?.prompt ?? [], ...(p?.promptText !== undefined ? { promptText: p.promptText } : {}), maxNewTokens: r.output.length };
      }),
      events: run.events,
    };
  });
}

/**
 * The notice for a file that could not be replayed. A batchscope error already names the file and
 * says what is wrong in plain words; anything else is a bug, reported without its internals.
 */
export function importProblem(name: string, e: unknown): string {
  if (e instanceof BatchscopeError) return `Could not replay ${e.message.startsWith(`${name}: `) ? e.message : `${name}: ${e.message}`}`;
  return `Could not replay ${name}: it could not be read as a batchscope trace.`;
}

/** The notice for an export that failed: a run too large for one string says so in plain words. */
export function exportProblem(e: unknown): string {
  if (e instanceof RangeError) return 'Export failed: the run is too large for one file; export a shorter run (or its CSV).';
  return `Export failed: ${e instanceof Error ? e.message : String(e)}`;
}
