import { bytesPerWeight, type NumberFormats, type WeightDtype } from '../../model/quant/formats';
import { stepTraffic, type TrafficOptions } from '../traffic';
import type { SequenceStep } from '../types';
import { SIM_DEFAULT_FORMATS, activeParams, expertParams, weightBytes, type GpuPreset, type SimModelPreset } from './presets';
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
 * 4 x layers x dim per token per attended position). Bytes: engine/backend/traffic.ts's count for
 * the number formats (fp16 by default): every weight read once per step (batching shares it), each
 * sequence's K/V read once, the new tokens' K/V written, the activations (fp16), and the score
 * matrix on the unfused path. Decode steps therefore cost about the same for 1 or 100 sequences
 * until the FLOPs catch up with the bytes: the memory wall that makes batching nearly free; int8
 * weights or KV lower that wall. FLOPs do not change with the format (weight-only int8 is
 * dequantized to fp16 before the tensor cores multiply).
 *
 * A mixture-of-experts model changes both terms. FLOPs count only the parameters a token uses
 * (its top-k experts). Bytes count the non-expert weights, plus each expert the step's tokens wake,
 * once: with even routing a layer's T tokens wake E (1 - (1 - k/E)^T) experts on average
 * (serve/experts.ts), so the bytes read grow with the batch until every expert is read, and the
 * step that was flat for a dense model of the same active size now climbs from the first tokens.
 */
export function stepCost(gpu: GpuPreset, model: SimModelPreset, seqs: readonly SequenceStep[], formats: NumberFormats = SIM_DEFAULT_FORMATS): StepCost {
  const { nLayers, dim } = model.config;
  let tokens = 0;
  let attended = 0;
  for (const s of seqs) {
    const n = s.tokens.length;
    tokens += n;
    // Token j of the step attends to startPos + j + 1 positions.
    attended += n * s.startPos + (n * (n + 1)) / 2;
  }
  const vocabMatrix = model.config.vocabSize * dim;
  // A tied classifier is the embedding matrix, counted once in params; an untied one is a second matrix.
  const bodyParams = activeParams(model) - vocabMatrix * (model.config.sharedClassifier ? 1 : 2);
  const flops = 2 * bodyParams * tokens + 2 * vocabMatrix * seqs.length + 4 * nLayers * dim * attended;
  const traffic = stepTraffic(model.config, formats, seqs.map((s) => ({ tokens: s.tokens.length, startPos: s.startPos, logitRows: s.sample ? 1 : 0 })), simTrafficOptions(model, formats, tokens));
  const bytes = traffic.total;
  const computeS = flops / gpu.peakFlops;
  const memoryS = bytes / gpu.bandwidth;
  return { flops, bytes, ms: Math.max(computeS, memoryS) * 1000 + gpu.overheadMs, bound: computeS > memoryS ? 'compute' : 'memory' };
}

/**
 * How the sim counts bytes: fp16 activations and scores, the published parameter count for a dense
 * model's weights; an MoE's shapes, with the experts a step of `tokens` tokens is expected to wake
 * (the same figure as the step's expert record, expectedExpertStep).
 */
export function simTrafficOptions(model: SimModelPreset, formats: NumberFormats, tokens?: number): TrafficOptions {
  if (!model.config.moe) return { valueBytes: 2, weightBytes: weightBytes(model, formats.weights) };
  // Without a step size, the serving engine adds the bytes of the step's (simulated) expert record.
  return tokens === undefined ? { valueBytes: 2 } : { valueBytes: 2, expertBytes: expectedExpertBytes(model, tokens, formats.weights) };
}

/** Expert bytes a step of `tokens` tokens is expected to read, all layers, under even routing. */
function expectedExpertBytes(model: SimModelPreset, tokens: number, weights: WeightDtype): number {
  const moe = model.config.moe!;
  const perExpert = expertParams(model) / (model.config.nLayers * moe.nExperts);
  return model.config.nLayers * expectedTouched(moe.nExperts, moe.topK, tokens) * perExpert * bytesPerWeight(weights);
}

/** Weight bytes a step of `tokens` tokens reads: all of a dense model; for an MoE, the expected experts it wakes. */
export function weightBytesRead(model: SimModelPreset, tokens: number, weights: WeightDtype = SIM_DEFAULT_FORMATS.weights): number {
  if (!model.config.moe) return weightBytes(model, weights);
  return (model.params - expertParams(model)) * bytesPerWeight(weights) + expectedExpertBytes(model, tokens, weights);
}
