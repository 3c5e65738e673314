import type { SequenceStep } from '../types';
import { stepCost, weightBytesRead, type StepCost } from './cost-model';
import type { GpuPreset, SimModelPreset } from './presets';
import { expectedTouched } from '../../serve/experts';

/** One decode step of `batch` sequences, each at `context` cached positions, on the cost model. */
export interface DecodePoint extends StepCost {
  batch: number;
  /** Weight bytes the step reads (all of a dense model; the woken experts' and the rest for an MoE). */
  weightBytes: number;
  /** MoE: expected distinct experts per layer under even routing. */
  touched?: number;
}

export function decodePoint(gpu: GpuPreset, model: SimModelPreset, batch: number, context = 0): DecodePoint {
  const seqs: SequenceStep[] = Array.from({ length: batch }, () => ({ tokens: [0], startPos: context, blockTable: [] }));
  const moe = model.config.moe;
  return {
    ...stepCost(gpu, model, seqs),
    batch,
    weightBytes: weightBytesRead(model, batch),
    ...(moe ? { touched: expectedTouched(moe.nExperts, moe.topK, batch) } : {}),
  };
}

/**
 * The knee of decode batching on the roofline: the smallest batch whose step is compute-bound
 * (FLOPs / peak >= bytes / bandwidth). Below it a step costs about the same for any batch and each
 * extra sequence rides along nearly free; above it time grows with the batch. For an MoE the
 * bytes themselves grow with the batch (more experts woken), so the knee moves right and the
 * "flat" part is no longer flat. Searches up to `max` (null if never reached).
 *
 * The default context of 0 is the weights-only knee (the batching article's FLOPs / bandwidth): with
 * long contexts each sequence's cached K/V read grows with the batch as fast as its FLOPs do, and a
 * model without grouped-query attention may never become compute-bound at all.
 */
export function decodeKnee(gpu: GpuPreset, model: SimModelPreset, context = 0, max = 1 << 16): number | null {
  for (let b = 1; b <= max; b = b < 16 ? b + 1 : Math.ceil(b * 1.05)) if (decodePoint(gpu, model, b, context).bound === 'compute') return b;
  return null;
}
