import type { Backend } from '../backend/types';
import { GREEDY } from '../model/sampler';
import { blocksFor, generateAll } from '../serve/generate';
import type { BackendFactory } from './task-eval';

/**
 * How far a number format moves a model from float32, on the same prompts: float32 first decodes
 * each prompt greedily; then both float32 and the format read that very sequence (teacher forcing,
 * one prefill with every position's logits), so every position compares like with like.
 * - maxLogitDiff: the largest |logit - float32 logit| at any position that predicts a generated token;
 * - greedyAgreement: the share of those positions whose argmax equals float32's;
 * - identicalGenerations: prompts whose own free-running greedy output equals float32's exactly.
 */
export interface Agreement {
  prompts: number;
  positions: number;
  maxLogitDiff: number;
  greedyAgreement: number;
  identicalGenerations: number;
}

const argmax = (a: Float32Array, from: number, n: number): number => {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[from + i] > a[from + best]) best = i;
  return best;
};

async function allLogits(b: Backend, seqs: number[][], blockSize: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  let block = 0;
  for (const s of seqs) {
    const n = blocksFor(s.length, blockSize);
    const table = Array.from({ length: n }, (_, i) => block + i);
    block += n;
    out.push((await b.step([{ tokens: s, startPos: 0, blockTable: table, logits: 'all' }])).logits[0]!);
  }
  return out;
}

export async function agreementWithF32(reference: BackendFactory, candidate: BackendFactory, prompts: readonly number[][], steps: number, vocab: number): Promise<Agreement> {
  const blockSize = 16;
  const blocks = prompts.length * blocksFor(steps, blockSize);
  const reqs = prompts.map((prompt) => ({ prompt, steps: Math.max(steps, prompt.length + 1), sampling: GREEDY }));
  const run = async (make: BackendFactory) => {
    const b = await make(blocks, blockSize);
    try {
      return await generateAll(b, reqs);
    } finally {
      b.dispose();
    }
  };
  const [ref, cand] = [await run(reference), await run(candidate)];
  const seqs = prompts.map((p, i) => [...p, ...ref[i].tokens]);
  const teacherBlocks = seqs.reduce((n, s) => n + blocksFor(s.length, blockSize), 0);
  const teacher = async (make: BackendFactory) => {
    const b = await make(teacherBlocks, blockSize);
    try {
      return await allLogits(b, seqs, blockSize);
    } finally {
      b.dispose();
    }
  };
  const [a, b] = [await teacher(reference), await teacher(candidate)];
  let positions = 0;
  let agree = 0;
  let worst = 0;
  seqs.forEach((s, i) => {
    // Position p's logits predict token p + 1: compare from the prompt's last token to the one before the end.
    for (let p = prompts[i].length - 1; p < s.length - 1; p++) {
      positions++;
      const at = p * vocab;
      for (let v = 0; v < vocab; v++) worst = Math.max(worst, Math.abs(a[i][at + v] - b[i][at + v]));
      if (argmax(a[i], at, vocab) === argmax(b[i], at, vocab)) agree++;
    }
  });
  const identical = ref.filter((r, i) => r.tokens.length === cand[i].tokens.length && r.tokens.every((t, k) => t === cand[i].tokens[k])).length;
  return { prompts: prompts.length, positions, maxLogitDiff: worst, greedyAgreement: positions ? agree / positions : 1, identicalGenerations: identical };
}
