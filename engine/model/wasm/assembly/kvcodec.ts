// The KV pool's number formats (engine/model/quant/kv-codec.ts has the TypeScript twin): each
// position's K (or V) row of a layer is kv_dim float32, kv_dim fp16, or kv_dim int8 followed by
// one fp16 scale per kv head (padded to 4 bytes). Rows are converted as they are stored and decoded
// to float32 before attention reads them, so attention itself only ever sees float32.

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

// 2^112: scales fp16 bits shifted into a float32's place (exponent bias 15 -> 127), normals and
// subnormals alike. Infinity and NaN are not decoded (a K/V value never reaches 65504).
const REBIAS = f32x4.splat(5.192296858534828e33);
const MAG = i32x4.splat(0x7fff);
const SIGN = i32x4.splat(0x8000);

/** Four fp16 values at p as float32 lanes. */
// @ts-ignore: decorator
@inline function halves4(p: usize): v128 {
  const h = i32x4.extend_low_i16x8_u(v128.load64_zero(p));
  const mag = f32x4.mul(i32x4.shl(v128.and(h, MAG), 13), REBIAS);
  return v128.or(mag, i32x4.shl(v128.and(h, SIGN), 16));
}

/** One fp16 value as float32. */
// @ts-ignore: decorator
@inline export function half(p: usize): f32 {
  return f32x4.extract_lane(halves4(p), 0);
}

/** C's roundf on float32 exactly: to nearest, halves away from zero. */
// @ts-ignore: decorator
@inline function roundAway(v: f32): f32 {
  const a = Mathf.abs(v);
  let r = Mathf.floor(a);
  if (a - r >= 0.5) r += 1;
  return v < 0 ? -r : r;
}

/** Stores one row of kvDim float32 at src into the pool at dst in `dtype`. */
export function encodeRow(dst: usize, src: usize, kvDim: i32, hs: i32, dtype: i32): void {
  if (dtype == KV_F32) {
    memory.copy(dst, src, <usize>kvDim << 2);
  } else if (dtype == KV_F16) {
    for (let i = 0; i < kvDim; i++) store<u16>(dst + (<usize>i << 1), <u16>f16Bits(load<f32>(src + (<usize>i << 2))));
  } else {
    for (let g = 0; g < kvDim; g += hs) {
      let amax: f32 = 0;
      for (let i = 0; i < hs; i++) amax = max(amax, Mathf.abs(load<f32>(src + (<usize>(g + i) << 2))));
      const d: f32 = amax / 127;
      const id: f32 = d != 0 ? 1 / d : 0;
      for (let i = 0; i < hs; i++) store<i8>(dst + <usize>(g + i), <i8>roundAway(load<f32>(src + (<usize>(g + i) << 2)) * id));
      store<u16>(dst + <usize>kvDim + (<usize>(g / hs) << 1), <u16>f16Bits(d));
    }
  }
}

/** Decodes one pool row at src (f16 or int8) into kvDim float32 at dst; hs is a multiple of 4. */
export function decodeRow(dst: usize, src: usize, kvDim: i32, hs: i32, dtype: i32): void {
  if (dtype == KV_F16) {
    for (let i = 0; i < kvDim; i += 4) v128.store(dst + (<usize>i << 2), halves4(src + (<usize>i << 1)));
  } else {
    for (let g = 0; g < kvDim; g += hs) {
      const s = f32x4.splat(half(src + <usize>kvDim + (<usize>(g / hs) << 1)));
      for (let i = g; i < g + hs; i += 4) {
        const q = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load32_zero(src + <usize>i))));
        v128.store(dst + (<usize>i << 2), f32x4.mul(q, s));
      }
    }
  }
}
