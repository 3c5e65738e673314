import { stepTraffic, type TrafficOptions } from '../../engine/backend/traffic';
import type { ModelConfig } from '../../engine/model/config';
import { bytesPerWeight, type NumberFormats } from '../../engine/model/quant/formats';
import { expectedExpertStep } from '../../engine/serve/experts';

/**
 * Bytes of one prefill step of n tokens on both attention paths, from the shapes: the fused
 * path's grow with n (weights, activations, K/V), the unfused path's with n squared (the score
 * matrix, written, softmaxed and read back). The view draws both, whatever the run uses, so the
 * difference is visible before a long prompt arrives.
 */
export interface CurvePoint {
  n: number;
  fused: number;
  unfused: number;
}

export function contextCurve(c: ModelConfig, f: NumberFormats, maxN: number, opts?: TrafficOptions, points = 32): CurvePoint[] {
  // A prefill that has not run has no routing record: an MoE's experts are those n tokens are
  // expected to wake under even routing (all of them within a few tokens), the same on both paths.
  const experts = (n: number) => (c.moe ? { expertBytes: expectedExpertStep(c, n, bytesPerWeight(f.weights)).bytes } : {});
  const at = (n: number, attention: NumberFormats['attention']) => stepTraffic(c, { ...f, attention }, [{ tokens: n, startPos: 0, logitRows: 1 }], { ...opts, ...experts(n) }).total;
  return Array.from({ length: points }, (_, i) => {
    const n = Math.max(1, Math.round(((i + 1) / points) * maxN));
    return { n, fused: at(n, 'fused'), unfused: at(n, 'unfused') };
  });
}

/** The longest context the view plots: the model's own, and for a simulated model the 32k positions long-context serving reaches. */
export const curveSpan = (c: ModelConfig, simulated: boolean): number => (simulated ? Math.max(c.seqLen, 32768) : c.seqLen);

/** `points` of an SVG polyline in a width x height box, y = 0 at the bottom at `scale` bytes. */
export function polyline(curve: readonly CurvePoint[], key: 'fused' | 'unfused', width: number, height: number, scale: number): string {
  const maxN = curve[curve.length - 1]?.n ?? 1;
  return [`0,${height}`, ...curve.map((p) => `${((p.n / maxN) * width).toFixed(1)},${(height - (p[key] / scale) * height).toFixed(2)}`)].join(' ');
}
