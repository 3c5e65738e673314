import type { ModelConfig } from '../model/config';
import type { SamplingParams } from '../model/sampler';
import type { KvDtype, NumberFormats } from '../model/quant/formats';
import type { TrafficOptions } from './traffic';
import type { ExpertStep } from '../serve/experts';

/**
 * The ragged batch step: the one unit of work every backend (cpu, webgpu, sim) implements and
 * the serving engine drives.
 *
 * A step runs one forward pass over a *ragged* batch: any number of sequences, each contributing
 * n >= 1 new tokens at consecutive positions (a whole prompt, a chunk of one, or one decode
 * token). Token-wise work (embeddings, norms, matmuls, FFN) is batched over all tokens of the step,
 * so every weight read is shared by every token; attention runs per sequence over that sequence's
 * own cached positions (Orca's selective batching).
 *
 * KV memory is a paged pool owned by the backend: `numBlocks` physical blocks of `blockSize`
 * positions, for every layer. Which blocks a sequence uses is decided outside (the KV manager)
 * and passed in as its block table; contiguous and paged allocation differ only in that policy.
 */
export interface KvLayout {
  numBlocks: number;
  blockSize: number;
  /** How each K/V value is stored (default f32): the same bytes hold 2x (f16) or ~3.6x (int8) the positions. */
  dtype?: KvDtype;
}

export type LogitsRequest = 'none' | 'last' | 'all';

export interface SequenceStep {
  /** New tokens (n >= 1), at positions startPos .. startPos + n - 1. */
  tokens: ArrayLike<number>;
  startPos: number;
  /**
   * Physical block ids: entry i holds positions [i * blockSize, (i + 1) * blockSize).
   * It must cover startPos + n - 1; positions < startPos must already hold this sequence's K/V.
   */
  blockTable: ArrayLike<number>;
  /** Logits to return: for the last new token (default), for every new token, or none. */
  logits?: LogitsRequest;
  /** When given, the backend also samples the token that follows the last new token (at position startPos + n). */
  sample?: SamplingParams;
}

export interface StepTiming {
  /** Wall time from the call to the results being available, in ms. */
  wallMs: number;
  /** GPU execution time from timestamp queries when the device has them. */
  gpuMs?: number;
  /** CPU time spent preparing/encoding the step, in ms. */
  encodeMs?: number;
  /** 'measured': a real execution; 'simulated': a cost model's prediction. */
  source: 'measured' | 'simulated';
  tokens: number;
  sequences: number;
}

export interface StepResult {
  /** Per sequence: null, or rows x vocab logits (1 row for 'last', n rows for 'all'). */
  logits: (Float32Array | null)[];
  /** Per sequence: the sampled next token, or -1 where no sampling was asked for. */
  sampled: Int32Array;
  timing: StepTiming;
  /** Mixture-of-experts models: what the step did with the experts (routing counts, or the cost model's expectation). */
  experts?: ExpertStep;
}

/** Copy-on-write: block `src`'s K/V (every layer, every position) into block `dst` of the same pool. */
export interface BlockCopy {
  src: number;
  dst: number;
}

export type BackendKind = 'cpu' | 'webgpu' | 'sim';

export interface Backend {
  readonly kind: BackendKind;
  /** Human-readable: the adapter, or why a fallback is in use. */
  readonly description: string;
  readonly config: ModelConfig;
  readonly kv: KvLayout;
  /** Weights, KV cache and attention path this backend runs (what sets its bytes per step); absent means DEFAULT_FORMATS. */
  readonly formats?: NumberFormats;
  /** How to count this backend's bytes per step when its shapes do not say it all (the sim's fp16 activations and published model size). */
  readonly trafficOptions?: TrafficOptions;
  /**
   * Runs one ragged step. Sequences may share blocks they only read (a cached prefix, a prompt
   * several completions share), never a block one of them writes.
   */
  step(seqs: readonly SequenceStep[]): Promise<StepResult>;
  /**
   * Copies blocks within the pool, in the given order (a copy may read a block an earlier one
   * wrote), before the next step: the copy-on-write of a shared block about to be written.
   */
  copyBlocks(copies: readonly BlockCopy[]): Promise<void>;
  /** Releases device memory; the backend is unusable afterwards. */
  dispose(): void;
}

/** Checks block copies against the pool. */
export function validateCopies(copies: readonly BlockCopy[], kv: KvLayout): void {
  for (const { src, dst } of copies) {
    for (const b of [src, dst]) if (!Number.isInteger(b) || b < 0 || b >= kv.numBlocks) throw new Error(`block copy ${src} -> ${dst}: ${b} is not a block of the pool (0..${kv.numBlocks - 1})`);
    if (src === dst) throw new Error(`block copy ${src} -> ${dst} copies a block onto itself`);
  }
}

/** Total new tokens in a step. */
export const stepTokens = (seqs: readonly SequenceStep[]): number => seqs.reduce((s, q) => s + q.tokens.length, 0);
