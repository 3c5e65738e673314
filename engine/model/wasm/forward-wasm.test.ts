import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../backend/cpu';
import { maxAbsDiff, randomModel, seeded } from '../../backend/webgpu/testing/random';
import { randomSequences, randomStep } from '../../backend/webgpu/testing/random-steps';
import type { ModelConfig } from '../config';
import { GREEDY } from '../sampler';

/**
 * The WebAssembly forward pass against the TypeScript reference on random models of awkward
 * shapes (head sizes 4 to 16, grouped-query attention, odd hidden and vocabulary sizes, several
 * layers) over random ragged steps: shuffled block tables, prompt chunks and decodes at mixed
 * positions, logits of the last, all or no tokens, greedy samples. Steps grow past the scratch
 * the engine first laid out, so its memory grows mid-run too.
 */

const shapes: [string, ModelConfig][] = [
  ['head size 8, GQA 2 (stories260K-like)', { dim: 64, hiddenDim: 172, nLayers: 2, nHeads: 8, nKvHeads: 4, vocabSize: 97, seqLen: 64, sharedClassifier: true }],
  ['head size 4, 6 heads, no GQA, odd hidden', { dim: 24, hiddenDim: 37, nLayers: 3, nHeads: 6, nKvHeads: 6, vocabSize: 41, seqLen: 48, sharedClassifier: true }],
  ['head size 12, 3 heads sharing one kv head', { dim: 36, hiddenDim: 50, nLayers: 1, nHeads: 3, nKvHeads: 1, vocabSize: 23, seqLen: 40, sharedClassifier: true }],
  ['head size 16, batchscope-tiny-like', { dim: 128, hiddenDim: 320, nLayers: 1, nHeads: 8, nKvHeads: 4, vocabSize: 130, seqLen: 64, sharedClassifier: true }],
  ['MoE, 8 experts, top 2, tiny-moe-like', { dim: 64, hiddenDim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, vocabSize: 61, seqLen: 64, sharedClassifier: true, moe: { nExperts: 8, topK: 2 } }],
  ['MoE, 5 experts, top 3, head size 4, odd hidden', { dim: 24, hiddenDim: 13, nLayers: 2, nHeads: 6, nKvHeads: 3, vocabSize: 29, seqLen: 48, sharedClassifier: true, moe: { nExperts: 5, topK: 3 } }],
];

describe.each(shapes)('WebAssembly vs TypeScript forward pass: %s', (_, c) => {
  it.each([1, 3, 16])('agrees within 1e-4 on every logit, on greedy tokens and on the KV pool (blocks of %i)', (blockSize) => {
    const model = randomModel(c, blockSize + c.dim);
    const kv = { numBlocks: Math.ceil(c.seqLen / blockSize) * 6 + 3, blockSize };
    const js = new CpuBackend(model, kv, { kernels: 'js' });
    const wasm = new CpuBackend(model, kv, { kernels: 'wasm' });
    const rand = seeded(blockSize);
    const seqs = randomSequences(rand, c, kv, 6, c.seqLen);
    let worst = 0;
    let rows = 0;
    while (seqs.some((s) => s.pos < s.tokens.length)) {
      const step = randomStep(rand, seqs, 24).map((s) => ({ ...s, sample: rand() < 0.5 ? GREEDY : undefined }));
      const [a, b] = [js.stepSync(step), wasm.stepSync(step)];
      expect(b.sampled).toEqual(a.sampled);
      expect(wasm.forward.expertLoad).toEqual(js.forward.expertLoad); // the same routing, for MoE
      step.forEach((_, j) => {
        expect(b.logits[j]?.length).toBe(a.logits[j]?.length);
        if (a.logits[j]) {
          worst = Math.max(worst, maxAbsDiff(a.logits[j]!, b.logits[j]!));
          rows += a.logits[j]!.length / c.vocabSize;
        }
      });
    }
    expect(rows).toBeGreaterThan(10);
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(wasm.forward.keyCache, js.forward.keyCache)).toBeLessThan(1e-4);
    expect(maxAbsDiff(wasm.forward.valueCache, js.forward.valueCache)).toBeLessThan(1e-4);
  });
});

describe('the WebAssembly KV pool seen from TypeScript', () => {
  it('is live: blocks copied through keyCache/valueCache are what the next step attends to', () => {
    const c = shapes[0][1];
    const b = new CpuBackend(randomModel(c, 9), { numBlocks: 4, blockSize: 4 }, { kernels: 'wasm' });
    const prompt = [5, 9, 13, 17, 21, 25, 29, 33];
    b.stepSync([{ tokens: prompt, startPos: 0, blockTable: [0, 1], logits: 'none' }]);
    // Copy blocks 0 and 1 into 2 and 3 in every layer (a copy-on-write would do this).
    const block = 4 * (c.dim / 2);
    const layer = 4 * block;
    for (const cache of [b.forward.keyCache, b.forward.valueCache]) {
      for (let l = 0; l < c.nLayers; l++) cache.copyWithin(l * layer + 2 * block, l * layer, l * layer + 2 * block);
    }
    const next = (table: number[]) => b.stepSync([{ tokens: [40], startPos: 8, blockTable: table }]).logits[0]!;
    // The same sequence computed in place: position 8 goes to a third block in both pools.
    const fresh = new CpuBackend(randomModel(c, 9), { numBlocks: 3, blockSize: 4 }, { kernels: 'wasm' });
    fresh.stepSync([{ tokens: prompt, startPos: 0, blockTable: [0, 1], logits: 'none' }]);
    const want = fresh.stepSync([{ tokens: [40], startPos: 8, blockTable: [0, 1, 2] }]).logits[0]!;
    expect(maxAbsDiff(next([2, 3, 0]), want)).toBe(0);
  });
});

describe('CPU engine kernel choice', () => {
  const odd: ModelConfig = { dim: 24, hiddenDim: 30, nLayers: 1, nHeads: 4, nKvHeads: 2, vocabSize: 20, seqLen: 16, sharedClassifier: true };
  it('falls back to the TypeScript reference, and says why, where the SIMD kernels cannot run', () => {
    const b = new CpuBackend(randomModel(odd, 1), { numBlocks: 2, blockSize: 8 });
    expect(b.kernels).toBe('js');
    expect(b.kernelsFallback).toMatch(/head size 6/);
    expect(b.description).toMatch(/JavaScript reference.*WebAssembly SIMD unavailable, head size 6/);
    expect(() => new CpuBackend(randomModel(odd, 1), { numBlocks: 2, blockSize: 8 }, { kernels: 'wasm' })).toThrow(/cannot run here: head size 6/);
  });

  it('an f16 or int8 cache with more query heads than the in-place attention tables hold: the reference, and why', () => {
    const wide: ModelConfig = { dim: 1028, hiddenDim: 4, nLayers: 1, nHeads: 257, nKvHeads: 257, vocabSize: 4, seqLen: 4, sharedClassifier: true };
    const model = randomModel(wide, 1);
    const b = new CpuBackend(model, { numBlocks: 1, blockSize: 4, dtype: 'int8' });
    expect(b.kernels).toBe('js');
    expect(b.kernelsFallback).toMatch(/an int8 KV cache takes at most 256 query heads there \(this model has 257\)/);
    expect(new CpuBackend(model, { numBlocks: 1, blockSize: 4, dtype: 'f32' }).kernels).toBe('wasm');
  });

  it('uses WebAssembly SIMD by default where it runs, and says so', () => {
    const b = new CpuBackend(randomModel(shapes[0][1], 1), { numBlocks: 2, blockSize: 8 }, { context: 'WebGPU unavailable' });
    expect(b.kernels).toBe('wasm');
    expect(b.kernelsFallback).toBeNull();
    expect(b.description).toBe('CPU engine (WebAssembly SIMD); WebGPU unavailable');
  });
});
