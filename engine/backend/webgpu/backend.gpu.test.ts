import { afterAll, describe, expect, it } from 'vitest';
import { loadStories } from '../../../tools/testing/stories260k';
import { createBackend } from '../../cli/backends';
import { BatchscopeError } from '../../errors';
import { GREEDY } from '../../model/sampler';
import type { Model } from '../../model/weights';
import { weightShapes } from '../../model/weights';
import { generateAll } from '../../serve/generate';
import { CpuBackend } from '../cpu';
import type { SequenceStep } from '../types';
import { createWebGpuBackend, type WebGpuBackend } from './backend';
import { openDevice } from './device';
import { nodeGpu } from './node';
import { RecoveringBackend } from './recovering';
import { randomArray, seeded } from './testing/random';

const { model, tok512 } = loadStories();
const L = model.config.nLayers;
const opened: WebGpuBackend[] = [];
afterAll(() => opened.forEach((b) => b.dispose()));

async function backend(numBlocks = 64, blockSize = 16, m: Model = model): Promise<WebGpuBackend> {
  const b = await createWebGpuBackend(m, { numBlocks, blockSize }, { gpu: await nodeGpu() });
  opened.push(b);
  return b;
}

const decodes = (n: number, pos: number, withLogits: boolean): SequenceStep[] =>
  Array.from({ length: n }, (_, i) => ({ tokens: [10 + i], startPos: pos, blockTable: [2 * i, 2 * i + 1], logits: withLogits ? 'last' : 'none', sample: withLogits ? GREEDY : undefined }));

describe('WebGPU backend steps', () => {
  it('uses 4 x n_layers + 3 dispatches, and allocates only when a step outgrows its buffers', async () => {
    const gpu = await backend();
    await gpu.step(decodes(8, 3, true));
    expect(gpu.stats.dispatches).toBe(4 * L + 3);
    const settled = gpu.stats.bufferAllocations;
    for (let pos = 4; pos < 8; pos++) await gpu.step(decodes(8, pos, true));
    expect(gpu.stats.bufferAllocations).toBe(settled);
    await gpu.step(decodes(8, 8, false));
    expect(gpu.stats.dispatches).toBe(4 * L + 1); // no logits, no sampling
    await gpu.step(decodes(24, 9, true)); // more rows and samples than the initial 16
    const grown = gpu.stats.bufferAllocations;
    expect(grown).toBeGreaterThan(settled);
    await gpu.step(decodes(20, 10, true));
    expect(gpu.stats.bufferAllocations).toBe(grown);
  });

  it('reports wall, encode and GPU time with the token counts', async () => {
    const gpu = await backend();
    const { timing } = await gpu.step([{ tokens: tok512.encode('Once upon a time'), startPos: 0, blockTable: [5], sample: GREEDY }]);
    expect(timing).toMatchObject({ source: 'measured', tokens: 5, sequences: 1 });
    expect(timing.encodeMs).toBeGreaterThan(0);
    expect(timing.encodeMs).toBeLessThan(timing.wallMs);
    expect(timing.gpuMs).toBeGreaterThan(0); // SwiftShader and GPUs here offer timestamp queries
  });

  it('rejects a bad step before touching the GPU', async () => {
    const gpu = await backend(4);
    await expect(gpu.step([{ tokens: [1], startPos: 0, blockTable: [9] }])).rejects.toMatchObject({ code: 'bad-step' });
  });
});

describe('WebGPU failures are typed and clear', () => {
  it('no WebGPU, no adapter', async () => {
    const needs = { maxBindingBytes: 0, maxBufferBytes: 0, workgroupBytes: 0, storageBuffersPerStage: 8, what: 'x' };
    await expect(openDevice(undefined, needs)).rejects.toMatchObject({ code: 'no-webgpu' });
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(openDevice(noAdapter, needs)).rejects.toMatchObject({ code: 'no-adapter' });
  });

  it('a KV pool beyond the device limits', async () => {
    await expect(createWebGpuBackend(model, { numBlocks: 2 ** 20, blockSize: 16 }, { gpu: await nodeGpu() })).rejects.toThrow(/needs a storage buffer binding of 2048\.0 MiB, more than this GPU allows/);
  });

  it('a head size the vec4 attention cannot take, and the CLI falls back to the CPU engine saying why', async () => {
    const c = { dim: 12, hiddenDim: 20, nLayers: 1, nHeads: 2, nKvHeads: 1, vocabSize: 16, seqLen: 8, sharedClassifier: true };
    const rand = seeded(1);
    const weights = Object.fromEntries(weightShapes(c).map(([name, n]) => [name, randomArray(n, rand)])) as unknown as Model['weights'];
    const odd: Model = { name: 'odd.bin', config: c, weights: { ...weights, wcls: weights.tokenEmbedding } };
    await expect(createWebGpuBackend(odd, { numBlocks: 2, blockSize: 4 }, { gpu: await nodeGpu() })).rejects.toMatchObject({ code: 'model-unsupported' });
    const notices: string[] = [];
    const b = await createBackend('webgpu', odd, { numBlocks: 2, blockSize: 4 }, (l) => notices.push(l));
    expect(b.kind).toBe('cpu');
    expect(notices).toEqual([expect.stringMatching(/WebGPU is unavailable, running on the CPU engine instead: .*head size 6/)]);
  });
});

describe('losing the GPU device', () => {
  it('fails the next step with device-lost', async () => {
    const gpu = await backend();
    await gpu.step(decodes(2, 0, true));
    gpu.device.destroy();
    await expect(gpu.step(decodes(2, 1, true))).rejects.toSatisfy((e) => e instanceof BatchscopeError && e.code === 'device-lost');
  });

  it('loses no request: the run continues on the CPU engine with the same tokens', async () => {
    const kv = { numBlocks: 40, blockSize: 4 };
    const requests = ['Once upon a time', 'Lily and Tom', 'The cat'].map((p, i) => ({ prompt: tok512.encode(p), steps: 40 + 5 * i, sampling: { temperature: 0.8, topP: 0.9, seed: i } }));
    const expected = await generateAll(new CpuBackend(model, kv), requests);
    const gpu = await backend(kv.numBlocks, kv.blockSize);
    const notices: string[] = [];
    const recovering = new RecoveringBackend(gpu, () => new CpuBackend(model, kv), (why) => notices.push(why));
    let tokens = 0;
    const got = await generateAll(recovering, requests, () => {
      if (++tokens === 30) gpu.device.destroy();
    });
    expect(got).toEqual(expected);
    expect(recovering.kind).toBe('cpu');
    expect(notices).toEqual([expect.stringMatching(/GPU device was lost/)]);
  });
});
