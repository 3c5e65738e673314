/**
 * Plain TypeScript twins of the WGSL kernels (llm.c style): each takes the kernel's logical,
 * unpacked inputs and computes what the kernel must produce, built from the CPU reference's own
 * rmsnorm and matmul so the kernels are checked against the oracle's arithmetic.
 */
import { matmul, rmsnorm } from '../../../model/forward-cpu';

export interface Dims {
  dim: number;
  kvDim: number;
  headSize: number;
}

/** TokenInfo field of token t (token, pos, slot, table). */
const info = (tokenInfo: Uint32Array, t: number) => ({ token: tokenInfo[4 * t], pos: tokenInfo[4 * t + 1], slot: tokenInfo[4 * t + 2], table: tokenInfo[4 * t + 3] });

export function embedTwin(tokenInfo: Uint32Array, T: number, embedding: Float32Array, dim: number): Float32Array {
  const x = new Float32Array(T * dim);
  for (let t = 0; t < T; t++) x.set(embedding.subarray(info(tokenInfo, t).token * dim, (info(tokenInfo, t).token + 1) * dim), t * dim);
  return x;
}

/** Writes q (T, dim) and the tokens' K/V rows into copies of the caches, as qkv_rope does. */
export function qkvRopeTwin(
  d: Dims,
  x: Float32Array,
  T: number,
  w: { wq: Float32Array; wk: Float32Array; wv: Float32Array; gain: Float32Array },
  tokenInfo: Uint32Array,
  cos: Float32Array,
  sin: Float32Array,
  keyCache: Float32Array,
  valueCache: Float32Array,
): { q: Float32Array; keyCache: Float32Array; valueCache: Float32Array } {
  const xb = new Float32Array(T * d.dim);
  rmsnorm(xb, x, w.gain, 0, T, d.dim);
  const q = new Float32Array(T * d.dim);
  const k = new Float32Array(T * d.kvDim);
  const v = new Float32Array(T * d.kvDim);
  matmul(q, xb, w.wq, 0, T, d.dim, d.dim);
  matmul(k, xb, w.wk, 0, T, d.dim, d.kvDim);
  matmul(v, xb, w.wv, 0, T, d.dim, d.kvDim);
  const half = d.headSize / 2;
  const rotate = (a: Float32Array, i: number, f: number) => {
    const [a0, a1] = [a[i], a[i + 1]];
    a[i] = a0 * cos[f] - a1 * sin[f];
    a[i + 1] = a0 * sin[f] + a1 * cos[f];
  };
  const kc = keyCache.slice();
  const vc = valueCache.slice();
  for (let t = 0; t < T; t++) {
    const { pos, slot } = info(tokenInfo, t);
    for (let i = 0; i < d.dim; i += 2) rotate(q, t * d.dim + i, pos * half + ((i % d.headSize) >> 1));
    for (let i = 0; i < d.kvDim; i += 2) rotate(k, t * d.kvDim + i, pos * half + ((i % d.headSize) >> 1));
    kc.set(k.subarray(t * d.kvDim, (t + 1) * d.kvDim), slot * d.kvDim);
    vc.set(v.subarray(t * d.kvDim, (t + 1) * d.kvDim), slot * d.kvDim);
  }
  return { q, keyCache: kc, valueCache: vc };
}

/** x + Wo attention(q), attention as forward-cpu's: causal over each token's own sequence. */
export function attentionOutTwin(d: Dims, blockSize: number, q: Float32Array, T: number, tokenInfo: Uint32Array, tables: Uint32Array, keyCache: Float32Array, valueCache: Float32Array, wo: Float32Array, x: Float32Array): Float32Array {
  const att = new Float32Array(T * d.dim);
  const hs = d.headSize;
  const mul = d.dim / d.kvDim;
  for (let t = 0; t < T; t++) {
    const { pos, table } = info(tokenInfo, t);
    const row = (s: number) => (tables[table + Math.floor(s / blockSize)] * blockSize + (s % blockSize)) * d.kvDim;
    for (let h = 0; h < d.dim / hs; h++) {
      const ho = Math.floor(h / mul) * hs;
      const scores = Array.from({ length: pos + 1 }, (_, s) => {
        let dot = 0;
        for (let i = 0; i < hs; i++) dot += q[t * d.dim + h * hs + i] * keyCache[row(s) + ho + i];
        return dot / Math.sqrt(hs);
      });
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let s = 0; s <= pos; s++) for (let i = 0; i < hs; i++) att[t * d.dim + h * hs + i] += (e[s] / sum) * valueCache[row(s) + ho + i];
    }
  }
  return residual(x, att, wo, T, d.dim, d.dim);
}

/** h = silu(w1 rmsnorm(x)) * (w3 rmsnorm(x)). */
export function ffnUpTwin(x: Float32Array, T: number, dim: number, hidden: number, w1: Float32Array, w3: Float32Array, gain: Float32Array): Float32Array {
  const xb = new Float32Array(T * dim);
  rmsnorm(xb, x, gain, 0, T, dim);
  const a = new Float32Array(T * hidden);
  const b = new Float32Array(T * hidden);
  matmul(a, xb, w1, 0, T, dim, hidden);
  matmul(b, xb, w3, 0, T, dim, hidden);
  return a.map((v, i) => (v / (1 + Math.exp(-v))) * b[i]);
}

/** x + W a, W (out, in). */
export function residual(x: Float32Array, a: Float32Array, w: Float32Array, T: number, inDim: number, out: number): Float32Array {
  const y = new Float32Array(T * out);
  matmul(y, a, w, 0, T, inDim, out);
  return x.map((v, i) => v + y[i]);
}

/** Classifier rows: logits[r] = W rmsnorm(x[rows[r]]). */
export function logitsTwin(x: Float32Array, rows: Uint32Array, dim: number, vocab: number, w: Float32Array, gain: Float32Array): Float32Array {
  const xs = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => xs.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
  rmsnorm(xs, xs, gain, 0, rows.length, dim);
  const out = new Float32Array(rows.length * vocab);
  matmul(out, xs, w, 0, rows.length, dim, vocab);
  return out;
}
