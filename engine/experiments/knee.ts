/**
 * Where batching stops being nearly free: the knee of step time against tokens per step.
 *
 * The batching article's picture is a roofline: a decode step reads every weight once whatever the
 * batch, so its time stays flat until the arithmetic (which grows with the tokens) catches up with
 * the reading, then grows linearly. The knee is where the flat level and the rising line meet, at
 * about the device's FLOPs / memory bandwidth. Pure arithmetic on measured (or simulated) points.
 */

export interface SweepPoint {
  /** Tokens in the step (one per sequence: a decode batch). */
  tokens: number;
  stepMs: number;
  /** Weight bytes one decode step read: flat for a dense model, growing with the batch for a mixture of experts (more experts woken). */
  weightBytes?: number;
}

/**
 * - `knee`: flat, then rising; `knee` says where.
 * - `no-flat-region`: the step time grows in proportion from the first tokens (compute-bound).
 * - `flat-throughout`: the sweep never left the flat level (memory-bound up to its last size).
 */
export type KneeVerdict = 'knee' | 'no-flat-region' | 'flat-throughout';

export interface KneeResult {
  verdict: KneeVerdict;
  /** Tokens per step at the knee (verdict 'knee' only). */
  knee: number | null;
  /** The flat level: the fastest step at the smallest size or twice it, ms. */
  flatMs: number;
  /** Slope of the rising line, ms per token (null when nothing rose). */
  slopeMs: number | null;
}

/** Steps at least this many times the flat level count as "rising". */
export const RISING = 2;

/** A knee at or below this many times the smallest size is no flat region (a CPU's SIMD kernels share a weight load among 2-4 tokens: that is not batching for free). */
export const FLAT_MIN = 4;

/** Doubling the smallest step's tokens costs at least this much more time: nothing is flat. */
export const DOUBLING = 1.5;

/** The rule, in the words the CLI prints and the app shows. */
export const KNEE_RULE =
  `flat level = the fastest of the steps at the smallest size and twice it; rising steps = the larger ones taking at least ${RISING}x the flat level ` +
  `(the step before them joins when only one does); knee = where the least-squares line through the rising steps ` +
  `meets the flat level; no flat region when that is at or below ${FLAT_MIN}x the smallest step's tokens, or when ` +
  `twice the smallest step's tokens already take ${DOUBLING}x its time; ` +
  `flat throughout when no step reaches ${RISING}x`;

export function findKnee(points: readonly SweepPoint[]): KneeResult {
  const p = [...points].sort((a, b) => a.tokens - b.tokens);
  if (p.length === 0) return { verdict: 'flat-throughout', knee: null, flatMs: 0, slopeMs: null };
  // The fastest of the first two sizes: on a shared machine noise only ever adds time.
  const flatMs = Math.min(...p.filter((q) => q.tokens <= 2 * p[0].tokens).map((q) => q.stepMs));
  const first = p.findIndex((q) => q.tokens > 2 * p[0].tokens && q.stepMs >= RISING * flatMs);
  if (first < 0) return { verdict: 'flat-throughout', knee: null, flatMs, slopeMs: null };
  // Two points make a line: a sweep stopped early may have only one rising step.
  const rising = p.slice(first === p.length - 1 ? Math.max(0, first - 1) : first);
  const { slope, intercept } = leastSquares(rising);
  if (!(slope > 0)) return { verdict: 'flat-throughout', knee: null, flatMs, slopeMs: null };
  const knee = (flatMs - intercept) / slope;
  const doubled = p.find((q) => q.tokens === 2 * p[0].tokens);
  if (knee <= FLAT_MIN * p[0].tokens || (doubled && doubled.stepMs >= DOUBLING * p[0].stepMs)) return { verdict: 'no-flat-region', knee: null, flatMs, slopeMs: slope };
  return { verdict: 'knee', knee: Math.round(knee), flatMs, slopeMs: slope };
}

function leastSquares(pts: readonly SweepPoint[]): { slope: number; intercept: number } {
  const n = pts.length;
  const mx = pts.reduce((s, q) => s + q.tokens, 0) / n;
  const my = pts.reduce((s, q) => s + q.stepMs, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const q of pts) {
    sxy += (q.tokens - mx) * (q.stepMs - my);
    sxx += (q.tokens - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** True when the weights a step reads grow with its tokens (a mixture of experts waking more of them). */
export function weightsGrow(points: readonly SweepPoint[]): boolean {
  const b = points.filter((q) => q.weightBytes !== undefined).sort((x, y) => x.tokens - y.tokens);
  return b.length >= 2 && b[b.length - 1].weightBytes! > 1.05 * b[0].weightBytes!;
}

/**
 * One sentence for a result, as the CLI and the app say it. `simulated`: the cost model's device is
 * never compute-bound at a few tokens, so a simulated curve rising from the start is a mixture of
 * experts reading more weights, not arithmetic.
 */
export function describeKnee(k: KneeResult, points: readonly SweepPoint[], simulated = false): string {
  const largest = Math.max(0, ...points.map((q) => q.tokens));
  switch (k.verdict) {
    case 'knee':
      return `flat up to ~${k.knee} tokens per step, then rising ${k.slopeMs!.toFixed(3)} ms per token: batching is nearly free below the knee`;
    case 'no-flat-region':
      return simulated && weightsGrow(points)
        ? 'no flat region: each extra token may wake another expert, so the weights read per step grow from the first tokens and the step time with them (memory traffic, not arithmetic)'
        : 'no flat region: the step time grows with the tokens from the start (compute-bound), so batching buys little here';
    case 'flat-throughout':
      return `flat up to ${largest} tokens per step (the largest size swept): batching stayed nearly free`;
  }
}

/**
 * Tokens per step to measure: 1, 2, 3, 4, 6, 8, 12, ... (powers of two and the halfway points
 * between them, so the rising line gets several points) up to `max`, which is included.
 */
export function sweepSizes(max: number): number[] {
  const out: number[] = [];
  for (let b = 1; b <= max; b *= 2) {
    out.push(b);
    if (b >= 2 && b + b / 2 <= max) out.push(b + b / 2);
  }
  if (out[out.length - 1] !== max && max >= 1) out.push(max);
  return out;
}
