import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CpuBackend } from '../backend/cpu';
import type { SequenceStep } from '../backend/types';
import { generateAll } from '../serve/generate';
import { GREEDY } from './sampler';
import { greedyReferences, loadStories, logitsReference } from '../../tools/testing/stories260k';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

// Both forward passes keep every guarantee: the TypeScript reference and WebAssembly SIMD.
describe.each(['js', 'wasm'] as const)('CPU engine (%s kernels) on stories260K', (kernels) => {
  it('runs the kernels it was asked for', () => {
    const { model } = loadStories();
    expect(new CpuBackend(model, { numBlocks: 1, blockSize: 16 }, { kernels }).kernels).toBe(kernels);
  });

  it.each(greedyReferences().map((r) => [r.name, r] as const))('reproduces the greedy reference %s token for token', async (_, ref) => {
    const { model, tok512 } = loadStories();
    const backend = new CpuBackend(model, { numBlocks: 16, blockSize: 16 }, { kernels });
    const prompt = tok512.encode(ref.prompt);
    const [result] = await generateAll(backend, [{ prompt, steps: 200, sampling: GREEDY }]);
    expect(tok512.decode([...prompt.slice(1), ...result.tokens]) + '\n').toBe(ref.output);
  });

  it('gives logits within 1e-4 of the reference at every position of prompt 1', () => {
    const { model } = loadStories();
    const ref = logitsReference();
    const tokens = [...ref.promptTokens, ...ref.generatedTokens].slice(0, ref.steps);
    const backend = new CpuBackend(model, { numBlocks: 13, blockSize: 16 }, { kernels });
    const table = Array.from({ length: 13 }, (_, i) => 12 - i); // any table works; reversed on purpose
    const { logits } = backend.stepSync([{ tokens, startPos: 0, blockTable: table, logits: 'all' }]);
    const all = logits[0]!;
    expect(all.length).toBe(ref.all.length);
    const vocab = model.config.vocabSize;
    let worst = 0;
    for (let p = 0; p < ref.steps; p++) worst = Math.max(worst, maxAbsDiff(all.subarray(p * vocab, (p + 1) * vocab), ref.all.subarray(p * vocab, (p + 1) * vocab)));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('gives the same logits however sequences are grouped, chunked, placed in memory or sized in blocks', () => {
    const { model } = loadStories();
    const vocab = model.config.vocabSize;
    const arb = fc.record({
      blockSize: fc.constantFrom(1, 3, 4, 16),
      seqs: fc.array(fc.record({ len: fc.integer({ min: 1, max: 24 }), first: fc.integer({ min: 3, max: 511 }) }), { minLength: 1, maxLength: 4 }),
      chunkSeed: fc.integer(),
      tableSeed: fc.integer(),
    });
    fc.assert(
      fc.property(arb, ({ blockSize, seqs, chunkSeed, tableSeed }) => {
        const tokens = seqs.map((s) => Array.from({ length: s.len }, (_, i) => (s.first + 37 * i) % vocab));
        // Alone: each sequence in one step, contiguous blocks from 0.
        const alone = tokens.map((t) => {
          const blocks = Math.ceil(t.length / blockSize);
          const b = new CpuBackend(model, { numBlocks: blocks, blockSize }, { kernels });
          return b.stepSync([{ tokens: t, startPos: 0, blockTable: Array.from({ length: blocks }, (_, i) => i), logits: 'all' }]).logits[0]!;
        });
        // Together: a shuffled pool, each sequence split into random chunks, steps mixing sequences.
        let r = chunkSeed >>> 0;
        const rand = (n: number) => (r = (Math.imul(r, 1664525) + 1013904223) >>> 0) % n;
        const need = tokens.map((t) => Math.ceil(t.length / blockSize));
        const total = need.reduce((a, b) => a + b, 0) + 3;
        const ids = Array.from({ length: total }, (_, i) => i);
        let q = tableSeed >>> 0;
        for (let i = ids.length - 1; i > 0; i--) {
          q = (Math.imul(q, 22695477) + 1) >>> 0;
          const j = q % (i + 1);
          [ids[i], ids[j]] = [ids[j], ids[i]];
        }
        const tables = need.map((n) => ids.splice(0, n));
        const backend = new CpuBackend(model, { numBlocks: total, blockSize }, { kernels });
        const got = tokens.map(() => [] as number[]);
        const done = tokens.map(() => 0);
        while (done.some((d, i) => d < tokens[i].length)) {
          const step: SequenceStep[] = [];
          const which: number[] = [];
          tokens.forEach((t, i) => {
            if (done[i] >= t.length || rand(3) === 0) return;
            const n = 1 + rand(t.length - done[i]);
            step.push({ tokens: t.slice(done[i], done[i] + n), startPos: done[i], blockTable: tables[i], logits: 'all' });
            which.push(i);
            done[i] += n;
          });
          if (step.length === 0) continue;
          backend.stepSync(step).logits.forEach((l, k) => got[which[k]].push(...l!));
        }
        // Every token runs the same operations in the same order, so the results are bit-identical.
        tokens.forEach((_, i) => expect(maxAbsDiff(got[i], alone[i])).toBe(0));
      }),
      { numRuns: 25 },
    );
  });

  it('returns only the last row by default, none on request, and samples without logits', () => {
    const { model } = loadStories();
    const b = new CpuBackend(model, { numBlocks: 2, blockSize: 4 }, { kernels });
    const r = b.stepSync([
      { tokens: [1, 403], startPos: 0, blockTable: [0] },
      { tokens: [1], startPos: 0, blockTable: [1], logits: 'none', sample: GREEDY },
    ]);
    expect(r.logits[0]!.length).toBe(512);
    expect(r.logits[1]).toBeNull();
    expect(r.sampled[0]).toBe(-1);
    expect(r.sampled[1]).toBe(403); // " Once", the greedy continuation of BOS
    expect(r.timing).toMatchObject({ tokens: 3, sequences: 2, source: 'measured' });
  });

  it('rejects steps that would read or write outside the pool', () => {
    const { model } = loadStories();
    const b = new CpuBackend(model, { numBlocks: 2, blockSize: 4 }, { kernels });
    expect(() => b.stepSync([{ tokens: [1, 2, 3, 4, 5], startPos: 0, blockTable: [0] }])).toThrow(/need 2/);
    expect(() => b.stepSync([{ tokens: [1], startPos: 0, blockTable: [7] }])).toThrow(/not a block of the pool/);
    expect(() => b.stepSync([{ tokens: [600], startPos: 0, blockTable: [0] }])).toThrow(/outside the vocabulary/);
    expect(() => b.stepSync([{ tokens: [], startPos: 0, blockTable: [0] }])).toThrow(/no new tokens/);
    expect(() => b.stepSync([{ tokens: [1], startPos: 512, blockTable: [0] }])).toThrow(/seq_len/);
  });
});
