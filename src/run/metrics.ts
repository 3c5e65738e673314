import type { IterationEvent, KvSnapshot } from '../../engine/serve/events';
import { percentile } from '../../engine/serve/metrics';
import { summarizeExperts, type ExpertSummary } from '../../engine/serve/experts';
import { latencySamples, latencySoFar, type LatencySoFar } from './latency';
import type { RunLog } from './run-log';

export interface Percentiles {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  count: number;
}

export interface RunSummary {
  iterations: number;
  generatedTokens: number;
  promptTokens: number;
  completed: number;
  /** Seconds on the run's clock (busy time, from its start to the last iteration's end). */
  seconds: number;
  tokensPerSecond: number;
  /** Over the last `window` ms of the run clock: what the engine does now. */
  liveTokensPerSecond: number;
  requestsPerSecond: number;
  /** Over every arrived request; one still waiting counts with its wait so far (src/run/latency.ts). */
  ttft: LatencySoFar | null;
  /** Over finished requests only (a request's TPOT is unknown until it ends); `count` says how many. */
  tpot: Percentiles | null;
  e2e: LatencySoFar | null;
  queue: LatencySoFar | null;
  /** Evictions for lack of KV memory (a request evicted twice counts twice). */
  preemptions: number;
  /** Token positions computed again: re-prefills after preemption or a move to a new backend. */
  recomputedTokens: number;
  /** Mean fraction of slots doing work per iteration. */
  occupancy: number;
  /** Mean KV waste (reserved + internal + external over allocated), as the vLLM paper reports it. */
  wastePct: number;
  timeSource: 'measured' | 'simulated';
  /**
   * Automatic prefix caching so far, in prompt tokens (vLLM's counters): looked up at admission,
   * served from the cache, and computed by the model (every prefill token, recomputes included).
   * Null while no iteration ran with caching on.
   */
  prefixCache: { queries: number; hits: number; computed: number; hitRate: number } | null;
  /** KV token slots sharing saves now (the newest snapshot), and that as a share of what the sequences hold. */
  sharedSlots: number;
  sharedPct: number;
  /** Mixture-of-experts runs: experts touched and expert bytes per iteration (run means), max/mean load of the run's tokens; null otherwise. */
  experts?: ExpertSummary | null;
}

/** Interpolated percentiles, exactly as the engine's metrics (and the CLI) compute them. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), count: s.length };
}

/** Tokens the iteration sampled (a non-final prefill chunk samples none). */
export const sampledTokens = (ev: IterationEvent): number => ev.slots.reduce((n, s) => n + (s.kind !== 'idle' && s.outputToken >= 0 ? 1 : 0), 0);

export const busySlots = (ev: IterationEvent): number => ev.slots.reduce((n, s) => n + (s.kind === 'idle' ? 0 : 1), 0);

/** Waste share of the allocated KV memory: 0 when nothing is allocated. */
export function kvWaste(kv: KvSnapshot): number {
  const allocated = kv.used + kv.reserved + kv.internal + kv.external;
  return allocated === 0 ? 0 : (kv.reserved + kv.internal + kv.external) / allocated;
}

export function summarize(log: RunLog, windowMs = 1000): RunSummary {
  const evs = log.events;
  const last = evs[evs.length - 1];
  let generated = 0;
  let prompt = 0;
  let occupancy = 0;
  let waste = 0;
  let wasteSamples = 0;
  let cache: { queries: number; hits: number } | null = null;
  for (const ev of evs) {
    generated += sampledTokens(ev);
    prompt += ev.prefillTokens;
    if (ev.prefixCache) {
      cache ??= { queries: 0, hits: 0 };
      cache.queries += ev.prefixCache.queries;
      cache.hits += ev.prefixCache.hits;
    }
    occupancy += ev.slots.length ? busySlots(ev) / ev.slots.length : 0;
    // Like the engine's metrics: iterations with nothing allocated say nothing about waste.
    if (ev.kv.used + ev.kv.reserved + ev.kv.internal + ev.kv.external > 0) {
      waste += kvWaste(ev.kv);
      wasteSamples++;
    }
  }
  // The engine's clock starts at 0 when the run starts; requests may arrive later.
  const seconds = last ? Math.max(0, last.endMs) / 1000 : 0;
  const tpot: number[] = [];
  let completed = 0;
  let preemptions = 0;
  let recomputed = 0;
  for (const r of log.requests.values()) {
    if (r.finishedMs !== undefined) completed++;
    preemptions += r.preemptions;
    recomputed += r.computed - (r.reached - r.served);
    if (r.finishedMs !== undefined && r.firstTokenMs !== undefined && r.output.length > 1) {
      tpot.push((r.finishedMs - r.firstTokenMs) / (r.output.length - 1));
    }
  }
  const now = last?.endMs ?? 0;
  return {
    iterations: evs.length,
    generatedTokens: generated,
    promptTokens: prompt,
    completed,
    seconds,
    tokensPerSecond: seconds > 0 ? generated / seconds : 0,
    liveTokensPerSecond: liveRate(evs, windowMs),
    requestsPerSecond: seconds > 0 ? completed / seconds : 0,
    ttft: last ? latencySoFar(latencySamples(log, 'firstToken', now)) : null,
    tpot: percentiles(tpot),
    e2e: last ? latencySoFar(latencySamples(log, 'finish', now)) : null,
    queue: last ? latencySoFar(latencySamples(log, 'scheduled', now)) : null,
    preemptions,
    recomputedTokens: recomputed,
    occupancy: evs.length ? occupancy / evs.length : 0,
    wastePct: wasteSamples ? (100 * waste) / wasteSamples : 0,
    timeSource: last?.timeSource ?? 'measured',
    prefixCache: cache && { ...cache, computed: prompt, hitRate: cache.queries ? cache.hits / cache.queries : 0 },
    sharedSlots: last?.kv.shared ?? 0,
    sharedPct: last && last.kv.shared ? (100 * last.kv.shared) / (last.kv.used + last.kv.shared) : 0,
    experts: summarizeExperts(evs),
  };
}

/** Sampled tokens per second over the trailing window of the run clock (at least 4 iterations). */
export function liveRate(evs: readonly IterationEvent[], windowMs: number): number {
  if (evs.length === 0) return 0;
  const end = evs[evs.length - 1].endMs;
  let tokens = 0;
  let i = evs.length - 1;
  for (; i >= 0; i--) {
    tokens += sampledTokens(evs[i]);
    if (end - evs[i].startMs >= windowMs && evs.length - i >= 4) break;
  }
  const start = evs[Math.max(0, i)].startMs;
  return end > start ? (1000 * tokens) / (end - start) : 0;
}
