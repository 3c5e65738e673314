import type { KvSnapshot } from '../serve/events';
import type { KvManager } from './manager';

/**
 * Accounts every token slot of the pool, each physical block once however many sequences share
 * it. A hold with A allocated slots, F filled and E expected at its end (clamped to [F, A]) claims
 * in each of its blocks the slots its F and E reach; a block's filled slots are the most any of its
 * holders has filled there, its expected slots the most any expects to reach (sharers agree on the
 * filled part: a shared block is never written, the first write copies it). Then per block: filled
 * slots are **used**, expected-but-unfilled **reserved**, the rest of a held block **internal**.
 * Free slots in gaps too small for the next waiting request are **external** (contiguous only),
 * the rest **free**: the five always sum to the capacity. **shared** is what sharing saves: the
 * slots the holds would fill each on its own (the sum of their F) minus the used slots that
 * actually hold them. **cached** counts the free (or external) slots whose block still holds a
 * prefix-cache entry.
 */
export function kvSnapshot(kv: KvManager, nextNeed: number | null, ownerOf: (id: number) => number): KvSnapshot {
  const { pool } = kv;
  const bs = pool.blockSize;
  const owner = new Int32Array(pool.numBlocks).fill(-1);
  const holders = new Map<number, number[]>();
  const filled = new Int32Array(pool.numBlocks);
  const expectedSlots = new Int32Array(pool.numBlocks);
  let logical = 0;
  for (const id of pool.ids()) {
    const h = pool.hold(id)!;
    const allocated = h.blocks.length * bs;
    const expected = Math.min(Math.max(h.expected, h.filled), allocated);
    logical += h.filled;
    h.blocks.forEach((b, i) => {
      const clamp = (n: number) => Math.max(0, Math.min(bs, n - i * bs));
      if (owner[b] < 0) owner[b] = ownerOf(id);
      if (pool.refs[b] > 1) holders.set(b, [...(holders.get(b) ?? []), ownerOf(id)]);
      filled[b] = Math.max(filled[b], clamp(h.filled));
      expectedSlots[b] = Math.max(expectedSlots[b], clamp(expected));
    });
  }
  const reservedSlots = new Int32Array(pool.numBlocks);
  const cached = new Uint8Array(pool.numBlocks);
  let used = 0;
  let reserved = 0;
  let internal = 0;
  let cachedFree = 0;
  for (let b = 0; b < pool.numBlocks; b++) {
    if (pool.prefix.isCached(b)) cached[b] = 1;
    if (pool.refs[b] === 0) {
      if (cached[b]) cachedFree += bs;
      continue;
    }
    reservedSlots[b] = expectedSlots[b] - filled[b];
    used += filled[b];
    reserved += reservedSlots[b];
    internal += bs - expectedSlots[b];
  }
  const external = kv.policy.external(pool, nextNeed);
  return {
    manager: kv.kind,
    blockSize: bs,
    numBlocks: pool.numBlocks,
    used,
    reserved,
    internal,
    external,
    free: pool.freeBlocks * bs - external,
    shared: logical - used,
    cached: cachedFree,
    owner,
    filled,
    reservedSlots,
    refs: pool.refs.slice(),
    cachedBlocks: cached,
    sharedBy: [...holders].map(([b, ids]) => [b, [...new Set(ids)].sort((x, y) => x - y)]),
  };
}
