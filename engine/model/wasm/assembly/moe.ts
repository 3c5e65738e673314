// Mixture-of-experts gather and combine. Routing itself (E logits per token, top-k) is a few dozen
// comparisons per token and stays in TypeScript (engine/model/moe.ts); these are the loops over
// activations. Rows are `dim` floats, dim a multiple of 4.

/**
 * out row r = x row (order[r] / k) for r < n: the tokens of one expert's routing slots (slot
 * t * k + j belongs to token t), gathered into one block so the expert's matmuls run over them at once.
 */
export function gatherRows(out: usize, x: usize, order: usize, n: i32, k: i32, dim: i32): void {
  const row = <usize>dim << 2;
  for (let r = 0; r < n; r++, out += row, order += 4) {
    const t = load<i32>(order) / k;
    memory.copy(out, x + <usize>t * row, row);
  }
}

/**
 * x[t] += sum over j < k of weights[t, j] * ye[rowOf[t, j]], the k outputs summed in rank order
 * (best expert first) in float32, then added to the residual: per token the same order in any batch.
 */
export function combineExperts(x: usize, ye: usize, rowOf: usize, weights: usize, T: i32, k: i32, dim: i32): void {
  const row = <usize>dim << 2;
  for (let t = 0; t < T; t++, x += row) {
    const slots = <usize>(t * k) << 2;
    for (let d: usize = 0; d < row; d += 16) {
      let acc = f32x4.splat(0);
      for (let j = 0; j < k; j++) {
        const at = slots + (<usize>j << 2);
        const y = v128.load(ye + <usize>load<i32>(rowOf + at) * row + d);
        acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(weights + at), y));
      }
      v128.store(x + d, f32x4.add(v128.load(x + d), acc));
    }
  }
}
