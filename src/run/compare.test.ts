import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../store/config';
import { COMPARE_AXES, axisAvailable, compareSides, isComputeBound, proposedBudget } from './compare';

describe('compare mode', () => {
  it('changes exactly one setting between its two runs, baseline first', () => {
    for (const { axis } of COMPARE_AXES) {
      const [a, b] = compareSides(axis, DEFAULT_CONFIG);
      const [ca, cb] = [{ ...DEFAULT_CONFIG, ...a.patch }, { ...DEFAULT_CONFIG, ...b.patch }];
      const differ = (Object.keys(ca) as (keyof typeof ca)[]).filter((k) => ca[k] !== cb[k]);
      // Chunked prefill brings its budget with it; everything else is one key (prefix caching also pins both
      // sides to paged KV, which only the shared configuration can have changed).
      expect(differ, axis).toHaveLength(axis === 'chunkedPrefill' ? 2 : 1);
      expect(a.label).not.toBe(b.label);
      expect({ ...DEFAULT_CONFIG, ...a.patch }).not.toEqual({ ...DEFAULT_CONFIG, ...b.patch });
    }
    expect(compareSides('kv', DEFAULT_CONFIG).map((s) => s.patch.kv)).toEqual(['contiguous', 'paged']);
    expect(compareSides('blockSize', DEFAULT_CONFIG).map((s) => s.patch.blockSize)).toEqual([16, DEFAULT_CONFIG.blockSize]);
  });

  it("proposes the sim's knee as chunked prefill's budget, a small one elsewhere until a sweep says otherwise", () => {
    expect(proposedBudget({ ...DEFAULT_CONFIG, backend: 'sim' })).toBe(128);
    expect(proposedBudget({ ...DEFAULT_CONFIG, backend: 'cpu' })).toBe(16);
    expect(proposedBudget({ ...DEFAULT_CONFIG, backend: 'webgpu' }, { verdict: 'knee', knee: 700, flatMs: 1, slopeMs: 1, points: [{ tokens: 2048 }] })).toBe(512);
    expect(compareSides('chunkedPrefill', { ...DEFAULT_CONFIG, backend: 'cpu' })[1]).toMatchObject({ patch: { chunkedPrefill: true, maxNumBatchedTokens: 16 }, label: 'Chunked prefill, budget 16' });
  });

  it('knows which devices are compute-bound, and that the sim has no capacity to halve', () => {
    expect(isComputeBound({ kind: 'cpu', description: 'x' })).toBe(true);
    expect(isComputeBound({ kind: 'webgpu', description: 'google swiftshader (SwiftShader driver 5.0.0)' })).toBe(true);
    expect(isComputeBound({ kind: 'webgpu', description: 'nvidia ampere' })).toBe(false);
    expect(isComputeBound({ kind: 'sim', description: 'OPT-13B on A100' })).toBe(false);
    expect(axisAvailable('kvCapacity', { ...DEFAULT_CONFIG, backend: 'sim' })).toBe(false);
  });
});
