import { percentile } from '../../engine/serve/metrics';
import type { RunLog } from './run-log';

/**
 * Latency figures that stay true mid-run. Counting only the requests that already produced a
 * token (or finished) flatters whatever keeps requests waiting: mid-run, static batching's
 * finished requests are its short first batch, while most of its requests are still queued. So
 * every *arrived* request counts: one that is still waiting counts with its wait so far, which is
 * a lower bound of its final latency. A percentile computed that way is a lower bound of the true
 * one (raising any value never lowers an order statistic), and it is exact as soon as every value
 * it is interpolated from is known to be final (all pending bounds lie at or above them).
 */

/** One arrived request's latency: final, or its wait so far (the true value can only be larger). */
export interface LatencySample {
  ms: number;
  final: boolean;
}

export interface BoundedValue {
  ms: number;
  /** True when the final figure may turn out larger (it depends on requests still waiting). */
  lowerBound: boolean;
}

export interface LatencySoFar {
  mean: BoundedValue;
  p50: BoundedValue;
  p90: BoundedValue;
  p99: BoundedValue;
  /** Arrived requests counted. */
  count: number;
  /** Of those, requests still waiting for the event (first token, or the end). */
  pending: number;
}

export function latencySoFar(samples: readonly LatencySample[]): LatencySoFar | null {
  const n = samples.length;
  if (n === 0) return null;
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  let minPending = Infinity;
  let pending = 0;
  for (const s of samples) {
    if (s.final) continue;
    pending++;
    minPending = Math.min(minPending, s.ms);
  }
  // The k smallest true values are known exactly when at least k final values lie at or below
  // every pending bound (pending values can only grow, so they stay above them).
  let knownPrefix = 0;
  for (const s of samples) if (s.final && s.ms <= minPending) knownPrefix++;
  const at = (p: number): BoundedValue => {
    const hi = Math.ceil((p / 100) * (n - 1));
    return { ms: percentile(sorted, p), lowerBound: knownPrefix < hi + 1 };
  };
  return { mean: { ms: sorted.reduce((a, b) => a + b, 0) / n, lowerBound: pending > 0 }, p50: at(50), p90: at(90), p99: at(99), count: n, pending };
}

type Event = 'firstToken' | 'finish' | 'scheduled';

/**
 * Samples of one latency from a run's log at run time `nowMs` (the clock of its newest
 * iteration): every request that has arrived by then, measured from its arrival to the event, or
 * to `nowMs` while it is still waiting for it.
 */
export function latencySamples(log: RunLog, event: Event, nowMs: number): LatencySample[] {
  const out: LatencySample[] = [];
  for (const r of log.requests.values()) {
    const arrival = r.meta?.arrivalMs;
    if (arrival === undefined || arrival > nowMs) continue;
    const at = event === 'firstToken' ? r.firstTokenMs : event === 'finish' ? r.finishedMs : r.firstScheduledMs;
    out.push(at !== undefined ? { ms: at - arrival, final: true } : { ms: Math.max(0, nowMs - arrival), final: false });
  }
  return out;
}
