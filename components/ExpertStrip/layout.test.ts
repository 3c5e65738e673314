import { describe, expect, it } from 'vitest';
import type { IterationEvent } from '../../engine/serve/events';
import { stripLayout } from './layout';
import { summarizeExperts } from '../../engine/serve/experts';

const ev = (index: number, load?: number[]) => ({ index, ...(load ? { experts: { nExperts: 3, topK: 1, nLayers: 2, load, touched: 0, bytes: 100 * index, imbalance: 1 + index } } : {}) }) as unknown as IterationEvent;

describe('expert heat strip layout', () => {
  const events = [ev(0, [2, 0, 0, 1, 1, 0]), ev(1), ev(2, [0, 1, 1, 0, 0, 2]), ev(3, [3, 0, 0, 0, 3, 0])];

  it('takes the newest iterations with a routing record, oldest first, one layer or all summed', () => {
    const one = stripLayout(events, 1, 10)!;
    expect(one.columns.map((c) => c.iteration)).toEqual([0, 2, 3]);
    expect(one.columns.map((c) => c.load)).toEqual([[1, 1, 0], [0, 0, 2], [0, 3, 0]]);
    expect(one.columns.map((c) => c.touched)).toEqual([2, 1, 1]);
    expect(one.columns[2].imbalance).toBe(3); // 3 tokens on one of 3 experts: max 3 / mean 1
    const all = stripLayout(events, 'all', 2)!;
    expect(all.columns.map((c) => c.iteration)).toEqual([2, 3]);
    expect(all.columns[1].load).toEqual([3, 3, 0]);
  });

  it('is empty for a dense (or simulated) run, and the run means skip iterations without a record', () => {
    expect(stripLayout([ev(0), ev(1)], 'all', 5)).toBeNull();
    const s = summarizeExperts(events)!;
    expect(s.iterations).toBe(3);
    expect(s.bytes).toBeCloseTo((0 + 200 + 300) / 3, 10);
    // Every token of the run: layer 0 [5, 1, 1] and layer 1 [4, 1, 2], max over a mean of 7/3.
    expect(s.imbalance).toBeCloseTo((15 / 7 + 12 / 7) / 2, 10);
    expect(summarizeExperts([ev(0)])).toBeNull();
  });
});
