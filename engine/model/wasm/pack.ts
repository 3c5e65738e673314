import { headSize, kvDim as kvDimOf, type ModelConfig } from '../config';
import { ropeTables } from '../forward-cpu';
import type { Model } from '../weights';
import type { WeightDtype } from '../quant/formats';
import { quantizeModel, type Q8Layer } from '../quant/model-q8';
import type { Q8Matrix } from '../quant/q8';

/**
 * How the WebAssembly kernels see the weights: one image, copied into each backend's memory, with
 * every matrix in the layout its matmul kernel reads. `f32`: rows packed in groups of four,
 * interleaved (groups, n, 4), zero rows padding d to a multiple of 16 (assembly/matmul.ts).
 * `int8` (Q8_0): the same interleaving of int8 values, (groups, n, 4) bytes, and the scales as
 * float32 (groups, ceil(n / 32), 4) (assembly/matmul-q8.ts). WasmForward.matmul picks the kernel.
 */
export type WeightFormat = Exclude<WeightDtype, 'f16'>;

/** A matrix W (d, n) in the image: out (T, d) = x (T, n) @ W^T. */
export interface PackedMatrix {
  format: WeightFormat;
  /** Byte offset within the image. */
  offset: number;
  /** int8: byte offset of the scales. */
  scales: number;
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
  image: Uint8Array;
  layers: PackedLayer[];
  rmsFinal: number;
  wcls: PackedMatrix;
  /** (seq_len, 2, head_size): per position, cos duplicated per pair, then (-sin, sin) per pair. */
  rope: number;
}

/** Rows of a packed matrix: d rounded up to 16 (so every kernel tile is full). */
export const paddedRows = (d: number): number => Math.ceil(d / 16) * 16;

const cache = { f32: new WeakMap<Model, PackedWeights>(), int8: new WeakMap<Model, PackedWeights>() };

/** Packs once per model and format; every backend of that model copies the same image. */
export function packWeights(model: Model, format: WeightFormat = 'f32'): PackedWeights {
  let p = cache[format].get(model);
  if (!p) cache[format].set(model, (p = pack(model, format)));
  return p;
}

function pack(model: Model, format: WeightFormat): PackedWeights {
  const c = model.config;
  const w = model.weights;
  const { dim, hiddenDim: hidden } = c;
  const kvDim = kvDimOf(c);
  const q8 = format === 'int8' ? quantizeModel(model) : null;
  const parts: { at: number; data: Uint8Array }[] = [];
  let bytes = 0;
  /** Appends a tensor, 16-byte aligned; returns its byte offset in the image. */
  const put = (data: Float32Array | Int8Array): number => {
    const at = bytes;
    parts.push({ at, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    bytes += Math.ceil(data.byteLength / 16) * 16;
    return at;
  };
  const f32Matrix = (src: Float32Array, from: number, d: number, n: number): PackedMatrix => ({ format: 'f32', offset: put(packF32(src, from, d, n)), scales: 0, d, n });
  const matrix = (src: Float32Array, from: number, d: number, n: number, name?: keyof Q8Layer, l = 0): PackedMatrix => {
    const m = q8 && (name ? q8.layers[l][name] : q8.wcls);
    if (!m) return f32Matrix(src, from, d, n);
    const { values, scales } = packQ8(m);
    return { format: 'int8', offset: put(values), scales: put(scales), d, n };
  };
  /** FFN matrices of layer l of a dense model (in the image's format). */
  const dense = (l: number) => ({
    w1: matrix(w.w1, l * hidden * dim, hidden, dim, 'w1', l),
    w2: matrix(w.w2, l * dim * hidden, dim, hidden, 'w2', l),
    w3: matrix(w.w3, l * hidden * dim, hidden, dim, 'w3', l),
  });
  /** Expert m % E of layer m / E: float32 always, as no expert kernel reads Q8_0 (weightsProblem refuses int8 for MoE). */
  const expert = (m: number) => ({
    w1: f32Matrix(w.w1, m * hidden * dim, hidden, dim),
    w2: f32Matrix(w.w2, m * dim * hidden, dim, hidden),
    w3: f32Matrix(w.w3, m * hidden * dim, hidden, dim),
  });
  const E = c.moe?.nExperts ?? 0;
  const layers = Array.from({ length: c.nLayers }, (_, l): PackedLayer => {
    const attention = {
      rmsAtt: put(w.rmsAtt.subarray(l * dim, (l + 1) * dim)),
      rmsFfn: put(w.rmsFfn.subarray(l * dim, (l + 1) * dim)),
      wq: matrix(w.wq, l * dim * dim, dim, dim, 'wq', l),
      wk: matrix(w.wk, l * kvDim * dim, kvDim, dim, 'wk', l),
      wv: matrix(w.wv, l * kvDim * dim, kvDim, dim, 'wv', l),
      wo: matrix(w.wo, l * dim * dim, dim, dim, 'wo', l),
    };
    if (!E) return { ...attention, ...dense(l) };
    const experts = Array.from({ length: E }, (_, e) => expert(l * E + e));
    return { ...attention, ...experts[0], router: f32Matrix(w.router!, l * E * dim, E, dim), experts };
  });
  const rmsFinal = put(w.rmsFinal);
  const wcls = matrix(w.wcls, 0, c.vocabSize, dim);
  const rope = put(ropeImage(c));
  const image = new Uint8Array(bytes);
  for (const { at, data } of parts) image.set(data, at);
  return { image, layers, rmsFinal, wcls, rope };
}

/** Q8_0 (d, n) -> values (paddedRows(d) / 4, n, 4) int8 and scales (paddedRows(d) / 4, ceil(n / 32), 4) float32. */
export function packQ8(m: Q8Matrix): { values: Int8Array; scales: Float32Array } {
  const values = new Int8Array(paddedRows(m.d) * m.n);
  const scales = new Float32Array(paddedRows(m.d) * m.groups);
  for (let r = 0; r < m.d; r++) {
    const base = ((r >> 2) * m.n) * 4 + (r & 3);
    for (let j = 0; j < m.n; j++) values[base + j * 4] = m.q[r * m.n + j];
    const sBase = ((r >> 2) * m.groups) * 4 + (r & 3);
    for (let g = 0; g < m.groups; g++) scales[sBase + g * 4] = m.scales[r * m.groups + g];
  }
  return { values, scales };
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
