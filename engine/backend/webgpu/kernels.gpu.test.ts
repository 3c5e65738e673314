import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../model/config';
import { ropeTables } from '../../model/forward-cpu';
import { interleaveGated, transposeFold } from './pack-weights';
import { structLayout } from './reflect';
import { loadShaders } from './shaders';
import { packStep } from './step-data';
import { poisoned, runKernel } from './testing/gpu';
import { maxAbsDiff, randomArray, seeded } from './testing/random';
import { randomSequences, randomStep } from './testing/random-steps';
import { attentionOutTwin, embedTwin, ffnUpTwin, logitsTwin, qkvRopeTwin, residual } from './testing/twins';

/**
 * Every kernel against its TypeScript twin on random data of awkward sizes (odd hidden and vocab
 * sizes, token counts that are not multiples of the tile, both workgroup sizes the backend uses),
 * outputs poisoned with NaN first so an element the kernel forgets fails the comparison.
 */

interface Case {
  c: ModelConfig;
  kvDim: number;
  headSize: number;
  blockSize: number;
  wg: number;
  rand: () => number;
}

function randomCase(seed: number): Case {
  const rand = seeded(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const headSize = pick([4, 8, 12]);
  const nKv = pick([1, 2, 3]);
  const nHeads = nKv * pick([1, 2, 3]);
  const dim = headSize * nHeads;
  const c: ModelConfig = { dim, hiddenDim: dim + 1 + Math.floor(rand() * 2 * dim), nLayers: 1, nHeads, nKvHeads: nKv, vocabSize: 37 + Math.floor(rand() * 300), seqLen: 40, sharedClassifier: true };
  return { c, kvDim: headSize * nKv, headSize, blockSize: pick([1, 3, 4, 16]), wg: pick([16, 64]), rand };
}

/** A random ragged step over a small pool, and the arrays the kernels read for it. */
async function stepFor(k: Case) {
  const kv = { numBlocks: 4 * 40, blockSize: k.blockSize };
  const seqs = randomSequences(k.rand, k.c, kv, 1 + Math.floor(k.rand() * 4), 30);
  for (const s of seqs) s.pos = Math.floor(k.rand() * (s.tokens.length - 1));
  const step = randomStep(k.rand, seqs, 6).map((s) => ({ ...s, sample: k.rand() < 0.5 ? { temperature: 1, topP: 0.9, seed: 1 } : undefined }));
  const data = packStep(step, kv, structLayout((await loadShaders()).sample, 'Job'));
  return { ...data, T: data.tokens, slots: kv.numBlocks * kv.blockSize };
}

const dims = (k: Case) => ({ dim: k.c.dim, kvDim: k.kvDim, headSize: k.headSize });
const uniform = (T: number, rows = 0) => new Uint32Array([T, rows]);
const SEEDS = [11, 23, 37, 41, 59, 67];

describe.each(SEEDS)('kernels vs TypeScript twins, case seed %i', (seed) => {
  it('embed gathers every token row', async () => {
    const k = randomCase(seed);
    const s = await stepFor(k);
    const embedding = randomArray(k.c.vocabSize * k.c.dim, k.rand);
    const out = await runKernel('embed', { constants: { DIM: k.c.dim, WG: k.wg }, buffers: { step: uniform(s.T), tokens: s.tokenInfo, embedding, x: poisoned(s.T * k.c.dim) }, workgroups: [Math.ceil(k.c.dim / k.wg), s.T] }, ['x']);
    expect(maxAbsDiff(out.x, embedTwin(s.tokenInfo, s.T, embedding, k.c.dim))).toBe(0);
  });

  it('qkv_rope: rmsnorm, projections, rotary, and K/V written to their slots only', async () => {
    const k = randomCase(seed);
    const s = await stepFor(k);
    const { dim, kvDim } = { dim: k.c.dim, kvDim: k.kvDim };
    const x = randomArray(s.T * dim, k.rand, 2);
    const w = { wq: randomArray(dim * dim, k.rand), wk: randomArray(kvDim * dim, k.rand), wv: randomArray(kvDim * dim, k.rand), gain: randomArray(dim, k.rand) };
    const stacked = Float32Array.from([...w.wq, ...w.wk, ...w.wv]);
    const [cos, sin] = ropeTables(k.c);
    const rope = Float32Array.from({ length: 2 * cos.length }, (_, i) => (i % 2 ? sin : cos)[i >> 1]);
    const caches = { key_cache: poisoned(s.slots * kvDim), value_cache: poisoned(s.slots * kvDim) };
    const out = await runKernel(
      'qkv_rope',
      {
        constants: { DIM: dim, KV_DIM: kvDim, HEAD_SIZE: k.headSize, WG: k.wg },
        buffers: { step: uniform(s.T), tokens: s.tokenInfo, x, w: transposeFold(stacked, 0, dim + 2 * kvDim, dim, w.gain, 0), rope, q: poisoned(s.T * dim), ...caches },
        workgroups: [Math.ceil((dim + 2 * kvDim) / 4 / k.wg), Math.ceil(s.T / 4)],
      },
      ['q', 'key_cache', 'value_cache'],
    );
    const want = qkvRopeTwin(dims(k), x, s.T, w, s.tokenInfo, cos, sin, caches.key_cache, caches.value_cache);
    expect(maxAbsDiff(out.q, want.q)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.key_cache, want.keyCache)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.value_cache, want.valueCache)).toBeLessThan(1e-4);
  });

  it('attention_out: paged causal attention, output projection and residual', async () => {
    const k = randomCase(seed);
    const s = await stepFor(k);
    const { dim, kvDim } = { dim: k.c.dim, kvDim: k.kvDim };
    const q = randomArray(s.T * dim, k.rand, 2);
    const keyCache = randomArray(s.slots * kvDim, k.rand, 2);
    const valueCache = randomArray(s.slots * kvDim, k.rand);
    const wo = randomArray(dim * dim, k.rand);
    const x = randomArray(s.T * dim, k.rand);
    const out = await runKernel(
      'attention_out',
      {
        constants: { DIM: dim, KV_DIM: kvDim, HEAD_SIZE: k.headSize, BLOCK_SIZE: k.blockSize, WG: k.wg },
        buffers: { step: uniform(s.T), tokens: s.tokenInfo, tables: s.tables, q, key_cache: keyCache, value_cache: valueCache, w: transposeFold(wo, 0, dim, dim), x },
        workgroups: [Math.ceil(s.T / 4)],
      },
      ['x'],
    );
    expect(maxAbsDiff(out.x, attentionOutTwin(dims(k), k.blockSize, q, s.T, s.tokenInfo, s.tables, keyCache, valueCache, wo, x))).toBeLessThan(1e-4);
  });

  it('ffn_up: rmsnorm, w1 and w3, SwiGLU', async () => {
    const k = randomCase(seed);
    const s = await stepFor(k);
    const { dim, hiddenDim: hidden } = k.c;
    const x = randomArray(s.T * dim, k.rand, 2);
    const [w1, w3, gain] = [randomArray(hidden * dim, k.rand), randomArray(hidden * dim, k.rand), randomArray(dim, k.rand)];
    const out = await runKernel(
      'ffn_up',
      { constants: { DIM: dim, HIDDEN: hidden, WG: k.wg }, buffers: { step: uniform(s.T), x, w: interleaveGated(w1, w3, 0, hidden, dim, gain, 0), h: poisoned(s.T * hidden) }, workgroups: [Math.ceil(hidden / 4 / k.wg), Math.ceil(s.T / 4)] },
      ['h'],
    );
    expect(maxAbsDiff(out.h, ffnUpTwin(x, s.T, dim, hidden, w1, w3, gain))).toBeLessThan(1e-4);
  });

  it('matmul_residual: x += W a', async () => {
    const k = randomCase(seed);
    const s = await stepFor(k);
    const { dim, hiddenDim: hidden } = k.c;
    const [a, w, x] = [randomArray(s.T * hidden, k.rand), randomArray(dim * hidden, k.rand), randomArray(s.T * dim, k.rand)];
    const out = await runKernel(
      'matmul_residual',
      { constants: { IN: hidden, OUT: dim, WG: k.wg }, buffers: { step: uniform(s.T), a, w: transposeFold(w, 0, dim, hidden), x }, workgroups: [Math.ceil(dim / 4 / k.wg), Math.ceil(s.T / 4)] },
      ['x'],
    );
    expect(maxAbsDiff(out.x, residual(x, a, w, s.T, hidden, dim))).toBeLessThan(1e-4);
  });

  it('logits: final rmsnorm and classifier on the requested rows only', async () => {
    const k = randomCase(seed);
    const s = await stepFor(k);
    const { dim, vocabSize: vocab } = k.c;
    const R = s.rows.length;
    const [x, w, gain] = [randomArray(s.T * dim, k.rand, 2), randomArray(vocab * dim, k.rand), randomArray(dim, k.rand)];
    const out = await runKernel(
      'logits',
      { constants: { DIM: dim, VOCAB: vocab, WG: k.wg }, buffers: { step: uniform(s.T, R), rows: s.rows, x, w: transposeFold(w, 0, vocab, dim, gain, 0), logits: poisoned(Math.max(1, R) * vocab) }, workgroups: [Math.ceil(vocab / 4 / k.wg), Math.max(1, Math.ceil(R / 4))] },
      ['logits'],
    );
    const want = logitsTwin(x, s.rows, dim, vocab, w, gain);
    expect(maxAbsDiff(out.logits.subarray(0, R * vocab), want)).toBeLessThan(1e-4);
    if (R === 0) expect(out.logits.every(Number.isNaN)).toBe(true);
  });
});
