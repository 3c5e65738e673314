// Token-wise kernels besides the matmul. Buffers are (T, row) float32, padded to a multiple of 4
// floats at the end, so whole-buffer loops run in v128 steps with no scalar tail. Per token the
// operations and their order never depend on T: a token's result is the same in any batch.
import { vexp } from './vexp';

/** Sum of four lanes in a fixed order: (l0 + l2) + (l1 + l3), as hsum4 in attention.ts. */
// @ts-ignore: decorator
@inline export function hsum(a: v128): f32 {
  const u = f32x4.add(a, v128.shuffle<f32>(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(u, 0) + f32x4.extract_lane(u, 1);
}

/** out[t] = w * (x[t] / sqrt(mean(x[t]^2) + 1e-5)) for T rows of `dim`. */
export function rmsnorm(out: usize, x: usize, w: usize, T: i32, dim: i32): void {
  const row = <usize>dim << 2;
  for (let t = 0; t < T; t++, x += row, out += row) {
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= dim; j += 4) {
      const v = v128.load(x + (<usize>j << 2));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    let ss = hsum(acc);
    for (; j < dim; j++) {
      const v = load<f32>(x + (<usize>j << 2));
      ss += v * v;
    }
    const inv: f32 = 1 / Mathf.sqrt(ss / <f32>dim + 1e-5);
    const s = f32x4.splat(inv);
    j = 0;
    for (; j + 4 <= dim; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.mul(v128.load(w + o), f32x4.mul(s, v128.load(x + o))));
    }
    for (; j < dim; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(w + o) * (inv * load<f32>(x + o)));
    }
  }
}

/**
 * Rotary embedding on interleaved pairs (i, i + 1) of every head of T rows of `rowLen`, at each
 * token's position (meta: per token i32 pos, i32 block-table pointer). table: per position, hs
 * cos values with each pair's cos twice, then hs values (-sin, sin) per pair, so that
 * v' = v * cos + swap(v) * sin gives (v0 cos - v1 sin, v1 cos + v0 sin) in one step.
 */
export function rope(v: usize, meta: usize, T: i32, rowLen: i32, hs: i32, table: usize): void {
  const hsBytes = <usize>hs << 2;
  for (let t = 0; t < T; t++, meta += 8) {
    const tab = table + <usize>load<i32>(meta) * (hsBytes << 1);
    for (let h = 0; h < rowLen; h += hs, v += hsBytes) {
      for (let i: usize = 0; i < hsBytes; i += 16) {
        const x = v128.load(v + i);
        const sw = v128.shuffle<f32>(x, x, 1, 0, 3, 2);
        v128.store(v + i, f32x4.add(f32x4.mul(x, v128.load(tab + i)), f32x4.mul(sw, v128.load(tab + hsBytes + i))));
      }
    }
  }
}

/** SwiGLU: h[i] = silu(h[i]) * g[i] = h / (1 + exp(-h)) * g, for n floats (padded). */
export function siluMul(h: usize, g: usize, n: i32): void {
  const one = f32x4.splat(1);
  for (let i = 0; i < n; i += 4, h += 16, g += 16) {
    const a = v128.load(h);
    const e = vexp(f32x4.neg(a));
    v128.store(h, f32x4.mul(f32x4.div(a, f32x4.add(one, e)), v128.load(g)));
  }
}

/** x += y for n floats (padded). */
export function addInPlace(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 4, x += 16, y += 16) v128.store(x, f32x4.add(v128.load(x), v128.load(y)));
}
