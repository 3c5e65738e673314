import type { Backend } from '../backend/types';
import { BlockAllocator } from '../kv/block-allocator';
import { BOS, EOS } from '../model/tokenizer';
import type { SamplingParams } from '../model/sampler';

export interface GenerateRequest {
  /** Prompt tokens, BOS included. */
  prompt: number[];
  /** Positions to run, the prompt's included (llama2.c's -n); at most the model's seq_len. */
  steps: number;
  sampling: SamplingParams;
}

export type StopReason = 'eos' | 'bos' | 'steps';

export interface GenerateResult {
  /** Generated tokens, not including the prompt or the BOS/EOS that stopped generation. */
  tokens: number[];
  stop: StopReason;
}

/**
 * Where generateAll's time went, split as llama2.c's run reports it: the first step (every
 * prompt's prefill, sampling each request's first token) apart from the decode steps after it, whose
 * clock starts when the first forward pass ends. Times include the onToken callback, as run.c's
 * include its printing.
 */
export interface GenerateTiming {
  prefillTokens: number;
  prefillMs: number;
  /** Tokens run by the steps after the first (one per unfinished request per step). */
  decodeTokens: number;
  decodeMs: number;
}

/** Blocks a request needs for every position it will run. */
export const blocksFor = (steps: number, blockSize: number): number => Math.ceil(steps / blockSize);

/**
 * Serves all requests together, one ragged step per iteration: the first step prefills every
 * prompt, later steps decode one token per unfinished request. Every request gets its blocks up
 * front. This is the simple admit-everything loop; the scheduling engine lives in serve/engine.
 */
export async function generateAll(
  backend: Backend,
  requests: readonly GenerateRequest[],
  onToken?: (request: number, token: number) => void,
  timing?: GenerateTiming,
): Promise<GenerateResult[]> {
  const alloc = new BlockAllocator(backend.kv.numBlocks);
  const live = requests.map((r, index) => ({
    index,
    req: r,
    table: alloc.allocate(blocksFor(r.steps, backend.kv.blockSize)),
    pending: r.prompt.slice(),
    pos: 0,
    out: [] as number[],
    stop: null as StopReason | null,
  }));
  const t0 = performance.now();
  let firstEnd = t0;
  for (let step = 0; ; step++) {
    const running = live.filter((s) => s.stop === null);
    if (running.length === 0) break;
    const tokens = running.reduce((n, s) => n + s.pending.length, 0);
    const { sampled } = await backend.step(
      running.map((s) => ({
        tokens: s.pending,
        startPos: s.pos,
        blockTable: s.table,
        logits: 'none' as const,
        sample: s.req.sampling,
      })),
    );
    running.forEach((s, i) => {
      s.pos += s.pending.length;
      const next = sampled[i];
      if (next === BOS || next === EOS) s.stop = next === BOS ? 'bos' : 'eos';
      else {
        s.out.push(next);
        onToken?.(s.index, next);
        // The token at position `steps` is printed but never run, as in llama2.c.
        if (s.pos >= s.req.steps) s.stop = 'steps';
      }
      s.pending = [next];
    });
    if (timing && step === 0) {
      firstEnd = performance.now();
      Object.assign(timing, { prefillTokens: tokens, prefillMs: firstEnd - t0, decodeTokens: 0, decodeMs: 0 });
    } else if (timing) {
      timing.decodeTokens += tokens;
      timing.decodeMs = performance.now() - firstEnd;
    }
  }
  for (const s of live) alloc.release(s.table);
  return live.map((s) => ({ tokens: s.out, stop: s.stop! }));
}
