export interface SweepPoint {
  batch: number;
  stepMs: number;
  /** Weight bytes one step read (float32): flat for a dense model, growing with the batch for an MoE. */
  weightBytes?: number;
}

/**
 * Where batching stops being free: the best fit of "flat, then a straight line up" to step time
 * vs batch size (two segments, least squares over every candidate knee). Returns the batch size
 * at the knee, or null when the curve never leaves the flat part (the whole sweep is memory-bound).
 */
export function findKnee(points: readonly SweepPoint[]): { batch: number; flatMs: number; slopeMs: number } | null {
  const p = [...points].sort((a, b) => a.batch - b.batch);
  if (p.length < 3) return null;
  let best: { err: number; batch: number; flatMs: number; slopeMs: number } | null = null;
  for (let k = 1; k < p.length - 1; k++) {
    const flat = p.slice(0, k + 1);
    const flatMs = flat.reduce((s, q) => s + q.stepMs, 0) / flat.length;
    // The rising part starts from the knee's level, so only its slope is fitted.
    const rise = p.slice(k + 1);
    const num = rise.reduce((s, q) => s + (q.batch - p[k].batch) * (q.stepMs - flatMs), 0);
    const den = rise.reduce((s, q) => s + (q.batch - p[k].batch) ** 2, 0);
    const slopeMs = Math.max(0, num / den);
    const err = flat.reduce((s, q) => s + (q.stepMs - flatMs) ** 2, 0) + rise.reduce((s, q) => s + (q.stepMs - flatMs - slopeMs * (q.batch - p[k].batch)) ** 2, 0);
    if (!best || err < best.err) best = { err, batch: p[k].batch, flatMs, slopeMs };
  }
  if (!best) return null;
  // A knee whose rise is within noise of the flat level is no knee.
  const last = p[p.length - 1];
  const risen = best.flatMs + best.slopeMs * (last.batch - best.batch);
  if (risen < best.flatMs * 1.25) return null;
  return { batch: best.batch, flatMs: best.flatMs, slopeMs: best.slopeMs };
}

/** Batch sizes to measure: powers of two up to the slot limit. */
export function sweepSizes(max: number): number[] {
  const out: number[] = [];
  for (let b = 1; b <= max; b *= 2) out.push(b);
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}
