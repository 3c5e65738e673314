import { describe, expect, it } from 'vitest';
import { findKnee, sweepSizes } from './knee';

const curve = (knee: number, flat: number, slope: number) => sweepSizes(256).map((b) => ({ batch: b, stepMs: b <= knee ? flat : flat + slope * (b - knee) }));

describe('findKnee', () => {
  it('finds where a flat-then-linear curve bends', () => {
    expect(findKnee(curve(32, 5, 0.2))).toMatchObject({ batch: 32, flatMs: 5 });
    expect(findKnee(curve(8, 2, 0.5))?.batch).toBe(8);
  });

  it('says there is no knee when batching stays free', () => {
    expect(findKnee(curve(1000, 5, 1))).toBeNull();
    expect(findKnee([{ batch: 1, stepMs: 1 }])).toBeNull();
  });

  it('tolerates noise', () => {
    const noisy = curve(16, 4, 0.3).map((p, i) => ({ ...p, stepMs: p.stepMs * (1 + (i % 2 ? 0.04 : -0.04)) }));
    expect(findKnee(noisy)?.batch).toBe(16);
  });
});

describe('sweepSizes', () => {
  it('doubles up to the limit and includes it', () => {
    expect(sweepSizes(8)).toEqual([1, 2, 4, 8]);
    expect(sweepSizes(12)).toEqual([1, 2, 4, 8, 12]);
  });
});
