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
    if (!isObject(run) || !Array.isArray(run.events) || !Array.isArray(run.requests)) bad(`run ${r} lacks its events or requests`);
    if (!run.requests.every((q) => isObject(q) && Number.isInteger(q.id) && Array.isArray(q.output))) bad(`run ${r} has a malformed request record`);
    const events = run.events.map((e, i): IterationEvent => {
      if (!wellFormed(e)) bad(`run ${r} event ${i} is malformed`);
      if (e.index !== i) bad(`run ${r} event ${i} has index ${e.index}: events must be complete and in order`);
      return eventFromJson(e);
    });
    checkReplayText(run, (why) => bad(`run ${r} ${why}`));
    return { ...run, events };
  });
}

const isTokenIds = (v: unknown): v is number[] => Array.isArray(v) && v.every((t) => Number.isInteger(t) && t >= 0);

/** The optional fields a replay shows as text: absent is fine (older traces), malformed is not. */
function checkReplayText(run: TraceRun, bad: (why: string) => never): void {
  if (run.modelName !== undefined && typeof run.modelName !== 'string') bad('has a modelName that is not a string');
  if (run.vocab !== undefined) {
    if (!isObject(run.vocab)) bad('has a vocab that is not an object of token id -> text');
    for (const [id, text] of Object.entries(run.vocab)) if (!/^(0|[1-9]\d*)$/.test(id) || typeof text !== 'string') bad(`has a malformed vocab entry ${JSON.stringify(id)}`);
  }
  if (run.prompts !== undefined) {
    if (!Array.isArray(run.prompts)) bad('has prompts that are not a list');
    for (const p of run.prompts as unknown[]) {
      if (!isObject(p) || !Number.isInteger(p.id) || !isTokenIds(p.prompt) || (p.promptText !== undefined && typeof p.promptText !== 'string')) bad('has a malformed prompt');
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** What every view reads without checking: times, slots, and a KV snapshot whose arrays match the pool. */
function wellFormed(e: unknown): e is IterationEvent {
  if (!isObject(e) || !isNumber(e.startMs) || !isNumber(e.endMs) || !Array.isArray(e.slots) || !isObject(e.kv)) return false;
  if (!e.slots.every((s) => isObject(s) && Number.isInteger(s.slot) && typeof s.kind === 'string')) return false;
  const kv = e.kv;
  const counts = ['numBlocks', 'blockSize', 'used', 'reserved', 'internal', 'external', 'free'].every((k) => Number.isInteger(kv[k]));
  const pool = counts && Array.isArray(kv.owner) && Array.isArray(kv.filled) && kv.owner.length === kv.numBlocks && kv.filled.length === kv.numBlocks;
  return pool && (e.experts === undefined || wellFormedExperts(e.experts));
}

/** An MoE record: counts and means, and when present a load of layers x experts integers. */
function wellFormedExperts(x: unknown): boolean {
  if (!isObject(x) || !['nExperts', 'topK', 'nLayers'].every((k) => Number.isInteger(x[k]) && (x[k] as number) > 0)) return false;
  if (!isNumber(x.touched) || !isNumber(x.bytes) || (x.imbalance !== undefined && !isNumber(x.imbalance))) return false;
  const size = (x.nExperts as number) * (x.nLayers as number);
  return x.load === undefined || (Array.isArray(x.load) && x.load.length === size && x.load.every((n) => Number.isInteger(n) && n >= 0));
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
