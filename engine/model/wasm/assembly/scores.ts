// Scores of one token's heads against one cached float32 K row, shared by the f32 pool's attention
// and the f16 pool's (which converts each row to float32 first, in a scratch row of kv_dim).
import { blockSize, kvMul, nHeads, poolRowBytes, scale } from './shape';

/**
 * Four lanes of partial sums q_h . k over head_size, accumulated chunk by chunk. Head sizes 8 and
 * 16 (stories260K, the built-in model) are written out: the loop cost 9-13% of attention.
 */
// @ts-ignore: decorator
@inline function dot(q: usize, k: usize, bytes: usize): v128 {
  let acc = f32x4.mul(v128.load(q), v128.load(k));
  if (bytes == 32) return f32x4.add(acc, f32x4.mul(v128.load(q, 16), v128.load(k, 16)));
  if (bytes == 64) {
    acc = f32x4.add(acc, f32x4.mul(v128.load(q, 16), v128.load(k, 16)));
    acc = f32x4.add(acc, f32x4.mul(v128.load(q, 32), v128.load(k, 32)));
    return f32x4.add(acc, f32x4.mul(v128.load(q, 48), v128.load(k, 48)));
  }
  for (let i: usize = 16; i < bytes; i += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(q + i), v128.load(k + i)));
  return acc;
}

/** The lane sums of four vectors, each as (l0 + l2) + (l1 + l3): the order hsum uses for one. */
// @ts-ignore: decorator
@inline export function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const u = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const v = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(u, v, 0, 2, 4, 6), v128.shuffle<f32>(u, v, 1, 3, 5, 7));
}

// @ts-ignore: decorator
@inline function hsum1(a: v128): f32 {
  const u = f32x4.add(a, v128.shuffle<f32>(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(u, 0) + f32x4.extract_lane(u, 1);
}

/**
 * Scores, 4 heads per v128: a[h] = (q_h . k_g(h)) * scale for the token's query qt and one K row k
 * (kv_dim float32), and the heads' running max. Head h reads kv head h / kvMul, kept as a running
 * byte offset instead of a division.
 */
// @ts-ignore: decorator
@inline export function scoreRow(qt: usize, k: usize, a: usize, maxes: usize, hsBytes: usize, vScale: v128): void {
  let kOff: usize = 0;
  let m = 0;
  let h = 0;
  for (; h + 4 <= nHeads; h += 4) {
    const qh = qt + <usize>h * hsBytes;
    const d0 = dot(qh, k + kOff, hsBytes);
    if (++m == kvMul) { m = 0; kOff += hsBytes; }
    const d1 = dot(qh + hsBytes, k + kOff, hsBytes);
    if (++m == kvMul) { m = 0; kOff += hsBytes; }
    const d2 = dot(qh + 2 * hsBytes, k + kOff, hsBytes);
    if (++m == kvMul) { m = 0; kOff += hsBytes; }
    const d3 = dot(qh + 3 * hsBytes, k + kOff, hsBytes);
    if (++m == kvMul) { m = 0; kOff += hsBytes; }
    const sc = f32x4.mul(hsum4(d0, d1, d2, d3), vScale);
    v128.store(a + (<usize>h << 2), sc);
    v128.store(maxes + (<usize>h << 2), f32x4.pmax(v128.load(maxes + (<usize>h << 2)), sc));
  }
  if (h < nHeads) {
    const h0 = h;
    v128.store(a + (<usize>h << 2), f32x4.splat(0));
    for (; h < nHeads; h++) {
      store<f32>(a + (<usize>h << 2), hsum1(dot(qt + <usize>h * hsBytes, k + kOff, hsBytes)) * scale);
      if (++m == kvMul) { m = 0; kOff += hsBytes; }
    }
    v128.store(maxes + (<usize>h0 << 2), f32x4.pmax(v128.load(maxes + (<usize>h0 << 2)), v128.load(a + (<usize>h0 << 2))));
  }
}

/**
 * A token's setup: the byte offset of each cached position's K/V row in the pool, block by block
 * (no division per position), and the heads' max and sum rows reset.
 */
// @ts-ignore: decorator
@inline export function startToken(rows: usize, table: usize, p: i32, maxes: usize, sums: usize, attRow: usize): void {
  for (let s = 0, b: usize = 0; s <= p; b += 4) {
    const first = load<i32>(table + b) * blockSize * poolRowBytes;
    for (let o = 0; o < blockSize && s <= p; o++, s++) store<i32>(rows + (<usize>s << 2), first + o * poolRowBytes);
  }
  for (let h: usize = 0; h < attRow; h += 16) {
    v128.store(maxes + h, f32x4.splat(-Infinity));
    v128.store(sums + h, f32x4.splat(0));
  }
}
