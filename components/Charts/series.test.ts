import { describe, expect, it } from 'vitest';
import { anyscaleContinuous, anyscaleStatic, run } from '../../stories/fixtures/hand-made';
import { bucketed, chartData, compareChartData } from './series';

describe('chart series', () => {
  it('buckets long runs into at most max points that cover every iteration', () => {
    const b = bucketed(1001, 100);
    expect(b.length).toBeLessThanOrEqual(100);
    expect(b[0][0]).toBe(0);
    expect(b[b.length - 1][1]).toBe(1001);
  });

  it('throughput counts sampled tokens over the time they took', () => {
    // Each iteration takes 10 ms; all 4 slots sample a token in iterations 0 and 1.
    const d = chartData('throughput', anyscaleStatic());
    expect(d.series[0].values.slice(0, 2)).toEqual([400, 400]);
    expect(d.series[0].values[5]).toBe(100);
  });

  it('batch occupancy counts busy slots', () => {
    expect(chartData('batch', anyscaleStatic()).series[0].values).toEqual([4, 4, 3, 2, 1, 1]);
  });

  it('averages buckets when downsampling', () => {
    const evs = run(Array.from({ length: 10 }, (_, i) => [i % 2 ? '-' : `p1@${i}`]));
    const d = chartData('batch', evs, 5);
    expect(d.series[0].x).toHaveLength(5);
    expect(d.series[0].values).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('puts one line per lane in compare mode, each over its own iterations', () => {
    const d = compareChartData('batch', [
      { label: 'static', events: anyscaleStatic() },
      { label: 'continuous', events: anyscaleContinuous() },
    ]);
    expect(d.series.map((s) => [s.label, s.x.length])).toEqual([
      ['static', 6],
      ['continuous', 5],
    ]);
  });
});
