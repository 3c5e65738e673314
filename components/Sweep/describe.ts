import { describeKnee, type KneeResult, type SweepPoint } from '../../engine';
import type { MeasuredSweep } from '../../src/worker/sweep';

/** The chart's sentence: where the sweep ran, measured or simulated, and what it found. */
export function sweepResultText(m: MeasuredSweep): string {
  const where = m.result.timeSource === 'simulated' ? `Simulated (cost model) for ${m.adapter}` : `Measured on ${m.adapter}`;
  return `${where}: ${describeKnee(m.result, m.result.points, m.result.timeSource === 'simulated')}.`;
}

/**
 * Why there is no flat region, in the measured figures of this sweep (never a fixed number: a
 * faster CPU engine changes them), with the cost model's knee for a GPU beside it.
 */
export function computeBoundNote(m: MeasuredSweep, gpu: { name: string; knee: KneeResult }): string | null {
  // Only a measured device can be called compute-bound; a simulated curve with no flat region is an MoE waking experts (describeKnee says so).
  if (m.result.verdict !== 'no-flat-region' || m.result.timeSource === 'simulated') return null;
  const pts = m.result.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  const gpuKnee = gpu.knee.verdict === 'knee' ? `the cost model puts ${gpu.name}'s knee near ${gpu.knee.knee} tokens per step` : `the cost model gives ${gpu.name} no knee in its sweep`;
  return (
    `Why: this device is compute-bound. Measured here, a step of ${last.tokens} tokens took ${first.stepMs > 0 ? `${(last.stepMs / first.stepMs).toFixed(1)}x the time of` : 'longer than'} ` +
    `a ${first.tokens}-token step${first.stepMs > 0 ? '' : ' (too short for this clock)'}, so every token in a step costs arithmetic and batching buys little ` +
    `(the batching article's CPU point). A GPU reads its weights once per step whatever the batch: ${gpuKnee}.`
  );
}

/** Largest tokens per step the sweep measured. */
export const largestMeasured = (points: readonly SweepPoint[]): number => points.reduce((m, p) => Math.max(m, p.tokens), 1);
