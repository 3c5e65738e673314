// out (T, d) = x (T, n) @ W^T, for a weight W (d, n) packed as (groups, n, 4): group g holds rows
// 4g..4g+3 interleaved, so one v128 load gives w[4g + lane][j] for four rows at once and one x
// value splatted across the lanes feeds all four. The packing pads W with zero rows to a multiple
// of 16 (`groups` a multiple of 4), so every tile below is full and no scalar tail exists; the
// stores skip the padding rows. Every output is a plain float32 sum over
// j in order (acc = acc + w * x, never fused, never reassociated), whichever tile computes it:
// a token's results are bit-identical whatever the batch around it. Tiles keep their
// accumulators in registers: 4 tokens x 2 groups, 2 x 4, 1 x 8 (eight v128 accumulators each,
// enough independent add chains to hide the add latency; more would spill on x64's 16 registers).

const ZERO = f32x4.splat(0);

/** Stores the lanes of group g that fall inside a row of `d` outputs (none for padding groups). */
// @ts-ignore: decorator
@inline function put(p: usize, v: v128, g: i32, d: i32): void {
  const left = d - (g << 2);
  if (left >= 4) v128.store(p, v);
  else if (left > 0) {
    v128.store32_lane(p, v, 0);
    if (left > 1) v128.store32_lane(p, v, 1, 4);
    if (left > 2) v128.store32_lane(p, v, 2, 8);
  }
}

/** Groups of four rows in a packed weight of d rows: d rounded up to a multiple of 16, over 4. */
// @ts-ignore: decorator
@inline export function packedGroups(d: i32): i32 {
  return ((d + 15) >> 4) << 2;
}

export function matmul(out: usize, x: usize, w: usize, T: i32, n: i32, d: i32): void {
  const groups = packedGroups(d);
  const xRow = <usize>n << 2;
  const oRow = <usize>d << 2;
  let t = 0;
  for (; t + 4 <= T; t += 4) tokens4(out + <usize>t * oRow, x + <usize>t * xRow, w, n, d, groups);
  if (t + 2 <= T) {
    tokens2(out + <usize>t * oRow, x + <usize>t * xRow, w, n, d, groups);
    t += 2;
  }
  if (t < T) tokens1(out + <usize>t * oRow, x + <usize>t * xRow, w, n, d, groups);
}

/** Four tokens x two groups (8 rows) per tile: per j, two weight loads feed 32 multiply-adds. */
function tokens4(out: usize, x: usize, w: usize, n: i32, d: i32, groups: i32): void {
  const xRow = <usize>n << 2;
  const oRow = <usize>d << 2;
  const gBytes = <usize>n << 4;
  for (let g = 0; g < groups; g += 2) {
    let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;
    let b0 = ZERO, b1 = ZERO, b2 = ZERO, b3 = ZERO;
    let wp = w + <usize>g * gBytes;
    let xp = x;
    for (let j = 0; j < n; j++, wp += 16, xp += 4) {
      const w0 = v128.load(wp);
      const w1 = v128.load(wp + gBytes);
      const x0 = v128.load32_splat(xp);
      const x1 = v128.load32_splat(xp + xRow);
      const x2 = v128.load32_splat(xp + 2 * xRow);
      const x3 = v128.load32_splat(xp + 3 * xRow);
      a0 = f32x4.add(a0, f32x4.mul(w0, x0));
      b0 = f32x4.add(b0, f32x4.mul(w1, x0));
      a1 = f32x4.add(a1, f32x4.mul(w0, x1));
      b1 = f32x4.add(b1, f32x4.mul(w1, x1));
      a2 = f32x4.add(a2, f32x4.mul(w0, x2));
      b2 = f32x4.add(b2, f32x4.mul(w1, x2));
      a3 = f32x4.add(a3, f32x4.mul(w0, x3));
      b3 = f32x4.add(b3, f32x4.mul(w1, x3));
    }
    const o = out + (<usize>g << 4);
    put(o, a0, g, d);
    put(o + oRow, a1, g, d);
    put(o + 2 * oRow, a2, g, d);
    put(o + 3 * oRow, a3, g, d);
    put(o + 16, b0, g + 1, d);
    put(o + 16 + oRow, b1, g + 1, d);
    put(o + 16 + 2 * oRow, b2, g + 1, d);
    put(o + 16 + 3 * oRow, b3, g + 1, d);
  }
}

/** Two tokens x four groups (16 rows) per tile. */
function tokens2(out: usize, x: usize, w: usize, n: i32, d: i32, groups: i32): void {
  const xRow = <usize>n << 2;
  const oRow = <usize>d << 2;
  const gBytes = <usize>n << 4;
  for (let g = 0; g < groups; g += 4) {
    let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;
    let b0 = ZERO, b1 = ZERO, b2 = ZERO, b3 = ZERO;
    let wp = w + <usize>g * gBytes;
    let xp = x;
    for (let j = 0; j < n; j++, wp += 16, xp += 4) {
      const x0 = v128.load32_splat(xp);
      const x1 = v128.load32_splat(xp + xRow);
      const w0 = v128.load(wp);
      const w1 = v128.load(wp + gBytes);
      const w2 = v128.load(wp + 2 * gBytes);
      const w3 = v128.load(wp + 3 * gBytes);
      a0 = f32x4.add(a0, f32x4.mul(w0, x0));
      a1 = f32x4.add(a1, f32x4.mul(w1, x0));
      a2 = f32x4.add(a2, f32x4.mul(w2, x0));
      a3 = f32x4.add(a3, f32x4.mul(w3, x0));
      b0 = f32x4.add(b0, f32x4.mul(w0, x1));
      b1 = f32x4.add(b1, f32x4.mul(w1, x1));
      b2 = f32x4.add(b2, f32x4.mul(w2, x1));
      b3 = f32x4.add(b3, f32x4.mul(w3, x1));
    }
    const o = out + (<usize>g << 4);
    put(o, a0, g, d);
    put(o + 16, a1, g + 1, d);
    put(o + 32, a2, g + 2, d);
    put(o + 48, a3, g + 3, d);
    put(o + oRow, b0, g, d);
    put(o + oRow + 16, b1, g + 1, d);
    put(o + oRow + 32, b2, g + 2, d);
    put(o + oRow + 48, b3, g + 3, d);
  }
}

/** One token (batch-1 decode): eight groups (32 rows) per tile, then four. */
function tokens1(out: usize, x: usize, w: usize, n: i32, d: i32, groups: i32): void {
  const gBytes = <usize>n << 4;
  let g = 0;
  for (; g + 8 <= groups; g += 8) {
    let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;
    let a4 = ZERO, a5 = ZERO, a6 = ZERO, a7 = ZERO;
    let wp = w + <usize>g * gBytes;
    let xp = x;
    for (let j = 0; j < n; j++, wp += 16, xp += 4) {
      const xj = v128.load32_splat(xp);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(wp), xj));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(wp + gBytes), xj));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(wp + 2 * gBytes), xj));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(wp + 3 * gBytes), xj));
      a4 = f32x4.add(a4, f32x4.mul(v128.load(wp + 4 * gBytes), xj));
      a5 = f32x4.add(a5, f32x4.mul(v128.load(wp + 5 * gBytes), xj));
      a6 = f32x4.add(a6, f32x4.mul(v128.load(wp + 6 * gBytes), xj));
      a7 = f32x4.add(a7, f32x4.mul(v128.load(wp + 7 * gBytes), xj));
    }
    const o = out + (<usize>g << 4);
    put(o, a0, g, d);
    put(o + 16, a1, g + 1, d);
    put(o + 32, a2, g + 2, d);
    put(o + 48, a3, g + 3, d);
    put(o + 64, a4, g + 4, d);
    put(o + 80, a5, g + 5, d);
    put(o + 96, a6, g + 6, d);
    put(o + 112, a7, g + 7, d);
  }
  if (g < groups) {
    let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;
    let wp = w + <usize>g * gBytes;
    let xp = x;
    for (let j = 0; j < n; j++, wp += 16, xp += 4) {
      const xj = v128.load32_splat(xp);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(wp), xj));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(wp + gBytes), xj));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(wp + 2 * gBytes), xj));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(wp + 3 * gBytes), xj));
    }
    const o = out + (<usize>g << 4);
    put(o, a0, g, d);
    put(o + 16, a1, g + 1, d);
    put(o + 32, a2, g + 2, d);
    put(o + 48, a3, g + 3, d);
  }
}
