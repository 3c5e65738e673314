import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu';
import { GREEDY } from '../../model/sampler';
import { MOE_INT8_REFUSAL, type AttentionPath, type KvDtype } from '../../model/quant/formats';
import { createWebGpuBackend, type WebGpuBackend } from './backend';
import { nodeGpu } from './node';
import { maxAbsDiff, seeded } from './testing/random';
import { randomSequences, randomStep } from './testing/random-steps';
import { loadMoeReference } from '../../../tools/testing/moe-reference';

/**
 * The shipped tiny-moe on WebGPU with a quantized KV cache and both attention paths, against the
 * CPU engine running the same formats: the cache and attention kernels do not depend on the
 * experts, so the MoE FFN kernels and the format kernels must compose. Tolerances are those of
 * formats.gpu.test.ts (a quantized value on a rounding boundary may be stored one step apart).
 * And the one refused pair, int8 weights, is refused before anything is uploaded.
 */

const { model } = loadMoeReference('batchscope-tiny-moe', process.env.BATCHSCOPE_MOE_REFERENCE_DIR);
const opened: WebGpuBackend[] = [];
afterAll(() => opened.forEach((b) => b.dispose()));

const CASES: [KvDtype, AttentionPath, number][] = [
  ['f32', 'unfused', 1e-4],
  ['f16', 'fused', 1e-2],
  ['int8', 'unfused', 3e-2],
];

describe.each(CASES)('tiny-moe, WebGPU vs CPU engine: KV %s, %s attention', (dtype, attention, tol) => {
  it(`agrees on every logit within ${tol}, on greedy tokens and on the experts woken`, async () => {
    const kv = { numBlocks: 48, blockSize: 4, dtype };
    const gpu = await createWebGpuBackend(model, kv, { gpu: await nodeGpu(), attention });
    opened.push(gpu);
    expect(gpu.formats).toEqual({ weights: 'f32', kv: dtype, attention });
    const cpu = new CpuBackend(model, kv, { kernels: 'wasm' });
    const rand = seeded(dtype.length * 3 + attention.length);
    const seqs = randomSequences(rand, model.config, kv, 4, 24);
    let worst = 0;
    let rows = 0;
    let same = 0;
    let samples = 0;
    let loads = 0;
    let sameLoads = 0;
    while (seqs.some((s) => s.pos < s.tokens.length)) {
      const step = randomStep(rand, seqs, 8).map((s) => ({ ...s, sample: rand() < 0.5 ? GREEDY : undefined }));
      const [g, c] = await Promise.all([gpu.step(step), cpu.step(step)]);
      loads++;
      if (JSON.stringify(Array.from(g.experts!.load!)) === JSON.stringify(Array.from(c.experts!.load!))) sameLoads++;
      step.forEach((s, j) => {
        if (s.sample) {
          samples++;
          if (g.sampled[j] === c.sampled[j]) same++;
        }
        if (c.logits[j]) {
          worst = Math.max(worst, maxAbsDiff(g.logits[j]!, c.logits[j]!));
          rows += c.logits[j]!.length / model.config.vocabSize;
        }
      });
    }
    expect(rows).toBeGreaterThan(8);
    expect(worst).toBeLessThanOrEqual(tol);
    expect(same / samples).toBeGreaterThanOrEqual(dtype === 'f32' ? 1 : 0.95);
    expect(sameLoads / loads).toBeGreaterThanOrEqual(dtype === 'f32' ? 1 : 0.9);
  });
});

describe('tiny-moe on WebGPU with int8 weights', () => {
  it('is refused with the one line the CPU engine and the CLI give', async () => {
    await expect(createWebGpuBackend(model, { numBlocks: 8, blockSize: 4 }, { gpu: await nodeGpu(), weights: 'int8' })).rejects.toThrow(MOE_INT8_REFUSAL);
  });
});
