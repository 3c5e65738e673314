import { afterAll, describe, expect, it } from 'vitest';
import { loadStories } from '../../../tools/testing/stories260k';
import { CpuBackend } from '../cpu';
import { GREEDY } from '../../model/sampler';
import { createWebGpuBackend, type WebGpuBackend } from './backend';
import { nodeGpu } from './node';
import { maxAbsDiff, seeded } from './testing/random';
import { randomSequences, randomStep } from './testing/random-steps';

/**
 * The whole model on WebGPU against the CPU engine on stories260K, over random ragged steps:
 * several sequences with shuffled block tables, each step a random mix of prompt chunks and
 * decodes at different positions, logits of the last, all or no tokens, greedy samples.
 */

const { model } = loadStories();
const opened: WebGpuBackend[] = [];
afterAll(() => opened.forEach((b) => b.dispose()));

// The CPU engine on both its paths: the TypeScript reference (the oracle) and WebAssembly SIMD.
describe.each([
  [1, 'js'],
  [4, 'wasm'],
  [16, 'js'],
  [16, 'wasm'],
] as const)('WebGPU vs CPU engine, block size %i, %s kernels', (blockSize, kernels) => {
  it('agrees on every logit within 1e-4 and on every greedy token', async () => {
    const kv = { numBlocks: Math.ceil(256 / blockSize) + 8, blockSize };
    const gpu = await createWebGpuBackend(model, kv, { gpu: await nodeGpu() });
    opened.push(gpu);
    const cpu = new CpuBackend(model, kv, { kernels });
    const rand = seeded(blockSize);
    const seqs = randomSequences(rand, model.config, kv, 8, 40);
    let worst = 0;
    let rows = 0;
    for (let i = 0; seqs.some((s) => s.pos < s.tokens.length); i++) {
      const step = randomStep(rand, seqs, 12).map((s) => ({ ...s, sample: rand() < 0.5 ? GREEDY : undefined }));
      const [g, c] = await Promise.all([gpu.step(step), cpu.step(step)]);
      expect(g.sampled).toEqual(c.sampled);
      step.forEach((s, j) => {
        expect(g.logits[j]?.length).toBe(c.logits[j]?.length);
        if (c.logits[j]) {
          worst = Math.max(worst, maxAbsDiff(g.logits[j]!, c.logits[j]!));
          rows += c.logits[j]!.length / model.config.vocabSize;
        }
      });
    }
    expect(rows).toBeGreaterThan(20);
    expect(worst).toBeLessThanOrEqual(1e-4);
    // The pools agree too: every position was written through its block table.
    for (const layer of [0, model.config.nLayers - 1]) {
      const keys = await gpu.readKvLayer('key', layer);
      const stride = kv.numBlocks * blockSize * (model.config.dim / 2);
      const cpuKeys = cpu.forward.keyCache.subarray(layer * stride, (layer + 1) * stride);
      expect(maxAbsDiff(keys, cpuKeys)).toBeLessThan(1e-4);
    }
  });
});
