import { BatchscopeError } from '../errors';
import type { ModelConfig } from '../model/config';
import type { KvLayout, SequenceStep } from './types';

/**
 * Checks a step against the model and the pool before any backend touches memory, so a
 * scheduler bug surfaces as a clear error rather than silently corrupt K/V.
 */
export function validateStep(seqs: readonly SequenceStep[], config: ModelConfig, kv: KvLayout): void {
  const bad = (i: number, why: string): never => {
    throw new BatchscopeError('bad-step', `step sequence ${i}: ${why}`);
  };
  seqs.forEach((s, i) => {
    const n = s.tokens.length;
    if (n < 1) bad(i, 'has no new tokens');
    if (!Number.isInteger(s.startPos) || s.startPos < 0) bad(i, `startPos ${s.startPos} is not a position`);
    const end = s.startPos + n; // one past the last new position
    if (end > config.seqLen) bad(i, `positions up to ${end - 1} exceed the model's seq_len ${config.seqLen}`);
    const blocksNeeded = Math.ceil(end / kv.blockSize);
    if (s.blockTable.length < blocksNeeded) bad(i, `block table has ${s.blockTable.length} blocks, positions up to ${end - 1} need ${blocksNeeded}`);
    for (let b = 0; b < blocksNeeded; b++) {
      const id = s.blockTable[b];
      if (!Number.isInteger(id) || id < 0 || id >= kv.numBlocks) bad(i, `block table entry ${b} = ${id} is not a block of the pool (0..${kv.numBlocks - 1})`);
    }
    for (let t = 0; t < n; t++) {
      const tok = s.tokens[t];
      if (!Number.isInteger(tok) || tok < 0 || tok >= config.vocabSize) bad(i, `token ${tok} is outside the vocabulary (0..${config.vocabSize - 1})`);
    }
  });
}
