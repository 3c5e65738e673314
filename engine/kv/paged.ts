import type { KvPolicy } from './policy';
import type { KvPool } from './pool';

/**
 * vLLM's PagedAttention allocation: no reservation at admission; a request gets fixed-size blocks
 * on demand as its positions grow, from anywhere in the pool (lowest free id first, so a picture
 * of the pool stays readable), and frees them all when it ends. Any free block serves any request,
 * so there is no external fragmentation; the only waste is the unfilled tail of each request's
 * last block.
 */
export const pagedPolicy: KvPolicy = {
  kind: 'paged',
  admit(pool: KvPool, id: number, _maxPositions: number, expected: number): boolean {
    pool.open(id, [], expected);
    return true;
  },
  grow(pool: KvPool, id: number, positions: number): boolean {
    return growOnDemand(pool, id, positions);
  },
  external(): number {
    return 0;
  },
};

/** Adds the blocks `id` needs to hold `positions` positions, or takes nothing and returns false. */
export function growOnDemand(pool: KvPool, id: number, positions: number): boolean {
  const h = pool.hold(id);
  if (!h) throw new Error(`request ${id} grows KV memory before being admitted`);
  const need = pool.blocksFor(positions) - h.blocks.length;
  if (need <= 0) return true;
  const got = pool.takeLowest(need);
  if (!got) return false;
  for (const b of got) h.blocks.push(b);
  return true;
}
