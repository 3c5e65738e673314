import type { ModelConfig } from '../../model/config';
import { f16Bits } from '../../model/quant/f16';
import { quantizeModel } from '../../model/quant/model-q8';
import type { Q8Matrix } from '../../model/quant/q8';
import type { Model } from '../../model/weights';
import { roundUp, type Layered } from './pack-weights';

/**
 * int8 (Q8_0) weights in the layouts the kernels read (shaders/weights.wgsl), from the same groups
 * the CPU engine quantized: per matrix, words of four int8 weights transposed to (in, out4) like
 * the float32 columns, then SCALES: two words of four fp16 scales per (group of 32 inputs, out4),
 * then GAIN: the RMSNorm gain before the matrix as float32 bits (int8 groups are of the raw
 * weights, so the gain cannot be folded in). No float32 copy of a weight is uploaded.
 */
export interface Q8Tensor extends Layered {
  data: Uint32Array;
  /** Word offsets within one layer's slice. */
  scales: number;
  gain: number;
}

export interface PackedQ8Model {
  /** (vocab, dim / 4) words, then per token ceil(groups / 2) words of scales. */
  embedding: Uint32Array;
  embeddingScales: number;
  embeddingScaleWords: number;
  qkv: Q8Tensor;
  wo: Q8Tensor;
  ffnUp: Q8Tensor;
  w2: Q8Tensor;
  classifier: Q8Tensor;
}

const pack4 = (a: number, b: number, c: number, d: number): number => ((a & 255) | ((b & 255) << 8) | ((c & 255) << 16) | ((d & 255) << 24)) >>> 0;
const halves = (a: number, b: number): number => (f16Bits(a) | (f16Bits(b) << 16)) >>> 0;

/** A weight view by output row: its int8 value at (row, k) and its scale at (row, group). */
interface Rows {
  out: number;
  n: number;
  q(row: number, k: number): number;
  s(row: number, g: number): number;
}

const rowsOf = (...ms: Q8Matrix[]): Rows => {
  const at = (row: number): [Q8Matrix, number] => {
    for (const m of ms) {
      if (row < m.d) return [m, row];
      row -= m.d;
    }
    return [ms[0], -1];
  };
  return {
    out: ms.reduce((n, m) => n + m.d, 0),
    n: ms[0].n,
    q: (row, k) => {
      const [m, r] = at(row);
      return r < 0 ? 0 : m.q[r * m.n + k];
    },
    s: (row, g) => {
      const [m, r] = at(row);
      return r < 0 ? 0 : m.scales[r * m.groups + g];
    },
  };
};

/** One layer's slice: [words (in, out4 * ways) | scales (groups, out4 * ways, 2) | gain (in)]. */
function slice(ways: Rows[], gain?: Float32Array): { data: Uint32Array; scales: number; gain: number } {
  const { n } = ways[0];
  const out4 = Math.ceil(ways[0].out / 4);
  const groups = Math.ceil(n / 32);
  const W = ways.length;
  const scales = n * out4 * W;
  const gainAt = scales + groups * out4 * W * 2;
  const data = new Uint32Array(gainAt + (gain ? n : 0));
  for (let k = 0; k < n; k++) {
    for (let o4 = 0; o4 < out4; o4++) {
      ways.forEach((r, w) => (data[(k * out4 + o4) * W + w] = pack4(r.q(4 * o4, k), r.q(4 * o4 + 1, k), r.q(4 * o4 + 2, k), r.q(4 * o4 + 3, k))));
    }
  }
  for (let g = 0; g < groups; g++) {
    for (let o4 = 0; o4 < out4; o4++) {
      ways.forEach((r, w) => {
        const at = scales + ((g * out4 + o4) * W + w) * 2;
        data[at] = halves(r.s(4 * o4, g), r.s(4 * o4 + 1, g));
        data[at + 1] = halves(r.s(4 * o4 + 2, g), r.s(4 * o4 + 3, g));
      });
    }
  }
  if (gain) new Float32Array(data.buffer, 4 * gainAt, n).set(gain);
  return { data, scales, gain: gainAt };
}

function layered(nLayers: number, pack: (l: number) => ReturnType<typeof slice>): Q8Tensor {
  const parts = Array.from({ length: nLayers }, (_, l) => pack(l));
  const size = parts[0].data.length;
  const stride = roundUp(size, 64);
  const data = new Uint32Array(stride * nLayers);
  parts.forEach((p, l) => data.set(p.data, l * stride));
  return { data, stride, size, scales: parts[0].scales, gain: parts[0].gain };
}

export function packModelQ8(model: Model): PackedQ8Model {
  const c: ModelConfig = model.config;
  const w = model.weights;
  const q = quantizeModel(model);
  const { dim } = c;
  const e = q.embedding;
  const groups = Math.ceil(dim / 32);
  const scaleWords = Math.ceil(groups / 2);
  const embedding = new Uint32Array((c.vocabSize * dim) / 4 + c.vocabSize * scaleWords);
  for (let t = 0; t < c.vocabSize; t++) {
    for (let j = 0; j < dim; j += 4) embedding[(t * dim + j) / 4] = pack4(e.q[t * dim + j], e.q[t * dim + j + 1], e.q[t * dim + j + 2], e.q[t * dim + j + 3]);
    for (let g = 0; g < groups; g += 2) embedding[(c.vocabSize * dim) / 4 + t * scaleWords + g / 2] = halves(e.scales[t * groups + g], g + 1 < groups ? e.scales[t * groups + g + 1] : 0);
  }
  const gainOf = (g: Float32Array, l: number) => g.subarray(l * dim, (l + 1) * dim);
  const classifier = slice([rowsOf(q.wcls)], w.rmsFinal);
  return {
    embedding,
    embeddingScales: (c.vocabSize * dim) / 4,
    embeddingScaleWords: scaleWords,
    qkv: layered(c.nLayers, (l) => slice([rowsOf(q.layers[l].wq, q.layers[l].wk, q.layers[l].wv)], gainOf(w.rmsAtt, l))),
    wo: layered(c.nLayers, (l) => slice([rowsOf(q.layers[l].wo)])),
    ffnUp: layered(c.nLayers, (l) => slice([rowsOf(q.layers[l].w1), rowsOf(q.layers[l].w3)], gainOf(w.rmsFfn, l))),
    w2: layered(c.nLayers, (l) => slice([rowsOf(q.layers[l].w2)])),
    classifier: { ...classifier, stride: classifier.data.length, size: classifier.data.length },
  };
}
