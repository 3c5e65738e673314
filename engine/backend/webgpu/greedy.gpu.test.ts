import { afterAll, describe, expect, it } from 'vitest';
import { greedyReferences, loadStories, storiesPath } from '../../../tools/testing/stories260k';
import { main } from '../../cli/main';
import { GREEDY } from '../../model/sampler';
import type { SequenceStep } from '../types';
import { createWebGpuBackend, type WebGpuBackend } from './backend';
import { nodeGpu } from './node';
import { seeded } from './testing/random';

/** The shared greedy references through the CLI on WebGPU, alone and batched, and batch invariance. */

async function generate(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['generate', '--model', storiesPath('stories260K.bin'), '--tokenizer', storiesPath('tok512.bin'), '--steps', '200', '--backend', 'webgpu', ...args], {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  });
  expect(code, err).toBe(0);
  return { out, err };
}

describe('greedy references on WebGPU (npx batchscope generate --backend webgpu)', () => {
  const refs = greedyReferences();

  it.each(refs.map((r) => [r.name, r] as const))('%s alone, token for token', async (_, ref) => {
    const { out, err } = await generate(['--prompt', ref.prompt]);
    expect(err).toMatch(/running on WebGPU on /);
    expect(out).toBe(ref.output);
  });

  it('all of them batched in one run', async () => {
    const { out } = await generate(refs.flatMap((r) => ['--prompt', r.prompt]));
    const texts = out.trim().split('\n').map((l) => JSON.parse(l).text);
    expect(texts).toEqual(refs.map((r) => r.output.replace(/\n$/, '')));
  });
});

describe('batch invariance on the GPU', () => {
  const { model, tok512 } = loadStories();
  let gpu: WebGpuBackend;
  afterAll(() => gpu?.dispose());

  it("a sequence's logits are bit-identical alone and in any batch", async () => {
    gpu = await createWebGpuBackend(model, { numBlocks: 96, blockSize: 4 }, { gpu: await nodeGpu() });
    const rand = seeded(5);
    const prompt = tok512.encode('Once upon a time, a cat');
    const alone: Float32Array[] = [];
    const batched: Float32Array[] = [];
    // The same steps for the sequence, first alone, then among others placed before and after it.
    const steps = (table: number[]): SequenceStep[] => [
      { tokens: prompt.slice(0, 5), startPos: 0, blockTable: table, logits: 'all' },
      { tokens: prompt.slice(5), startPos: 5, blockTable: table, logits: 'all' },
      ...[300, 301, 302].map((t, i) => ({ tokens: [t], startPos: prompt.length + i, blockTable: table, logits: 'last' as const, sample: GREEDY })),
    ];
    for (const s of steps([0, 1, 2, 3])) alone.push((await gpu.step([s])).logits[0]!);
    // Fresh prompts of random lengths, before and after it, on blocks of their own.
    let nextBlock = 24;
    const others = (): SequenceStep[] =>
      Array.from({ length: 1 + Math.floor(rand() * 3) }, () => {
        const n = 1 + Math.floor(rand() * 7);
        const table = [nextBlock++, nextBlock++];
        return { tokens: Array.from({ length: n }, () => 3 + Math.floor(rand() * 500)), startPos: 0, blockTable: table, logits: 'last' as const };
      });
    for (const s of steps([20, 21, 22, 23])) {
      const before = others();
      const r = await gpu.step([...before, s, ...others()]);
      batched.push(r.logits[before.length]!);
    }
    expect(batched).toEqual(alone);
  });
});
