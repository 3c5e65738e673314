// The attention kernels' model shape and KV format, set once per backend by configureAttention
// (each backend has its own instance of the module, so these globals are per model).
import { KV_F32 } from './kvcodec';

export let dim = 0;
export let nHeads = 0;
export let kvMul = 1;
export let hs = 0;
export let kvDim = 0;
export let blockSize = 1;
export let headsPadded = 0; // nHeads rounded up to 4: one v128 of scores per 4 heads
export let scale: f32 = 1;
export let kvDtype = KV_F32;
export let poolRowBytes = 0; // bytes of one position's K (or V) row in the pool, in kvDtype

/** The most query heads an f16 or int8 pool supports (the tables below are static). */
export const MAX_HEADS = 256;
// Per head (padded to 4): element offset of its kv head's slice in a K/V row (heads past nHeads
// reuse the last one, so every read stays inside a row).
export const HEAD_SLICE = memory.data(MAX_HEADS * 4);
// Per quad of heads: the first kv head it reads, and the i8x16.swizzle that spreads four
// consecutive kv heads' values (one f32 lane each) over the quad's four heads.
export const QUAD_G0 = memory.data(MAX_HEADS);
export const QUAD_SPREAD = memory.data(MAX_HEADS * 4, 16);

export function configureAttention(dim_: i32, nHeads_: i32, nKvHeads: i32, blockSize_: i32, dtype: i32, rowBytes: i32): void {
  dim = dim_;
  nHeads = nHeads_;
  kvMul = nHeads_ / nKvHeads;
  hs = dim_ / nHeads_;
  kvDim = hs * nKvHeads;
  blockSize = blockSize_;
  headsPadded = (nHeads_ + 3) & ~3;
  scale = 1 / Mathf.sqrt(<f32>hs);
  kvDtype = dtype;
  poolRowBytes = rowBytes;
  if (dtype == KV_F32 || headsPadded > MAX_HEADS) return;
  for (let h = 0; h < headsPadded; h++) store<i32>(HEAD_SLICE + (<usize>h << 2), (min(h, nHeads - 1) / kvMul) * hs);
  for (let q = 0; q < headsPadded; q += 4) {
    const g0 = q / kvMul;
    store<i32>(QUAD_G0 + <usize>q, g0);
    for (let j = 0; j < 4; j++) {
      const g = min(q + j, nHeads - 1) / kvMul - g0;
      for (let b = 0; b < 4; b++) store<u8>(QUAD_SPREAD + <usize>(q + j) * 4 + <usize>b, <u8>(g * 4 + b));
    }
  }
}
