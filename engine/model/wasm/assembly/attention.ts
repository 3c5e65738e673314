// Causal attention of every token of a step over its own sequence's cached positions 0..pos,
// reading K/V rows through the sequence's block table (the paged pool), with grouped-query heads.
// A token's arithmetic depends only on its query, its position and the cache, never on the other
// tokens of the step.
import { vexp } from './vexp';

let dim = 0;
let nHeads = 0;
let kvMul = 1;
let hs = 0;
let kvDim = 0;
let blockSize = 1;
let headsPadded = 0; // nHeads rounded up to 4: one v128 of scores per 4 heads
let scale: f32 = 1;

export function configureAttention(dim_: i32, nHeads_: i32, nKvHeads: i32, blockSize_: i32): void {
  dim = dim_;
  nHeads = nHeads_;
  kvMul = nHeads_ / nKvHeads;
  hs = dim_ / nHeads_;
  kvDim = hs * nKvHeads;
  blockSize = blockSize_;
  headsPadded = (nHeads_ + 3) & ~3;
  scale = 1 / Mathf.sqrt(<f32>hs);
}

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
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
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
 * out (T, dim) = attention of q (T, dim) over the layer's caches kLayer/vLayer (block, blockSize,
 * kv_dim). meta: per token i32 pos, i32 pointer to its block table (i32 block ids). Scratch: att
 * (seq_len + 2, headsPadded) scores of one token with two rows for the heads' max and sum, rows
 * (seq_len) i32 byte offsets of its K/V rows. Three passes over the positions: scores and their
 * max; exp and sum; the weighted sum of V. out is divided by the sum at the end.
 */
export function attention(out: usize, q: usize, kLayer: usize, vLayer: usize, meta: usize, T: i32, att: usize, rows: usize): void {
  const hsBytes = <usize>hs << 2;
  const attRow = <usize>headsPadded << 2;
  const rowBytes = kvDim << 2;
  const vScale = f32x4.splat(scale);
  for (let t = 0; t < T; t++, meta += 8) {
    const p = load<i32>(meta);
    const table = <usize>load<i32>(meta, 4);
    const qt = q + ((<usize>t * dim) << 2);
    const ot = out + ((<usize>t * dim) << 2);
    const maxes = att + <usize>(p + 1) * attRow;
    const sums = maxes + attRow;
    // Byte offset of each cached position's K/V row, block by block (no division per position).
    for (let s = 0, b: usize = 0; s <= p; b += 4) {
      const first = load<i32>(table + b) * blockSize * rowBytes;
      for (let o = 0; o < blockSize && s <= p; o++, s++) store<i32>(rows + (<usize>s << 2), first + o * rowBytes);
    }
    for (let h: usize = 0; h < attRow; h += 16) {
      v128.store(maxes + h, f32x4.splat(-Infinity));
      v128.store(sums + h, f32x4.splat(0));
    }

    // Scores, 4 heads per v128: att[s][h] = (q_h . k_s,g(h)) * scale, and their running max.
    // Head h reads kv head h / kvMul, kept as a running byte offset instead of a division.
    for (let s = 0; s <= p; s++) {
      const k = kLayer + <usize>load<i32>(rows + (<usize>s << 2));
      const a = att + <usize>s * attRow;
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

    // e = exp(score - max) for 4 heads at once, and the heads' sums.
    for (let s = 0; s <= p; s++) {
      const a = att + <usize>s * attRow;
      for (let h: usize = 0; h < attRow; h += 16) {
        const e = vexp(f32x4.sub(v128.load(a + h), v128.load(maxes + h)));
        v128.store(a + h, e);
        v128.store(sums + h, f32x4.add(v128.load(sums + h), e));
      }
    }

    // out_h = sum_s e_s,h * v_s,g(h), four positions per pass over out (one load and store of
    // out per four positions), kv heads outer so each V slice serves its whole group.
    memory.fill(ot, 0, <usize>dim << 2);
    let s = 0;
    for (; s + 4 <= p + 1; s += 4) {
      const r = rows + (<usize>s << 2);
      const v0 = vLayer + <usize>load<i32>(r);
      const v1 = vLayer + <usize>load<i32>(r, 4);
      const v2 = vLayer + <usize>load<i32>(r, 8);
      const v3 = vLayer + <usize>load<i32>(r, 12);
      let w = att + <usize>s * attRow;
      let oh = ot;
      for (let g: usize = 0; g < <usize>rowBytes; g += hsBytes) {
        for (let m = 0; m < kvMul; m++, w += 4, oh += hsBytes) {
          const e0 = v128.load32_splat(w);
          const e1 = v128.load32_splat(w + attRow);
          const e2 = v128.load32_splat(w + 2 * attRow);
          const e3 = v128.load32_splat(w + 3 * attRow);
          for (let i: usize = 0; i < hsBytes; i += 16) {
            const j = g + i;
            const pair0 = f32x4.add(f32x4.mul(e0, v128.load(v0 + j)), f32x4.mul(e1, v128.load(v1 + j)));
            const pair1 = f32x4.add(f32x4.mul(e2, v128.load(v2 + j)), f32x4.mul(e3, v128.load(v3 + j)));
            v128.store(oh + i, f32x4.add(v128.load(oh + i), f32x4.add(pair0, pair1)));
          }
        }
      }
    }
    for (; s <= p; s++) {
      const v = vLayer + <usize>load<i32>(rows + (<usize>s << 2));
      let w = att + <usize>s * attRow;
      let oh = ot;
      for (let g: usize = 0; g < <usize>rowBytes; g += hsBytes) {
        for (let m = 0; m < kvMul; m++, w += 4, oh += hsBytes) {
          const e = v128.load32_splat(w);
          for (let i: usize = 0; i < hsBytes; i += 16) v128.store(oh + i, f32x4.add(v128.load(oh + i), f32x4.mul(e, v128.load(v + g + i))));
        }
      }
    }
    let oh = ot;
    for (let h = 0; h < nHeads; h++, oh += hsBytes) {
      const inv = f32x4.splat(1 / load<f32>(sums + (<usize>h << 2)));
      for (let i: usize = 0; i < hsBytes; i += 16) v128.store(oh + i, f32x4.mul(v128.load(oh + i), inv));
    }
  }
}

/** Writes each token's k and v rows (T, kv_dim) into its slot of the layer's caches (slots: i32 byte offsets). */
export function storeKv(kLayer: usize, vLayer: usize, k: usize, v: usize, slots: usize, T: i32): void {
  const row = <usize>kvDim << 2;
  for (let t = 0; t < T; t++, k += row, v += row, slots += 4) {
    const off = <usize>load<i32>(slots);
    memory.copy(kLayer + off, k, row);
    memory.copy(vLayer + off, v, row);
  }
}
