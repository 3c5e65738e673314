import { kvDim as kvDimOf, type ModelConfig } from '../../model/config';
import { ropeTables } from '../../model/forward-cpu';
import type { Model } from '../../model/weights';

/**
 * Weights in the layouts the kernels read, built once on the CPU:
 * - matrices transposed to (in, out4 * 4), so adjacent invocations (adjacent vec4s of outputs)
 *   read adjacent memory, with zero columns up to a multiple of 4;
 * - the RMSNorm gain that precedes a matrix folded into its columns, W'[o][k] = W[o][k] g[k], so
 *   the kernel only scales the dot product by 1/rms;
 * - all layers of a tensor in one buffer, each layer at a 256-byte aligned offset so a bind group
 *   can hold exactly one layer.
 */

/** Floats per 256 bytes: storage binding offsets must be multiples of 256. */
const ALIGN = 64;
export const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

export interface Layered {
  data: Float32Array;
  /** Floats from one layer to the next. */
  stride: number;
  /** Floats of one layer. */
  size: number;
}

/** (in, out4 * 4) from W (out, in) at wOff, gain g (in) at gOff folded into the columns. */
export function transposeFold(w: Float32Array, wOff: number, out: number, inDim: number, g?: Float32Array, gOff = 0): Float32Array {
  const cols = roundUp(out, 4);
  const t = new Float32Array(inDim * cols);
  for (let o = 0; o < out; o++) {
    for (let k = 0; k < inDim; k++) t[k * cols + o] = w[wOff + o * inDim + k] * (g ? g[gOff + k] : 1);
  }
  return t;
}

/** w1^T and w3^T interleaved per vec4 of outputs: (dim, hidden4, 2, 4), gain folded in. */
export function interleaveGated(w1: Float32Array, w3: Float32Array, off: number, hidden: number, dim: number, g: Float32Array, gOff: number): Float32Array {
  const a = transposeFold(w1, off, hidden, dim, g, gOff);
  const b = transposeFold(w3, off, hidden, dim, g, gOff);
  const h4 = roundUp(hidden, 4) / 4;
  const t = new Float32Array(a.length * 2);
  for (let k = 0; k < dim; k++) {
    for (let j = 0; j < h4; j++) {
      t.set(a.subarray((k * h4 + j) * 4, (k * h4 + j + 1) * 4), ((k * h4 + j) * 2) * 4);
      t.set(b.subarray((k * h4 + j) * 4, (k * h4 + j + 1) * 4), ((k * h4 + j) * 2 + 1) * 4);
    }
  }
  return t;
}

function layered(nLayers: number, pack: (l: number) => Float32Array): Layered {
  const layers = Array.from({ length: nLayers }, (_, l) => pack(l));
  const size = layers[0].length;
  const stride = roundUp(size, ALIGN);
  const data = new Float32Array(stride * nLayers);
  layers.forEach((p, l) => data.set(p, l * stride));
  return { data, stride, size };
}

export interface PackedModel {
  embedding: Float32Array; // (vocab, dim)
  qkv: Layered; // per layer (dim, out4 * 4), out = dim + 2 kv_dim, rms_att folded
  wo: Layered; // per layer (dim, dim4 * 4)
  ffnUp: Layered; // per layer ([expert,] dim, hidden4, 2, 4), rms_ffn folded
  w2: Layered; // per layer ([expert,] hidden, dim4 * 4)
  /** MoE only: per layer (dim, E4 * 4) router^T, rms_ffn folded. */
  router?: Layered;
  classifier: Float32Array; // (dim, vocab4 * 4), rms_final folded
  rope: Float32Array; // (seq_len, head_size / 2, 2) cos, sin
}

export function packModel(model: Model): PackedModel {
  const c: ModelConfig = model.config;
  const w = model.weights;
  const { dim, hiddenDim: hidden, nLayers } = c;
  const kv = kvDimOf(c);
  const qkv = layered(nLayers, (l) => {
    const stacked = new Float32Array((dim + 2 * kv) * dim);
    stacked.set(w.wq.subarray(l * dim * dim, (l + 1) * dim * dim), 0);
    stacked.set(w.wk.subarray(l * kv * dim, (l + 1) * kv * dim), dim * dim);
    stacked.set(w.wv.subarray(l * kv * dim, (l + 1) * kv * dim), (dim + kv) * dim);
    return transposeFold(stacked, 0, dim + 2 * kv, dim, w.rmsAtt, l * dim);
  });
  const [cos, sin] = ropeTables(c);
  const rope = new Float32Array(cos.length * 2);
  cos.forEach((v, i) => {
    rope[2 * i] = v;
    rope[2 * i + 1] = sin[i];
  });
  // FFN matrices of a layer: one for a dense model, every expert's in turn for an MoE.
  const E = c.moe?.nExperts ?? 1;
  const experts = (l: number, pack: (m: number) => Float32Array): Float32Array => {
    const parts = Array.from({ length: E }, (_, e) => pack(l * E + e));
    const out = new Float32Array(parts[0].length * E);
    parts.forEach((p, e) => out.set(p, e * p.length));
    return out;
  };
  return {
    embedding: w.tokenEmbedding,
    qkv,
    wo: layered(nLayers, (l) => transposeFold(w.wo, l * dim * dim, dim, dim)),
    ffnUp: layered(nLayers, (l) => experts(l, (m) => interleaveGated(w.w1, w.w3, m * hidden * dim, hidden, dim, w.rmsFfn, l * dim))),
    w2: layered(nLayers, (l) => experts(l, (m) => transposeFold(w.w2, m * dim * hidden, dim, hidden))),
    ...(c.moe ? { router: layered(nLayers, (l) => transposeFold(w.router!, l * E * dim, E, dim, w.rmsFfn, l * dim)) } : {}),
    classifier: transposeFold(w.wcls, 0, c.vocabSize, dim, w.rmsFinal, 0),
    rope,
  };
}

/**
 * Bytes of weights one step reads: every layer's matrices and the classifier, plus the embedding
 * rows it gathers. For an MoE this counts every expert (an upper bound: a step reads only the
 * experts its tokens woke, IterationEvent.experts.bytes).
 */
export function weightBytesPerStep(c: ModelConfig, tokens: number, logitRows: number): number {
  const kv = kvDimOf(c);
  const E = c.moe?.nExperts ?? 1;
  const perLayer = c.dim * (c.dim + 2 * kv) + c.dim * c.dim + 3 * c.dim * c.hiddenDim * E + (c.moe ? E * c.dim : 0);
  return 4 * (c.nLayers * perLayer + (logitRows > 0 ? c.vocabSize * c.dim : 0) + tokens * c.dim);
}
