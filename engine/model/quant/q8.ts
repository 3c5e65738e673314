import { f16Bits, f16Value } from './f16';
import { Q8_GROUP } from './formats';

/**
 * llama.cpp's Q8_0, group by group along a row's input dimension: d = max|x| / 127 (float32), stored
 * as fp16; q = round(x / d) computed as x * (1 / d) with the unrounded d and rounded half away from
 * zero (C's roundf), as quantize_row_q8_0_ref does. llama.cpp requires rows that are whole groups;
 * here a row's last group may be shorter (stories260K's hidden size is 172).
 */
export interface Q8Matrix {
  /** Rows (outputs). */
  d: number;
  /** Columns (inputs). */
  n: number;
  /** Groups per row: ceil(n / 32). */
  groups: number;
  /** (d, n) */
  q: Int8Array;
  /** (d, groups) the fp16 scales' values, exactly (read as float32 by every kernel). */
  scales: Float32Array;
}

/** C's roundf: to nearest, halves away from zero. */
export const roundAway = (v: number): number => (v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5));

/**
 * Quantizes x[from .. from + len) as one group into q[at ..]; returns the scale's fp16 bits. The
 * same rule serves weight groups and KV head vectors.
 */
export function quantizeGroup(x: ArrayLike<number>, from: number, len: number, q: Int8Array, at: number): number {
  let amax = 0;
  for (let j = 0; j < len; j++) amax = Math.max(amax, Math.abs(x[from + j]));
  const d = Math.fround(amax / 127);
  const id = d ? Math.fround(1 / d) : 0;
  for (let j = 0; j < len; j++) q[at + j] = roundAway(Math.fround(x[from + j] * id));
  return f16Bits(d);
}

/** W (d, n) at `from` in a row-major float32 array -> Q8_0. */
export function quantizeQ8(src: Float32Array, from: number, d: number, n: number): Q8Matrix {
  const groups = Math.ceil(n / Q8_GROUP);
  const q = new Int8Array(d * n);
  const scales = new Float32Array(d * groups);
  for (let r = 0; r < d; r++) {
    for (let g = 0; g < groups; g++) {
      const j0 = g * Q8_GROUP;
      scales[r * groups + g] = f16Value(quantizeGroup(src, from + r * n + j0, Math.min(Q8_GROUP, n - j0), q, r * n + j0));
    }
  }
  return { d, n, groups, q, scales };
}

/** Row r dequantized: fround(q * scale) per value, the weight every int8 kernel multiplies by. */
export function dequantRow(m: Q8Matrix, r: number, out: Float32Array, at = 0): void {
  for (let j = 0; j < m.n; j++) out[at + j] = m.q[r * m.n + j] * m.scales[r * m.groups + ((j / Q8_GROUP) | 0)];
}

/**
 * out (T, d) = x (T, n) @ W^T for an int8 W, the reference's way: each weight dequantized to
 * float32 (q * scale, one rounding), then summed in float64 like the float32 matmul.
 */
export function matmulQ8(out: Float32Array, x: Float32Array, m: Q8Matrix, T: number): void {
  const { d, n, groups, q, scales } = m;
  const row = new Float32Array(n);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < n; j++) row[j] = q[i * n + j] * scales[i * groups + ((j / Q8_GROUP) | 0)];
    for (let t = 0; t < T; t++) {
      const xo = t * n;
      let a0 = 0;
      let a1 = 0;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        a0 += row[j] * x[xo + j];
        a1 += row[j + 1] * x[xo + j + 1];
      }
      if (j < n) a0 += row[j] * x[xo + j];
      out[t * d + i] = a0 + a1;
    }
  }
}
