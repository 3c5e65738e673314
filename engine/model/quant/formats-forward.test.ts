import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../backend/cpu';
import { maxAbsDiff, seeded } from '../../backend/webgpu/testing/random';
import { randomSequences, randomStep } from '../../backend/webgpu/testing/random-steps';
import type { ModelConfig } from '../config';
import { GREEDY } from '../sampler';
import { randomModel } from '../testing/random-model';
import type { KvDtype, WeightDtype } from './formats';

/**
 * The WebAssembly forward pass against the TypeScript reference with int8 weights and f16/int8 KV
 * caches, over random ragged steps. Both quantize the weights from the same Q8_0 groups, so with an
 * f32 cache they differ only by float32 vs float64 sums (1e-4). A quantized cache rounds each K/V
 * value as it is stored, from inputs that already differ by that noise, so a value sitting on a
 * rounding boundary can land one step apart on the two paths (measured: up to 1.5e-4 on the logits).
 */

const shapes: [string, ModelConfig][] = [
  ['head size 8, GQA 2 (stories260K-like)', { dim: 64, hiddenDim: 172, nLayers: 2, nHeads: 8, nKvHeads: 4, vocabSize: 97, seqLen: 64, sharedClassifier: true }],
  ['head size 4, odd hidden', { dim: 24, hiddenDim: 37, nLayers: 2, nHeads: 6, nKvHeads: 3, vocabSize: 41, seqLen: 48, sharedClassifier: true }],
  ['head size 16, batchscope-tiny-like', { dim: 128, hiddenDim: 320, nLayers: 1, nHeads: 8, nKvHeads: 4, vocabSize: 130, seqLen: 64, sharedClassifier: true }],
];

const FORMATS: [WeightDtype, KvDtype, number][] = [
  ['int8', 'f32', 1e-4],
  ['f32', 'f16', 1e-3],
  ['f32', 'int8', 1e-3],
  ['int8', 'int8', 1e-3],
];

describe.each(shapes)('WebAssembly vs TypeScript with quantized formats: %s', (_, c) => {
  it.each(FORMATS)('weights %s, KV %s: logits within %s, same pool contents', (weights, dtype, tol) => {
    const model = randomModel(c, c.dim + 7);
    const kv = { numBlocks: Math.ceil(c.seqLen / 3) * 6 + 3, blockSize: 3, dtype };
    const js = new CpuBackend(model, kv, { kernels: 'js', weights });
    const wasm = new CpuBackend(model, kv, { kernels: 'wasm', weights });
    expect(wasm.formats).toEqual({ weights, kv: dtype, attention: 'fused' });
    const rand = seeded(c.dim);
    const seqs = randomSequences(rand, c, kv, 6, c.seqLen);
    let worst = 0;
    let agree = 0;
    let samples = 0;
    while (seqs.some((s) => s.pos < s.tokens.length)) {
      const step = randomStep(rand, seqs, 24).map((s) => ({ ...s, sample: rand() < 0.5 ? GREEDY : undefined }));
      const [a, b] = [js.stepSync(step), wasm.stepSync(step)];
      step.forEach((s, j) => {
        if (s.sample) {
          samples++;
          if (a.sampled[j] === b.sampled[j]) agree++;
        }
        if (a.logits[j]) worst = Math.max(worst, maxAbsDiff(a.logits[j]!, b.logits[j]!));
      });
    }
    expect(worst).toBeLessThanOrEqual(tol);
    expect(agree / samples).toBeGreaterThanOrEqual(dtype === 'f32' ? 1 : 0.97);
    const poolTol = dtype === 'f32' ? 1e-4 : dtype === 'f16' ? 2e-3 : 0.05;
    expect(maxAbsDiff(wasm.forward.keyCache, js.forward.keyCache)).toBeLessThan(poolTol);
    expect(maxAbsDiff(wasm.forward.valueCache, js.forward.valueCache)).toBeLessThan(poolTol);
  });
});

describe('quantized formats keep batch invariance on the WebAssembly path', () => {
  it('a sequence gets bit-identical logits alone and in a batch (int8 weights, int8 KV)', () => {
    const c = shapes[0][1];
    const model = randomModel(c, 3);
    const kv = { numBlocks: 40, blockSize: 4, dtype: 'int8' as const };
    const alone = new CpuBackend(model, kv, { kernels: 'wasm', weights: 'int8' });
    const mixed = new CpuBackend(model, kv, { kernels: 'wasm', weights: 'int8' });
    const tokens = [3, 14, 15, 92, 65, 35, 89, 79];
    const a = alone.stepSync([{ tokens, startPos: 0, blockTable: [0, 1], logits: 'all' }]).logits[0]!;
    const b = mixed.stepSync([
      { tokens: [7, 7, 7, 7, 7], startPos: 0, blockTable: [5, 6] },
      { tokens, startPos: 0, blockTable: [9, 2], logits: 'all' },
    ]).logits[1]!;
    expect(maxAbsDiff(a, b)).toBe(0);
  });
});
