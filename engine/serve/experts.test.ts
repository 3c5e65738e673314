import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../model/config';
import { expertWeightBytes } from '../model/weights';
import { expectedExpertStep, expectedTouched, expertStep, stepWeightBytes, summarizeExperts } from './experts';

const moe: ModelConfig = { dim: 8, hiddenDim: 4, nLayers: 2, nHeads: 2, nKvHeads: 1, vocabSize: 16, seqLen: 32, sharedClassifier: true, moe: { nExperts: 4, topK: 2 } };
const dense: ModelConfig = { ...moe, moe: undefined };

describe('expert records', () => {
  it('counts distinct experts per layer, bytes for each one woken, and max/mean load from the routing', () => {
    // Layer 0: 3 tokens x top 2 = 6 slots on experts 0, 1, 2; layer 1: all 6 on experts 3 and 0.
    const r = expertStep(moe, Int32Array.from([2, 2, 2, 0, 1, 0, 0, 5]));
    expect(r.touched).toBe((3 + 2) / 2);
    expect(r.bytes).toBe(5 * expertWeightBytes(moe));
    // max/mean: layer 0 is 2 / 1.5, layer 1 is 5 / 1.5.
    expect(r.imbalance).toBeCloseTo((2 / 1.5 + 5 / 1.5) / 2, 12);
    expect(Array.from(r.load!)).toEqual([2, 2, 2, 0, 1, 0, 0, 5]);
  });

  it('calls a perfectly even load 1 and an empty layer even', () => {
    expect(expertStep(moe, Int32Array.from([3, 3, 3, 3, 0, 0, 0, 0])).imbalance).toBe(1);
  });

  it('expects k experts for one token, at most E, and more with every extra token', () => {
    expect(expectedTouched(8, 2, 0)).toBe(0);
    expect(expectedTouched(8, 2, 1)).toBeCloseTo(2, 12);
    let prev = 0;
    for (let t = 1; t <= 64; t++) {
      const x = expectedTouched(8, 2, t);
      expect(x).toBeGreaterThan(prev);
      expect(x).toBeLessThanOrEqual(8);
      prev = x;
    }
    // Top-k of all E always touches them all.
    expect(expectedTouched(4, 4, 1)).toBe(4);
  });

  it('gives the cost model a record with no load and no imbalance (nothing is routed)', () => {
    const r = expectedExpertStep(moe, 3, 2);
    expect(r.load).toBeUndefined();
    expect(r.imbalance).toBeUndefined();
    expect(r.bytes).toBeCloseTo(moe.nLayers * expectedTouched(4, 2, 3) * expertWeightBytes(moe, 2), 9);
  });

  it('averages touched and bytes over iterations, counts imbalance over every token routed, and leaves it null when simulated', () => {
    const a = expertStep(moe, Int32Array.from([2, 0, 0, 0, 0, 2, 0, 0]));
    const b = expertStep(moe, Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1]));
    const s = summarizeExperts([{ experts: a }, {}, { experts: b }])!;
    expect(s).toMatchObject({ nExperts: 4, topK: 2, nLayers: 2, iterations: 2 });
    expect(s.touched).toBe((1 + 4) / 2);
    // Run load: layer 0 is [3, 1, 1, 1] (max 3 / mean 1.5), layer 1 is [1, 3, 1, 1], the same.
    expect(s.imbalance).toBeCloseTo(2, 12);
    expect(summarizeExperts([{}])).toBeNull();
    expect(summarizeExperts([{ experts: expectedExpertStep(moe, 2, 4) }])!.imbalance).toBeNull();
  });

  it("gives the same run imbalance however a run's tokens were grouped into iterations", () => {
    // The bug this pins: a per-iteration mean called a one-token step 4.0 (k/E) whatever the router
    // did, so the same requests scheduled into different batch sizes gave different figures.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (picks, group) => {
        // Each token routes to two distinct experts in both layers.
        const tokens = picks.map(([x, y]) => [x, (x + 1 + (y % 3)) % 4]);
        const stepOf = (ts: number[][]) => {
          const load = new Int32Array(8);
          for (const [x, y] of ts) for (const l of [0, 1]) (load[l * 4 + x]++, load[l * 4 + y]++);
          return { experts: expertStep(moe, load) };
        };
        const one = summarizeExperts([stepOf(tokens)])!.imbalance!;
        const steps = [];
        for (let i = 0; i < tokens.length; i += group) steps.push(stepOf(tokens.slice(i, i + group)));
        expect(summarizeExperts(steps)!.imbalance).toBeCloseTo(one, 12);
      }),
    );
  });

  it("reads a dense model's whole FFN at every step, an MoE's only for the experts it woke", () => {
    const one = expertStep(moe, Int32Array.from([1, 1, 0, 0, 1, 1, 0, 0]));
    const all = expertStep(moe, Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1]));
    expect(stepWeightBytes(moe, all) - stepWeightBytes(moe, one)).toBe(4 * expertWeightBytes(moe));
    // The router (L x E x dim) is the only other difference from the dense shape.
    expect(stepWeightBytes(moe, all) - stepWeightBytes(dense)).toBe(4 * moe.nLayers * 4 * moe.dim + (8 - moe.nLayers) * expertWeightBytes(moe));
  });
});
