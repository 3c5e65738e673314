import { describe, expect, it } from 'vitest';
import { contextCurve, curveSpan, polyline } from './context-curve';
import { TINY } from './testing';

describe('contextCurve', () => {
  const f32 = { weights: 'f32', kv: 'f32', attention: 'fused' } as const;

  it('grows linearly on the fused path and quadratically on the unfused one', () => {
    const curve = contextCurve(TINY, f32, 512, undefined, 8);
    expect(curve.map((p) => p.n)).toEqual([64, 128, 192, 256, 320, 384, 448, 512]);
    const at = (n: number) => curve.find((p) => p.n === n)!;
    // Second differences over equal steps of n (h = 64): zero for a line; for the unfused path the
    // score matrix's, 4 passes x layers x heads x h^2 floats of 4 bytes, at every n.
    const d2 = (k: 'fused' | 'unfused', n: number) => at(n + 128)[k] - 2 * at(n + 64)[k] + at(n)[k];
    for (const n of [64, 256, 384]) {
      expect(d2('fused', n)).toBeCloseTo(0, 3);
      expect(d2('unfused', n)).toBe(4 * TINY.nLayers * TINY.nHeads * 64 * 64 * 4);
    }
    // The score matrix alone is 4 passes x layers x heads x n(n+1)/2 floats of 4 bytes.
    const scores = (n: number) => 4 * TINY.nLayers * TINY.nHeads * ((n * (n + 1)) / 2) * 4;
    expect(at(512).unfused - at(512).fused).toBeGreaterThan(scores(512) * 0.99);
    expect(at(512).unfused / at(512).fused).toBeGreaterThan(4); // the whole step: weights and FFN activations included
  });

  it('spans the model context, and 32k positions for a simulated model', () => {
    expect(curveSpan(TINY, false)).toBe(512);
    expect(curveSpan({ ...TINY, seqLen: 2048 }, true)).toBe(32768);
  });

  it('draws from the origin, with the largest value at the top of the box', () => {
    const curve = contextCurve(TINY, f32, 512, undefined, 4);
    const scale = curve[3].unfused;
    const pts = polyline(curve, 'unfused', 100, 40, scale).split(' ');
    expect(pts[0]).toBe('0,40');
    expect(pts[4]).toBe('100.0,0.00');
  });
});
