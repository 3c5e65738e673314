/**
 * Random ragged workloads for parity tests: sequences with shuffled, non-contiguous block tables,
 * each step a random mix of prompt chunks and decode tokens at different positions.
 */
import type { ModelConfig } from '../../../model/config';
import type { LogitsRequest, KvLayout, SequenceStep } from '../../types';

export interface RandomSequence {
  table: number[];
  /** Every token the sequence will run: its prompt, then continuation tokens. */
  tokens: number[];
  pos: number;
}

/** Sequences whose tables are drawn without replacement from a shuffled pool, so any slot mix-up shows. */
export function randomSequences(rand: () => number, c: ModelConfig, kv: KvLayout, count: number, maxLen: number): RandomSequence[] {
  const free = Array.from({ length: kv.numBlocks }, (_, i) => i);
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [free[i], free[j]] = [free[j], free[i]];
  }
  return Array.from({ length: count }, () => {
    const len = 1 + Math.floor(rand() * Math.min(maxLen, c.seqLen));
    const blocks = Math.ceil(len / kv.blockSize);
    if (blocks > free.length) throw new Error('test pool too small');
    return { table: free.splice(0, blocks), tokens: Array.from({ length: len }, () => Math.floor(rand() * c.vocabSize)), pos: 0 };
  });
}

/** One step over a random subset of the unfinished sequences, each running a random chunk (1 = decode). */
export function randomStep(rand: () => number, seqs: RandomSequence[], maxChunk: number, logits: LogitsRequest[] = ['last', 'all', 'none']): SequenceStep[] {
  const live = seqs.filter((s) => s.pos < s.tokens.length);
  const chosen = live.filter(() => rand() < 0.7);
  if (chosen.length === 0 && live.length > 0) chosen.push(live[0]);
  return chosen.map((s) => {
    const n = Math.min(s.tokens.length - s.pos, 1 + Math.floor(rand() * maxChunk));
    const step: SequenceStep = { tokens: s.tokens.slice(s.pos, s.pos + n), startPos: s.pos, blockTable: s.table, logits: logits[Math.floor(rand() * logits.length)] };
    s.pos += n;
    return step;
  });
}
