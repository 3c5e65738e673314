import { describe, expect, it } from 'vitest';
import { loadStories } from '../../tools/testing/stories260k';
import { CpuBackend } from '../backend/cpu';
import { GREEDY } from '../model/sampler';
import { serveAll, sharedPrefixRequests, soloCompletions } from './testing/identity';

describe('shared KV blocks give the same text on the CPU engine (stories260K)', () => {
  const { model, tok512 } = loadStories();
  const kv = { numBlocks: 200, blockSize: 4 };
  const samplings = [
    ['greedy', GREEDY],
    ['seeded sampling', { temperature: 0.9, topP: 0.9, seed: 7 }],
  ] as const;

  it.each(samplings)('prefix caching on and off, %s', async (_, sampling) => {
    const requests = sharedPrefixRequests(tok512, sampling);
    const off = await serveAll(new CpuBackend(model, kv), requests, false);
    const on = await serveAll(new CpuBackend(model, kv), requests, true);
    expect(off.hits).toBe(0);
    expect(on.hits).toBeGreaterThanOrEqual(3 * 20); // the opening's full blocks, for the three admitted after the first three
    expect(on.outputs).toEqual(off.outputs);
  });

  it.each(samplings.flatMap(([name, s]) => (['wasm', 'js'] as const).map((k) => [`${name}, ${k} kernels`, s, k] as const)))('each of n completions equals its request alone with its stream seed, %s', async (_, sampling, kernels) => {
    const requests = sharedPrefixRequests(tok512, sampling, 3).slice(0, 2);
    const together = await serveAll(new CpuBackend(model, kv, { kernels }), requests, true, 6);
    const alone = await serveAll(new CpuBackend(model, kv, { kernels }), soloCompletions(requests), false, 1);
    expect(together.copies).toBeGreaterThan(0); // the prompt's last block was shared partly filled, then copied
    expect(together.outputs.flat()).toEqual(alone.outputs.flat());
  });

  // An f16 or int8 pool's float32 view is a decoded copy: a copy-on-write must copy the pool's own
  // bytes (an int8 row's scales with it), or a completion reads a block that was never written.
  it.each((['f16', 'int8'] as const).flatMap((dtype) => (['wasm', 'js'] as const).map((k) => [`${dtype} KV, ${k} kernels`, dtype, k] as const)))('copy-on-write keeps n completions equal to their requests alone, %s', async (_, dtype, kernels) => {
    const sampling = samplings[1][1];
    const requests = sharedPrefixRequests(tok512, sampling, 3).slice(0, 2);
    const q = { ...kv, dtype };
    const together = await serveAll(new CpuBackend(model, q, { kernels }), requests, true, 6);
    const alone = await serveAll(new CpuBackend(model, q, { kernels }), soloCompletions(requests), false, 1);
    expect(together.copies).toBeGreaterThan(0);
    expect(together.outputs.flat()).toEqual(alone.outputs.flat());
  });
});
