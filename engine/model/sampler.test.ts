import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { argmax, sampleToken } from './sampler';
import { pcgHash, uniformAt } from './rng';
import { CpuBackend } from '../backend/cpu';
import { generateAll } from '../serve/generate';
import { loadStories } from '../../tools/testing/stories260k';

const softmax = (logits: number[], t: number) => {
  const m = Math.max(...logits.map((l) => l / t));
  const e = logits.map((l) => Math.exp(l / t - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('sampling', () => {
  it('argmax takes the first index of the maximum', () => {
    expect(argmax([1, 5, 5, 2])).toBe(1);
    expect(argmax([-3, -3])).toBe(0);
  });

  it('temperature 0 is greedy whatever the seed', () => {
    const logits = Float32Array.of(0.1, 2, 1.9, -1);
    for (let seed = 0; seed < 20; seed++) expect(sampleToken(logits, { temperature: 0, topP: 0.5, seed }, seed)).toBe(1);
  });

  it('draws uniforms in [0, 1) that depend only on (seed, position)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 1 << 20 }), (seed, pos) => {
        const u = uniformAt(seed, pos);
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThan(1);
        expect(uniformAt(seed, pos)).toBe(u);
        expect(Math.fround(u)).toBe(u); // exactly representable, so WGSL can match it
      }),
    );
    expect(pcgHash(0)).not.toBe(pcgHash(1));
    // Roughly uniform: each decile gets about a tenth of 20,000 draws.
    const bins = new Array(10).fill(0);
    for (let p = 0; p < 20000; p++) bins[Math.floor(uniformAt(7, p) * 10)]++;
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
  });

  it('samples in proportion to softmax(logits / temperature)', () => {
    const logits = [1, 0, 2, -1, 0.5];
    const p = softmax(logits, 0.8);
    const counts = new Array(logits.length).fill(0);
    const n = 20000;
    for (let i = 0; i < n; i++) counts[sampleToken(Float32Array.from(logits), { temperature: 0.8, topP: 1, seed: 3 }, i)]++;
    counts.forEach((c, i) => expect(Math.abs(c / n - p[i])).toBeLessThan(0.015));
  });

  it('top-p keeps only the smallest set of likeliest tokens whose mass exceeds p', () => {
    const logits = Float32Array.of(3, 2.9, 0, -2, 1, -5);
    const p = softmax(Array.from(logits), 1); // p[0]+p[1] ≈ 0.91, with p[4] ≈ 0.97
    expect(p[0] + p[1]).toBeLessThan(0.95);
    expect(p[0] + p[1] + p[4]).toBeGreaterThan(0.95);
    const seen = new Set<number>();
    for (let pos = 0; pos < 3000; pos++) seen.add(sampleToken(logits, { temperature: 1, topP: 0.95, seed: 11 }, pos));
    expect([...seen].sort()).toEqual([0, 1, 4]);
  });

  it("keeps a request's samples independent of what shares its batch", async () => {
    const { model, tok512 } = loadStories();
    const sampling = { temperature: 1, topP: 0.9, seed: 1234 };
    const prompts = ['Once upon a time', 'The cat', 'Lily and Tom'].map((t) => ({ prompt: tok512.encode(t), steps: 40, sampling }));
    const together = await generateAll(new CpuBackend(model, { numBlocks: 30, blockSize: 4 }), prompts);
    for (let i = 0; i < prompts.length; i++) {
      const [alone] = await generateAll(new CpuBackend(model, { numBlocks: 10, blockSize: 4 }), [prompts[i]]);
      expect(together[i].tokens).toEqual(alone.tokens);
    }
    // And sampling really happened: it differs from greedy for at least one prompt.
    const greedy = await generateAll(new CpuBackend(model, { numBlocks: 30, blockSize: 4 }), prompts.map((p) => ({ ...p, sampling: { ...sampling, temperature: 0 } })));
    expect(greedy.map((g) => g.tokens)).not.toEqual(together.map((t) => t.tokens));
  });
});
