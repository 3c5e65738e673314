import { expertCount, headSize, kvDim, type ModelConfig } from './config';

/**
 * The weights of a Llama-architecture model, in llama2.c order and layout.
 * Matrices are row-major with `out[i] = sum_j W[i * in + j] * x[j]` (PyTorch's Linear layout).
 * In a mixture-of-experts model (config.moe) the FFN matrices hold every expert of a layer in turn,
 * (layer, expert, ...), so expert e of layer l is matrix l * nExperts + e; `router` is present.
 */
export interface ModelWeights {
  tokenEmbedding: Float32Array; // (vocab, dim)
  rmsAtt: Float32Array; // (layer, dim)
  wq: Float32Array; // (layer, dim, dim)
  wk: Float32Array; // (layer, kv_dim, dim)
  wv: Float32Array; // (layer, kv_dim, dim)
  wo: Float32Array; // (layer, dim, dim)
  rmsFfn: Float32Array; // (layer, dim)
  /** MoE only: router logits = router @ x, (layer, expert, dim). */
  router?: Float32Array;
  w1: Float32Array; // (layer, [expert,] hidden, dim)
  w2: Float32Array; // (layer, [expert,] dim, hidden)
  w3: Float32Array; // (layer, [expert,] hidden, dim)
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
  const E = expertCount(c);
  return [
    ['tokenEmbedding', v * dim],
    ['rmsAtt', L * dim],
    ['wq', L * dim * dim],
    ['wk', L * kv * dim],
    ['wv', L * kv * dim],
    ['wo', L * dim * dim],
    ['rmsFfn', L * dim],
    ...(c.moe ? [['router', L * E * dim] as [WeightName, number]] : []),
    ['w1', L * E * h * dim],
    ['w2', L * E * dim * h],
    ['w3', L * E * h * dim],
    ['rmsFinal', dim],
  ];
}

/** Number of float32 values in the unused rotary tables llama2.c stores after rms_final. */
export const freqTableFloats = (c: ModelConfig): number => 2 * c.seqLen * (headSize(c) / 2);

/** Bytes of one expert's FFN weights (w1, w2, w3) at `bytesPerWeight` (4 for float32): what a step reads per expert it touches. */
export const expertWeightBytes = (c: ModelConfig, bytesPerWeight = 4): number => 3 * c.dim * c.hiddenDim * bytesPerWeight;

export function parameterCount(c: ModelConfig): number {
  const n = weightShapes(c).reduce((s, [, count]) => s + count, 0);
  return c.sharedClassifier ? n : n + c.vocabSize * c.dim;
}
