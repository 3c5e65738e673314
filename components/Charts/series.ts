import type { IterationEvent } from '../../engine/serve/events';
import { busySlots, kvWaste, sampledTokens } from '../../src/run/metrics';

export interface Series {
  key: string;
  label: string;
  x: number[];
  values: number[];
}

/** One chart's data, already downsampled for drawing. Stacked series share their x. */
export interface ChartData {
  series: Series[];
  stacked: boolean;
  xLabel: string;
  yLabel: string;
  /** Written after each y tick ('%' for shares of the pool), so the axis carries its unit. */
  unit: string;
}

export type ChartKind = 'throughput' | 'batch' | 'kv';

/** At most `max` buckets of consecutive iterations; averaging keeps rates and shares honest. */
export function bucketed(n: number, max: number): [number, number][] {
  const size = Math.max(1, Math.ceil(n / max));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i += size) out.push([i, Math.min(n, i + size)]);
  return out;
}

function sampler(events: readonly IterationEvent[], maxPoints: number) {
  const buckets = bucketed(events.length, maxPoints);
  const mean = (f: (e: IterationEvent) => number) =>
    buckets.map(([a, b]) => {
      let s = 0;
      for (let i = a; i < b; i++) s += f(events[i]);
      return s / (b - a);
    });
  // Sampled tokens over the run time they took, per bucket.
  const rate = () =>
    buckets.map(([a, b]) => {
      let tokens = 0;
      for (let i = a; i < b; i++) tokens += sampledTokens(events[i]);
      const ms = events[b - 1].endMs - events[a].startMs;
      return ms > 0 ? (1000 * tokens) / ms : 0;
    });
  return { x: buckets.map(([a, b]) => (a + b - 1) / 2 + 1), mean, rate };
}

const share = (k: 'used' | 'reserved' | 'internal' | 'external') => (e: IterationEvent) => (100 * e.kv[k]) / (e.kv.numBlocks * e.kv.blockSize || 1);

/** One lane: its throughput, its batch and queue, or its KV pool by category (stacked). */
export function chartData(kind: ChartKind, events: readonly IterationEvent[], maxPoints = 300): ChartData {
  const { x, mean, rate } = sampler(events, maxPoints);
  const s = (key: string, label: string, values: number[]): Series => ({ key, label, x, values });
  switch (kind) {
    case 'throughput':
      return { series: [s('tps', 'generated tokens/s', rate())], stacked: false, xLabel: 'iteration', yLabel: 'tokens/s', unit: '' };
    case 'batch':
      return { series: [s('busy', 'busy slots', mean(busySlots)), s('queue', 'waiting requests', mean((e) => e.queueLength))], stacked: false, xLabel: 'iteration', yLabel: 'requests', unit: '' };
    case 'kv':
      return {
        series: [s('used', 'used', mean(share('used'))), s('reserved', 'reserved', mean(share('reserved'))), s('internal', 'internal', mean(share('internal'))), s('external', 'external', mean(share('external')))],
        stacked: true,
        xLabel: 'iteration',
        yLabel: '% of KV pool',
        unit: '%',
      };
  }
}

/** Several lanes on one chart (compare mode): one line per lane of the chart's main quantity. */
export function compareChartData(kind: ChartKind, lanes: readonly { label: string; events: readonly IterationEvent[] }[], maxPoints = 300): ChartData {
  const series = lanes.map(({ label, events }) => {
    const { x, mean, rate } = sampler(events, maxPoints);
    const values = kind === 'throughput' ? rate() : kind === 'batch' ? mean(busySlots) : mean((e) => 100 * kvWaste(e.kv));
    return { key: label, label, x, values };
  });
  const yLabel = kind === 'throughput' ? 'tokens/s' : kind === 'batch' ? 'busy slots' : 'KV waste % of allocated';
  return { series, stacked: false, xLabel: 'iteration', yLabel, unit: kind === 'kv' ? '%' : '' };
}
