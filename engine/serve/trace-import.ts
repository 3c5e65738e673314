import { arrayOf, complain, describe, intIn, intsOf, isObject, numberIn, stringOf, type Bad } from '../input';
import { LIMITS } from '../limits';
import { parseJsonText } from '../text';
import type { IterationEvent } from './events';
import type { RequestRecord } from './request';
import { TRACE_FORMAT, type TraceRun } from './trace';
import { eventFromJson } from './kv-json';

/**
 * Reads back a trace written by `exportChromeTrace` (the runs under its "batchscope" key), with
 * the KV snapshot arrays as Int32Arrays again, so a recorded run can be replayed without a backend.
 * Everything a view reads without checking is checked here (types, ranges, array lengths), so a
 * hand-edited or corrupt file is one 'bad-trace' error, never a TypeError in a view.
 */
export function parseTrace(text: string, source = 'trace'): TraceRun[] {
  const bad = complain('bad-trace', source);
  const j = parseJsonText(text, source, 'bad-trace', 'a trace exported by batchscope (JSON)');
  const payload = isObject(j) ? j.batchscope : undefined;
  if (!isObject(payload)) return bad('is not a batchscope trace: it has no "batchscope" section (only traces exported by batchscope can be replayed)');
  if (payload.format !== TRACE_FORMAT || payload.version !== 1) bad(`unsupported trace format ${describe(payload.format)} version ${describe(payload.version)}`);
  const runs = arrayOf(payload.runs, 'its list of runs', 1, 16, bad);
  return runs.map((raw, r) => readRun(raw, (why) => bad(`run ${r} ${why}`)));
}

function readRun(raw: unknown, bad: Bad): TraceRun {
  if (!isObject(raw) || !Array.isArray(raw.events) || !Array.isArray(raw.requests)) return bad('lacks its events or requests');
  const run = raw as unknown as TraceRun;
  for (const k of ['label', 'strategy', 'backend', 'kvManager'] as const) stringOf(raw[k], k, 200, bad);
  arrayOf(run.requests, 'requests', 0, LIMITS.requestsPerWorkload, bad).forEach((q, i) => checkRecord(q, `request record ${i}`, bad));
  const events = run.events.map((e, i): IterationEvent => {
    checkEvent(e, i, bad);
    // Every view iterates `preempted`; a trace may leave it out when nothing was preempted.
    return eventFromJson({ ...e, preempted: e.preempted ?? [] });
  });
  checkReplayText(run, bad);
  return { ...run, events };
}

const MAX_ID = Number.MAX_SAFE_INTEGER;
const tokenIds = (v: unknown, at: string, bad: Bad) => intsOf(v, at, 0, LIMITS.tokensPerRequest, 0, MAX_ID, bad);

function oneOf(v: unknown, at: string, allowed: readonly string[], bad: Bad): void {
  if (!allowed.includes(v as string)) bad(`${at} must be one of ${allowed.join(', ')}, got ${describe(v)}`);
}

function checkRecord(q: unknown, at: string, bad: Bad): asserts q is RequestRecord {
  if (!isObject(q)) bad(`has a malformed request record (${at} is ${describe(q)})`);
  const r = q as Record<string, unknown>;
  intIn(r.id, `${at}.id`, 0, MAX_ID, bad);
  tokenIds(r.output, `${at}.output`, bad);
  numberIn(r.arrivalMs, `${at}.arrivalMs`, 0, LIMITS.arrivalMs, bad);
  if (r.promptTokens !== undefined) intIn(r.promptTokens, `${at}.promptTokens`, 0, LIMITS.tokensPerRequest, bad);
  if (r.tokenMs !== undefined) arrayOf(r.tokenMs, `${at}.tokenMs`, 0, LIMITS.tokensPerRequest, bad).forEach((t, k) => numberIn(t, `${at}.tokenMs[${k}]`, 0, Infinity, bad));
  for (const k of ['firstScheduledMs', 'finishMs'] as const) if (r[k] !== undefined) numberIn(r[k], `${at}.${k}`, 0, Infinity, bad);
  if (r.preemptions !== undefined) intIn(r.preemptions, `${at}.preemptions`, 0, MAX_ID, bad);
  if (r.state !== undefined) oneOf(r.state, `${at}.state`, ['pending', 'waiting', 'running', 'finished'], bad);
  if (r.finishReason !== undefined) oneOf(r.finishReason, `${at}.finishReason`, ['eos', 'length'], bad);
  if (r.completions !== undefined) {
    arrayOf(r.completions, `${at}.completions`, 1, LIMITS.completions, bad).forEach((c, k) => {
      const cat = `${at}.completions[${k}]`;
      if (!isObject(c)) bad(`has a malformed completion (${cat} is ${describe(c)})`);
      tokenIds(c.output, `${cat}.output`, bad);
      arrayOf(c.tokenMs, `${cat}.tokenMs`, 0, LIMITS.tokensPerRequest, bad).forEach((t, j) => numberIn(t, `${cat}.tokenMs[${j}]`, 0, Infinity, bad));
      if (c.finishMs !== undefined) numberIn(c.finishMs, `${cat}.finishMs`, 0, Infinity, bad);
      if (c.finishReason !== undefined) oneOf(c.finishReason, `${cat}.finishReason`, ['eos', 'length'], bad);
      if (c.preemptions !== undefined) intIn(c.preemptions, `${cat}.preemptions`, 0, MAX_ID, bad);
    });
  }
}

const SLOT_KINDS = ['prefill', 'decode', 'idle'];

/** What every view reads without checking: times, slots, and a KV snapshot whose arrays match the pool. */
function checkEvent(raw: unknown, i: number, bad: Bad): asserts raw is IterationEvent {
  const at = `event ${i}`;
  if (!isObject(raw)) bad(`${at} is malformed (${describe(raw)})`);
  const e = raw as Record<string, unknown>;
  if (e.index !== i) bad(`${at} has index ${describe(e.index)}: events must be complete and in order`);
  numberIn(e.startMs, `${at}.startMs`, 0, Infinity, bad);
  numberIn(e.endMs, `${at}.endMs`, e.startMs as number, Infinity, bad);
  for (const k of ['queueLength', 'prefillTokens', 'decodeTokens'] as const) if (e[k] !== undefined) intIn(e[k], `${at}.${k}`, 0, MAX_ID, bad);
  for (const k of ['schedulerMs', 'backendMs'] as const) if (e[k] !== undefined) numberIn(e[k], `${at}.${k}`, 0, Infinity, bad);
  if (e.strategy !== undefined) oneOf(e.strategy, `${at}.strategy`, ['static', 'continuous'], bad);
  if (e.timeSource !== undefined) oneOf(e.timeSource, `${at}.timeSource`, ['measured', 'simulated'], bad);
  if (e.preempted !== undefined) intsOf(e.preempted, `${at}.preempted`, 0, LIMITS.batchSlots, 0, MAX_ID, bad);
  arrayOf(e.slots, `${at}.slots`, 0, LIMITS.batchSlots, bad).forEach((s, k) => {
    const sat = `${at}.slots[${k}]`;
    if (!isObject(s)) bad(`${sat} is malformed (${describe(s)})`);
    intIn(s.slot, `${sat}.slot`, 0, LIMITS.batchSlots - 1, bad);
    oneOf(s.kind, `${sat}.kind`, SLOT_KINDS, bad);
    if (s.requestId !== null && s.requestId !== undefined) intIn(s.requestId, `${sat}.requestId`, 0, MAX_ID, bad);
    if (s.tokenCount !== undefined) intIn(s.tokenCount, `${sat}.tokenCount`, 0, LIMITS.tokensPerRequest, bad);
    if (s.outputToken !== undefined) intIn(s.outputToken, `${sat}.outputToken`, -1, MAX_ID, bad);
    if (s.inputTokens !== undefined) tokenIds(s.inputTokens, `${sat}.inputTokens`, bad);
    // Views do arithmetic with these: a nested array would turn into a string, recursively.
    if (s.startPos !== undefined) intIn(s.startPos, `${sat}.startPos`, 0, LIMITS.tokensPerRequest, bad);
    if (s.finished !== undefined && typeof s.finished !== 'boolean') bad(`${sat}.finished must be true or false, got ${describe(s.finished)}`);
    if (s.finishReason !== undefined) oneOf(s.finishReason, `${sat}.finishReason`, ['eos', 'length'], bad);
    if (s.idleReason !== undefined) oneOf(s.idleReason, `${sat}.idleReason`, ['empty', 'finished', 'stalled', 'preempted'], bad);
    if (s.completion !== undefined) intIn(s.completion, `${sat}.completion`, 0, LIMITS.completions - 1, bad);
    for (const k of ['cachedTokens', 'forkedTokens'] as const) if (s[k] !== undefined) intIn(s[k], `${sat}.${k}`, 0, LIMITS.tokensPerRequest, bad);
  });
  if (e.prefixCache !== undefined) {
    if (!isObject(e.prefixCache)) bad(`${at}.prefixCache must be an object, got ${describe(e.prefixCache)}`);
    for (const k of ['queries', 'hits'] as const) intIn(e.prefixCache[k], `${at}.prefixCache.${k}`, 0, MAX_ID, bad);
  }
  if (e.blockCopies !== undefined) intIn(e.blockCopies, `${at}.blockCopies`, 0, MAX_ID, bad);
  if (!isObject(e.kv)) bad(`${at}.kv must be an object, got ${describe(e.kv)}`);
  const kv = e.kv as Record<string, unknown>;
  if (kv.manager !== undefined) oneOf(kv.manager, `${at}.kv.manager`, ['paged', 'contiguous'], bad);
  intIn(kv.blockSize, `${at}.kv.blockSize`, 1, LIMITS.tokensPerRequest, bad);
  const n = intIn(kv.numBlocks, `${at}.kv.numBlocks`, 0, LIMITS.tokensPerRequest, bad);
  for (const k of ['used', 'reserved', 'internal', 'external', 'free'] as const) intIn(kv[k], `${at}.kv.${k}`, 0, MAX_ID, bad);
  for (const k of ['owner', 'filled', 'reservedSlots', 'refs', 'cachedBlocks'] as const) {
    if (k !== 'owner' && k !== 'filled' && kv[k] === undefined) continue;
    const xs = intsOf(kv[k], `${at}.kv.${k}`, 0, LIMITS.tokensPerRequest, k === 'cachedBlocks' ? 0 : -1, k === 'cachedBlocks' ? 1 : 2 ** 31 - 1, bad);
    if (xs.length !== n) bad(`${at}.kv.${k} holds ${xs.length} blocks but numBlocks is ${n}`);
  }
  // Added with shared blocks; older traces lack them.
  for (const k of ['shared', 'cached'] as const) if (kv[k] !== undefined) intIn(kv[k], `${at}.kv.${k}`, 0, MAX_ID, bad);
  if (kv.sharedBy !== undefined) {
    arrayOf(kv.sharedBy, `${at}.kv.sharedBy`, 0, n, bad).forEach((pair, k) => {
      const pat = `${at}.kv.sharedBy[${k}]`;
      if (!Array.isArray(pair) || pair.length !== 2) bad(`${pat} must be [block, [request ids]], got ${describe(pair)}`);
      intIn(pair[0], `${pat}[0]`, 0, n - 1, bad);
      intsOf(pair[1], `${pat}[1]`, 1, LIMITS.batchSlots, 0, MAX_ID, bad);
    });
  }
  if (e.experts !== undefined) checkExperts(e.experts, `${at}.experts`, bad);
}

/** A mixture-of-experts record (events.ts ExpertStep): its counts and means, and a load of layers x experts when measured. */
function checkExperts(raw: unknown, at: string, bad: Bad): void {
  if (!isObject(raw)) bad(`${at} must be an object, got ${describe(raw)}`);
  const x = raw as Record<string, unknown>;
  const E = intIn(x.nExperts, `${at}.nExperts`, 1, 256, bad);
  intIn(x.topK, `${at}.topK`, 1, E, bad);
  const L = intIn(x.nLayers, `${at}.nLayers`, 1, 256, bad);
  numberIn(x.touched, `${at}.touched`, 0, E, bad);
  numberIn(x.bytes, `${at}.bytes`, 0, Infinity, bad);
  if (x.imbalance !== undefined) numberIn(x.imbalance, `${at}.imbalance`, 0, E, bad);
  if (x.load !== undefined) intsOf(x.load, `${at}.load`, E * L, E * L, 0, MAX_ID, bad);
}

/** The optional fields a replay shows as text: absent is fine (older traces), malformed is not. */
function checkReplayText(run: TraceRun, bad: Bad): void {
  if (run.modelName !== undefined && typeof run.modelName !== 'string') bad('has a modelName that is not a string');
  if (run.vocab !== undefined) {
    if (!isObject(run.vocab)) bad('has a vocab that is not an object of token id -> text');
    for (const [id, text] of Object.entries(run.vocab)) if (!/^(0|[1-9]\d{0,6})$/.test(id) || typeof text !== 'string') bad(`has a malformed vocab entry ${describe(id)}`);
  }
  if (run.prompts !== undefined) {
    if (!Array.isArray(run.prompts)) bad('has prompts that are not a list');
    for (const p of run.prompts as unknown[]) {
      if (!isObject(p) || !Number.isInteger(p.id) || (p.promptText !== undefined && typeof p.promptText !== 'string')) bad('has a malformed prompt');
      tokenIds((p as Record<string, unknown>).prompt, 'a prompt', bad);
    }
  }
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
