import { growOnDemand } from './paged';
import type { KvPolicy } from './policy';
import type { KvPool } from './pool';

/**
 * The vLLM paper's Orca/FasterTransformer baseline: at admission a request reserves every position
 * it could ever need (prompt + max_new_tokens - 1, the size TGI's queue.rs reserves too, though TGI
 * holds it in paged blocks) as one contiguous range of blocks, first fit from the lowest address.
 * Nothing can run out later, but
 * the reservation sits unused while the answer is generated, the part beyond the answer's real
 * length is never used, and free memory splits into gaps too small for the next reservation.
 */
export const contiguousPolicy: KvPolicy = {
  kind: 'contiguous',
  admit(pool: KvPool, id: number, maxPositions: number, expected: number): boolean {
    const range = pool.takeFirstFit(pool.blocksFor(maxPositions));
    if (!range) return false;
    pool.open(id, range, expected);
    return true;
  },
  grow(pool: KvPool, id: number, positions: number): boolean {
    // A request admitted under the paged manager before a live switch has no reservation; it keeps
    // growing on demand (memory cannot be moved to make its blocks contiguous).
    return growOnDemand(pool, id, positions);
  },
  external(pool: KvPool, nextNeed: number | null): number {
    if (nextNeed === null) return 0;
    const needBlocks = pool.blocksFor(nextNeed);
    let slots = 0;
    for (const run of pool.freeRuns()) if (run < needBlocks) slots += run * pool.blockSize;
    return slots;
  },
};
