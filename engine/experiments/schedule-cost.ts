import { stepCost } from '../backend/sim/cost-model';
import type { GpuPreset, SimModelPreset } from '../backend/sim/presets';
import type { SequenceStep } from '../backend/types';
import type { IterationEvent } from '../serve/events';

/**
 * What the cost model predicts for the very schedule a run followed: each iteration's sequences
 * (their token counts and positions, from the events) timed as one step of `model` on `gpu`.
 * Measured and predicted runs then differ only in what a step costs, which is the point of
 * putting them side by side: a compute-bound device and a GPU give the same schedule different
 * ratios. Busy time only (waits for arrivals are not steps).
 */
export function scheduleOnGpu(events: readonly IterationEvent[], gpu: GpuPreset, model: SimModelPreset): { seconds: number; generatedTokens: number; tokensPerSecond: number } {
  let ms = 0;
  let generated = 0;
  for (const e of events) {
    const seqs: SequenceStep[] = [];
    for (const s of e.slots) {
      if (s.kind === 'idle' || s.tokenCount <= 0) continue;
      seqs.push({ tokens: { length: s.tokenCount }, startPos: s.startPos ?? 0, blockTable: [], ...(s.outputToken >= 0 ? { sample: { temperature: 0, topP: 1, seed: 0 } } : {}) });
      if (s.outputToken >= 0) generated++;
    }
    if (seqs.length) ms += stepCost(gpu, model, seqs).ms;
  }
  const seconds = ms / 1000;
  return { seconds, generatedTokens: generated, tokensPerSecond: seconds > 0 ? generated / seconds : 0 };
}
