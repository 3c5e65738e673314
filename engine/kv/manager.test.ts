import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KvManager } from './manager';
import type { KvSnapshot } from '../serve/events';

const total = (s: KvSnapshot) => s.used + s.reserved + s.internal + s.external + s.free;

describe('paged KV manager', () => {
  it('allocates blocks on demand, lowest free first, and frees them all at the end', () => {
    const kv = KvManager.create('paged', 8, 4);
    expect(kv.admit(1, 100, 10)).toBe(true);
    expect(kv.blockTable(1)).toEqual([]);
    expect(kv.grow(1, 5)).toBe(true);
    expect(kv.blockTable(1)).toEqual([0, 1]);
    expect(kv.admit(2, 100, 3)).toBe(true);
    expect(kv.grow(2, 3)).toBe(true);
    expect(kv.blockTable(2)).toEqual([2]);
    expect(kv.grow(1, 9)).toBe(true);
    expect(kv.blockTable(1)).toEqual([0, 1, 3]);
    kv.free(1);
    expect(kv.pool.freeBlocks).toBe(7);
    kv.pool.assertConsistent();
  });

  it('refuses growth beyond the pool and takes nothing', () => {
    const kv = KvManager.create('paged', 2, 4);
    kv.admit(1, 100, 100);
    expect(kv.grow(1, 12)).toBe(false);
    expect(kv.blockTable(1)).toEqual([]);
    expect(kv.pool.freeBlocks).toBe(2);
  });

  it('wastes only the tail of the last block the answer will never reach', () => {
    const kv = KvManager.create('paged', 8, 4);
    kv.admit(1, 100, 6); // the answer ends at 6 positions
    kv.grow(1, 5);
    kv.setFilled(1, 5);
    const s = kv.snapshot(null);
    expect(s).toMatchObject({ used: 5, reserved: 1, internal: 2, external: 0, free: 24 });
    expect(Array.from(s.owner.slice(0, 3))).toEqual([1, 1, -1]);
    expect(Array.from(s.filled.slice(0, 3))).toEqual([4, 1, 0]);
  });
});

describe('contiguous KV manager', () => {
  it('reserves prompt + max_new_tokens - 1 positions first fit, in one run', () => {
    const kv = KvManager.create('contiguous', 10, 4);
    expect(kv.admit(1, 9, 9)).toBe(true); // 3 blocks
    expect(kv.blockTable(1)).toEqual([0, 1, 2]);
    expect(kv.admit(2, 8, 8)).toBe(true);
    expect(kv.blockTable(2)).toEqual([3, 4]);
    kv.free(1);
    expect(kv.admit(3, 4, 4)).toBe(true);
    expect(kv.blockTable(3)).toEqual([0]); // first fit: the lowest gap that holds it
    expect(kv.admit(4, 16, 16)).toBe(true);
    expect(kv.blockTable(4)).toEqual([5, 6, 7, 8]);
    expect(kv.admit(5, 12, 12)).toBe(false); // 3 blocks free (1, 2, 9) but no run of 3
    expect(kv.holds(5)).toBe(false);
  });

  it('counts reservation, over-provisioning and unusable gaps separately', () => {
    const kv = KvManager.create('contiguous', 6, 4);
    kv.admit(1, 8, 8);
    kv.admit(2, 4, 4);
    kv.admit(3, 12, 6); // reserves 3 blocks, expects to use 6 positions
    kv.free(1); // leaves a 2-block gap at 0..1, the only free memory
    kv.grow(3, 3);
    kv.setFilled(3, 3);
    const s = kv.snapshot(12); // the next request needs 3 blocks: the gap is too small
    expect(s).toMatchObject({ used: 3, reserved: 3 + 4, internal: 6, external: 8, free: 0 });
    expect(total(s)).toBe(24);
    expect(kv.snapshot(4).external).toBe(0);
  });
});

describe('switching managers live', () => {
  it('to paged trims unfilled reservations; to contiguous keeps holds and grows them on demand', () => {
    const c = KvManager.create('contiguous', 8, 4);
    c.admit(1, 16, 16);
    c.grow(1, 5);
    c.setFilled(1, 5);
    const p = c.withPolicy('paged');
    expect(p.blockTable(1)).toEqual([0, 1]);
    expect(c.blockTable(1)).toEqual([0, 1, 2, 3]); // the original is untouched
    const back = p.withPolicy('contiguous');
    expect(back.grow(1, 9)).toBe(true);
    expect(back.blockTable(1)).toEqual([0, 1, 2]);
    back.pool.assertConsistent();
  });
});

describe('accounting', () => {
  it('always sums to capacity and never hands a block out twice', () => {
    type Op = { kind: 'admit' | 'grow' | 'fill' | 'free' | 'switch'; id: number; n: number };
    const op = fc.record({ kind: fc.constantFrom('admit', 'grow', 'fill', 'free', 'switch'), id: fc.integer({ min: 0, max: 5 }), n: fc.integer({ min: 1, max: 40 }) }) as fc.Arbitrary<Op>;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (ops, bs) => {
        let kv = KvManager.create('contiguous', 12, bs);
        for (const o of ops) {
          if (o.kind === 'admit' && !kv.holds(o.id)) kv.admit(o.id, o.n, Math.ceil(o.n / 2));
          else if (o.kind === 'grow' && kv.holds(o.id)) kv.grow(o.id, o.n);
          else if (o.kind === 'fill' && kv.holds(o.id)) kv.setFilled(o.id, Math.min(o.n, kv.blockTable(o.id).length * bs));
          else if (o.kind === 'free') kv.free(o.id);
          else if (o.kind === 'switch') kv = kv.withPolicy(o.n % 2 ? 'paged' : 'contiguous');
          kv.pool.assertConsistent();
          const s = kv.snapshot(o.n);
          expect(total(s)).toBe(12 * bs);
          for (const v of [s.used, s.reserved, s.internal, s.external, s.free]) expect(v).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
