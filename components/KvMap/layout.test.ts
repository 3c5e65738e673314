import { describe, expect, it } from 'vitest';
import type { KvSnapshot } from '../../engine/serve/events';
import { MIN_CELL_PX, blockGrid, groupBlocks, kvBlocks, kvCells, kvShares, type KvBlock } from './layout';

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

describe('kvCells', () => {
  const pool = (n: number): KvBlock[] =>
    Array.from({ length: n }, (_, i) => {
      const owner = i % 3 === 0 ? -1 : i % 7;
      return { index: i, owner, used: owner < 0 ? 0 : 16, reserved: 0, internal: 0, external: 0, free: owner < 0 ? 16 : 0, refs: owner < 0 ? 0 : 1, cached: false, holders: owner < 0 ? [] : [owner] };
    });

  it('keeps one square per block while squares stay legible', () => {
    const c = kvCells(pool(64), 280, 120);
    expect(c.perCell).toBe(1);
    expect(c.cells).toHaveLength(64);
  });

  it('groups thousands of blocks into legible squares and keeps every slot', () => {
    const blocks = pool(4000);
    const c = kvCells(blocks, 280, 120);
    // One block per square would be about 2 px: specks in a corner.
    expect(blockGrid(4000, 280, 120).size).toBeLessThan(MIN_CELL_PX);
    expect(c.grid.size).toBeGreaterThanOrEqual(MIN_CELL_PX);
    expect(c.perCell).toBeGreaterThan(1);
    expect(c.cells).toHaveLength(Math.ceil(4000 / c.perCell));
    const total = (bs: KvBlock[], k: 'used' | 'free') => bs.reduce((s, b) => s + b[k], 0);
    expect(total(c.cells, 'used')).toBe(total(blocks, 'used'));
    expect(total(c.cells, 'free')).toBe(total(blocks, 'free'));
  });

  it('gives a group the owner of most of its slots', () => {
    const b = (owner: number, used: number): KvBlock => ({ index: 0, owner, used, reserved: 0, internal: 16 - used, external: 0, free: 0, refs: owner < 0 ? 0 : 1, cached: false, holders: owner < 0 ? [] : [owner] });
    expect(groupBlocks([b(3, 2), b(5, 16), b(5, 16), { ...b(-1, 0), internal: 0, free: 16 }], 4)[0].owner).toBe(5);
  });
});
