// The KV pool's number formats (engine/model/quant/kv-codec.ts has the TypeScript twin): each
// position's K (or V) row of a layer is kv_dim float32, kv_dim fp16, or kv_dim int8 followed by
// one fp16 scale per kv head (padded to 4 bytes). Rows are converted as they are stored;
// attention-quant.ts reads them in place.

export const KV_F32 = 0;
export const KV_F16 = 1;
export const KV_INT8 = 2;

/** f32 -> fp16 bits, round to nearest even; saturates to infinity past 65504 (as f16Bits). */
export function f16Bits(x: f32): u32 {
  const b = reinterpret<u32>(x);
  const sign = (b >> 16) & 0x8000;
  const exp = <i32>((b >> 23) & 0xff);
  let mant = b & 0x7fffff;
  if (exp == 0xff) return sign | 0x7c00 | (mant != 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = <u32>(14 - e);
    const half: u32 = 1 << (shift - 1);
    const rest = mant & ((<u32>1 << shift) - 1);
    let h = mant >> shift;
    if (rest > half || (rest == half && (h & 1) != 0)) h++;
    return sign | h;
  }
  let h = (<u32>e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) h++;
  return sign | h;
}

// 2^112 scales fp16 bits shifted into a float32's place (exponent bias 15 -> 127), normals and
// subnormals alike. Infinity and NaN are not decoded (a K/V value never reaches 65504). The masks
// and the factor live in memory, not in the code: V8 rebuilds a v128.const each time a loop body
// uses it (see vexp.ts), and attention widens fp16 in its innermost loops.
const H = memory.data<i32>([
  0x7fff, 0x7fff, 0x7fff, 0x7fff, // 0: magnitude bits
  0x8000, 0x8000, 0x8000, 0x8000, // 16: sign bit
  0x77800000, 0x77800000, 0x77800000, 0x77800000, // 32: 2^112 as float32 bits
]);

/** Four fp16 values at p as float32 lanes. */
// @ts-ignore: decorator
@inline export function halves4(p: usize): v128 {
  const h = i32x4.extend_low_i16x8_u(v128.load64_zero(p));
  const mag = f32x4.mul(i32x4.shl(v128.and(h, v128.load(H)), 13), v128.load(H, 32));
  return v128.or(mag, i32x4.shl(v128.and(h, v128.load(H, 16)), 16));
}

// f32 -> fp16 on four lanes, the same bits as f16Bits (round to nearest even, subnormals, infinity
// past 65504, NaN -> 0x7e00), after F. Giesen's float_to_half_fast3_rtne: subnormals rounded by a
// float add of 0.5, normals by adding 0xfff plus the lowest kept mantissa bit.
const SIGN32 = i32x4.splat(0x80000000);
const F32_INF = i32x4.splat(255 << 23);
const F16_OVER = i32x4.splat((127 + 16) << 23); // 65536: rounds to infinity from here up
const F16_NORMAL = i32x4.splat(113 << 23); // 2^-14, the smallest normal fp16
const HALF_F = f32x4.splat(0.5); // 2^-1: adding it rounds a subnormal to 2^-24 steps
const HALF_I = i32x4.splat(126 << 23);
const REBIAS_ROUND = i32x4.splat(((15 - 127) << 23) + 0xfff);
const ONE_I = i32x4.splat(1);
const INF_H = i32x4.splat(0x7c00);
const NAN_H = i32x4.splat(0x7e00);

// @ts-ignore: decorator
@inline function f16Bits4(x: v128): v128 {
  const sign = v128.and(x, SIGN32);
  const f = v128.xor(x, sign);
  const special = v128.bitselect(NAN_H, INF_H, i32x4.gt_u(f, F32_INF));
  const sub = i32x4.sub(f32x4.add(f, HALF_F), HALF_I);
  const odd = v128.and(i32x4.shr_u(f, 13), ONE_I);
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(f, REBIAS_ROUND), odd), 13);
  const bits = v128.bitselect(special, v128.bitselect(sub, normal, i32x4.lt_u(f, F16_NORMAL)), i32x4.ge_u(f, F16_OVER));
  return v128.or(bits, i32x4.shr_u(sign, 16));
}

const ABS = i32x4.splat(0x7fffffff);
const HALF = f32x4.splat(0.5);
const ONE = f32x4.splat(1);

/** C's roundf (to nearest, halves away from zero) on four float32 lanes, converted to i32. */
// @ts-ignore: decorator
@inline function roundAway4(v: v128): v128 {
  const a = v128.and(v, ABS);
  const r = f32x4.floor(a);
  const up = f32x4.add(r, v128.and(f32x4.ge(f32x4.sub(a, r), HALF), ONE));
  return i32x4.trunc_sat_f32x4_s(v128.or(up, v128.and(v, SIGN32)));
}

/**
 * Stores one row of kvDim float32 at src into the pool at dst in `dtype`, four values at a time
 * (kvDim and hs are multiples of 4); bit for bit what f16Bits and C's roundf give one at a time
 * (the TypeScript twin, engine/model/quant/kv-codec.ts, writes the same bytes).
 */
export function encodeRow(dst: usize, src: usize, kvDim: i32, hs: i32, dtype: i32): void {
  if (dtype == KV_F32) {
    memory.copy(dst, src, <usize>kvDim << 2);
  } else if (dtype == KV_F16) {
    for (let i = 0; i < kvDim; i += 4) {
      const h = f16Bits4(v128.load(src + (<usize>i << 2)));
      v128.store64_lane(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(h, h), 0);
    }
  } else {
    for (let g = 0; g < kvDim; g += hs) {
      const x = src + (<usize>g << 2);
      let m = f32x4.splat(0);
      for (let i = 0; i < hs; i += 4) m = f32x4.max(m, f32x4.abs(v128.load(x + (<usize>i << 2))));
      m = f32x4.max(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
      const amax = max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1));
      const d: f32 = amax / 127;
      const id = f32x4.splat(d != 0 ? 1 / d : 0);
      for (let i = 0; i < hs; i += 4) {
        const q = roundAway4(f32x4.mul(v128.load(x + (<usize>i << 2)), id));
        const q16 = i16x8.narrow_i32x4_s(q, q);
        v128.store32_lane(dst + <usize>(g + i), i8x16.narrow_i16x8_s(q16, q16), 0);
      }
      store<u16>(dst + <usize>kvDim + (<usize>(g / hs) << 1), <u16>f16Bits(d));
    }
  }
}
