import { BatchscopeError } from '../errors';
import { CHECKPOINT_HEADER } from '../limits';

/** Shape of a Llama-architecture model, as the llama2.c header stores it. */
export interface ModelConfig {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  seqLen: number;
  /** True when the classifier reuses the token embedding (llama2.c: vocab_size > 0 in the header). */
  sharedClassifier: boolean;
  /**
   * Present for a mixture-of-experts model (the batchscope MoE checkpoint, checkpoint-moe.ts): every
   * layer's FFN is `nExperts` SwiGLU experts of `hiddenDim` each, and each token runs its `topK`.
   */
  moe?: MoeConfig;
}

export interface MoeConfig {
  nExperts: number;
  /** Experts per token (token-choice routing). */
  topK: number;
}

/** Experts per layer: 1 for a dense model (its FFN is one always-used expert). */
export const expertCount = (c: ModelConfig): number => c.moe?.nExperts ?? 1;

export const headSize = (c: ModelConfig): number => c.dim / c.nHeads;
export const kvDim = (c: ModelConfig): number => (c.dim * c.nKvHeads) / c.nHeads;
/** How many query heads share one kv head (grouped-query attention). */
export const kvMul = (c: ModelConfig): number => c.nHeads / c.nKvHeads;

/** Generous upper bounds (engine/limits.ts): anything beyond them is a corrupt header, not a model we could run. */
const LIMITS = CHECKPOINT_HEADER;

/** Throws a BatchscopeError naming `source` and the first problem found. */
export function validateConfig(c: ModelConfig, source: string): void {
  const bad = (why: string): never => {
    throw new BatchscopeError('bad-checkpoint', `${source}: ${why}`);
  };
  // Named as the llama2.c header names them, since that is what a user can look up.
  const fields: [string, number, number][] = [
    ['dim', c.dim, LIMITS.dim],
    ['hidden_dim', c.hiddenDim, LIMITS.hiddenDim],
    ['n_layers', c.nLayers, LIMITS.nLayers],
    ['n_heads', c.nHeads, LIMITS.nHeads],
    ['n_kv_heads', c.nKvHeads, LIMITS.nHeads],
    ['vocab_size', c.vocabSize, LIMITS.vocabSize],
    ['seq_len', c.seqLen, LIMITS.seqLen],
  ];
  for (const [name, value, max] of fields) {
    if (!Number.isInteger(value) || value <= 0) bad(`header field ${name} = ${value} must be a positive integer`);
    if (value > max) bad(`header field ${name} = ${value} is absurdly large (limit ${max}); is this a llama2.c checkpoint?`);
  }
  if (c.dim % c.nHeads !== 0) bad(`n_heads = ${c.nHeads} does not divide dim = ${c.dim}`);
  if (c.nKvHeads > c.nHeads || c.nHeads % c.nKvHeads !== 0) {
    bad(`n_kv_heads = ${c.nKvHeads} must divide n_heads = ${c.nHeads}`);
  }
  if (headSize(c) % 2 !== 0) bad(`head size ${headSize(c)} must be even for rotary embeddings`);
  if (c.moe) {
    const { nExperts: E, topK: k } = c.moe;
    if (!Number.isInteger(E) || E < 1 || E > MAX_EXPERTS) bad(`header field n_experts = ${E} must be an integer in 1..${MAX_EXPERTS}`);
    if (!Number.isInteger(k) || k < 1 || k > E) bad(`header field top_k = ${k} must be an integer in 1..n_experts (${E})`);
  }
}

/** Experts per layer a checkpoint may declare (Mixtral has 8, DeepSeek-V3 256). */
export const MAX_EXPERTS = 256;
