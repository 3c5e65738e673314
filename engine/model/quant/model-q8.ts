import { kvDim as kvDimOf } from '../config';
import type { Model } from '../weights';
import { quantizeQ8, type Q8Matrix } from './q8';

/** Every matrix of a model in Q8_0, per layer, plus the token embedding and the classifier. */
export interface Q8Layer {
  wq: Q8Matrix;
  wk: Q8Matrix;
  wv: Q8Matrix;
  wo: Q8Matrix;
  w1: Q8Matrix;
  w2: Q8Matrix;
  w3: Q8Matrix;
}

export interface Q8Weights {
  /** (vocab, dim): the embedding lookup dequantizes its row, as llama.cpp's get_rows does for a Q8_0 table. */
  embedding: Q8Matrix;
  layers: Q8Layer[];
  /** (vocab, dim): the same object as `embedding` when the classifier is shared. */
  wcls: Q8Matrix;
}

const cache = new WeakMap<Model, Q8Weights>();

/** Quantizes once per model; every backend of that model (CPU, WebAssembly, WebGPU) packs from the same groups. */
export function quantizeModel(model: Model): Q8Weights {
  let q = cache.get(model);
  if (q) return q;
  const c = model.config;
  const w = model.weights;
  const { dim, hiddenDim: hidden } = c;
  const kv = kvDimOf(c);
  const layers = Array.from({ length: c.nLayers }, (_, l): Q8Layer => ({
    wq: quantizeQ8(w.wq, l * dim * dim, dim, dim),
    wk: quantizeQ8(w.wk, l * kv * dim, kv, dim),
    wv: quantizeQ8(w.wv, l * kv * dim, kv, dim),
    wo: quantizeQ8(w.wo, l * dim * dim, dim, dim),
    w1: quantizeQ8(w.w1, l * hidden * dim, hidden, dim),
    w2: quantizeQ8(w.w2, l * dim * hidden, dim, hidden),
    w3: quantizeQ8(w.w3, l * hidden * dim, hidden, dim),
  }));
  const embedding = quantizeQ8(w.tokenEmbedding, 0, c.vocabSize, dim);
  const wcls = w.wcls === w.tokenEmbedding ? embedding : quantizeQ8(w.wcls, 0, c.vocabSize, dim);
  q = { embedding, layers, wcls };
  cache.set(model, q);
  return q;
}
