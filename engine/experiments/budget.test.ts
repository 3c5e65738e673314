import { describe, expect, it } from 'vitest';
import { proposeTokenBudget } from './budget';

describe('proposeTokenBudget', () => {
  it('proposes a power of two at or below the knee, or a small budget where nothing is flat', () => {
    expect(proposeTokenBudget({ verdict: 'knee', knee: 201, flatMs: 18, slopeMs: 0.08 }, 8, 2048).budget).toBe(128);
    expect(proposeTokenBudget({ verdict: 'knee', knee: 295, flatMs: 9, slopeMs: 0.03 }, 8, 2048).budget).toBe(256);
    expect(proposeTokenBudget({ verdict: 'knee', knee: 5, flatMs: 9, slopeMs: 0.03 }, 8, 64).budget).toBe(16);
    expect(proposeTokenBudget({ verdict: 'no-flat-region', knee: null, flatMs: 1, slopeMs: 1 }, 8, 6)).toMatchObject({ budget: 16, why: expect.stringMatching(/no flat region/) });
    expect(proposeTokenBudget({ verdict: 'flat-throughout', knee: null, flatMs: 1, slopeMs: null }, 8, 384).budget).toBe(256);
  });
});
