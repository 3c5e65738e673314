import type { Backend, BlockCopy, KvLayout, SequenceStep, StepResult } from '../../backend/types';
import { stepTokens, validateCopies } from '../../backend/types';
import { validateStep } from '../../backend/validate-step';
import type { ModelConfig } from '../../model/config';
import { pcgHash } from '../../model/rng';
import { EOS } from '../../model/tokenizer';

/**
 * A stand-in model for engine tests: each position's "K/V" is a hash of the whole prefix (the
 * previous position's entry, read from the pool, mixed with the token), and the sampled token is
 * a function of that hash, the seed and the position. Like a real model, its output depends on
 * every cached position, so a block read before it was written, or overwritten by another
 * request, changes the output: comparing with `referenceOutput` catches any KV mix-up. It costs
 * microseconds and reports a deterministic 'simulated' time (1 ms + 0.01 ms per token).
 */
export const HASH_VOCAB = 64;

export function hashConfig(seqLen: number): ModelConfig {
  return { dim: 8, hiddenDim: 8, nLayers: 1, nHeads: 1, nKvHeads: 1, vocabSize: HASH_VOCAB, seqLen, sharedClassifier: true };
}

const mix = (prev: number, token: number): number => pcgHash((prev ^ Math.imul(token + 1, 0x9e3779b1)) >>> 0);

/** The token after a prefix hash: EOS about once in 16 draws, else a token from 3..vocab-1. */
function nextToken(hash: number, seed: number, pos: number): number {
  const h = pcgHash((hash ^ pcgHash((seed ^ pos) >>> 0)) >>> 0);
  return h % 16 === 0 ? EOS : 3 + (h % (HASH_VOCAB - 3));
}

export class HashBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly description = 'hash model (tests)';
  readonly config: ModelConfig;
  readonly kv: KvLayout;
  /** (numBlocks * blockSize) prefix hash per cached position; 0 = never written. */
  private readonly cache: Uint32Array;
  steps = 0;
  copies = 0;

  constructor(kv: KvLayout, seqLen = 256) {
    this.kv = kv;
    this.config = hashConfig(seqLen);
    this.cache = new Uint32Array(kv.numBlocks * kv.blockSize);
  }

  async step(seqs: readonly SequenceStep[]): Promise<StepResult> {
    validateStep(seqs, this.config, this.kv);
    // A block one sequence writes must be in no other sequence's table: shared blocks are read-only.
    const bs = this.kv.blockSize;
    const users = new Map<number, number>();
    const written = new Set<number>();
    seqs.forEach((s) => {
      const end = s.startPos + s.tokens.length;
      for (let b = 0; b < Math.ceil(end / bs); b++) users.set(s.blockTable[b], (users.get(s.blockTable[b]) ?? 0) + 1);
      for (let b = Math.floor(s.startPos / bs); b < Math.ceil(end / bs); b++) written.add(s.blockTable[b]);
    });
    for (const b of written) if (users.get(b)! > 1) throw new Error(`block ${b} is written by one sequence of a step and used by another`);
    const sampled = new Int32Array(seqs.length).fill(-1);
    seqs.forEach((s, i) => {
      const slot = (p: number) => s.blockTable[Math.floor(p / bs)] * bs + (p % bs);
      let h = s.startPos === 0 ? 1 : this.cache[slot(s.startPos - 1)];
      if (h === 0) throw new Error(`sequence ${i} reads position ${s.startPos - 1} that was never written`);
      for (let j = 0; j < s.tokens.length; j++) {
        h = mix(h, s.tokens[j]) || 1;
        this.cache[slot(s.startPos + j)] = h;
      }
      if (s.sample) sampled[i] = nextToken(h, s.sample.seed, s.startPos + s.tokens.length);
    });
    this.steps++;
    const tokens = stepTokens(seqs);
    return { logits: seqs.map(() => null), sampled, timing: { wallMs: 1 + 0.01 * tokens, source: 'simulated', tokens, sequences: seqs.length } };
  }

  async copyBlocks(copies: readonly BlockCopy[]): Promise<void> {
    validateCopies(copies, this.kv);
    const bs = this.kv.blockSize;
    for (const { src, dst } of copies) this.cache.copyWithin(dst * bs, src * bs, src * bs + bs);
    this.copies += copies.length;
  }

  dispose(): void {}
}

/** What the hash model generates for a prompt served alone, EOS included, stopping as the engine does. */
export function referenceOutput(prompt: readonly number[], seed: number, maxNewTokens: number, stopAfter?: number): number[] {
  let h = 1;
  for (const t of prompt) h = mix(h, t) || 1;
  const out: number[] = [];
  for (;;) {
    const t = nextToken(h, seed, prompt.length + out.length);
    out.push(t);
    if (out.length >= (stopAfter ?? maxNewTokens) || (stopAfter === undefined && t === EOS)) return out;
    h = mix(h, t) || 1;
  }
}
