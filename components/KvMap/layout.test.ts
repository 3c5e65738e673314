import { describe, expect, it } from 'vitest';
import type { KvSnapshot } from '../../engine/serve/events';
import { blockGrid, kvBlocks, kvShares } from './layout';

function snapshot(owner: number[], filled: number[], totals: Partial<KvSnapshot>, manager: KvSnapshot['manager'] = 'contiguous'): KvSnapshot {
  const blockSize = 4;
  return { manager, blockSize, numBlocks: owner.length, used: 0, reserved: 0, internal: 0, external: 0, free: 0, owner: Int32Array.from(owner), filled: Int32Array.from(filled), ...totals };
}

describe('kvBlocks', () => {
  it('splits owned blocks into used / reserved / internal by the expected length', () => {
    // Request 7 holds 3 blocks (12 slots), has written 5, will end at 7: 2 reserved, 5 internal.
    const kv = snapshot([7, 7, 7, -1], [4, 1, 0, 0], { used: 5, reserved: 2, internal: 5, free: 4 });
    const b = kvBlocks(kv, () => 7);
    expect(b.map((x) => [x.used, x.reserved, x.internal])).toEqual([[4, 0, 0], [1, 2, 1], [0, 0, 4], [0, 0, 0]]);
    const sum = (k: 'used' | 'reserved' | 'internal' | 'free') => b.reduce((s, x) => s + x[k], 0);
    expect([sum('used'), sum('reserved'), sum('internal'), sum('free')]).toEqual([5, 2, 5, 4]);
  });

  it("takes the engine's per-block reserved counts when the snapshot has them", () => {
    const kv = { ...snapshot([7, 7, 7], [4, 1, 0], { used: 5, reserved: 4, internal: 3 }), reservedSlots: Int32Array.of(0, 3, 1) };
    // The expected-length guess (7) would say [0, 2, 0]; the engine's counts win.
    expect(kvBlocks(kv, () => 7).map((x) => [x.used, x.reserved, x.internal])).toEqual([[4, 0, 0], [1, 3, 0], [0, 1, 3]]);
  });

  it('falls back to the pool ratio when the expected length is unknown', () => {
    const kv = snapshot([1, 1], [2, 0], { used: 2, reserved: 3, internal: 3 });
    const b = kvBlocks(kv);
    expect(b[0]).toMatchObject({ used: 2, reserved: 1, internal: 1 });
    expect(b[1]).toMatchObject({ reserved: 2, internal: 2 });
  });

  it('marks the smallest free gaps as external fragmentation', () => {
    // Gaps of 1 block (index 1) and 3 blocks (4..6); external = 4 slots = the small gap only.
    const kv = snapshot([0, -1, 2, 2, -1, -1, -1], [4, 0, 4, 4, 0, 0, 0], { used: 12, external: 4, free: 12 });
    const b = kvBlocks(kv);
    expect(b.map((x) => (x.external ? 'x' : x.free ? '.' : '#')).join('')).toBe('#x##...');
  });

  it('reports shares of capacity from the exact totals', () => {
    const kv = snapshot([0, -1], [2, 0], { used: 2, internal: 2, free: 4 });
    expect(kvShares(kv)).toEqual({ used: 25, reserved: 0, internal: 25, external: 0, free: 50 });
  });
});

describe('blockGrid', () => {
  it('fits the blocks in the box with the largest squares', () => {
    expect(blockGrid(128, 320, 160, 0)).toEqual({ cols: 16, rows: 8, size: 20 });
    const g = blockGrid(1000, 300, 100);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(1000);
    expect(g.cols * (g.size + 1)).toBeLessThanOrEqual(300);
  });
});
