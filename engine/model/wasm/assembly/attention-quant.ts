// Attention read straight from an f16 or int8 KV pool: no float32 copy of the cache is made.
//  - int8 K: the token's query is rounded to int16 per head (absmax scale, relative error at most
//    2^-16 of the head's largest |q|, far below int8's own 2^-8), and each score is an integer dot
//    product q_i16 . k_i8 (i32x4.dot_i16x8_s) times one float: q's scale * the row's kv-head scale *
//    1/sqrt(head_size).
//  - int8 V: the row's kv-head scale is folded into the softmax weight (e * scale, once per
//    position and head), and the int8 values are widened to float32 in registers as they are summed.
//  - f16: each cached K row is widened into a scratch row of kv_dim float32 (one row, in L1) and
//    scored like an f32 row; V is widened in registers.
// Softmax sums use the unscaled e, as the f32 kernel's do.
import { vexp } from './vexp';
import { halves4, KV_INT8 } from './kvcodec';
import { scoreRow, startToken } from './scores';
import { dim, HEAD_SLICE, headsPadded, hs, kvDim, kvDtype, kvMul, nHeads, QUAD_G0, QUAD_SPREAD, scale } from './shape';

/**
 * As attention() (attention.ts) for an f16 or int8 pool. work: scratch of
 * (headsPadded, head_size) int16 query values then headsPadded float32 scales (int8), or kv_dim
 * float32 (f16), as forward-wasm.ts's scratch layout sizes it.
 */
export function attentionQuantized(out: usize, q: usize, kPool: usize, vPool: usize, meta: usize, T: i32, att: usize, rows: usize, work: usize): void {
  if (kvDtype == KV_INT8) attend<i8>(out, q, kPool, vPool, meta, T, att, rows, work);
  else attend<u16>(out, q, kPool, vPool, meta, T, att, rows, work);
}

/** Bytes of the int8 query block (16-byte aligned); the scales follow it. */
// @ts-ignore: decorator
@inline function queryBytes(): usize {
  return ((<usize>headsPadded * <usize>hs * 2) + 15) & ~15;
}

function attend<E>(out: usize, q: usize, kPool: usize, vPool: usize, meta: usize, T: i32, att: usize, rows: usize, work: usize): void {
  const int8 = sizeof<E>() == 1;
  const hsBytes = <usize>hs << 2;
  const attRow = <usize>headsPadded << 2;
  const qScales = work + queryBytes();
  const vScale = f32x4.splat(scale);
  for (let t = 0; t < T; t++, meta += 8) {
    const p = load<i32>(meta);
    const table = <usize>load<i32>(meta, 4);
    const qt = q + ((<usize>t * dim) << 2);
    const ot = out + ((<usize>t * dim) << 2);
    const maxes = att + <usize>(p + 1) * attRow;
    const sums = maxes + attRow;
    startToken(rows, table, p, maxes, sums, attRow);

    if (int8) {
      quantizeQuery(work, qScales, qt);
      for (let s = 0; s <= p; s++) scoresInt8(work, qScales, kPool + <usize>load<i32>(rows + (<usize>s << 2)), att + <usize>s * attRow, maxes);
    } else {
      for (let s = 0; s <= p; s++) {
        const k = kPool + <usize>load<i32>(rows + (<usize>s << 2));
        for (let i: usize = 0; i < <usize>kvDim; i += 4) v128.store(work + (i << 2), halves4(k + (i << 1)));
        scoreRow(qt, work, att + <usize>s * attRow, maxes, hsBytes, vScale);
      }
    }

    // e = exp(score - max), the heads' sums of e, and the weights kept for V: e, times the V
    // row's kv-head scale for an int8 pool.
    for (let s = 0; s <= p; s++) {
      const a = att + <usize>s * attRow;
      const v = vPool + <usize>load<i32>(rows + (<usize>s << 2));
      for (let h: usize = 0; h < attRow; h += 16) {
        const e = vexp(f32x4.sub(v128.load(a + h), v128.load(maxes + h)));
        v128.store(sums + h, f32x4.add(v128.load(sums + h), e));
        v128.store(a + h, int8 ? f32x4.mul(e, spreadScales(v, h)) : e);
      }
    }

    accumulateV<E>(ot, vPool, rows, att, p, attRow);
    let oh = ot;
    for (let h = 0; h < nHeads; h++, oh += hsBytes) {
      const inv = f32x4.splat(1 / load<f32>(sums + (<usize>h << 2)));
      for (let i: usize = 0; i < hsBytes; i += 16) v128.store(oh + i, f32x4.mul(v128.load(oh + i), inv));
    }
  }
}

/**
 * The fp16 scales of an int8 row's kv heads, one per head of the quad whose scores sit at byte
 * offset h of an att row (so heads h/4 .. h/4 + 3): four consecutive scales from the quad's first
 * kv head, widened, then spread over the heads by a byte swizzle (configureAttention's table).
 */
// @ts-ignore: decorator
@inline function spreadScales(row: usize, h: usize): v128 {
  const g0 = <usize>load<i32>(QUAD_G0 + (h >> 2));
  return i8x16.swizzle(halves4(row + <usize>kvDim + (g0 << 1)), v128.load(QUAD_SPREAD + h));
}

/** Each head's query as int16 (qi: headsPadded x head_size) and its scale times 1/sqrt(head_size); padding heads get zeros. */
function quantizeQuery(qi: usize, qScales: usize, qt: usize): void {
  const hsBytes = <usize>hs << 2;
  for (let h = 0; h < headsPadded; h++, qi += <usize>hs << 1, qt += hsBytes) {
    if (h >= nHeads) {
      memory.fill(qi, 0, <usize>hs << 1);
      store<f32>(qScales + (<usize>h << 2), 0);
      continue;
    }
    let amax = f32x4.splat(0);
    for (let i: usize = 0; i < hsBytes; i += 16) amax = f32x4.max(amax, f32x4.abs(v128.load(qt + i)));
    amax = f32x4.max(amax, v128.shuffle<f32>(amax, amax, 2, 3, 0, 1));
    const m = max(f32x4.extract_lane(amax, 0), f32x4.extract_lane(amax, 1));
    const d: f32 = m / 32767;
    const inv = f32x4.splat(d != 0 ? 1 / d : 0);
    for (let i: usize = 0; i < hsBytes; i += 16) {
      const r = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(qt + i), inv)));
      v128.store64_lane(qi + (i >> 1), i16x8.narrow_i32x4_s(r, r), 0);
    }
    store<f32>(qScales + (<usize>h << 2), d * scale);
  }
}

/**
 * Four lanes of partial sums of q_i16 . k_i8 over head_size (a multiple of 4); head sizes 16 and
 * 8 (the built-in model, stories260K) are written out.
 */
// @ts-ignore: decorator
@inline function idot(qh: usize, k: usize): v128 {
  if (hs == 16) {
    const kv = v128.load(k);
    return i32x4.add(i32x4.dot_i16x8_s(v128.load(qh), i16x8.extend_low_i8x16_s(kv)), i32x4.dot_i16x8_s(v128.load(qh, 16), i16x8.extend_high_i8x16_s(kv)));
  }
  if (hs == 8) return i32x4.dot_i16x8_s(v128.load(qh), i16x8.extend_low_i8x16_s(v128.load64_zero(k)));
  let acc = i32x4.splat(0);
  let i: usize = 0;
  for (; i + 8 <= <usize>hs; i += 8) acc = i32x4.add(acc, i32x4.dot_i16x8_s(v128.load(qh + (i << 1)), i16x8.extend_low_i8x16_s(v128.load64_zero(k + i))));
  if (i < <usize>hs) acc = i32x4.add(acc, i32x4.dot_i16x8_s(v128.load64_zero(qh + (i << 1)), i16x8.extend_low_i8x16_s(v128.load32_zero(k + i))));
  return acc;
}

/** The lane sums of four i32x4 vectors. */
// @ts-ignore: decorator
@inline function hsum4i(a: v128, b: v128, c: v128, d: v128): v128 {
  const u = i32x4.add(v128.shuffle<i32>(a, b, 0, 1, 4, 5), v128.shuffle<i32>(a, b, 2, 3, 6, 7));
  const v = i32x4.add(v128.shuffle<i32>(c, d, 0, 1, 4, 5), v128.shuffle<i32>(c, d, 2, 3, 6, 7));
  return i32x4.add(v128.shuffle<i32>(u, v, 0, 2, 4, 6), v128.shuffle<i32>(u, v, 1, 3, 5, 7));
}

/** Scores of every head against one int8 K row k, four heads per v128, and their running max. */
// @ts-ignore: decorator
@inline function scoresInt8(qi: usize, qScales: usize, k: usize, a: usize, maxes: usize): void {
  const qStride = <usize>hs << 1;
  for (let h: usize = 0; h < <usize>headsPadded; h += 4) {
    const qh = qi + h * qStride;
    const s = HEAD_SLICE + (h << 2);
    const d = hsum4i(
      idot(qh, k + <usize>load<i32>(s)),
      idot(qh + qStride, k + <usize>load<i32>(s, 4)),
      idot(qh + 2 * qStride, k + <usize>load<i32>(s, 8)),
      idot(qh + 3 * qStride, k + <usize>load<i32>(s, 12)),
    );
    const sc = f32x4.mul(f32x4.convert_i32x4_s(d), f32x4.mul(v128.load(qScales + (h << 2)), spreadScales(k, h << 2)));
    v128.store(a + (h << 2), sc);
    v128.store(maxes + (h << 2), f32x4.pmax(v128.load(maxes + (h << 2)), sc));
  }
}

/** Four pool values of type E (int8 or fp16 bits) at p as float32 lanes (an int8 row's scale is in the weights). */
// @ts-ignore: decorator
@inline function widen4<E>(p: usize): v128 {
  if (sizeof<E>() == 1) return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load32_zero(p))));
  return halves4(p);
}

/**
 * out_h = sum_s w_s,h * v_s,g(h) with the V rows read in place, four positions per pass over out;
 * kv heads outer and each 4-value chunk of a V slice widened once for its whole query group.
 */
function accumulateV<E>(ot: usize, vPool: usize, rows: usize, att: usize, p: i32, attRow: usize): void {
  const size = <usize>sizeof<E>();
  const hsBytes = <usize>hs << 2;
  const nKv = kvDim / hs;
  const group = <usize>kvMul << 2; // bytes of one kv head's weights in an att row
  memory.fill(ot, 0, <usize>dim << 2);
  let s = 0;
  for (; s + 4 <= p + 1; s += 4) {
    const r = rows + (<usize>s << 2);
    const v0 = vPool + <usize>load<i32>(r);
    const v1 = vPool + <usize>load<i32>(r, 4);
    const v2 = vPool + <usize>load<i32>(r, 8);
    const v3 = vPool + <usize>load<i32>(r, 12);
    const w = att + <usize>s * attRow;
    for (let g = 0; g < nKv; g++) {
      const vg = <usize>(g * hs) * size;
      const wg = w + <usize>g * group;
      const og = ot + <usize>(g * kvMul) * hsBytes;
      for (let i: usize = 0; i < <usize>hs; i += 4) {
        const at = vg + i * size;
        const c0 = widen4<E>(v0 + at);
        const c1 = widen4<E>(v1 + at);
        const c2 = widen4<E>(v2 + at);
        const c3 = widen4<E>(v3 + at);
        let wm = wg;
        let om = og + (i << 2);
        for (let m = 0; m < kvMul; m++, wm += 4, om += hsBytes) {
          const pair0 = f32x4.add(f32x4.mul(v128.load32_splat(wm), c0), f32x4.mul(v128.load32_splat(wm + attRow), c1));
          const pair1 = f32x4.add(f32x4.mul(v128.load32_splat(wm + 2 * attRow), c2), f32x4.mul(v128.load32_splat(wm + 3 * attRow), c3));
          v128.store(om, f32x4.add(v128.load(om), f32x4.add(pair0, pair1)));
        }
      }
    }
  }
  for (; s <= p; s++) {
    const v = vPool + <usize>load<i32>(rows + (<usize>s << 2));
    const w = att + <usize>s * attRow;
    for (let g = 0; g < nKv; g++) {
      const vg = <usize>(g * hs) * size;
      for (let i: usize = 0; i < <usize>hs; i += 4) {
        const c = widen4<E>(v + vg + i * size);
        let wm = w + <usize>g * group;
        let om = ot + <usize>(g * kvMul) * hsBytes + (i << 2);
        for (let m = 0; m < kvMul; m++, wm += 4, om += hsBytes) v128.store(om, f32x4.add(v128.load(om), f32x4.mul(v128.load32_splat(wm), c)));
      }
    }
  }
}
