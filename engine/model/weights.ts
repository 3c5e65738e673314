import { headSize, kvDim, type ModelConfig } from './config';

/**
 * The weights of a Llama-architecture model, in llama2.c order and layout.
 * Matrices are row-major with `out[i] = sum_j W[i * in + j] * x[j]` (PyTorch's Linear layout).
 */
export interface ModelWeights {
  tokenEmbedding: Float32Array; // (vocab, dim)
  rmsAtt: Float32Array; // (layer, dim)
  wq: Float32Array; // (layer, dim, dim)
  wk: Float32Array; // (layer, kv_dim, dim)
  wv: Float32Array; // (layer, kv_dim, dim)
  wo: Float32Array; // (layer, dim, dim)
  rmsFfn: Float32Array; // (layer, dim)
  w1: Float32Array; // (layer, hidden, dim)
  w2: Float32Array; // (layer, dim, hidden)
  w3: Float32Array; // (layer, hidden, dim)
  rmsFinal: Float32Array; // (dim)
  /** (vocab, dim); the same array as tokenEmbedding when the classifier is shared. */
  wcls: Float32Array;
}

export interface Model {
  /** Where the model came from (a file name), used in messages. */
  name: string;
  config: ModelConfig;
  weights: ModelWeights;
}

export type WeightName = Exclude<keyof ModelWeights, 'wcls'>;

/** Tensor names and element counts in checkpoint order (the classifier, when separate, comes last). */
export function weightShapes(c: ModelConfig): [WeightName, number][] {
  const { dim, hiddenDim: h, nLayers: L, vocabSize: v } = c;
  const kv = kvDim(c);
  return [
    ['tokenEmbedding', v * dim],
    ['rmsAtt', L * dim],
    ['wq', L * dim * dim],
    ['wk', L * kv * dim],
    ['wv', L * kv * dim],
    ['wo', L * dim * dim],
    ['rmsFfn', L * dim],
    ['w1', L * h * dim],
    ['w2', L * dim * h],
    ['w3', L * h * dim],
    ['rmsFinal', dim],
  ];
}

/** Number of float32 values in the unused rotary tables llama2.c stores after rms_final. */
export const freqTableFloats = (c: ModelConfig): number => 2 * c.seqLen * (headSize(c) / 2);

export function parameterCount(c: ModelConfig): number {
  const n = weightShapes(c).reduce((s, [, count]) => s + count, 0);
  return c.sharedClassifier ? n : n + c.vocabSize * c.dim;
}
