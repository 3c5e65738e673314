import { kvDim as kvDimOf, type ModelConfig } from '../config';

/**
 * How many bytes a model moves per token: the number formats of its weights and of its KV cache,
 * and how attention runs. Every backend takes the same three choices; f32 everywhere and fused
 * attention are the defaults (and the paths every reference output was checked on).
 */

/**
 * Matmul weights: float32, or int8 in groups of 32 with one fp16 scale each (llama.cpp's Q8_0):
 * what the real engines run. fp16 is the simulator's baseline (production models ship in it).
 */
export const WEIGHT_DTYPES = ['f32', 'int8'] as const;
export const SIM_WEIGHT_DTYPES = ['f16', 'int8'] as const;
export type WeightDtype = 'f32' | 'f16' | 'int8';

/** The KV cache: float32, float16, or int8 with one fp16 scale per head vector per position. */
export const KV_DTYPES = ['f32', 'f16', 'int8'] as const;
export type KvDtype = (typeof KV_DTYPES)[number];

/**
 * fused: one kernel per token and head with an online softmax over the cache (FlashAttention's
 * idea: no score matrix in memory). unfused: the textbook way, scores written to memory, softmaxed
 * there, then multiplied by V.
 */
export const ATTENTION_PATHS = ['fused', 'unfused'] as const;
export type AttentionPath = (typeof ATTENTION_PATHS)[number];

export interface NumberFormats {
  weights: WeightDtype;
  kv: KvDtype;
  attention: AttentionPath;
}

export const DEFAULT_FORMATS: NumberFormats = { weights: 'f32', kv: 'f32', attention: 'fused' };

/** Values per int8 group along a weight row's input dimension (llama.cpp's QK8_0). */
export const Q8_GROUP = 32;

/** Bytes of one stored fp16 scale. */
export const SCALE_BYTES = 2;

/**
 * Bytes of one position's K (or V) row of one layer in the pool. int8 rows carry their heads'
 * fp16 scales after the values, padded to whole 4-byte words (GPU storage is read in words).
 */
export function kvRowBytes(c: ModelConfig, dtype: KvDtype): number {
  const kvDim = kvDimOf(c);
  switch (dtype) {
    case 'f32':
      return 4 * kvDim;
    case 'f16':
      return 2 * kvDim;
    case 'int8':
      return kvDim + 4 * Math.ceil((c.nKvHeads * SCALE_BYTES) / 4);
  }
}

/** K and V of every layer for one token: what one position of context costs in the pool. */
export const kvBytesPerToken = (c: ModelConfig, dtype: KvDtype): number => 2 * c.nLayers * kvRowBytes(c, dtype);

/** Bytes of a (rows, n) weight matrix stored in `dtype`: int8 adds one fp16 scale per group of 32 (a partial last group too). */
export function matrixBytes(rows: number, n: number, dtype: WeightDtype): number {
  if (dtype === 'int8') return rows * (n + SCALE_BYTES * Math.ceil(n / Q8_GROUP));
  return (dtype === 'f32' ? 4 : 2) * rows * n;
}

/** Bytes per weight of a model whose size is known only as a parameter count (int8: 34 bytes per 32, as Q8_0 stores them). */
export const bytesPerWeight = (dtype: WeightDtype): number => (dtype === 'f32' ? 4 : dtype === 'f16' ? 2 : (32 + SCALE_BYTES) / Q8_GROUP);

/** ", int8 weights, f16 KV, unfused attention" for what differs from the float32 defaults ("" when nothing does). */
export function describeFormats(f: NumberFormats): string {
  const parts = [f.weights !== 'f32' ? `${f.weights} weights` : '', f.kv !== 'f32' ? `${f.kv} KV` : '', f.attention !== 'fused' ? `${f.attention} attention` : ''].filter(Boolean);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

/**
 * The one combination no engine runs: Q8_0 covers the dense matmuls, the embedding and the
 * classifier, but the expert kernels (CPU, WebAssembly, WGSL) read float32 experts only. An MoE
 * model therefore takes f32 weights (its KV cache and attention path are free), and is refused
 * with this line rather than silently run half-quantized.
 */
export const MOE_INT8_REFUSAL = 'int8 weights are not available for mixture-of-experts models (the expert kernels read float32); use --weights f32';

/** Null when the model can run with these weights, else the line that says why not. */
export function weightsProblem(c: ModelConfig, weights: WeightDtype): string | null {
  return c.moe && weights === 'int8' ? MOE_INT8_REFUSAL : null;
}
