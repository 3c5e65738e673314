import type { IterationEvent, StepBytes } from './events';
import type { AttentionPath, KvDtype, WeightDtype } from '../model/quant/formats';
import type { RequestRecord } from './request';
import { ExpertTally } from './experts';

/** Seconds. null when there is nothing to measure (e.g. TPOT when every answer is one token). */
export interface LatencyStats {
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** A latency SLO in ms, as `vllm bench serve --goodput ttft:… tpot:… e2el:…` takes it. */
export interface GoodputSlo {
  ttftMs?: number;
  tpotMs?: number;
  e2elMs?: number;
}

/**
 * A run's summary, named as vLLM names its metrics: time to first token (TTFT), time per output
 * token (TPOT, per request: (e2e - TTFT) / (output - 1)), inter-token latency (ITL, every gap),
 * end-to-end request latency (e2e) and queue time; times in seconds, shares in percent (0-100).
 * The first fields are the `batchscope run --json` contract.
 */
export interface RunSummary {
  strategy: string;
  backend: string;
  requests: number;
  completed: number;
  generatedTokens: number;
  /** From the run's start to the last request's end on the engine clock, idle gaps between arrivals included. */
  wallSeconds: number;
  /** Tokens and requests per second of busy time (iterations only): idle gaps cannot dilute them. */
  tokensPerSecond: number;
  requestsPerSecond: number;
  ttft: LatencyStats;
  tpot: LatencyStats;
  e2e: LatencyStats;
  /** Share of slot-iterations that did work (prefill or decode). */
  occupancy: number;
  /**
   * KV pool by category, averaged over iterations; wastePct = (reserved + internal + external) /
   * allocated-or-unusable, averaged; sharedPct = slots sharing saved (KvSnapshot.shared) as a share
   * of the pool, averaged (outside the five categories, which sum to 100). dtype, capacityTokens
   * (positions the pool holds) and bytesPerToken (K and V of every layer for one position, in that
   * dtype) describe the pool.
   */
  kv: { usedPct: number; reservedPct: number; internalPct: number; externalPct: number; freePct: number; wastePct: number; sharedPct: number; dtype?: KvDtype; capacityTokens?: number; bytesPerToken?: number };
  /** The matmul weights' number format. */
  weights?: WeightDtype;
  attention?: AttentionPath;
  /**
   * Bytes moved over the run by category, computed from the shapes (never measured), and per
   * token processed (prefill and decode).
   */
  traffic?: StepBytes & { total: number; perToken: number };
  iterations: number;
  kvManager: string;
  timeSource: 'measured' | 'simulated';
  itl: LatencyStats;
  queueTime: LatencyStats;
  preemptions: number;
  /** Prefill and decode tokens per second of busy time, reported apart as nano-vllm does. */
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  /** Scheduler CPU time per iteration (ms) and as a share of the iterations' time (percent). */
  schedulerMsPerIteration: number;
  schedulerPct: number;
  /** Requests per second of busy time meeting every given SLO (only when one was given). */
  goodput?: number;
  /**
   * Automatic prefix caching, in prompt tokens: vLLM's gpu_prefix_cache_hit_rate (hits / queries,
   * 0-1; 0 when nothing was looked up), the prompt tokens served from the cache, and the prefill
   * tokens the backend computed (prompts, chunks and recomputes).
   */
  prefixCache: { hitRate: number; tokensFromCache: number; tokensComputed: number };
  /** Time spent running iterations, and time with nothing to run (waiting for the next arrival): wallSeconds = busy + idle. */
  busySeconds: number;
  idleSeconds: number;
  /**
   * Mixture-of-experts models: experts per layer, experts per token, run means per iteration of
   * distinct experts touched (per layer) and expert weight bytes read, and the max/mean load of every
   * token routed in the run (null when simulated: the cost model routes nothing).
   */
  experts?: { count: number; topK: number; touchedPerStep: number; imbalance: number | null; expertBytesPerStep: number };
}

/** Linear-interpolated percentile (numpy's default) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  const x = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.ceil(x);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
}

export function latencyStats(valuesSeconds: readonly number[]): LatencyStats {
  if (valuesSeconds.length === 0) return { mean: null, p50: null, p90: null, p99: null };
  const s = [...valuesSeconds].sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99) };
}

/** Folds iteration events one at a time, so a long run need not keep them. */
export class MetricsAccumulator {
  private n = 0;
  private occupancy = 0;
  private kv = { used: 0, reserved: 0, internal: 0, external: 0, free: 0, shared: 0 };
  private cacheQueries = 0;
  private cacheHits = 0;
  private waste = 0;
  private wasteSamples = 0;
  private busyMs = 0;
  private schedulerMs = 0;
  private prefill = 0;
  private decode = 0;
  private simulated = false;
  private traffic: StepBytes | null = null;
  private experts = new ExpertTally();

  add(e: IterationEvent): void {
    this.n++;
    this.experts.add(e.experts);
    this.occupancy += e.slots.filter((s) => s.kind !== 'idle').length / e.slots.length;
    const cap = e.kv.numBlocks * e.kv.blockSize;
    for (const k of ['used', 'reserved', 'internal', 'external', 'free'] as const) this.kv[k] += e.kv[k] / cap;
    this.kv.shared += (e.kv.shared ?? 0) / cap;
    this.cacheQueries += e.prefixCache?.queries ?? 0;
    this.cacheHits += e.prefixCache?.hits ?? 0;
    const lost = e.kv.reserved + e.kv.internal + e.kv.external;
    if (e.kv.used + lost > 0) {
      this.waste += lost / (e.kv.used + lost);
      this.wasteSamples++;
    }
    this.busyMs += e.endMs - e.startMs;
    this.schedulerMs += e.schedulerMs;
    this.prefill += e.prefillTokens;
    this.decode += e.decodeTokens;
    this.simulated ||= e.timeSource === 'simulated';
    if (e.traffic) {
      this.traffic ??= { weights: 0, kvRead: 0, kvWrite: 0, activations: 0, scores: 0 };
      for (const k of Object.keys(this.traffic) as (keyof StepBytes)[]) this.traffic[k] += e.traffic[k];
    }
  }

  summary(records: readonly RequestRecord[], run: { strategy: string; backend: string; kvManager: string }, slo?: GoodputSlo): RunSummary {
    const done = records.filter((r) => r.state === 'finished');
    const s = (ms: number) => ms / 1000;
    const ttft = done.map((r) => r.tokenMs[0] - r.arrivalMs);
    // Each completion of a request is a stream of its own: TPOT and ITL per stream, TTFT and e2e per request.
    const streams: { output: number[]; tokenMs: number[]; finishMs?: number }[] = done.flatMap((r) => r.completions ?? [r]);
    const tpot = streams.filter((c) => c.output.length > 1).map((c) => (c.finishMs! - c.tokenMs[0]) / (c.output.length - 1));
    const itl = streams.flatMap((c) => c.tokenMs.slice(1).map((t, i) => t - c.tokenMs[i]));
    const e2e = done.map((r) => r.finishMs! - r.arrivalMs);
    const wallMs = done.reduce((m, r) => Math.max(m, r.finishMs!), 0);
    const generated = records.reduce((n, r) => n + (r.completions ? r.completions.reduce((m, c) => m + c.output.length, 0) : r.output.length), 0);
    // Busy time, as nano-vllm reports: a request arriving a day late must not divide the throughput by a day.
    const perSecond = (x: number) => (this.busyMs > 0 ? x / s(this.busyMs) : 0);
    const pct = (x: number) => (this.n ? (100 * x) / this.n : 0);
    const summary: RunSummary = {
      strategy: run.strategy,
      backend: run.backend,
      requests: records.length,
      completed: done.length,
      generatedTokens: generated,
      wallSeconds: s(wallMs),
      tokensPerSecond: perSecond(generated),
      requestsPerSecond: perSecond(done.length),
      ttft: latencyStats(ttft.map(s)),
      tpot: latencyStats(tpot.map(s)),
      e2e: latencyStats(e2e.map(s)),
      occupancy: pct(this.occupancy),
      kv: {
        usedPct: pct(this.kv.used),
        reservedPct: pct(this.kv.reserved),
        internalPct: pct(this.kv.internal),
        externalPct: pct(this.kv.external),
        freePct: pct(this.kv.free),
        wastePct: this.wasteSamples ? (100 * this.waste) / this.wasteSamples : 0,
        sharedPct: pct(this.kv.shared),
      },
      iterations: this.n,
      kvManager: run.kvManager,
      timeSource: this.simulated ? 'simulated' : 'measured',
      itl: latencyStats(itl.map(s)),
      queueTime: latencyStats(done.map((r) => s(r.firstScheduledMs! - r.arrivalMs))),
      preemptions: records.reduce((n, r) => n + r.preemptions, 0),
      prefillTokensPerSecond: this.busyMs ? this.prefill / s(this.busyMs) : 0,
      decodeTokensPerSecond: this.busyMs ? this.decode / s(this.busyMs) : 0,
      schedulerMsPerIteration: this.n ? this.schedulerMs / this.n : 0,
      schedulerPct: this.busyMs ? (100 * this.schedulerMs) / this.busyMs : 0,
      prefixCache: { hitRate: this.cacheQueries ? this.cacheHits / this.cacheQueries : 0, tokensFromCache: this.cacheHits, tokensComputed: this.prefill },
      busySeconds: s(this.busyMs),
      idleSeconds: s(Math.max(0, wallMs - this.busyMs)),
    };
    if (this.traffic) {
      const total = Object.values(this.traffic).reduce((a, b) => a + b, 0);
      const tokens = this.prefill + this.decode;
      summary.traffic = { ...this.traffic, total, perToken: tokens ? total / tokens : 0 };
    }
    const x = this.experts.summary();
    if (x) summary.experts = { count: x.nExperts, topK: x.topK, touchedPerStep: x.touched, imbalance: x.imbalance, expertBytesPerStep: x.bytes };
    if (slo) {
      const ok = done.filter((r, i) => {
        const rTpot = r.output.length > 1 ? (r.finishMs! - r.tokenMs[0]) / (r.output.length - 1) : 0;
        return (slo.ttftMs === undefined || ttft[i] <= slo.ttftMs) && (slo.tpotMs === undefined || rTpot <= slo.tpotMs) && (slo.e2elMs === undefined || e2e[i] <= slo.e2elMs);
      });
      summary.goodput = perSecond(ok.length);
    }
    return summary;
  }
}
