/**
 * Mixture-of-experts routing, shared by the CPU forward passes (forward-cpu.ts, wasm/forward-wasm.ts)
 * and the WebGPU backend's CPU twin. Token-choice routing, as Mixtral computes it: router logits
 * (one per expert), the top k experts of each token, and their weights as a softmax over just the
 * k chosen logits (the same as renormalising the full softmax's top k to sum to 1).
 */

/**
 * experts (T, k): each token's top-k experts, best first (ties to the lower expert id);
 * weights (T, k): their renormalised weights. logits (T, E) row-major.
 */
export function routeTokens(logits: ArrayLike<number>, T: number, E: number, k: number, experts: Int32Array, weights: Float32Array): void {
  for (let t = 0; t < T; t++) {
    const row = t * E;
    const out = t * k;
    for (let j = 0; j < k; j++) {
      let best = -1;
      for (let e = 0; e < E; e++) {
        if (taken(experts, out, j, e)) continue;
        if (best < 0 || logits[row + e] > logits[row + best]) best = e;
      }
      experts[out + j] = best;
    }
    const top = logits[row + experts[out]];
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[row + experts[out + j]] - top);
    for (let j = 0; j < k; j++) weights[out + j] = Math.exp(logits[row + experts[out + j]] - top) / sum;
  }
}

function taken(experts: Int32Array, from: number, n: number, e: number): boolean {
  for (let j = 0; j < n; j++) if (experts[from + j] === e) return true;
  return false;
}

/**
 * The step's routing slots grouped by expert (a counting sort, stable in token order):
 * slots e's are order[offsets[e] .. offsets[e + 1]), each a slot index t * k + j; `rowOf[t * k + j]`
 * is where slot (t, j) landed. Sizes: offsets E + 1, order and rowOf T * k.
 */
export function groupByExpert(experts: Int32Array, T: number, k: number, E: number, offsets: Int32Array, order: Int32Array, rowOf: Int32Array): void {
  offsets.fill(0, 0, E + 1);
  for (let i = 0; i < T * k; i++) offsets[experts[i] + 1]++;
  for (let e = 0; e < E; e++) offsets[e + 1] += offsets[e];
  const next = offsets.slice(0, E);
  for (let i = 0; i < T * k; i++) {
    const r = next[experts[i]]++;
    order[r] = i;
    rowOf[i] = r;
  }
}

/** Adds each expert's token count of one layer (offsets from groupByExpert) into `load` at `at`. */
export function addLoad(load: Int32Array, at: number, offsets: Int32Array, E: number): void {
  for (let e = 0; e < E; e++) load[at + e] += offsets[e + 1] - offsets[e];
}
