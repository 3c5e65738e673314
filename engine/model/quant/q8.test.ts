import { describe, expect, it } from 'vitest';
import { randomArray, seeded } from '../../backend/webgpu/testing/random';
import { matmul } from '../forward-cpu';
import { roundF16 } from './f16';
import { kvBytesPerToken, kvRowBytes, matrixBytes } from './formats';
import { KvBytes } from './kv-codec';
import { dequantRow, matmulQ8, quantizeGroup, quantizeQ8, roundAway } from './q8';
import type { ModelConfig } from '../config';

describe('Q8_0 quantization (llama.cpp quantize_row_q8_0_ref)', () => {
  it('rounds halves away from zero, as C roundf does', () => {
    expect([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999997, 126.5].map(roundAway)).toEqual([1, 2, 3, -1, -3, 0, 127]);
  });

  it('maps the group maximum to ±127 and every value within half a step plus the scale rounding', () => {
    const rand = seeded(3);
    for (const n of [32, 64, 172, 5]) {
      const w = randomArray(7 * n, rand, 0.3);
      const m = quantizeQ8(w, 0, 7, n);
      expect(m.groups).toBe(Math.ceil(n / 32));
      const row = new Float32Array(n);
      for (let r = 0; r < 7; r++) {
        dequantRow(m, r, row);
        for (let g = 0; g < m.groups; g++) {
          const vals = Array.from(w.subarray(r * n + g * 32, r * n + Math.min(n, g * 32 + 32)));
          const amax = Math.max(...vals.map(Math.abs));
          const d = Math.fround(amax / 127);
          expect(m.scales[r * m.groups + g]).toBe(roundF16(d));
          const qs = Array.from(m.q.subarray(r * n + g * 32, r * n + g * 32 + vals.length));
          expect(Math.max(...qs.map(Math.abs))).toBe(127);
          vals.forEach((v, j) => expect(Math.abs(row[g * 32 + j] - v)).toBeLessThanOrEqual(d / 2 + 127 * Math.abs(d - m.scales[r * m.groups + g]) + 1e-7));
        }
      }
    }
  });

  it('gives zeros and a zero scale for an all-zero group', () => {
    const q = new Int8Array(32);
    expect(quantizeGroup(new Float32Array(32), 0, 32, q, 0)).toBe(0);
    expect([...q].every((v) => v === 0)).toBe(true);
  });

  it('multiplies like the float32 matmul over the dequantized weights', () => {
    const rand = seeded(9);
    const [T, n, d] = [3, 172, 19];
    const w = randomArray(d * n, rand, 0.3);
    const m = quantizeQ8(w, 0, d, n);
    const deq = new Float32Array(d * n);
    for (let r = 0; r < d; r++) dequantRow(m, r, deq, r * n);
    const x = randomArray(T * n, rand);
    const [a, b] = [new Float32Array(T * d), new Float32Array(T * d)];
    matmulQ8(a, x, m, T);
    matmul(b, x, deq, 0, T, n, d);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
  });

  it('counts 34 bytes per 32 weights, as a Q8_0 block stores them', () => {
    expect(matrixBytes(10, 64, 'int8')).toBe(10 * 2 * 34);
    expect(matrixBytes(10, 64, 'f32')).toBe(10 * 64 * 4);
    expect(matrixBytes(1, 172, 'int8')).toBe(172 + 6 * 2);
  });
});

describe('KV rows in f16 and int8', () => {
  const c: ModelConfig = { dim: 128, hiddenDim: 320, nLayers: 4, nHeads: 8, nKvHeads: 4, vocabSize: 1024, seqLen: 512, sharedClassifier: true };

  it('cost 2x (f16) and 3.56x (int8, head size 16) fewer bytes per token than f32', () => {
    expect(kvRowBytes(c, 'f32')).toBe(256);
    expect(kvRowBytes(c, 'f16')).toBe(128);
    expect(kvRowBytes(c, 'int8')).toBe(64 + 8);
    expect(kvBytesPerToken(c, 'f32') / kvBytesPerToken(c, 'int8')).toBeGreaterThanOrEqual(3.5);
    // An odd number of kv heads pads the scales to whole words.
    expect(kvRowBytes({ ...c, dim: 48, nHeads: 3, nKvHeads: 3 }, 'int8')).toBe(48 + 8);
  });

  it.each(['f16', 'int8'] as const)('%s: round-trips rows within the format step, and rows do not overlap', (dtype) => {
    const rand = seeded(5);
    const pool = new KvBytes(c, dtype, 3);
    const rows = [randomArray(64, rand, 2), randomArray(64, rand, 0.01), randomArray(64, rand, 30)];
    rows.forEach((r, i) => pool.write(i, r, 0));
    const out = pool.readAll();
    rows.forEach((r, i) => {
      for (let h = 0; h < 4; h++) {
        const head = r.subarray(h * 16, h * 16 + 16);
        const amax = Math.max(...Array.from(head, Math.abs));
        const tol = dtype === 'f16' ? amax * 2 ** -11 : (amax / 127) * 0.51;
        for (let j = 0; j < 16; j++) expect(Math.abs(out[i * 64 + h * 16 + j] - head[j])).toBeLessThanOrEqual(tol + 1e-12);
      }
    });
  });
});
