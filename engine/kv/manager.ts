import type { KvSnapshot } from '../serve/events';
import { contiguousPolicy } from './contiguous';
import { pagedPolicy } from './paged';
import type { KvManagerKind, KvPolicy } from './policy';
import { KvPool } from './pool';

const POLICIES: Record<KvManagerKind, KvPolicy> = { paged: pagedPolicy, contiguous: contiguousPolicy };

/**
 * A KV manager: the pool's bookkeeping plus the allocation policy in force. Schedulers plan on a
 * `clone()` and hand the clone back in their plan; the engine adopts it, so planning never
 * changes the state it was given.
 */
export class KvManager {
  readonly pool: KvPool;
  readonly policy: KvPolicy;

  constructor(pool: KvPool, policy: KvPolicy) {
    this.pool = pool;
    this.policy = policy;
  }

  static create(kind: KvManagerKind, numBlocks: number, blockSize: number): KvManager {
    return new KvManager(new KvPool(numBlocks, blockSize), POLICIES[kind]);
  }

  get kind(): KvManagerKind {
    return this.policy.kind;
  }

  clone(): KvManager {
    return new KvManager(this.pool.clone(), this.policy);
  }

  /** Admits `id` under the policy; on failure nothing is held. */
  admit(id: number, maxPositions: number, expected: number): boolean {
    return this.policy.admit(this.pool, id, maxPositions, Math.min(expected, maxPositions));
  }

  /** Makes room for `positions` positions of `id`; on failure nothing more is held. */
  grow(id: number, positions: number): boolean {
    return this.policy.grow(this.pool, id, positions);
  }

  free(id: number): void {
    this.pool.release(id);
  }

  holds(id: number): boolean {
    return this.pool.hold(id) !== undefined;
  }

  blockTable(id: number): number[] {
    const h = this.pool.hold(id);
    if (!h) throw new Error(`request ${id} holds no KV memory`);
    return h.blocks;
  }

  /** Records that `id` now has K/V for `filled` positions. */
  setFilled(id: number, filled: number): void {
    const h = this.pool.hold(id);
    if (!h) throw new Error(`request ${id} holds no KV memory`);
    if (filled > h.blocks.length * this.pool.blockSize) throw new Error(`request ${id} filled ${filled} positions beyond its ${h.blocks.length} blocks`);
    h.filled = filled;
    // A request that outgrows its expected length is expected to need at least what it has.
    h.expected = Math.max(h.expected, filled);
  }

  /**
   * The same pool under another policy. Nothing moves: requests keep their blocks. Switching to
   * paged returns each request's reserved-but-unfilled blocks to the pool (paged holds no
   * reservations); switching to contiguous keeps paged requests growing on demand and reserves
   * only for requests admitted from then on.
   */
  withPolicy(kind: KvManagerKind): KvManager {
    if (kind === this.kind) return this;
    const pool = this.pool.clone();
    if (kind === 'paged') for (const id of pool.ids()) pool.trim(id, pool.blocksFor(pool.hold(id)!.filled));
    return new KvManager(pool, POLICIES[kind]);
  }

  /**
   * Accounts every token slot of the pool (see KvSnapshot). Per request with A allocated slots,
   * F filled and E expected at finish (clamped to [F, A]): F used, E - F reserved, A - E internal.
   * `nextNeed` is the positions the next waiting request would ask for (null when none waits).
   */
  snapshot(nextNeed: number | null): KvSnapshot {
    const { pool } = this;
    const bs = pool.blockSize;
    const filledPerBlock = new Int32Array(pool.numBlocks);
    const reservedPerBlock = new Int32Array(pool.numBlocks);
    let used = 0;
    let reserved = 0;
    let internal = 0;
    for (const id of pool.ids()) {
      const h = pool.hold(id)!;
      const allocated = h.blocks.length * bs;
      const expected = Math.min(Math.max(h.expected, h.filled), allocated);
      used += h.filled;
      reserved += expected - h.filled;
      internal += allocated - expected;
      // A plain loop: this runs for every block of every iteration (a closure per block cost more than the rest of a simulated step).
      for (let i = 0; i < h.blocks.length; i++) {
        const b = h.blocks[i];
        filledPerBlock[b] = Math.max(0, Math.min(bs, h.filled - i * bs));
        reservedPerBlock[b] = Math.max(0, Math.min(bs, expected - i * bs)) - filledPerBlock[b];
      }
    }
    const external = this.policy.external(pool, nextNeed);
    const free = pool.freeBlocks * bs - external;
    return {
      manager: this.kind,
      blockSize: bs,
      numBlocks: pool.numBlocks,
      used,
      reserved,
      internal,
      external,
      free,
      owner: pool.owner.slice(),
      filled: filledPerBlock,
      reservedSlots: reservedPerBlock,
    };
  }
}
