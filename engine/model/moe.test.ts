import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CpuBackend } from '../backend/cpu';
import type { SequenceStep } from '../backend/types';
import { maxAbsDiff, randomModel } from '../backend/webgpu/testing/random';
import type { ModelConfig } from './config';
import { groupByExpert, routeTokens } from './moe';
import type { Model } from './weights';

describe('token-choice routing', () => {
  it('takes the k largest logits, best first, ties to the lower expert, weights a softmax over them', () => {
    const logits = [0.5, 2, -1, 2, 1.5, /* token 1 */ 3, 3, 3, 3, 3];
    const experts = new Int32Array(4);
    const weights = new Float32Array(4);
    routeTokens(logits, 2, 5, 2, experts, weights);
    expect([...experts]).toEqual([1, 3, 0, 1]);
    expect(weights[0]).toBeCloseTo(0.5, 7);
    expect(weights[2]).toBeCloseTo(0.5, 7);
    const one = new Float32Array(2);
    routeTokens([0, 1, 2], 1, 3, 2, new Int32Array(2), one);
    expect(one[0]).toBeCloseTo(Math.E / (1 + Math.E), 6); // renormalised softmax of the top two
    expect(one[0] + one[1]).toBeCloseTo(1, 6);
  });

  it('groups routing slots by expert, stable in token order, and knows where each landed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 20 }), fc.integer(), (E, k0, T, seed) => {
        const k = Math.min(k0, E);
        let r = seed >>> 0;
        const experts = new Int32Array(T * k);
        for (let t = 0; t < T; t++) {
          const pool = Array.from({ length: E }, (_, e) => e);
          for (let j = 0; j < k; j++) experts[t * k + j] = pool.splice((r = (Math.imul(r, 1664525) + 1013904223) >>> 0) % pool.length, 1)[0];
        }
        const offsets = new Int32Array(E + 1);
        const order = new Int32Array(T * k);
        const rowOf = new Int32Array(T * k);
        groupByExpert(experts, T, k, E, offsets, order, rowOf);
        expect(offsets[E]).toBe(T * k);
        for (let e = 0; e < E; e++) {
          const slots = [...order.subarray(offsets[e], offsets[e + 1])];
          expect(slots).toEqual([...slots].sort((a, b) => a - b));
          for (const s of slots) expect(experts[s]).toBe(e);
        }
        for (let i = 0; i < T * k; i++) expect(order[rowOf[i]]).toBe(i);
      }),
    );
  });
});

const moeConfig: ModelConfig = { dim: 32, hiddenDim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, vocabSize: 40, seqLen: 32, sharedClassifier: true, moe: { nExperts: 4, topK: 2 } };

/** The dense model whose FFN is every expert of `moe`'s (all copies of it): any routing must give its output. */
function copiesOfOneExpert(): { dense: Model; moe: Model } {
  const dense = randomModel({ ...moeConfig, moe: undefined }, 5);
  const moe = randomModel(moeConfig, 6);
  const E = moeConfig.moe!.nExperts;
  const w = { ...dense.weights, router: moe.weights.router } as Model['weights'];
  for (const name of ['w1', 'w2', 'w3'] as const) {
    const per = dense.weights[name].length / moeConfig.nLayers;
    const all = new Float32Array(per * E * moeConfig.nLayers);
    for (let l = 0; l < moeConfig.nLayers; l++) for (let e = 0; e < E; e++) all.set(dense.weights[name].subarray(l * per, (l + 1) * per), (l * E + e) * per);
    w[name] = all;
  }
  return { dense, moe: { name: 'copies', config: moeConfig, weights: w } };
}

describe.each(['js', 'wasm'] as const)('mixture-of-experts forward pass (%s kernels)', (kernels) => {
  it('equals the dense model when every expert is a copy of its FFN (the k weights sum to 1)', () => {
    const { dense, moe } = copiesOfOneExpert();
    const kv = { numBlocks: 8, blockSize: 4 };
    const step: SequenceStep[] = [
      { tokens: [1, 5, 9, 13, 17, 21, 25], startPos: 0, blockTable: [0, 1], logits: 'all' },
      { tokens: [2, 30], startPos: 0, blockTable: [2] , logits: 'all' },
    ];
    const a = new CpuBackend(dense, kv, { kernels }).stepSync(step);
    const backend = new CpuBackend(moe, kv, { kernels });
    const b = backend.stepSync(step);
    a.logits.forEach((l, i) => expect(maxAbsDiff(l!, b.logits[i]!)).toBeLessThan(1e-5));
    // 9 tokens, 2 experts each, in each of the 2 layers
    const load = backend.forward.expertLoad!;
    expect(load.length).toBe(2 * 4);
    expect(load.subarray(0, 4).reduce((s, n) => s + n, 0)).toBe(18);
    expect(load.subarray(4, 8).reduce((s, n) => s + n, 0)).toBe(18);
  });

  it('gives bit-identical logits for a sequence alone or in any batch, chunked or not', () => {
    const model = randomModel(moeConfig, 11);
    const vocab = moeConfig.vocabSize;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 5 }), fc.integer(), (lens, seed) => {
        const tokens = lens.map((n, i) => Array.from({ length: n }, (_, j) => (((seed + 7 * i + 13 * j) % vocab) + vocab) % vocab));
        const tables = lens.map((_, i) => [3 * i, 3 * i + 1, 3 * i + 2]);
        const alone = tokens.map((t) => new CpuBackend(model, { numBlocks: 3, blockSize: 4 }, { kernels }).stepSync([{ tokens: t, startPos: 0, blockTable: [0, 1, 2], logits: 'all' }]).logits[0]!);
        const together = new CpuBackend(model, { numBlocks: 3 * lens.length, blockSize: 4 }, { kernels });
        // first half of every sequence in one step, then the rest in another
        const half = tokens.map((t) => Math.ceil(t.length / 2));
        const first = together.stepSync(tokens.map((t, i) => ({ tokens: t.slice(0, half[i]), startPos: 0, blockTable: tables[i], logits: 'all' as const })));
        const rest = tokens.map((t, i) => ({ i, step: { tokens: t.slice(half[i]), startPos: half[i], blockTable: tables[i], logits: 'all' as const } })).filter((s) => s.step.tokens.length > 0);
        const second = together.stepSync(rest.map((s) => s.step));
        tokens.forEach((t, i) => {
          const j = rest.findIndex((s) => s.i === i);
          const got = j < 0 ? first.logits[i]! : Float32Array.from([...first.logits[i]!, ...second.logits[j]!]);
          expect(maxAbsDiff(got, alone[i])).toBe(0);
        });
      }),
      { numRuns: 15 },
    );
  });
});
