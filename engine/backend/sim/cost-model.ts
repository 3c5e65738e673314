import type { SequenceStep } from '../types';
import { activeParams, expertParams, kvBytesPerToken, weightBytes, type GpuPreset, type SimModelPreset } from './presets';
import { expectedTouched } from '../../serve/experts';

export interface StepCost {
  flops: number;
  bytes: number;
  /** Predicted step time, ms. */
  ms: number;
  /** Which roof the step hits. */
  bound: 'compute' | 'memory';
}

/**
 * A roofline for one ragged step: time = max(FLOPs / peak, bytes / bandwidth) + fixed overhead.
 * FLOPs: 2 per matmul parameter per token (the embedding is a lookup, and the classifier runs
 * only on each sequence's last token, the one that samples), plus attention (QK^T and AV:
 * 4 x layers x dim per token per attended position). Bytes: every weight read once per step (batching shares it), each
 * sequence's cached K/V read once, the new tokens' K/V written. Activations are ignored. Decode
 * steps therefore cost about the same for 1 or 100 sequences until the FLOPs catch up with the
 * bytes: the memory wall that makes batching nearly free.
 *
 * A mixture-of-experts model changes both terms. FLOPs count only the parameters a token uses
 * (its top-k experts). Bytes count the non-expert weights, plus each expert the step's tokens wake,
 * once: with even routing a layer's T tokens wake E (1 - (1 - k/E)^T) experts on average
 * (serve/experts.ts), so the bytes read grow with the batch until every expert is read, and the
 * step that was flat for a dense model of the same active size now climbs from the first tokens.
 */
export function stepCost(gpu: GpuPreset, model: SimModelPreset, seqs: readonly SequenceStep[]): StepCost {
  const { nLayers, dim } = model.config;
  const kvb = kvBytesPerToken(model);
  let tokens = 0;
  let attended = 0;
  let cachedRead = 0;
  for (const s of seqs) {
    const n = s.tokens.length;
    tokens += n;
    // Token j of the step attends to startPos + j + 1 positions.
    attended += n * s.startPos + (n * (n + 1)) / 2;
    cachedRead += s.startPos;
  }
  const vocabMatrix = model.config.vocabSize * dim;
  // A tied classifier is the embedding matrix, counted once in params; an untied one is a second matrix.
  const bodyParams = activeParams(model) - vocabMatrix * (model.config.sharedClassifier ? 1 : 2);
  const flops = 2 * bodyParams * tokens + 2 * vocabMatrix * seqs.length + 4 * nLayers * dim * attended;
  const bytes = weightBytesRead(model, tokens) + kvb * (cachedRead + tokens);
  const computeS = flops / gpu.peakFlops;
  const memoryS = bytes / gpu.bandwidth;
  return { flops, bytes, ms: Math.max(computeS, memoryS) * 1000 + gpu.overheadMs, bound: computeS > memoryS ? 'compute' : 'memory' };
}

/** Weight bytes a step of `tokens` tokens reads: all of a dense model; for an MoE, the expected experts it wakes. */
export function weightBytesRead(model: SimModelPreset, tokens: number): number {
  const moe = model.config.moe;
  if (!moe) return weightBytes(model);
  const perExpert = expertParams(model) / (model.config.nLayers * moe.nExperts);
  const touched = model.config.nLayers * expectedTouched(moe.nExperts, moe.topK, tokens);
  return (model.params - expertParams(model) + touched * perExpert) * model.bytesPerValue;
}
