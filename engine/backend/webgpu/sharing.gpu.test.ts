import { afterAll, describe, expect, it } from 'vitest';
import { loadStories } from '../../../tools/testing/stories260k';
import { GREEDY } from '../../model/sampler';
import { serveAll, sharedPrefixRequests, soloCompletions } from '../../serve/testing/identity';
import { createWebGpuBackend, type WebGpuBackend } from './backend';
import { nodeGpu } from './node';

/** Shared KV blocks on the GPU: the block copy of copy-on-write, and unchanged text with caching and forks. */
describe('shared KV blocks on WebGPU (stories260K)', () => {
  const { model, tok512 } = loadStories();
  const kv = { numBlocks: 200, blockSize: 4 };
  const made: WebGpuBackend[] = [];
  const gpuBackend = async (dtype: 'f32' | 'f16' | 'int8' = 'f32') => {
    const b = await createWebGpuBackend(model, { ...kv, dtype }, { gpu: await nodeGpu() });
    made.push(b);
    return b;
  };
  afterAll(() => made.forEach((b) => b.dispose()));

  it('copies blocks on the GPU, every layer of K and V, in order, bit for bit', async () => {
    const gpu = await gpuBackend();
    const prompt = tok512.encode('Once upon a time, a little cat sat on a mat and looked at the sun');
    const step = [{ tokens: prompt, startPos: 0, blockTable: [7, 3, 11, 5, 9, 2, 8, 4], logits: 'none' as const }];
    await gpu.step(step);
    const rows = kv.blockSize * (model.config.dim / 2);
    const before = new Map<string, Float32Array>();
    for (const which of ['key', 'value'] as const) for (let l = 0; l < model.config.nLayers; l++) before.set(`${which}${l}`, await gpu.readKvLayer(which, l));
    // 3 -> 20, then 20 -> 21 (reads what the first copy wrote), and a block onto one that held data.
    const copies = [{ src: 3, dst: 20 }, { src: 20, dst: 21 }, { src: 11, dst: 7 }];
    await gpu.copyBlocks(copies);
    for (const [key, pool] of before) {
      const want = pool.slice();
      for (const { src, dst } of copies) want.copyWithin(dst * rows, src * rows, (src + 1) * rows);
      const got = await gpu.readKvLayer(key.startsWith('key') ? 'key' : 'value', Number(key.replace(/\D/g, '')));
      expect(got).toEqual(want); // bit for bit: a copy, not a recompute
      expect(Array.from(got.subarray(21 * rows, 22 * rows)).some((x) => x !== 0)).toBe(true);
    }
    await expect(gpu.copyBlocks([{ src: 1, dst: 200 }])).rejects.toThrow(/not a block of the pool/);
  });

  const samplings = [
    ['greedy', GREEDY],
    ['seeded sampling', { temperature: 0.9, topP: 0.9, seed: 7 }],
  ] as const;

  it.each(samplings)('gives every request the same text with prefix caching on and off, %s', async (_, sampling) => {
    const requests = sharedPrefixRequests(tok512, sampling).slice(0, 4);
    const off = await serveAll(await gpuBackend(), requests, false, 2);
    const on = await serveAll(await gpuBackend(), requests, true, 2);
    expect(on.hits).toBeGreaterThan(0);
    expect(on.outputs).toEqual(off.outputs);
  });

  it.each(samplings)('each of n completions equals its request alone with its stream seed, %s', async (_, sampling) => {
    const requests = sharedPrefixRequests(tok512, sampling, 3).slice(0, 1);
    const together = await serveAll(await gpuBackend(), requests, true, 3);
    const alone = await serveAll(await gpuBackend(), soloCompletions(requests), false, 3);
    expect(together.copies).toBeGreaterThan(0);
    expect(together.outputs.flat()).toEqual(alone.outputs.flat());
  });

  // The pool's rows are 2 (f16) or 1 byte per value plus scales (int8): a copy sized for f32 rows
  // would copy the wrong bytes.
  it.each(['f16', 'int8'] as const)('copy-on-write keeps n completions equal to their requests alone, %s KV', async (dtype) => {
    const requests = sharedPrefixRequests(tok512, samplings[1][1], 3).slice(0, 1);
    const together = await serveAll(await gpuBackend(dtype), requests, true, 3);
    const alone = await serveAll(await gpuBackend(dtype), soloCompletions(requests), false, 3);
    expect(together.copies).toBeGreaterThan(0);
    expect(together.outputs.flat()).toEqual(alone.outputs.flat());
  });
});
