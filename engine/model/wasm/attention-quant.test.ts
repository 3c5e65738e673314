import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, seeded } from '../../backend/webgpu/testing/random';
import type { ModelConfig } from '../config';
import { KV_DTYPES, kvRowBytes, type KvDtype } from '../quant/formats';
import { KvBytes } from '../quant/kv-codec';
import { instantiateKernels, wasmKernelsModule } from './kernels';

/**
 * The WebAssembly attention that reads an f16 or int8 pool in place (assembly/attention-quant.ts)
 * against the path it replaced: decode every row to float32, then the f32 kernel. Random ragged
 * steps (prefill chunks and decodes of several sequences, shuffled block tables) on shapes that
 * reach every branch: head sizes 4, 8, 16, 20 and 32, kv groups of 1, 2 and 3, head counts that
 * are not a multiple of 4.
 * - f16: the same float32 values in the same order, so the outputs must be bit-identical.
 * - int8: the query is rounded to int16 per head (each value moves by at most 2^-16 of the head's
 *   largest |q|) and each scale multiplies a sum instead of every term. With |q| < 3, |k| < 2,
 *   |v| < 1 (scores up to ~30, sharper than the model's) the measured max |diff| is 4.8e-5 (head
 *   size 32), 2.4e-5 at head size 16; the bound is 1e-4, under a fiftieth of what rounding K and V
 *   to int8 moves the same outputs (0.007-0.01, checked too).
 */

const shapes: [string, Pick<ModelConfig, 'dim' | 'nHeads' | 'nKvHeads'>][] = [
  ['head size 8, GQA 2 (stories260K)', { dim: 64, nHeads: 8, nKvHeads: 4 }],
  ['head size 16, GQA 2 (batchscope-tiny)', { dim: 128, nHeads: 8, nKvHeads: 4 }],
  ['head size 4, 6 heads, GQA 2', { dim: 24, nHeads: 6, nKvHeads: 3 }],
  ['head size 16, 6 heads, GQA 3', { dim: 96, nHeads: 6, nKvHeads: 2 }],
  ['head size 16, no GQA', { dim: 64, nHeads: 4, nKvHeads: 4 }],
  ['head size 20, 4 heads, GQA 2', { dim: 80, nHeads: 4, nKvHeads: 2 }],
  ['head size 32, 5 heads, no GQA', { dim: 160, nHeads: 5, nKvHeads: 5 }],
];

const SEQ_LEN = 80;
const BLOCK = 3;

interface Step {
  pos: number[]; // per token
  seqOf: number[]; // per token
  tables: number[][]; // per sequence
}

/** Up to 5 sequences, each a prefill chunk or a one-token decode ending somewhere in 1..SEQ_LEN. */
function randomStep(rand: () => number, numBlocks: number): Step {
  const free = Array.from({ length: numBlocks }, (_, b) => b).sort(() => rand() - 0.5);
  const step: Step = { pos: [], seqOf: [], tables: [] };
  const seqs = 1 + Math.floor(rand() * 5);
  for (let q = 0; q < seqs; q++) {
    const end = 1 + Math.floor(rand() * SEQ_LEN);
    const n = rand() < 0.5 ? 1 : 1 + Math.floor(rand() * Math.min(end, 12));
    step.tables.push(free.splice(0, Math.ceil(end / BLOCK)));
    for (let p = end - n; p < end; p++) {
      step.pos.push(p);
      step.seqOf.push(q);
    }
  }
  return step;
}

/** Runs the kernel's attention over `pool` bytes (K then V rows) for a step, in its own memory. */
function attend(c: ModelConfig, dtype: KvDtype, keys: Uint8Array, values: Uint8Array, q: Float32Array, step: Step): Float32Array {
  const T = step.pos.length;
  const heads = Math.ceil(c.nHeads / 4) * 4;
  const memory = new WebAssembly.Memory({ initial: 16 });
  const k = instantiateKernels(wasmKernelsModule()!, memory);
  k.configureAttention(c.dim, c.nHeads, c.nKvHeads, BLOCK, KV_DTYPES.indexOf(dtype), kvRowBytes(c, dtype));
  let top = Math.ceil(k.heapBase() / 16) * 16;
  const take = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16 + 16;
    return at;
  };
  const K = take(keys.length);
  const V = take(values.length);
  const Q = take(q.length * 4);
  const out = take(T * c.dim * 4);
  const meta = take(T * 8);
  const tables = take(step.tables.reduce((n, t) => n + t.length, 0) * 4);
  const att = take((SEQ_LEN + 2) * heads * 4);
  const rows = take(SEQ_LEN * 4);
  const work = take(heads * (c.dim / c.nHeads) * 2 + 16 + heads * 4 + c.dim * 4);
  const bytes = new Uint8Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  bytes.set(keys, K);
  bytes.set(values, V);
  f32.set(q, Q / 4);
  const tableAt: number[] = [];
  let at = tables;
  for (const t of step.tables) {
    tableAt.push(at);
    i32.set(t, at / 4);
    at += t.length * 4;
  }
  step.pos.forEach((p, t) => {
    i32[meta / 4 + 2 * t] = p;
    i32[meta / 4 + 2 * t + 1] = tableAt[step.seqOf[t]];
  });
  k.attention(out, Q, K, V, meta, T, att, rows, work);
  return f32.slice(out / 4, out / 4 + T * c.dim);
}

describe.each(shapes)('attention on an f16 or int8 pool read in place: %s', (_, shape) => {
  const c: ModelConfig = { ...shape, hiddenDim: 8, nLayers: 1, vocabSize: 8, seqLen: SEQ_LEN, sharedClassifier: true };
  const kvDim = (c.dim / c.nHeads) * c.nKvHeads;
  const numBlocks = Math.ceil(SEQ_LEN / BLOCK) * 5 + 4;

  it.each([
    ['f16', 0],
    ['int8', 1e-4],
  ] as [KvDtype, number][])('%s: the dequantize-then-attend outputs within %s on random ragged steps', (dtype, tol) => {
    const rand = seeded(c.dim * 31 + c.nHeads + (dtype === 'int8' ? 7 : 0));
    let worst = 0;
    let rounding = 0; // what storing K and V in the format moved, for scale
    for (let round = 0; round < 12; round++) {
      const step = randomStep(rand, numBlocks);
      const rows = numBlocks * BLOCK;
      const [k32, v32] = [randomArray(rows * kvDim, rand, 2), randomArray(rows * kvDim, rand)];
      const keys = new KvBytes(c, dtype, rows);
      const values = new KvBytes(c, dtype, rows);
      for (let r = 0; r < rows; r++) {
        keys.write(r, k32, r * kvDim);
        values.write(r, v32, r * kvDim);
      }
      const q = randomArray(step.pos.length * c.dim, rand, 3);
      const inPlace = attend(c, dtype, keys.bytes, values.bytes, q, step);
      const decoded = attend(c, 'f32', new Uint8Array(keys.readAll().buffer), new Uint8Array(values.readAll().buffer), q, step);
      const exact = attend(c, 'f32', new Uint8Array(k32.buffer), new Uint8Array(v32.buffer), q, step);
      worst = Math.max(worst, maxAbsDiff(inPlace, decoded));
      rounding = Math.max(rounding, maxAbsDiff(decoded, exact));
    }
    if (tol === 0) expect(worst).toBe(0);
    else {
      expect(worst).toBeLessThanOrEqual(tol);
      expect(rounding, 'int8 rounding of K and V').toBeGreaterThan(50 * tol);
    }
  });
});

describe('storeKv: the WebAssembly encoders write the bytes the TypeScript codec writes', () => {
  // Magnitudes from fp16's subnormals to past its range, and the cases rounding gets wrong first:
  // fp16 ties (1 + 2^-11, odd and even), the subnormal edge, 65504..65536; int8 ties (a row whose
  // largest |value| is 127 scales by exactly 1, so 2.5 and -0.5 are ties), zeros and -0.
  const special = [0, -0, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -24, 2 ** -25, 1.5 * 2 ** -25, 2 ** -14 - 2 ** -26, 65504, 65519, 65520, 70000, -1e9, 2.5, -2.5, 0.5, -0.5, 126.5, 127, -3.5];
  const c: ModelConfig = { dim: 64, nHeads: 8, nKvHeads: 4, hiddenDim: 8, nLayers: 1, vocabSize: 8, seqLen: 8, sharedClassifier: true };
  const kvDim = 32;

  it.each(['f16', 'int8'] as KvDtype[])('%s, bit for bit, on random and edge values', (dtype) => {
    const rand = seeded(dtype.length);
    const T = 40;
    const src = new Float32Array(T * kvDim);
    for (let i = 0; i < src.length; i++) src[i] = (rand() < 0.5 ? -1 : 1) * 2 ** (rand() * 48 - 30) * (1 + rand());
    src.set(special, 0);
    src.set([127, ...special.filter((x) => Math.abs(x) <= 127)], kvDim * 3); // a row scaled by exactly 1
    const want = new KvBytes(c, dtype, T);
    for (let t = 0; t < T; t++) want.write(t, src, t * kvDim);

    const rowBytes = kvRowBytes(c, dtype);
    const memory = new WebAssembly.Memory({ initial: 4 });
    const k = instantiateKernels(wasmKernelsModule()!, memory);
    k.configureAttention(c.dim, c.nHeads, c.nKvHeads, 1, KV_DTYPES.indexOf(dtype), rowBytes);
    const base = Math.ceil(k.heapBase() / 16) * 16;
    const [pool, x, slots] = [base, base + T * rowBytes * 2, base + T * rowBytes * 2 + src.length * 4];
    new Float32Array(memory.buffer).set(src, x / 4);
    new Int32Array(memory.buffer).set(Array.from({ length: T }, (_, t) => t * rowBytes), slots / 4);
    k.storeKv(pool, pool + T * rowBytes, x, x, slots, T);
    const got = new Uint8Array(memory.buffer, pool, T * rowBytes * 2);
    expect(Buffer.from(got.subarray(0, T * rowBytes)).equals(Buffer.from(want.bytes))).toBe(true);
    expect(Buffer.from(got.subarray(T * rowBytes)).equals(Buffer.from(want.bytes))).toBe(true);
  });
});
