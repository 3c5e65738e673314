import { stepCost, weightBytesRead } from '../backend/sim/cost-model';
import type { GpuPreset, SimModelPreset } from '../backend/sim/presets';
import { findKnee, sweepSizes, type KneeResult, type SweepPoint } from './knee';
import { SWEEP_CONTEXT } from './sweep';

/**
 * The sim's sweep without a backend: the cost model's time for the very decode steps `runSweep`
 * times (each sequence holding SWEEP_CONTEXT positions), at once and synchronously, so a page can
 * put a GPU's knee beside a measured curve without running anything.
 */
export function simSweep(gpu: GpuPreset, model: SimModelPreset, maxTokens = 2048): KneeResult & { points: SweepPoint[] } {
  const points = sweepSizes(maxTokens).map((tokens) => {
    const seqs = Array.from({ length: tokens }, () => ({ tokens: [0], startPos: SWEEP_CONTEXT, blockTable: [], sample: { temperature: 0, topP: 1, seed: 0 } }));
    return { tokens, stepMs: stepCost(gpu, model, seqs).ms, weightBytes: weightBytesRead(model, tokens) };
  });
  return { points, ...findKnee(points) };
}
