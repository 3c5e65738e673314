import { describe, expect, it } from 'vitest';
import { barSegments, stepSeqs, summarizeTraffic } from './summary';
import { trafficEvent as event, TINY as c } from './testing';

describe('the memory-traffic summary', () => {
  const f32 = { weights: 'f32', kv: 'f32', attention: 'fused' } as const;

  it('shows the latest step and sums the run, per token', () => {
    const evs = [event(0, f32, [10, 20]), event(1, f32, [11, 21, 5])];
    const s = summarizeTraffic(evs, c);
    expect(s.latest).toMatchObject({ index: 1, tokens: 3, stepMs: 2, timeSource: 'measured' });
    expect(s.run.tokens).toBe(5);
    expect(s.run.total).toBeCloseTo(summarizeTraffic([evs[0]]).latest!.total + s.latest!.total, 3);
    // Kernel by kernel from the step's slots: the same bytes the engine recorded.
    expect(s.kernels.reduce((n, k) => n + k.read + k.written, 0)).toBeCloseTo(s.latest!.total, 3);
    expect(stepSeqs(evs[1])).toEqual([{ tokens: 1, startPos: 11, logitRows: 1 }, { tokens: 1, startPos: 21, logitRows: 1 }, { tokens: 1, startPos: 5, logitRows: 1 }]);
  });

  it('says what each technique saves: on, from the bytes moved; off, what it would save', () => {
    const off = summarizeTraffic([event(0, f32, [300, 300])], c).techniques;
    expect(off.map((t) => [t.id, t.on])).toEqual([['weights', false], ['kv', false], ['attention', true]]);
    const on = summarizeTraffic([event(0, { weights: 'int8', kv: 'int8', attention: 'unfused' }, [300, 300])], c).techniques;
    // The bytes int8 removes equal what f32 would have moved more: the same step, both ways.
    expect(on[0].saves).toBeCloseTo(off[0].saves, -3);
    expect(on[1].saves).toBeCloseTo(off[1].saves, 0);
    expect(on[2]).toMatchObject({ id: 'attention', on: false });
    expect(on[2].saves).toBeCloseTo(off[2].saves, 6);
    expect(off[2].saves).toBe(4 * 4 * c.nLayers * c.nHeads * 2 * 301);
    expect(summarizeTraffic([event(0, f32, [3])]).techniques).toEqual([]);
  });

  it('lays out a stacked bar in category order, leaving out empty categories', () => {
    const segs = barSegments({ weights: 60, kvRead: 30, kvWrite: 0, activations: 10, scores: 0 }, 200);
    expect(segs.map((s) => [s.category, s.x, s.width])).toEqual([['weights', 0, 120], ['kvRead', 120, 60], ['activations', 180, 20]]);
    expect(barSegments({ weights: 0, kvRead: 0, kvWrite: 0, activations: 0, scores: 0 }, 100)).toEqual([]);
  });
});
