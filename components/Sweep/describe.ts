import { describeKnee, type KneeResult, type SweepPoint } from '../../engine';
import type { MeasuredSweep } from '../../src/worker/sweep';

/** The chart's sentence: where the sweep ran, measured or simulated, and what it found. */
export function sweepResultText(m: MeasuredSweep): string {
  const where = m.result.timeSource === 'simulated' ? `Simulated (cost model) for ${m.adapter}` : `Measured on ${m.adapter}`;
  return `${where}: ${describeKnee(m.result, m.result.points)}.`;
}

/**
 * Why there is no flat region, in the measured figures of this sweep (never a fixed number: a
 * faster CPU engine changes them), with the cost model's knee for a GPU beside it.
 */
export function computeBoundNote(m: MeasuredSweep, gpu: { name: string; knee: KneeResult }): string | null {
  if (m.result.verdict !== 'no-flat-region') return null;
  const pts = m.result.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  const gpuKnee = gpu.knee.verdict === 'knee' ? `the cost model puts ${gpu.name}'s knee near ${gpu.knee.knee} tokens per step` : `the cost model gives ${gpu.name} no knee in its sweep`;
  return (
    `Why: this device is compute-bound. Measured here, a step of ${last.tokens} tokens took ${(last.stepMs / first.stepMs).toFixed(1)}x ` +
    `the time of a ${first.tokens}-token step, so every token in a step costs arithmetic and batching buys little ` +
    `(the batching article's CPU point). A GPU reads its weights once per step whatever the batch: ${gpuKnee}.`
  );
}

/** Largest tokens per step the sweep measured. */
export const largestMeasured = (points: readonly SweepPoint[]): number => points.reduce((m, p) => Math.max(m, p.tokens), 1);
