import type { BlockCopy } from '../backend/types';
import type { KvSnapshot } from '../serve/events';
import { kvSnapshot } from './accounting';
import { contiguousPolicy } from './contiguous';
import { pagedPolicy } from './paged';
import type { KvManagerKind, KvPolicy } from './policy';
import { KvPool } from './pool';
import { BlockKeys } from './prefix-cache';

const POLICIES: Record<KvManagerKind, KvPolicy> = { paged: pagedPolicy, contiguous: contiguousPolicy };

export type { BlockCopy };

/**
 * A KV manager: the pool's bookkeeping plus the allocation policy in force, and whether automatic
 * prefix caching is on. Schedulers plan on a `clone()` and hand the clone back in their plan; the
 * engine adopts it, so planning never changes the state it was given.
 *
 * Holds are keyed by sequence id (a request's id, or one id per completion of a request that asks
 * for several). Blocks may be shared between holds (reference-counted, see pool.ts): a prefix-cache
 * hit or a fork shares them read-only, and the first write into a shared, partly filled block
 * copies it first (`grow` records the copy; the engine has the backend make it before the step).
 */
export class KvManager {
  readonly pool: KvPool;
  readonly policy: KvPolicy;
  readonly prefixCaching: boolean;
  private readonly keys: BlockKeys;
  private copies: BlockCopy[];

  constructor(pool: KvPool, policy: KvPolicy, prefixCaching = false, keys = new BlockKeys(), copies: BlockCopy[] = []) {
    this.pool = pool;
    this.policy = policy;
    this.prefixCaching = prefixCaching;
    this.keys = keys;
    this.copies = copies;
  }

  static create(kind: KvManagerKind, numBlocks: number, blockSize: number, prefixCaching = false): KvManager {
    return new KvManager(new KvPool(numBlocks, blockSize), POLICIES[kind], prefixCaching);
  }

  get kind(): KvManagerKind {
    return this.policy.kind;
  }

  /** Prefix caching in effect: asked for, and paged (a contiguous reservation cannot share blocks). */
  get caching(): boolean {
    return this.prefixCaching && this.kind === 'paged';
  }

  clone(): KvManager {
    return new KvManager(this.pool.clone(), this.policy, this.prefixCaching, this.keys, this.copies.slice());
  }

  /** Admits `id` under the policy; on failure nothing is held. */
  admit(id: number, maxPositions: number, expected: number): boolean {
    return this.policy.admit(this.pool, id, maxPositions, Math.min(expected, maxPositions));
  }

  /**
   * Looks the prefix of `tokens` up in the cache for a just-admitted `id` that holds nothing yet, and
   * takes the longest run of cached full blocks within its first `limit` positions; returns the
   * positions served (0 when caching is off, under contiguous, or on a miss).
   */
  reuseCached(id: number, tokens: readonly number[], limit: number): number {
    const h = this.pool.hold(id);
    if (!h) throw new Error(`sequence ${id} looks up the prefix cache before being admitted`);
    if (!this.caching || h.blocks.length > 0) return 0;
    const bs = this.pool.blockSize;
    let parent = -1;
    for (let i = 0; (i + 1) * bs <= Math.min(limit, tokens.length); i++) {
      const key = this.keys.key(parent, tokens, i * bs, bs);
      const b = this.pool.prefix.lookup(key);
      if (b === undefined) break;
      this.pool.share(b);
      h.blocks.push(b);
      h.keys.push(key);
      parent = key;
    }
    h.filled = h.blocks.length * bs;
    h.expected = Math.max(h.expected, h.filled);
    return h.filled;
  }

  /**
   * Makes room for `positions` positions of `id`, whose next write goes to position `filled`; on
   * failure nothing more is held. A write into a shared, partly filled block needs a private copy
   * of it first (copy-on-write), which counts as one more block.
   */
  grow(id: number, positions: number): boolean {
    const h = this.pool.hold(id);
    if (!h) throw new Error(`sequence ${id} grows KV memory before being admitted`);
    const bs = this.pool.blockSize;
    const at = Math.floor(h.filled / bs);
    const cow = h.filled % bs !== 0 && positions > h.filled && at < h.blocks.length && this.pool.refs[h.blocks[at]] > 1;
    if (cow) {
      if (this.pool.freeBlocks < 1 + Math.max(0, this.pool.blocksFor(positions) - h.blocks.length)) return false;
      const [fresh] = this.pool.takeLowest(1)!;
      this.copies.push({ src: h.blocks[at], dst: fresh });
      this.pool.replace(id, at, fresh);
    }
    return this.policy.grow(this.pool, id, positions);
  }

  /** Gives `to` (admitted, holding nothing) the blocks of `from`'s first `positions` positions, shared. */
  fork(from: number, to: number, positions: number): void {
    const src = this.pool.hold(from);
    const dst = this.pool.hold(to);
    if (!src || !dst) throw new Error(`fork from ${from} to ${to}: both must be admitted`);
    if (dst.blocks.length > 0) throw new Error(`fork into ${to}, which already holds blocks`);
    if (positions > src.filled) throw new Error(`fork of ${positions} positions from ${from}, which has ${src.filled}`);
    const n = this.pool.blocksFor(positions);
    for (const b of src.blocks.slice(0, n)) this.pool.share(b);
    dst.blocks.push(...src.blocks.slice(0, n));
    dst.keys.push(...src.keys.slice(0, Math.floor(positions / this.pool.blockSize)));
    dst.filled = positions;
    dst.expected = Math.max(dst.expected, positions);
  }

  free(id: number): void {
    this.pool.release(id);
  }

  holds(id: number): boolean {
    return this.pool.hold(id) !== undefined;
  }

  blockTable(id: number): number[] {
    const h = this.pool.hold(id);
    if (!h) throw new Error(`sequence ${id} holds no KV memory`);
    return h.blocks;
  }

  /**
   * Records that `id` now has K/V for `filled` positions. With `tokens` (the sequence's tokens) and
   * caching on, blocks that became full are registered in the prefix cache under their keys.
   */
  setFilled(id: number, filled: number, tokens?: readonly number[]): void {
    const h = this.pool.hold(id);
    if (!h) throw new Error(`sequence ${id} holds no KV memory`);
    if (filled > h.blocks.length * this.pool.blockSize) throw new Error(`sequence ${id} filled ${filled} positions beyond its ${h.blocks.length} blocks`);
    h.filled = filled;
    // A sequence that outgrows its expected length is expected to need at least what it has.
    h.expected = Math.max(h.expected, filled);
    if (!tokens || !this.caching) return;
    const bs = this.pool.blockSize;
    for (let i = h.keys.length; (i + 1) * bs <= filled; i++) {
      const key = this.keys.key(i === 0 ? -1 : h.keys[i - 1], tokens, i * bs, bs);
      h.keys.push(key);
      this.pool.prefix.register(h.blocks[i], key);
    }
  }

  /** The block copies recorded since the last call, in the order they must run. */
  takeCopies(): BlockCopy[] {
    const out = this.copies;
    this.copies = [];
    return out;
  }

  /**
   * The same pool under another policy. Nothing moves: sequences keep their blocks. Switching to
   * paged returns each sequence's reserved-but-unfilled blocks to the pool (paged holds no
   * reservations); switching to contiguous keeps paged sequences growing on demand and reserves
   * only for sequences admitted from then on. The prefix cache stays, but is used only under paged.
   */
  withPolicy(kind: KvManagerKind): KvManager {
    if (kind === this.kind) return this;
    const pool = this.pool.clone();
    if (kind === 'paged') for (const id of pool.ids()) pool.trim(id, pool.blocksFor(pool.hold(id)!.filled));
    return new KvManager(pool, POLICIES[kind], this.prefixCaching, this.keys, this.copies.slice());
  }

  /**
   * Prefix caching on or off. Off forgets every cached block (free ones become plain free memory);
   * blocks already shared stay shared until their sequences let them go. On starts with an empty
   * cache: each sequence's full blocks are registered at its next step.
   */
  withPrefixCaching(on: boolean): KvManager {
    if (on === this.prefixCaching) return this;
    const pool = this.pool.clone();
    if (!on) pool.prefix.clear();
    for (const id of pool.ids()) pool.hold(id)!.keys.length = 0;
    return new KvManager(pool, this.policy, on, this.keys, this.copies.slice());
  }

  /** Accounts every token slot of the pool (see accounting.ts). `ownerOf` maps a sequence id to the request id views show. */
  snapshot(nextNeed: number | null, ownerOf: (id: number) => number = (id) => id): KvSnapshot {
    return kvSnapshot(this, nextNeed, ownerOf);
  }
}
