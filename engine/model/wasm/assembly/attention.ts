// Causal attention of every token of a step over its own sequence's cached positions 0..pos,
// reading K/V rows through the sequence's block table (the paged pool), with grouped-query heads.
// A token's arithmetic depends only on its query, its position and the cache, never on the other
// tokens of the step.
import { vexp } from './vexp';
import { encodeRow, KV_F32 } from './kvcodec';
import { attentionQuantized } from './attention-quant';
import { scoreRow, startToken } from './scores';
import { dim, hs, headsPadded, kvDim, kvDtype, kvMul, nHeads, scale } from './shape';

/**
 * out (T, dim) = attention of q (T, dim) over the layer's caches kPool/vPool (block, blockSize,
 * kv_dim). meta: per token i32 pos, i32 pointer to its block table (i32 block ids). Scratch: att
 * (seq_len + 2, headsPadded) scores of one token with two rows for the heads' max and sum, rows
 * (seq_len) i32 byte offsets of its K/V rows, work (see attention-quant.ts; f16 and int8 pools
 * only). Three passes over the positions: scores and their max; exp and sum; the weighted sum of
 * V. out is divided by the sum at the end. An f16 or int8 pool is read in place by
 * attention-quant.ts.
 */
export function attention(out: usize, q: usize, kPool: usize, vPool: usize, meta: usize, T: i32, att: usize, rows: usize, work: usize): void {
  if (kvDtype != KV_F32) {
    attentionQuantized(out, q, kPool, vPool, meta, T, att, rows, work);
    return;
  }
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
    startToken(rows, table, p, maxes, sums, attRow);
    for (let s = 0; s <= p; s++) scoreRow(qt, kPool + <usize>load<i32>(rows + (<usize>s << 2)), att + <usize>s * attRow, maxes, hsBytes, vScale);

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
      const v0 = vPool + <usize>load<i32>(r);
      const v1 = vPool + <usize>load<i32>(r, 4);
      const v2 = vPool + <usize>load<i32>(r, 8);
      const v3 = vPool + <usize>load<i32>(r, 12);
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
      const v = vPool + <usize>load<i32>(rows + (<usize>s << 2));
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

/** Writes each token's k and v rows (T, kv_dim) into its slot of the layer's caches (slots: i32 byte offsets), in the pool's format. */
export function storeKv(kLayer: usize, vLayer: usize, k: usize, v: usize, slots: usize, T: i32): void {
  const row = <usize>kvDim << 2;
  for (let t = 0; t < T; t++, k += row, v += row, slots += 4) {
    const off = <usize>load<i32>(slots);
    encodeRow(kLayer + off, k, kvDim, hs, kvDtype);
    encodeRow(vLayer + off, v, kvDim, hs, kvDtype);
  }
}
