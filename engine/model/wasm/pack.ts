import { headSize, kvDim as kvDimOf, type ModelConfig } from '../config';
import { ropeTables } from '../forward-cpu';
import type { Model } from '../weights';

/**
 * How the WebAssembly kernels see the weights: one image, copied into each backend's memory, with
 * every matrix in the layout its matmul kernel reads. Today that is `f32`: rows packed in groups of
 * four, interleaved (groups, n, 4), zero rows padding d to a multiple of 16 (assembly/matmul.ts).
 * Another format (int8 with group scales, say) is another `format` tag with its own packer here and
 * its own kernel, chosen in WasmForward.matmul.
 */
export type WeightFormat = 'f32';

/** A matrix W (d, n) in the image: out (T, d) = x (T, n) @ W^T. */
export interface PackedMatrix {
  format: WeightFormat;
  /** Byte offset within the image. */
  offset: number;
  d: number;
  n: number;
}

export interface PackedLayer {
  rmsAtt: number; // byte offsets of (dim) gains
  rmsFfn: number;
  wq: PackedMatrix;
  wk: PackedMatrix;
  wv: PackedMatrix;
  wo: PackedMatrix;
  w1: PackedMatrix;
  w2: PackedMatrix;
  w3: PackedMatrix;
  /** MoE layers: the router (E, dim) and every expert's FFN; w1/w2/w3 above are then experts[0]'s. */
  router?: PackedMatrix;
  experts?: { w1: PackedMatrix; w2: PackedMatrix; w3: PackedMatrix }[];
}

export interface PackedWeights {
  image: Float32Array;
  layers: PackedLayer[];
  rmsFinal: number;
  wcls: PackedMatrix;
  /** (seq_len, 2, head_size): per position, cos duplicated per pair, then (-sin, sin) per pair. */
  rope: number;
}

/** Rows of a packed matrix: d rounded up to 16 (so every kernel tile is full). */
export const paddedRows = (d: number): number => Math.ceil(d / 16) * 16;

const cache = new WeakMap<Model, PackedWeights>();

/** Packs once per model; every backend of that model copies the same image. */
export function packWeights(model: Model): PackedWeights {
  let p = cache.get(model);
  if (!p) cache.set(model, (p = pack(model)));
  return p;
}

function pack(model: Model): PackedWeights {
  const c = model.config;
  const w = model.weights;
  const { dim, hiddenDim: hidden } = c;
  const kvDim = kvDimOf(c);
  const parts: { at: number; data: Float32Array }[] = [];
  let floats = 0;
  /** Appends a tensor, 16-byte aligned; returns its byte offset in the image. */
  const put = (data: Float32Array): number => {
    const at = floats;
    parts.push({ at, data });
    floats += Math.ceil(data.length / 4) * 4;
    return at * 4;
  };
  const matrix = (src: Float32Array, from: number, d: number, n: number): PackedMatrix => ({ format: 'f32', offset: put(packF32(src, from, d, n)), d, n });
  /** FFN matrix m: layer m of a dense model, or expert m % E of layer m / E. */
  const ffn = (m: number) => ({
    w1: matrix(w.w1, m * hidden * dim, hidden, dim),
    w2: matrix(w.w2, m * dim * hidden, dim, hidden),
    w3: matrix(w.w3, m * hidden * dim, hidden, dim),
  });
  const E = c.moe?.nExperts ?? 0;
  const layers = Array.from({ length: c.nLayers }, (_, l): PackedLayer => {
    const attention = {
      rmsAtt: put(w.rmsAtt.subarray(l * dim, (l + 1) * dim)),
      rmsFfn: put(w.rmsFfn.subarray(l * dim, (l + 1) * dim)),
      wq: matrix(w.wq, l * dim * dim, dim, dim),
      wk: matrix(w.wk, l * kvDim * dim, kvDim, dim),
      wv: matrix(w.wv, l * kvDim * dim, kvDim, dim),
      wo: matrix(w.wo, l * dim * dim, dim, dim),
    };
    if (!E) return { ...attention, ...ffn(l) };
    const experts = Array.from({ length: E }, (_, e) => ffn(l * E + e));
    return { ...attention, ...experts[0], router: matrix(w.router!, l * E * dim, E, dim), experts };
  });
  const rmsFinal = put(w.rmsFinal);
  const wcls = matrix(w.wcls, 0, c.vocabSize, dim);
  const rope = put(ropeImage(c));
  const image = new Float32Array(floats);
  for (const { at, data } of parts) image.set(data, at);
  return { image, layers, rmsFinal, wcls, rope };
}

/** W (d, n) from `from` -> (paddedRows(d) / 4, n, 4): out[(g * n + j) * 4 + lane] = W[4g + lane][j]. */
export function packF32(src: Float32Array, from: number, d: number, n: number): Float32Array {
  const out = new Float32Array(paddedRows(d) * n);
  for (let r = 0; r < d; r++) {
    const base = ((r >> 2) * n) * 4 + (r & 3);
    for (let j = 0; j < n; j++) out[base + j * 4] = src[from + r * n + j];
  }
  return out;
}

/** The reference's own float32 cos/sin tables, expanded for v * cos + swap(v) * sin. */
function ropeImage(c: ModelConfig): Float32Array {
  const hs = headSize(c);
  const half = hs / 2;
  const [cos, sin] = ropeTables(c);
  const out = new Float32Array(c.seqLen * 2 * hs);
  for (let p = 0; p < c.seqLen; p++) {
    const o = p * 2 * hs;
    for (let i = 0; i < half; i++) {
      out[o + 2 * i] = out[o + 2 * i + 1] = cos[p * half + i];
      out[o + hs + 2 * i] = -sin[p * half + i];
      out[o + hs + 2 * i + 1] = sin[p * half + i];
    }
  }
  return out;
}
