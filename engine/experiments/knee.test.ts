import { describe, expect, it } from 'vitest';
import { describeKnee, findKnee, sweepSizes } from './knee';

/** A roofline: flat at `flat` ms until `knee` tokens, then `slope` ms per token more. */
const roofline = (knee: number, flat: number, slope: number, max = 2048) => sweepSizes(max).map((t) => ({ tokens: t, stepMs: flat + slope * Math.max(0, t - knee) }));

describe('findKnee', () => {
  it('finds where a flat-then-linear curve bends, between the measured sizes', () => {
    expect(findKnee(roofline(200, 18, 0.08))).toMatchObject({ verdict: 'knee', knee: 200, flatMs: 18 });
    expect(findKnee(roofline(37, 5, 0.5)).knee).toBe(37);
  });

  it('says there is no flat region when time grows in proportion from the first tokens (a CPU)', () => {
    const cpu = sweepSizes(24).map((t) => ({ tokens: t, stepMs: 0.2 + 0.8 * t }));
    expect(findKnee(cpu)).toMatchObject({ verdict: 'no-flat-region', knee: null });
    expect(describeKnee(findKnee(cpu), cpu)).toMatch(/no flat region.*compute-bound/);
    // Simulated, a curve rising from the start is an MoE reading more experts, never a compute-bound device.
    const moe = cpu.map((q) => ({ ...q, weightBytes: 1e9 * Math.min(8, 2 + q.tokens) }));
    expect(describeKnee(findKnee(moe), moe, true)).toMatch(/no flat region: each extra token may wake another expert.*memory traffic, not arithmetic/);
    expect(describeKnee(findKnee(moe), moe, false)).toMatch(/compute-bound/);
    expect(describeKnee(findKnee(cpu), cpu, true)).toMatch(/compute-bound/);
    // A noisy larger step may put the fitted line's crossing past 2 tokens; doubling the tokens already cost 1.5x.
    const noisy = [{ tokens: 1, stepMs: 0.589 }, { tokens: 2, stepMs: 0.914 }, { tokens: 3, stepMs: 1.558 }, { tokens: 4, stepMs: 3.415 }];
    expect(findKnee(noisy).verdict).toBe('no-flat-region');
  });

  it('says the curve stayed flat when no step reaches twice the flat level', () => {
    const flat = roofline(5000, 3, 0.01, 512);
    expect(findKnee(flat)).toMatchObject({ verdict: 'flat-throughout', knee: null });
    expect(describeKnee(findKnee(flat), flat)).toMatch(/flat up to 512 tokens/);
    expect(findKnee([])).toMatchObject({ verdict: 'flat-throughout' });
  });

  it('takes the flat level from the faster of the first two sizes: a noisy 1-token step does not hide the flat region', () => {
    const pts = roofline(64, 6, 0.5, 512).map((q) => (q.tokens === 1 ? { ...q, stepMs: 13 } : q));
    expect(findKnee(pts)).toMatchObject({ verdict: 'knee', knee: 64, flatMs: 6 });
  });

  it('tolerates noise of a few percent', () => {
    const noisy = roofline(100, 10, 0.2, 1024).map((p, i) => ({ ...p, stepMs: p.stepMs * (1 + (i % 2 ? 0.04 : -0.04)) }));
    const k = findKnee(noisy);
    expect(k.verdict).toBe('knee');
    expect(k.knee!).toBeGreaterThan(80);
    expect(k.knee!).toBeLessThan(120);
  });

  it('fits a line through two points when a sweep stopped after its first rising step', () => {
    const stopped = [
      { tokens: 1, stepMs: 10 },
      { tokens: 64, stepMs: 10 },
      { tokens: 96, stepMs: 14 },
      { tokens: 128, stepMs: 22 },
    ];
    expect(findKnee(stopped)).toMatchObject({ verdict: 'knee', knee: 80 });
  });
});

describe('sweepSizes', () => {
  it('goes 1, 2, 3, 4, 6, 8, ... and includes the limit', () => {
    expect(sweepSizes(8)).toEqual([1, 2, 3, 4, 6, 8]);
    expect(sweepSizes(20)).toEqual([1, 2, 3, 4, 6, 8, 12, 16, 20]);
    expect(sweepSizes(2048).slice(-3)).toEqual([1024, 1536, 2048]);
  });
});
