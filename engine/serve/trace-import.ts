import { BatchscopeError } from '../errors';
import type { IterationEvent } from './events';
import type { RequestRecord } from './request';
import { TRACE_FORMAT, type TraceRun } from './trace';
import { eventFromJson } from './kv-json';

/**
 * Reads back a trace written by `exportChromeTrace` (the runs under its "batchscope" key), with
 * the KV snapshot arrays as Int32Arrays again, so a recorded run can be replayed without a backend.
 */
export function parseTrace(text: string, source = 'trace'): TraceRun[] {
  const bad = (why: string): never => {
    throw new BatchscopeError('bad-trace', `${source}: ${why}`);
  };
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return bad(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const payload = (j as { batchscope?: { format?: unknown; version?: unknown; runs?: unknown } } | null)?.batchscope;
  if (!payload) return bad('has no "batchscope" section: only traces exported by batchscope can be replayed');
  if (payload.format !== TRACE_FORMAT || payload.version !== 1) bad(`unsupported trace format ${JSON.stringify(payload.format)} version ${JSON.stringify(payload.version)}`);
  if (!Array.isArray(payload.runs) || payload.runs.length === 0) bad('holds no runs');
  return (payload.runs as TraceRun[]).map((run, r) => {
    if (!Array.isArray(run.events) || !Array.isArray(run.requests)) bad(`run ${r} lacks its events or requests`);
    const events = run.events.map((e, i): IterationEvent => {
      if (!e || !Array.isArray(e.slots) || !e.kv || !Array.isArray(e.kv.owner) || !Array.isArray(e.kv.filled)) bad(`run ${r} event ${i} is malformed`);
      if (e.index !== i) bad(`run ${r} event ${i} has index ${e.index}: events must be complete and in order`);
      return eventFromJson(e);
    });
    return { ...run, events };
  });
}

/**
 * Plays a recorded run back one iteration per `step()`, the way the engine is stepped, so a view
 * cannot tell a replay from a live run. `records()` gives the requests as they were at the end.
 */
export class TraceReplay {
  readonly run: TraceRun;
  private next = 0;

  constructor(run: TraceRun) {
    this.run = run;
  }

  get done(): boolean {
    return this.next >= this.run.events.length;
  }

  async step(): Promise<IterationEvent | null> {
    return this.done ? null : this.run.events[this.next++];
  }

  records(): RequestRecord[] {
    return this.run.requests;
  }
}
