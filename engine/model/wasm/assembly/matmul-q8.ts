// out (T, d) = x (T, n) @ W^T for an int8 W in Q8_0 groups (engine/model/quant/q8.ts), packed like
// the float32 kernel's weights: rows in groups of four interleaved, (groups, n, 4) int8, so one
// 32-bit load gives four rows' weights for one input, widened to f32x4. Scales: (groups,
// colGroups, 4) float32, one v128 per four rows and 32 inputs. Each weight is dequantized to
// float32 (q * scale, one rounding) before it multiplies x, exactly as the TypeScript reference
// does, and every output is a plain float32 sum over j in order whichever tile computes it, so a
// token's results do not depend on its batch. Padding rows (zero weights and scales) as in
// matmul.ts make every tile full.
import { packedGroups, put } from './matmul';

const ZERO = f32x4.splat(0);
const GROUP = 32;

/** Four int8 weights (rows 4g..4g+3 at input j) as float32 lanes. */
// @ts-ignore: decorator
@inline function widen(p: usize): v128 {
  return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load32_zero(p))));
}

export function matmulQ8(out: usize, x: usize, w: usize, scales: usize, T: i32, n: i32, d: i32): void {
  const groups = packedGroups(d);
  const xRow = <usize>n << 2;
  const oRow = <usize>d << 2;
  let t = 0;
  for (; t + 4 <= T; t += 4) q8Tokens4(out + <usize>t * oRow, x + <usize>t * xRow, w, scales, n, d, groups);
  for (; t < T; t++) q8Tokens1(out + <usize>t * oRow, x + <usize>t * xRow, w, scales, n, d, groups);
}

/** Four tokens x two groups (8 rows) per tile. */
function q8Tokens4(out: usize, x: usize, w: usize, scales: usize, n: i32, d: i32, groups: i32): void {
  const xRow = <usize>n << 2;
  const oRow = <usize>d << 2;
  const gBytes = <usize>n << 2;
  const colGroups = (n + GROUP - 1) / GROUP;
  const sBytes = <usize>colGroups << 4;
  for (let g = 0; g < groups; g += 2) {
    let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;
    let b0 = ZERO, b1 = ZERO, b2 = ZERO, b3 = ZERO;
    let wp = w + <usize>g * gBytes;
    let sp = scales + <usize>g * sBytes;
    let xp = x;
    for (let j0 = 0; j0 < n; j0 += GROUP, sp += 16) {
      const s0 = v128.load(sp);
      const s1 = v128.load(sp + sBytes);
      const end = min(j0 + GROUP, n);
      for (let j = j0; j < end; j++, wp += 4, xp += 4) {
        const w0 = f32x4.mul(widen(wp), s0);
        const w1 = f32x4.mul(widen(wp + gBytes), s1);
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

/** One token x four groups (16 rows) per tile. */
function q8Tokens1(out: usize, x: usize, w: usize, scales: usize, n: i32, d: i32, groups: i32): void {
  const gBytes = <usize>n << 2;
  const colGroups = (n + GROUP - 1) / GROUP;
  const sBytes = <usize>colGroups << 4;
  for (let g = 0; g < groups; g += 4) {
    let a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;
    let wp = w + <usize>g * gBytes;
    let sp = scales + <usize>g * sBytes;
    let xp = x;
    for (let j0 = 0; j0 < n; j0 += GROUP, sp += 16) {
      const s0 = v128.load(sp);
      const s1 = v128.load(sp + sBytes);
      const s2 = v128.load(sp + 2 * sBytes);
      const s3 = v128.load(sp + 3 * sBytes);
      const end = min(j0 + GROUP, n);
      for (let j = j0; j < end; j++, wp += 4, xp += 4) {
        const xj = v128.load32_splat(xp);
        a0 = f32x4.add(a0, f32x4.mul(f32x4.mul(widen(wp), s0), xj));
        a1 = f32x4.add(a1, f32x4.mul(f32x4.mul(widen(wp + gBytes), s1), xj));
        a2 = f32x4.add(a2, f32x4.mul(f32x4.mul(widen(wp + 2 * gBytes), s2), xj));
        a3 = f32x4.add(a3, f32x4.mul(f32x4.mul(widen(wp + 3 * gBytes), s3), xj));
      }
    }
    const o = out + (<usize>g << 4);
    put(o, a0, g, d);
    put(o + 16, a1, g + 1, d);
    put(o + 32, a2, g + 2, d);
    put(o + 48, a3, g + 3, d);
  }
}
