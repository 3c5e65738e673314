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

/** llama2.c's sample_topp as first written here: a full sort of the candidates, the twin of the heap version. */
function topPBySort(logits: Float32Array, temperature: number, topP: number, coin: number): number {
  const probs = Float64Array.from(softmax(Array.from(logits), temperature));
  // softmax above sums in the same order as sampler.ts (max, exp, sum, divide), so probs match bit for bit.
  const cutoff = (1 - topP) / (probs.length - 1);
  const ids: number[] = [];
  for (let i = 0; i < probs.length; i++) if (probs[i] >= cutoff) ids.push(i);
  if (ids.length === 0) return argmax(probs); // the sort version returned undefined here
  ids.sort((a, b) => probs[b] - probs[a] || a - b);
  let cum = 0;
  let last = ids.length - 1;
  for (let i = 0; i < ids.length; i++) {
    cum += probs[ids[i]];
    if (cum > topP) {
      last = i;
      break;
    }
  }
  const r = coin * cum;
  let acc = 0;
  for (let i = 0; i <= last; i++) {
    acc += probs[ids[i]];
    if (r < acc) return ids[i];
  }
  return ids[last];
}

describe('sampling', () => {
  it('top-p below 1/n on a flat distribution draws the first likeliest token instead of undefined', () => {
    // 8 equal logits: each p = 0.125 is below the cutoff 0.999 / 7, so no candidate survives it.
    expect(sampleToken(new Float32Array(8), { temperature: 1, topP: 0.001, seed: 1 }, 3)).toBe(0);
  });

  it('top-p draws exactly the token a full sort of the candidates gives (heap order, ties by id)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 2, maxLength: 300 }),
        fc.constantFrom(0.3, 0.7, 1, 1.5),
        fc.constantFrom(0.05, 0.5, 0.9, 0.99),
        fc.integer({ min: 0, max: 1000 }),
        (raw, temperature, topP, pos) => {
          const logits = Float32Array.from(raw, (v) => v / 8); // steps of 1/8: plenty of exact ties
          const coin = uniformAt(5, pos);
          expect(sampleToken(logits, { temperature, topP, seed: 5 }, pos)).toBe(topPBySort(logits, temperature, topP, coin));
        },
      ),
      { numRuns: 400 },
    );
  });

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
