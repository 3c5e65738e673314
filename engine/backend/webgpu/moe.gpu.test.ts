import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu';
import { GREEDY } from '../../model/sampler';
import type { ModelConfig } from '../../model/config';
import type { SequenceStep } from '../types';
import { createWebGpuBackend, type WebGpuBackend } from './backend';
import { nodeGpu } from './node';
import { maxAbsDiff, randomModel, seeded } from './testing/random';
import { randomSequences, randomStep } from './testing/random-steps';
import { loadMoeReference, referenceLoad } from '../../../tools/testing/moe-reference';

/**
 * The mixture-of-experts kernels (moe_route, moe_group, moe_up, moe_down, moe_combine) against the
 * CPU engine, whose routing is its own TypeScript (engine/model/moe.ts), and the shipped MoE
 * checkpoints against PyTorch's forward.
 */

const opened: WebGpuBackend[] = [];
afterAll(() => opened.forEach((b) => b.dispose()));
const open = async (...args: Parameters<typeof createWebGpuBackend>) => {
  const b = await createWebGpuBackend(args[0], args[1], { gpu: await nodeGpu(), ...args[2] });
  opened.push(b);
  return b;
};

const shapes: [string, ModelConfig][] = [
  ['8 experts, top 2 (tiny-moe-like)', { dim: 64, hiddenDim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, vocabSize: 61, seqLen: 64, sharedClassifier: true, moe: { nExperts: 8, topK: 2 } }],
  ['5 experts, top 3, odd hidden, head size 4', { dim: 24, hiddenDim: 13, nLayers: 2, nHeads: 6, nKvHeads: 3, vocabSize: 29, seqLen: 48, sharedClassifier: true, moe: { nExperts: 5, topK: 3 } }],
];

describe.each(shapes)('WebGPU MoE vs the CPU engine: %s', (_, c) => {
  it.each(['js', 'wasm'] as const)('agrees on every logit within 1e-4, every greedy token and every expert count (%s kernels)', async (kernels) => {
    const model = randomModel(c, c.dim + 1);
    const kv = { numBlocks: 40, blockSize: 4 };
    const gpu = await open(model, kv);
    const cpu = new CpuBackend(model, kv, { kernels });
    const rand = seeded(c.dim);
    const seqs = randomSequences(rand, c, kv, 6, 24);
    let worst = 0;
    let rows = 0;
    while (seqs.some((s) => s.pos < s.tokens.length)) {
      const step = randomStep(rand, seqs, 9).map((s) => ({ ...s, sample: rand() < 0.5 ? GREEDY : undefined }));
      const [g, p] = await Promise.all([gpu.step(step), cpu.step(step)]);
      expect(g.sampled).toEqual(p.sampled);
      expect(g.experts!.load).toEqual(p.experts!.load);
      expect(g.experts!.touched).toBe(p.experts!.touched);
      step.forEach((__, j) => {
        if (p.logits[j]) {
          worst = Math.max(worst, maxAbsDiff(g.logits[j]!, p.logits[j]!));
          rows += p.logits[j]!.length / c.vocabSize;
        }
      });
    }
    expect(rows).toBeGreaterThan(10);
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect(gpu.stats.dispatches).toBeLessThanOrEqual(7 * c.nLayers + 3);
  });
});

describe('WebGPU MoE batch invariance', () => {
  it('gives a sequence bit-identical logits alone or beside others, whole or chunked', async () => {
    const c = shapes[0][1];
    const model = randomModel(c, 3);
    const seqA = [3, 9, 27, 20, 1, 3, 9, 5, 11];
    const others = [[4, 8, 15, 16, 23, 42], [7], [50, 51, 52, 53]];
    const alone = await (await open(model, { numBlocks: 3, blockSize: 4 })).step([{ tokens: seqA, startPos: 0, blockTable: [0, 1, 2], logits: 'all' }]);
    const gpu = await open(model, { numBlocks: 12, blockSize: 4 });
    const first: SequenceStep[] = [
      { tokens: others[0], startPos: 0, blockTable: [3, 4], logits: 'none' },
      { tokens: seqA.slice(0, 4), startPos: 0, blockTable: [9, 2, 7], logits: 'all' },
      { tokens: others[1], startPos: 0, blockTable: [5], logits: 'none' },
    ];
    const a = await gpu.step(first);
    const b = await gpu.step([
      { tokens: others[2], startPos: 0, blockTable: [6], logits: 'none' },
      { tokens: seqA.slice(4), startPos: 4, blockTable: [9, 2, 7], logits: 'all' },
    ]);
    const together = Float32Array.from([...a.logits[1]!, ...b.logits[1]!]);
    expect(maxAbsDiff(together, alone.logits[0]!)).toBe(0);
  });
});

describe.each(['batchscope-tiny-moe', 'batchscope-tiny-moe-unbalanced'])('%s on WebGPU against the PyTorch reference', (name) => {
  it('routes every prompt token as PyTorch did and gives its last logits within 1e-4', async () => {
    const { model, ref } = loadMoeReference(name, process.env.BATCHSCOPE_MOE_REFERENCE_DIR);
    const gpu = await open(model, { numBlocks: 4, blockSize: 16 });
    for (const p of ref.prompts) {
      const r = await gpu.step([{ tokens: p.tokens, startPos: 0, blockTable: [0, 1, 2, 3] }]);
      expect(Array.from(r.experts!.load!)).toEqual(Array.from(referenceLoad(p, model.config.moe!.nExperts)));
      expect(maxAbsDiff(r.logits[0]!, p.lastLogits)).toBeLessThanOrEqual(1e-4);
    }
  });
});
