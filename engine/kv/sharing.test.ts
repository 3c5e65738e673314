import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KvManager } from './manager';
import type { KvSnapshot } from '../serve/events';

const total = (s: KvSnapshot) => s.used + s.reserved + s.internal + s.external + s.free;
const tokens = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => (i < 6 ? 10 + i : 100 + salt * 50 + i));

/** Admits `id`, reuses what the cache has of `toks` (all but the last token), computes the rest. */
function serve(kv: KvManager, id: number, toks: number[]): number {
  expect(kv.admit(id, toks.length, toks.length)).toBe(true);
  const cached = kv.reuseCached(id, toks, toks.length - 1);
  expect(kv.grow(id, toks.length)).toBe(true);
  kv.setFilled(id, toks.length, toks);
  return cached;
}

describe('prefix caching', () => {
  it('serves the full blocks of a common prefix from the cache and counts each shared block once', () => {
    const kv = KvManager.create('paged', 16, 4, true);
    expect(serve(kv, 1, tokens(10, 1))).toBe(0);
    // Same first 6 tokens: one full block (positions 0-3) in common.
    expect(serve(kv, 2, tokens(10, 2))).toBe(4);
    expect(kv.blockTable(2)[0]).toBe(kv.blockTable(1)[0]);
    const s = kv.snapshot(null);
    expect(s.refs![kv.blockTable(1)[0]]).toBe(2);
    expect(s.used).toBe(16); // 20 logical positions, 4 of them stored once for both
    expect(s.shared).toBe(4);
    expect(total(s)).toBe(64);
    kv.pool.assertConsistent();
  });

  it('keeps freed blocks cached, reuses them, and evicts the least recently freed first', () => {
    const kv = KvManager.create('paged', 4, 4, true);
    serve(kv, 1, tokens(9, 1)); // blocks 0, 1 full (cached), 2 partial
    kv.free(1);
    let s = kv.snapshot(null);
    expect(s).toMatchObject({ used: 0, free: 16, cached: 8 });
    expect(serve(kv, 2, tokens(9, 1))).toBe(8); // the whole prompt but its last token
    kv.free(2);
    // Freed in reverse: block 1 (tail) before block 0, so block 1 is evicted first.
    kv.admit(3, 100, 12);
    expect(kv.grow(3, 12)).toBe(true);
    expect(kv.blockTable(3)).toEqual([2, 3, 1]);
    s = kv.snapshot(null);
    expect(s.cached).toBe(4);
    expect(s.cachedBlocks![0]).toBe(1);
    expect(s.cachedBlocks![1]).toBe(0);
    kv.pool.assertConsistent();
  });

  it('never reuses a block whose prefix differs, even with the same tokens in it', () => {
    const kv = KvManager.create('paged', 8, 2, true);
    serve(kv, 1, [1, 5, 6, 7, 8]);
    expect(serve(kv, 2, [1, 9, 6, 7, 8])).toBe(0); // block 1 holds 6 7 in both, after different blocks 0
  });

  it('does nothing under contiguous allocation or when switched off, and forgets the cache when off', () => {
    const c = KvManager.create('contiguous', 16, 4, true);
    serve(c, 1, tokens(10));
    expect(serve(c, 2, tokens(10))).toBe(0);
    const p = KvManager.create('paged', 16, 4, true);
    serve(p, 1, tokens(10));
    p.free(1);
    const off = p.withPrefixCaching(false);
    expect(off.snapshot(null).cached).toBe(0);
    expect(serve(off, 2, tokens(10))).toBe(0);
    expect(p.snapshot(null).cached).toBe(8); // the original is untouched
  });
});

describe('forks and copy-on-write', () => {
  it('shares a partly filled block and copies it on the first write', () => {
    const kv = KvManager.create('paged', 8, 4);
    kv.admit(1, 20, 10);
    kv.grow(1, 6);
    kv.setFilled(1, 6);
    kv.admit(2, 20, 10);
    kv.fork(1, 2, 6);
    expect(kv.blockTable(2)).toEqual([0, 1]);
    expect(kv.snapshot(null)).toMatchObject({ used: 6, shared: 6 });
    expect(kv.grow(2, 7)).toBe(true); // writes position 6, in shared block 1
    expect(kv.blockTable(2)).toEqual([0, 2]);
    expect(kv.takeCopies()).toEqual([{ src: 1, dst: 2 }]);
    expect(kv.grow(1, 7)).toBe(true); // the last holder writes in place
    expect(kv.blockTable(1)).toEqual([0, 1]);
    expect(kv.takeCopies()).toEqual([]);
    kv.free(1);
    expect(kv.snapshot(null).refs![0]).toBe(1); // still referenced by 2
    kv.pool.assertConsistent();
  });

  it('refuses a copy-on-write when no block is free, taking nothing', () => {
    const kv = KvManager.create('paged', 2, 4);
    kv.admit(1, 8, 8);
    kv.grow(1, 6);
    kv.setFilled(1, 6);
    kv.admit(2, 8, 8);
    kv.fork(1, 2, 6);
    expect(kv.grow(2, 7)).toBe(false);
    expect(kv.blockTable(2)).toEqual([0, 1]);
    expect(kv.takeCopies()).toEqual([]);
    kv.pool.assertConsistent();
  });
});

describe('shared accounting', () => {
  it('sums to capacity, never frees a referenced block, and counts what sharing saves', () => {
    type Op = { kind: 'serve' | 'fork' | 'grow' | 'free' | 'switch' | 'toggle'; id: number; n: number; salt: number };
    const op = fc.record({
      kind: fc.constantFrom('serve', 'fork', 'grow', 'free', 'switch', 'toggle'),
      id: fc.integer({ min: 0, max: 5 }),
      n: fc.integer({ min: 1, max: 30 }),
      salt: fc.integer({ min: 0, max: 2 }),
    }) as fc.Arbitrary<Op>;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (ops, bs) => {
        let kv = KvManager.create('paged', 16, bs, true);
        const toks = new Map<number, number[]>();
        for (const o of ops) {
          if (o.kind === 'serve' && !kv.holds(o.id)) {
            const t = tokens(o.n, o.salt);
            if (!kv.admit(o.id, o.n, o.n)) continue;
            const cached = kv.reuseCached(o.id, t, t.length - 1);
            if (kv.grow(o.id, t.length)) kv.setFilled(o.id, t.length, t);
            else kv.setFilled(o.id, cached, t);
            toks.set(o.id, t);
          } else if (o.kind === 'fork' && kv.kind === 'paged' && kv.holds(o.id) && !kv.holds(o.id + 10)) {
            // As the engine forks: the completion was admitted under paged, holding nothing yet.
            const from = kv.pool.hold(o.id)!;
            if (!kv.admit(o.id + 10, 1, from.filled)) continue;
            kv.fork(o.id, o.id + 10, from.filled);
            toks.set(o.id + 10, toks.get(o.id)!.slice());
          } else if (o.kind === 'grow') {
            const id = kv.holds(o.id) ? o.id : o.id + 10;
            if (!kv.holds(id)) continue;
            const h = kv.pool.hold(id)!;
            const t = toks.get(id)!;
            while (t.length < h.filled + 1) t.push(7);
            if (kv.grow(id, h.filled + 1)) kv.setFilled(id, h.filled + 1, t);
          } else if (o.kind === 'free') {
            kv.free(o.id);
            kv.free(o.id + 10);
          } else if (o.kind === 'switch') kv = kv.withPolicy(o.n % 2 ? 'paged' : 'contiguous');
          else if (o.kind === 'toggle') kv = kv.withPrefixCaching(!kv.prefixCaching);
          kv.takeCopies();
          kv.pool.assertConsistent();
          const s = kv.snapshot(o.n);
          expect(total(s)).toBe(16 * bs);
          for (const v of [s.used, s.reserved, s.internal, s.external, s.free, s.shared!, s.cached!]) expect(v).toBeGreaterThanOrEqual(0);
          const logical = kv.pool.ids().reduce((n, id) => n + kv.pool.hold(id)!.filled, 0);
          expect(s.used + s.shared!).toBe(logical);
          expect(s.cached!).toBeLessThanOrEqual(s.free + s.external);
          for (let b = 0; b < 16; b++) expect(s.refs![b] > 0).toBe(s.owner[b] >= 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
