import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kvKey, squareOrigin } from './navigation';

describe('kvKey', () => {
  it('starts at the first block and moves by rows and columns', () => {
    expect(kvKey('ArrowRight', null, 20, 5)).toEqual({ kind: 'move', index: 0 });
    expect(kvKey('ArrowRight', 3, 20, 5)).toEqual({ kind: 'move', index: 4 });
    expect(kvKey('ArrowDown', 3, 20, 5)).toEqual({ kind: 'move', index: 8 });
    expect(kvKey('ArrowUp', 8, 20, 5)).toEqual({ kind: 'move', index: 3 });
    expect(kvKey('End', 0, 20, 5)).toEqual({ kind: 'move', index: 19 });
    expect(kvKey('Home', 12, 20, 5)).toEqual({ kind: 'move', index: 0 });
    expect(kvKey('Enter', 2, 20, 5)).toEqual({ kind: 'select' });
    expect(kvKey('Escape', 2, 20, 5)).toEqual({ kind: 'clear' });
    expect(kvKey('x', 2, 20, 5)).toBeNull();
  });

  it('never leaves the pool, whatever the keys and sizes', () => {
    const keys = fc.constantFrom('ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'Home', 'End');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 200 }), fc.array(keys, { maxLength: 40 }), (count, cols, seq) => {
        let at: number | null = null;
        for (const k of seq) {
          const r = kvKey(k, at, count, cols);
          if (r?.kind !== 'move') throw new Error('arrows always move');
          at = r.index;
          expect(at).toBeGreaterThanOrEqual(0);
          expect(at).toBeLessThan(count);
        }
      }),
    );
  });

  it('a pool that shrank under the cursor clamps it', () => {
    expect(kvKey('ArrowRight', 50, 10, 5)).toEqual({ kind: 'move', index: 9 });
  });

  it('places squares row by row with the gap', () => {
    expect(squareOrigin(7, { cols: 5, size: 9 })).toEqual({ x: 20, y: 10 });
  });
});
