import type { BlockCopy, KvLayout, SequenceStep } from '../backend/types';
import type { ModelConfig } from './config';

/**
 * One ragged forward pass over the paged KV pool, as the CPU backend drives it. Two
 * implementations: the TypeScript reference (forward-cpu.ts, the oracle) and WebAssembly SIMD
 * (wasm/forward-wasm.ts, the fast path).
 */
export interface ForwardPass {
  readonly config: ModelConfig;
  readonly kv: KvLayout;
  /**
   * (layer, block, blockSize, kv_dim) as float32. For an f32 cache this is the pool itself: writes
   * through it (a block copy, say) reach the pool; take it again after a step rather than keeping
   * it, as the WebAssembly path's memory may grow. For an f16 or int8 cache it is a decoded copy.
   */
  readonly keyCache: Float32Array;
  /** (layer, block, blockSize, kv_dim) */
  readonly valueCache: Float32Array;
  /**
   * Copies whole blocks of the pool in its own format (an int8 row's scales travel with it), in
   * order, every layer, keys and values: copy-on-write of a shared block. Copies are validated by
   * the caller.
   */
  copyBlocks(copies: readonly BlockCopy[]): void;
  /** MoE models: tokens routed to each expert in the last step, (layer, expert); null for a dense model. */
  readonly expertLoad: Int32Array | null;
  /** Per sequence, the requested logits rows (null for 'none'). Callers validate the step first. */
  forward(seqs: readonly SequenceStep[]): (Float32Array | null)[];
}
