import { isBatchscopeError } from '../../errors';
import type { Backend, BlockCopy, KvLayout, SequenceStep, StepResult } from '../types';

/**
 * A backend that survives losing its GPU: steps run on `primary` until it reports 'device-lost',
 * then on the backend `fallback()` makes (the CPU engine), with no request lost.
 *
 * The lost device took the KV cache with it, so the wrapper remembers which token each pool slot
 * holds (every step writes K/V for its tokens at their slots). Before a step runs on the
 * fallback, each of its sequences whose cached positions the fallback has not computed yet is
 * re-prefilled there from those tokens, through its own block table.
 */
export class RecoveringBackend implements Backend {
  readonly config;
  readonly kv: KvLayout;
  private current: Backend;
  private recovered = false;
  /** Token whose K/V each slot (block * blockSize + offset) holds, -1 when none. */
  private readonly slotToken: Int32Array;
  /** Whether the current backend has computed each slot's K/V. */
  private readonly valid: Uint8Array;

  constructor(
    primary: Backend,
    private readonly fallback: () => Backend,
    private readonly onFallback: (reason: string) => void,
  ) {
    this.current = primary;
    this.config = primary.config;
    this.kv = primary.kv;
    this.slotToken = new Int32Array(this.kv.numBlocks * this.kv.blockSize).fill(-1);
    this.valid = new Uint8Array(this.slotToken.length);
  }

  get kind() {
    return this.current.kind;
  }

  /** The formats running now: the fallback's (the CPU engine's) after the GPU was lost. */
  get formats() {
    return this.current.formats;
  }

  get trafficOptions() {
    return this.current.trafficOptions;
  }

  get description(): string {
    return this.recovered ? `${this.current.description} (after the GPU device was lost)` : this.current.description;
  }

  async step(seqs: readonly SequenceStep[]): Promise<StepResult> {
    if (!this.recovered) {
      try {
        return this.record(seqs, await this.current.step(seqs));
      } catch (e) {
        if (!isBatchscopeError(e) || e.code !== 'device-lost') throw e;
        this.switchToFallback(e.message);
      }
    }
    await this.recompute(seqs);
    return this.record(seqs, await this.current.step(seqs));
  }

  /** Block copies follow the same path as steps: on the GPU until it is lost, then on the fallback. */
  async copyBlocks(copies: readonly BlockCopy[]): Promise<void> {
    if (!this.recovered) {
      try {
        await this.current.copyBlocks(copies);
      } catch (e) {
        if (!isBatchscopeError(e) || e.code !== 'device-lost') throw e;
        this.switchToFallback(e.message);
      }
    }
    if (this.recovered) await this.current.copyBlocks(copies);
    // The copy now holds the tokens its source held, computed wherever the source was.
    const bs = this.kv.blockSize;
    for (const { src, dst } of copies) {
      this.slotToken.copyWithin(dst * bs, src * bs, src * bs + bs);
      this.valid.copyWithin(dst * bs, src * bs, src * bs + bs);
    }
  }

  private switchToFallback(reason: string): void {
    this.current.dispose();
    this.current = this.fallback();
    this.recovered = true;
    this.valid.fill(0);
    this.onFallback(reason);
  }

  private slot(s: SequenceStep, pos: number): number {
    const bs = this.kv.blockSize;
    return s.blockTable[Math.floor(pos / bs)] * bs + (pos % bs);
  }

  /** Prefills, on the current backend, the cached positions of `seqs` it has not computed. */
  private async recompute(seqs: readonly SequenceStep[]): Promise<void> {
    const missing = seqs.filter((s) => Array.from({ length: s.startPos }, (_, p) => this.slot(s, p)).some((slot) => !this.valid[slot]));
    if (missing.length === 0) return;
    const prefixes = missing.map((s) => ({
      tokens: Array.from({ length: s.startPos }, (_, p) => {
        const token = this.slotToken[this.slot(s, p)];
        if (token < 0) throw new Error(`position ${p} of a sequence was never computed, so it cannot be recomputed`);
        return token;
      }),
      startPos: 0,
      blockTable: s.blockTable,
      logits: 'none' as const,
    }));
    this.record(prefixes, await this.current.step(prefixes));
  }

  private record(seqs: readonly SequenceStep[], result: StepResult): StepResult {
    for (const s of seqs) {
      for (let j = 0; j < s.tokens.length; j++) {
        const slot = this.slot(s, s.startPos + j);
        this.slotToken[slot] = s.tokens[j];
        this.valid[slot] = 1;
      }
    }
    return result;
  }

  dispose(): void {
    this.current.dispose();
  }
}
