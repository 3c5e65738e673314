import { afterAll, describe, expect, it } from 'vitest';
import { loadStories } from '../../../tools/testing/stories260k';
import { CpuBackend } from '../cpu';
import { GREEDY } from '../../model/sampler';
import type { AttentionPath, KvDtype, WeightDtype } from '../../model/quant/formats';
import { createWebGpuBackend, type WebGpuBackend } from './backend';
import { nodeGpu } from './node';
import { maxAbsDiff, seeded } from './testing/random';
import { randomSequences, randomStep } from './testing/random-steps';

/**
 * Every number format and attention path on WebGPU against the CPU engine (its twin, running the
 * same formats) on stories260K, over random ragged steps. Both sides quantize the weights from the
 * same Q8_0 groups, so int8 weights keep the float32 tolerance. A quantized KV cache rounds values
 * each side computed (float32 sums in different orders, ~1e-6 apart), so a value that lands on a
 * rounding boundary is stored one step apart: the pools must agree exactly almost everywhere and
 * within one step elsewhere, and the logits (which such a step moves by up to ~1e-2 on this model)
 * within a wider bound. A prefill of one sequence matches within 1e-5 in every format (measured).
 * Kept small: SwiftShader is slow.
 */

const { model } = loadStories();
const opened: WebGpuBackend[] = [];
afterAll(() => opened.forEach((b) => b.dispose()));

const CASES: [WeightDtype, KvDtype, AttentionPath, number][] = [
  ['f32', 'f32', 'unfused', 1e-4],
  ['int8', 'f32', 'fused', 1e-4],
  ['int8', 'f32', 'unfused', 1e-4],
  ['f32', 'f16', 'fused', 1e-2],
  ['int8', 'f16', 'unfused', 1e-2],
  ['f32', 'int8', 'fused', 3e-2],
  ['int8', 'int8', 'unfused', 3e-2],
];

describe.each(CASES)('WebGPU vs CPU engine: weights %s, KV %s, %s attention', (weights, dtype, attention, tol) => {
  it(`agrees on every logit within ${tol}, on greedy tokens and on the pool`, async () => {
    const blockSize = 4;
    const kv = { numBlocks: 80, blockSize, dtype };
    const gpu = await createWebGpuBackend(model, kv, { gpu: await nodeGpu(), weights, attention });
    opened.push(gpu);
    expect(gpu.formats).toEqual({ weights, kv: dtype, attention });
    const cpu = new CpuBackend(model, kv, { kernels: 'wasm', weights });
    const rand = seeded(dtype.length + weights.length * 7 + attention.length);
    const seqs = randomSequences(rand, model.config, kv, 6, 36);
    let worst = 0;
    let rows = 0;
    let same = 0;
    let samples = 0;
    while (seqs.some((s) => s.pos < s.tokens.length)) {
      const step = randomStep(rand, seqs, 10).map((s) => ({ ...s, sample: rand() < 0.5 ? GREEDY : undefined }));
      const [g, c] = await Promise.all([gpu.step(step), cpu.step(step)]);
      step.forEach((s, j) => {
        if (s.sample) {
          samples++;
          if (g.sampled[j] === c.sampled[j]) same++;
        }
        expect(g.logits[j]?.length).toBe(c.logits[j]?.length);
        if (c.logits[j]) {
          worst = Math.max(worst, maxAbsDiff(g.logits[j]!, c.logits[j]!));
          rows += c.logits[j]!.length / model.config.vocabSize;
        }
      });
    }
    expect(rows).toBeGreaterThan(15);
    expect(worst).toBeLessThanOrEqual(tol);
    expect(same / samples).toBeGreaterThanOrEqual(dtype === 'f32' ? 1 : 0.95);
    // The pools hold the same values (decoded from their format) at every position written.
    const keys = await gpu.readKvLayer('key', 1);
    const stride = kv.numBlocks * blockSize * (model.config.dim / 2);
    const cpuKeys = cpu.forward.keyCache.subarray(stride, 2 * stride);
    expect(maxAbsDiff(keys, cpuKeys)).toBeLessThan(dtype === 'f32' ? 1e-4 : 0.05);
    if (dtype !== 'f32') expect(keys.filter((k, i) => k === cpuKeys[i]).length / keys.length).toBeGreaterThan(0.99);
  });
});
