import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../store/config';
import { comparisonBudgetMib, formatAxisAvailable, formatSides } from './compare-formats';
import { kvCapacityOf } from './catalog';

const tiny = { dim: 128, hiddenDim: 320, nLayers: 4, nHeads: 8, nKvHeads: 4, vocabSize: 1024, seqLen: 512, sharedClassifier: true };

describe('compare by number format', () => {
  it('changes only the one setting, baseline first', () => {
    const [a, b] = formatSides('weights', DEFAULT_CONFIG);
    expect([a.patch, b.patch]).toEqual([{ weights: 'f32' }, { weights: 'int8' }]);
    const [u, f] = formatSides('attention', DEFAULT_CONFIG);
    expect([u.patch, f.patch]).toEqual([{ attention: 'unfused' }, { attention: 'fused' }]);
    expect(formatSides('weights', { ...DEFAULT_CONFIG, backend: 'sim' })[0].label).toBe('fp16 weights');
  });

  it('gives both KV formats the same bytes: f32 keeps the configured tokens, int8 holds ~3.5x', () => {
    const c = { ...DEFAULT_CONFIG, kvCapacity: 1024, blockSize: 16 };
    expect(comparisonBudgetMib(c, tiny)).toBe(2);
    const [a, b] = formatSides('kvDtype', c, tiny);
    expect(a.patch).toEqual({ kvDtype: 'f32', kvMemoryMib: 2 });
    expect(kvCapacityOf({ ...c, ...a.patch }, tiny)).toBe(1024);
    expect(kvCapacityOf({ ...c, ...b.patch }, tiny) / 1024).toBeGreaterThanOrEqual(3.5);
    expect(formatSides('kvDtype', { ...c, kvMemoryMib: 0.5 }, tiny)[1].patch).toEqual({ kvDtype: 'int8', kvMemoryMib: 0.5 });
  });

  it('offers no attention comparison on the CPU engine, which has one attention path', () => {
    expect(formatAxisAvailable('attention', { ...DEFAULT_CONFIG, backend: 'cpu' })).toBe(false);
    expect(formatAxisAvailable('attention', DEFAULT_CONFIG)).toBe(true);
  });
});
