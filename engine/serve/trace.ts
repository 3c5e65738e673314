import type { ExpertStep } from './experts';
import type { IterationEvent, SlotRecord } from './events';
import type { RequestRecord } from './request';
import { kvToJson } from './kv-json';

/** One served run, as traces and replays carry it. */
export interface TraceRun {
  /** e.g. "continuous · paged · cpu". */
  label: string;
  strategy: string;
  backend: string;
  kvManager: string;
  events: IterationEvent[];
  requests: RequestRecord[];
  /** The model that served it; replays fall back to the label (traces written before it existed). */
  modelName?: string;
  /**
   * Text of only the token ids the prompts and outputs use: the whole vocabulary would outweigh a
   * short trace. Absent when the run has no text to show (a simulated run computes no tokens).
   */
  vocab?: Record<number, string>;
  /** The prompts, which RequestRecord keeps only as a length, so a replay can show them. */
  prompts?: TracePrompt[];
}

export interface TracePrompt {
  id: number;
  /** Prompt token ids, BOS included. */
  prompt: number[];
  promptText?: string;
}

/** The sparse vocabulary of a run: `text` of every token id its prompts and outputs use, where known. */
export function sparseVocab(run: Pick<TraceRun, 'requests' | 'prompts'>, text: (id: number) => string | undefined): Record<number, string> {
  const ids = new Set<number>();
  for (const r of run.requests) for (const t of r.output) ids.add(t);
  for (const p of run.prompts ?? []) for (const t of p.prompt) ids.add(t);
  const vocab: Record<number, string> = {};
  for (const id of [...ids].sort((a, b) => a - b)) {
    const t = text(id);
    if (t !== undefined) vocab[id] = t;
  }
  return vocab;
}

/** A Chrome Trace Event. Key order matters to Perfetto's JSON tokenizer: ts before any array. */
export interface TraceEvent {
  name: string;
  cat?: string;
  ph: 'X' | 'b' | 'e' | 'C' | 'M';
  ts?: number;
  dur?: number;
  pid: number;
  tid?: number;
  /**
   * Async span id, scoped to the process. A plain `id` is global in Perfetto's JSON importer (its
   * track is keyed by category and id alone), so request 0 of two runs in one trace would share a
   * track and their overlapping spans would nest into each other.
   */
  id2?: { local: string };
  args?: Record<string, unknown>;
}

export const TRACE_FORMAT = 'batchscope-trace';

const us = (ms: number) => Math.round(ms * 1000 * 1000) / 1000;

/**
 * Chrome Trace Event Format JSON (the object form) that Perfetto and chrome://tracing open:
 * per run a process (M process_name), one thread per batch slot (M thread_name) holding one
 * complete (X) event per iteration in which the slot was not empty, an async span per request
 * (b/e with the request id, local to the run's process: the whole request, and nested inside it queued / prefill / decode
 * phases, which may overlap across requests and so cannot be X events on one thread), and
 * counters (C) for slot occupancy, the KV pool by category and tokens/s. Times are microseconds
 * on the engine clock. The runs themselves follow under the top-level key "batchscope", after
 * "traceEvents" (Perfetto stops reading at an unknown key, so it must come last), which is what
 * `parseTrace` reads back to replay a run without any backend.
 */
export function exportChromeTrace(runs: readonly TraceRun[]): string {
  const traceEvents: TraceEvent[] = [];
  runs.forEach((run, r) => {
    const pid = r + 1;
    const simulated = run.events.some((e) => e.timeSource === 'simulated');
    traceEvents.push(meta('process_name', pid, undefined, { name: `${run.label}${simulated ? ' (simulated)' : ''}` }));
    traceEvents.push(meta('process_sort_index', pid, undefined, { sort_index: r }));
    const slots = run.events.reduce((m, e) => Math.max(m, e.slots.length), 0);
    for (let s = 0; s < slots; s++) {
      traceEvents.push(meta('thread_name', pid, s + 1, { name: `slot ${s}` }));
      traceEvents.push(meta('thread_sort_index', pid, s + 1, { sort_index: s }));
    }
    const cache = { queries: 0, hits: 0 };
    for (const e of run.events) {
      for (const s of e.slots) if (s.requestId !== null) traceEvents.push(slotEvent(e, s, pid));
      traceEvents.push(...counters(e, pid));
      traceEvents.push(...sharingCounters(e, pid, cache));
    }
    for (const req of run.requests) traceEvents.push(...requestSpans(req, run.events, pid));
  });
  const payload = { format: TRACE_FORMAT, version: 1, runs: runs.map(plainRun) };
  // traceEvents first and the replay payload last: see above.
  // displayTimeUnit after traceEvents too: older Perfetto importers know only traceEvents before it.
  return `{"traceEvents":[\n${traceEvents.map((t) => JSON.stringify(t)).join(',\n')}\n],"displayTimeUnit":"ms","batchscope":${JSON.stringify(payload)}}\n`;
}

function meta(name: string, pid: number, tid: number | undefined, args: Record<string, unknown>): TraceEvent {
  return tid === undefined ? { name, ph: 'M', pid, args } : { name, ph: 'M', pid, tid, args };
}

function slotEvent(e: IterationEvent, s: SlotRecord, pid: number): TraceEvent {
  const name = s.kind === 'idle' ? `idle (${s.idleReason})` : s.finished ? `${s.kind} (end)` : s.kind;
  const args: Record<string, unknown> = { request: s.requestId, iteration: e.index, tokens: s.tokenCount };
  if (s.startPos !== undefined) args.startPos = s.startPos;
  if (s.completion !== undefined) args.completion = s.completion;
  if (s.cachedTokens) args.cachedTokens = s.cachedTokens;
  if (s.forkedTokens) args.forkedTokens = s.forkedTokens;
  if (s.outputToken >= 0) args.outputToken = s.outputToken;
  return { name, cat: s.kind, ph: 'X', ts: us(e.startMs), dur: us(e.endMs) - us(e.startMs), pid, tid: s.slot + 1, args };
}

function counters(e: IterationEvent, pid: number): TraceEvent[] {
  const ts = us(e.startMs);
  const active = e.slots.filter((s) => s.kind !== 'idle').length;
  const seconds = (e.endMs - e.startMs) / 1000;
  const { used, reserved, internal, external, free } = e.kv;
  return [
    { name: 'batch', ph: 'C', ts, pid, args: { active, idle: e.slots.length - active, queued: e.queueLength } },
    { name: 'KV cache (token slots)', ph: 'C', ts, pid, args: { used, reserved, internal, external, free } },
    { name: 'KV cache (blocks)', ph: 'C', ts, pid, args: kvBlockCounts(e) },
    { name: 'tokens/s', ph: 'C', ts, pid, args: { prefill: seconds > 0 ? e.prefillTokens / seconds : 0, decode: seconds > 0 ? e.decodeTokens / seconds : 0 } },
    ...(e.experts ? expertCounters(e.experts, ts, pid) : []),
  ];
}

/**
 * Block sharing, when the run has any: the prefix cache's hit rate so far (vLLM's
 * gpu_prefix_cache_hit_rate, over prompt tokens) with its hits and queries, and the blocks held by
 * more than one sequence with the token slots that saves.
 */
function sharingCounters(e: IterationEvent, pid: number, cache: { queries: number; hits: number }): TraceEvent[] {
  const ts = us(e.startMs);
  const out: TraceEvent[] = [];
  if (e.prefixCache) {
    cache.queries += e.prefixCache.queries;
    cache.hits += e.prefixCache.hits;
    out.push({ name: 'prefix cache', ph: 'C', ts, pid, args: { hitRate: cache.queries ? cache.hits / cache.queries : 0, hits: e.prefixCache.hits, queries: e.prefixCache.queries } });
  }
  if (e.kv.refs) {
    let blocks = 0;
    for (const r of e.kv.refs) if (r > 1) blocks++;
    out.push({ name: 'shared KV blocks', ph: 'C', ts, pid, args: { blocks, savedSlots: e.kv.shared ?? 0, cachedFreeSlots: e.kv.cached ?? 0 } });
  }
  return out;
}

/** MoE: experts touched (mean per layer), expert weights read, and max/mean load when measured. */
function expertCounters(x: ExpertStep, ts: number, pid: number): TraceEvent[] {
  const out: TraceEvent[] = [
    { name: 'experts touched (per layer)', ph: 'C', ts, pid, args: { touched: x.touched, of: x.nExperts } },
    { name: 'expert weights read (KiB)', ph: 'C', ts, pid, args: { read: x.bytes / 1024 } },
  ];
  if (x.imbalance !== undefined) out.push({ name: 'expert imbalance (max/mean)', ph: 'C', ts, pid, args: { imbalance: x.imbalance } });
  return out;
}

/** Physical blocks held by requests, free but stranded in gaps too small to use (external), and free. */
function kvBlockCounts(e: IterationEvent): { allocated: number; external: number; free: number } {
  let allocated = 0;
  for (const o of e.kv.owner) if (o >= 0) allocated++;
  const external = e.kv.external / e.kv.blockSize;
  return { allocated, external, free: e.kv.numBlocks - allocated - external };
}

type Phase = 'queued' | 'prefill' | 'decode';

/** The request's whole life as an async span, with its phases nested inside in time order. */
function requestSpans(req: RequestRecord, events: readonly IterationEvent[], pid: number): TraceEvent[] {
  if (req.finishMs === undefined) return [];
  const phases: { phase: Phase; from: number }[] = [{ phase: 'queued', from: req.arrivalMs }];
  const enter = (phase: Phase, at: number) => {
    if (phases[phases.length - 1].phase !== phase) phases.push({ phase, from: at });
  };
  for (const e of events) {
    if (e.startMs > req.finishMs) break;
    const s = e.slots.find((x) => x.requestId === req.id);
    if (!s) continue;
    if (s.kind === 'prefill' || s.kind === 'decode') enter(s.kind, e.startMs);
    else if (s.idleReason === 'preempted') enter('queued', e.startMs);
  }
  const cat = 'request';
  const id2 = { local: String(req.id) };
  const out: TraceEvent[] = [{ name: `request ${req.id}`, cat, ph: 'b', ts: us(req.arrivalMs), pid, id2, args: { promptTokens: req.promptTokens, outputTokens: req.output.length, preemptions: req.preemptions } }];
  phases.forEach((p, i) => {
    const to = i + 1 < phases.length ? phases[i + 1].from : req.finishMs!;
    if (to <= p.from && p.phase === 'queued') return; // admitted on arrival: no queue time to show
    out.push({ name: p.phase, cat, ph: 'b', ts: us(p.from), pid, id2 });
    out.push({ name: p.phase, cat, ph: 'e', ts: us(to), pid, id2 });
  });
  out.push({ name: `request ${req.id}`, cat, ph: 'e', ts: us(req.finishMs), pid, id2 });
  return out;
}

/** Typed arrays become plain arrays so the run survives JSON. */
function plainRun(run: TraceRun): TraceRun {
  return { ...run, events: run.events.map((e) => ({ ...e, kv: kvToJson(e.kv), ...(e.experts?.load ? { experts: { ...e.experts, load: Array.from(e.experts.load) } } : {}) })) as unknown as IterationEvent[] };
}
