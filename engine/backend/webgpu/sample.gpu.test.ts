import { describe, expect, it } from 'vitest';
import { uniformAt } from '../../model/rng';
import { sampleToken, type SamplingParams } from '../../model/sampler';
import { structLayout, writeStruct } from './reflect';
import { loadShaders } from './shaders';
import { poisoned, runKernel } from './testing/gpu';
import { randomArray, seeded } from './testing/random';

/**
 * The GPU sampler against engine/model/sampler.ts on the same rows: greedy exactly; temperature
 * and top-p exactly wherever float32 vs float64 rounding cannot decide the outcome, i.e. unless
 * the coin, the nucleus threshold or the candidate cutoff falls within 1e-5 of a boundary.
 */

/** Distance (float64) from the nearest boundary that rounding could move the draw across. */
function margin(logits: Float32Array, s: SamplingParams, pos: number): number {
  if (s.temperature <= 0) return Infinity;
  const max = Math.max(...Array.from(logits, (l) => l / s.temperature));
  const e = Array.from(logits, (l) => Math.exp(l / s.temperature - max));
  const z = e.reduce((a, b) => a + b, 0);
  const p = e.map((v) => v / z);
  const coin = uniformAt(s.seed, pos);
  const cums = (ids: number[]) => ids.reduce<number[]>((acc, i) => [...acc, (acc.at(-1) ?? 0) + p[i]], []);
  const nearest = (xs: number[], v: number) => Math.min(...xs.map((x) => Math.abs(x - v)));
  if (s.topP <= 0 || s.topP >= 1) return nearest(cums(p.map((_, i) => i)), coin);
  const cutoff = (1 - s.topP) / (p.length - 1);
  const ids = p.map((_, i) => i).filter((i) => p[i] >= cutoff).sort((a, b) => p[b] - p[a] || a - b);
  const cum = cums(ids);
  const last = cum.findIndex((c) => c > s.topP);
  const nucleus = cum.slice(0, last < 0 ? cum.length : last + 1);
  return Math.min(nearest(p, cutoff) / cutoff, nearest(cum, s.topP), nearest(nucleus, coin * nucleus.at(-1)!));
}

const TEMPERATURES = [0, 0.3, 1, 2];
const TOP_PS = [0, 0.5, 0.9, 0.99, 1];

describe.each([
  [7, 16],
  [37, 64],
  [300, 16],
  [1000, 64],
])('sample.wgsl with vocab %i, workgroup %i', (vocab, wg) => {
  it('draws the token the CPU sampler draws', async () => {
    const rand = seeded(vocab * 31 + wg);
    const rows: Float32Array[] = [];
    for (let i = 0; i < 48; i++) rows.push(randomArray(vocab, rand, 1 + 4 * rand()));
    rows.push(new Float32Array(vocab)); // all tied: ids break every tie
    const twoMax = randomArray(vocab, rand);
    twoMax[vocab - 1] = twoMax[Math.floor(vocab / 2)] = 2;
    rows.push(twoMax); // argmax must take the first of equal maxima
    const job = structLayout((await loadShaders()).sample, 'Job');
    const jobs = new ArrayBuffer(job.size * rows.length);
    const params = rows.map((_, r) => {
      const s: SamplingParams = { temperature: TEMPERATURES[r % 4], topP: TOP_PS[Math.floor(r / 4) % 5], seed: Math.floor(rand() * 2 ** 32) };
      const pos = Math.floor(rand() * 512);
      writeStruct(new DataView(jobs), job.size * r, job, { row: r, seed: s.seed, pos, temperature: s.temperature, top_p: s.topP });
      return { s, pos };
    });
    const logits = new Float32Array(rows.length * vocab);
    rows.forEach((r, i) => logits.set(r, i * vocab));
    const out = await runKernel(
      'sample',
      {
        constants: { VOCAB: vocab, WG: wg },
        buffers: { jobs: new Uint32Array(jobs), logits, scratch: poisoned(4 * rows.length * vocab), sampled: new Uint32Array(rows.length).fill(0xffffffff) },
        workgroups: [rows.length],
      },
      ['sampled'],
    );
    const got = new Uint32Array(out.sampled.buffer);
    let compared = 0;
    rows.forEach((row, r) => {
      const { s, pos } = params[r];
      if (margin(row, s, pos) < 1e-5) return;
      compared++;
      expect({ r, s, token: got[r] }).toEqual({ r, s, token: sampleToken(row, s, pos) });
    });
    expect(compared).toBeGreaterThan(rows.length * 0.9);
  });
});
