import type { RunSummary } from '../../src/run/metrics';
import type { CompareAxis } from '../../src/run/compare';
import { fmtMs, fmtPct, fmtRatio } from '../Metrics/format';

/** Latency and iteration counts compare whole workloads only. */
export const PENDING = 'once both finish';

export interface LaneFigures {
  summary: RunSummary;
  /** Requests in the workload (to know when the lane is done). */
  total: number;
  /** Batch slots of the lane (occupancy x slots = mean busy slots). */
  slots: number;
}

export interface RatioCell {
  key: string;
  label: string;
  hint: string;
  text: string;
  pending: boolean;
  /** The two lanes' raw values, for tests and screen readers. */
  a?: number;
  b?: number;
}

const done = (l: LaneFigures) => l.summary.completed > 0 && l.summary.completed === l.total;

/**
 * The cells of the ratio row for a comparison, second run against the first. Throughput is
 * compared as it goes; figures over whole workloads (latency percentiles, iterations) only once
 * both lanes have served every request, so a cell never inverts when the runs finish. Run
 * averages are named as such.
 */
export function ratioCells(axis: CompareAxis, a: LaneFigures, b: LaneFigures): RatioCell[] {
  const sa = a.summary;
  const sb = b.summary;
  const both = done(a) && done(b);
  const cells: RatioCell[] = [
    { key: 'throughput', label: 'throughput', hint: "The second run's generated tokens per second divided by the first's, each on its own clock.", text: fmtRatio(sb.tokensPerSecond, sa.tokensPerSecond), pending: false, a: sa.tokensPerSecond, b: sb.tokensPerSecond },
  ];
  const lower = (x: number, y: number) => (x >= y ? `${fmtRatio(x, y)} lower` : `${fmtRatio(y, x)} higher`);
  const whole = (key: string, label: string, hint: string, x: number | undefined, y: number | undefined, text: (x: number, y: number) => string): RatioCell =>
    both && x !== undefined && y !== undefined ? { key, label, hint, text: text(x, y), pending: false, a: x, b: y } : { key, label, hint, text: PENDING, pending: true };
  const arrow = (fmt: (v: number) => string) => (x: number, y: number) => `${fmt(x)} → ${fmt(y)}`;
  const busy = (l: LaneFigures) => l.summary.occupancy * l.slots;
  const waste: RatioCell = { key: 'waste', label: 'KV waste (run average)', hint: 'Reserved + internal + external fragmentation as a share of allocated KV memory, averaged over iterations so far: first run → second.', text: arrow(fmtPct)(sa.wastePct, sb.wastePct), pending: false, a: sa.wastePct, b: sb.wastePct };
  const slots: RatioCell = { key: 'busy', label: 'busy slots (run average)', hint: 'Slots doing work per iteration, averaged over iterations so far: first run → second.', text: `${busy(a).toFixed(1)} → ${busy(b).toFixed(1)} of ${b.slots}`, pending: false, a: busy(a), b: busy(b) };
  switch (axis) {
    case 'strategy':
      return [
        ...cells,
        whole('latency', 'p50 latency', "Median end-to-end request latency, the first run's against the second's, once both have served every request.", sa.e2e?.p50.ms, sb.e2e?.p50.ms, lower),
        whole('iterations', 'iterations', 'Iterations the first run needed for the whole workload, divided by the second run’s.', sa.iterations, sb.iterations, (x, y) => `${fmtRatio(x, y)} fewer`),
      ];
    case 'kv':
    case 'blockSize':
    case 'kvCapacity':
    case 'maxNumSeqs':
      return [...cells, waste, slots];
    case 'kvDtype':
      // The same bytes hold more tokens: more requests at once, fewer evicted.
      return [...cells, slots, { key: 'preempt', label: 'preemptions', hint: 'Requests evicted for lack of KV memory so far: first run → second.', text: `${sa.preemptions} → ${sb.preemptions}`, pending: false, a: sa.preemptions, b: sb.preemptions }];
    case 'weights':
    case 'attention':
      // Fewer bytes per step: the step time (and so latency) is what moves, on a memory-bound device.
      return [...cells, whole('latency', 'p50 latency', "Median end-to-end request latency, the first run's against the second's, once both have served every request.", sa.e2e?.p50.ms, sb.e2e?.p50.ms, lower)];
    case 'prefixCaching':
      return [
        ...cells,
        { key: 'prefill', label: 'prompt tokens computed', hint: 'Prefill tokens the model computed so far: first run → second. The cache serves the rest.', text: `${sa.promptTokens} → ${sb.promptTokens}`, pending: false, a: sa.promptTokens, b: sb.promptTokens },
        whole('ttft', 'TTFT p50', 'Time to first token, median: first run → second, once both finish.', sa.ttft?.p50.ms, sb.ttft?.p50.ms, arrow(fmtMs)),
      ];
    case 'chunkedPrefill':
      return [
        ...cells,
        whole('tpot', 'TPOT p99', 'Time per output token, 99th percentile over requests: first run → second, once both finish.', sa.tpot?.p99, sb.tpot?.p99, arrow(fmtMs)),
        whole('ttft', 'TTFT p50', 'Time to first token, median: first run → second, once both finish.', sa.ttft?.p50.ms, sb.ttft?.p50.ms, arrow(fmtMs)),
      ];
    case 'model': {
      const ea = sa.experts;
      const eb = sb.experts;
      const fmt = (v: number | null | undefined, f: (v: number) => string) => (v == null ? 'dense' : f(v));
      return [
        ...cells,
        { key: 'imbalance', label: 'expert max/mean (whole run)', hint: 'Tokens routed so far to the busiest expert over the mean per expert, per layer (1 = even; a dense model has no experts): first run → second.', text: `${fmt(ea?.imbalance, (v) => v.toFixed(2))} → ${fmt(eb?.imbalance, (v) => v.toFixed(2))}`, pending: false, a: ea?.imbalance ?? undefined, b: eb?.imbalance ?? undefined },
        { key: 'touched', label: 'experts touched (run average)', hint: 'Distinct experts run per layer per iteration, averaged so far: first run → second.', text: `${fmt(ea?.touched, (v) => v.toFixed(1))} → ${fmt(eb?.touched, (v) => v.toFixed(1))}`, pending: false, a: ea?.touched, b: eb?.touched },
      ];
    }
  }
}
