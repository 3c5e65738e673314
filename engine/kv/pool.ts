/**
 * The physical KV pool as the serving engine sees it: how many holds reference each block, and
 * what each hold (one sequence) maps. The backend owns the memory itself (types.ts: KvLayout);
 * this is only the bookkeeping, kept as plain arrays so a scheduler can copy it cheaply and plan
 * on the copy.
 *
 * A block may be referenced by several holds (vLLM's reference counts): prompt blocks found in
 * the prefix cache, or the prompt a parallel-sampling request's completions share. It returns to
 * the pool only when its last reference goes. A full block can also sit in the prefix cache
 * (`prefix-cache.ts`) with no reference at all: it still holds its K/V, so a later request with
 * the same prefix reuses it, but it counts as free and is evicted, least recently freed first,
 * when an allocation needs it.
 *
 * Invariants (checked by `assertConsistent`): each block's count equals the number of holds whose
 * table lists it, no table lists a block twice, and the free count is the number of blocks with
 * no reference.
 */
import { PrefixIndex } from './prefix-cache';

/** One sequence's hold on the pool. */
export interface KvHold {
  /** Physical block ids in position order: entry i holds positions [i * blockSize, (i + 1) * blockSize). */
  blocks: number[];
  /** Positions holding this sequence's K/V. */
  filled: number;
  /** Positions the sequence is expected to hold when it finishes (what "reserved" is measured against). */
  expected: number;
  /** Prefix-cache keys of its first full blocks (content identity, see prefix-cache.ts), as far as known. */
  keys: number[];
}

export class KvPool {
  readonly numBlocks: number;
  readonly blockSize: number;
  /** (numBlocks) holds referencing each block; 0 = free (possibly still cached). */
  readonly refs: Int32Array;
  readonly prefix: PrefixIndex;
  private readonly holdMap: Map<number, KvHold>;
  private freeCount: number;

  constructor(numBlocks: number, blockSize: number, refs?: Int32Array, holds?: Map<number, KvHold>, prefix?: PrefixIndex) {
    this.numBlocks = numBlocks;
    this.blockSize = blockSize;
    this.refs = refs ?? new Int32Array(numBlocks);
    this.holdMap = holds ?? new Map();
    this.prefix = prefix ?? new PrefixIndex(numBlocks, blockSize);
    this.freeCount = 0;
    for (let b = 0; b < numBlocks; b++) if (this.refs[b] === 0) this.freeCount++;
  }

  get capacity(): number {
    return this.numBlocks * this.blockSize;
  }

  /** Blocks no hold references (cached ones included: they can be evicted). */
  get freeBlocks(): number {
    return this.freeCount;
  }

  clone(): KvPool {
    const holds = new Map<number, KvHold>();
    for (const [id, h] of this.holdMap) holds.set(id, { blocks: h.blocks.slice(), filled: h.filled, expected: h.expected, keys: h.keys.slice() });
    return new KvPool(this.numBlocks, this.blockSize, this.refs.slice(), holds, this.prefix.clone());
  }

  hold(id: number): KvHold | undefined {
    return this.holdMap.get(id);
  }

  /** Hold ids, in admission order. */
  ids(): number[] {
    return [...this.holdMap.keys()];
  }

  /** Starts a hold with the given blocks (which the caller took from this pool). */
  open(id: number, blocks: number[], expected: number): void {
    if (this.holdMap.has(id)) throw new Error(`sequence ${id} already holds KV memory`);
    this.holdMap.set(id, { blocks, filled: 0, expected, keys: [] });
  }

  /** Blocks needed to hold `positions` positions. */
  blocksFor(positions: number): number {
    return Math.ceil(positions / this.blockSize);
  }

  /**
   * Takes `n` free blocks for a new reference: the lowest-numbered ones that hold nothing cached,
   * then cached ones least recently freed first (evicting them from the cache); null (and nothing
   * taken) when fewer than `n` are free.
   */
  takeLowest(n: number): number[] | null {
    if (n > this.freeCount) return null;
    const out: number[] = [];
    for (let b = 0; b < this.numBlocks && out.length < n; b++) if (this.refs[b] === 0 && !this.prefix.isCached(b)) out.push(b);
    while (out.length < n) out.push(this.prefix.evictOldest());
    for (const b of out) this.addRef(b);
    return out;
  }

  /** Takes the first run of `n` consecutive free blocks (first fit; cached ones in it are evicted), or null. */
  takeFirstFit(n: number): number[] | null {
    if (n === 0) return [];
    let run = 0;
    for (let b = 0; b < this.numBlocks; b++) {
      run = this.refs[b] === 0 ? run + 1 : 0;
      if (run === n) {
        const out = Array.from({ length: n }, (_, i) => b - n + 1 + i);
        for (const x of out) {
          if (this.prefix.isCached(x)) this.prefix.evict(x);
          this.addRef(x);
        }
        return out;
      }
    }
    return null;
  }

  /** Adds a reference to a block another hold (or the prefix cache) already has. */
  share(b: number): void {
    if (this.refs[b] === 0) this.prefix.touch(b);
    this.addRef(b);
  }

  /** Lengths of the maximal runs of free blocks, in address order. */
  freeRuns(): number[] {
    const runs: number[] = [];
    let run = 0;
    for (let b = 0; b < this.numBlocks; b++) {
      if (this.refs[b] === 0) run++;
      else if (run > 0) {
        runs.push(run);
        run = 0;
      }
    }
    if (run > 0) runs.push(run);
    return runs;
  }

  /** Drops everything `id` holds; a no-op for a sequence that holds nothing. */
  release(id: number): void {
    const h = this.holdMap.get(id);
    if (!h) return;
    // Last block first: the cache then evicts a prompt's tail before its head, as vLLM does.
    for (let i = h.blocks.length - 1; i >= 0; i--) this.dropRef(h.blocks[i]);
    this.holdMap.delete(id);
  }

  /** Returns the blocks of `id` beyond its first `keep` to the pool. */
  trim(id: number, keep: number): void {
    const h = this.holdMap.get(id);
    if (!h) return;
    for (const b of h.blocks.splice(keep).reverse()) this.dropRef(b);
    h.keys.length = Math.min(h.keys.length, keep);
  }

  /** Swaps block index `i` of `id` for `to` (copy-on-write), dropping this hold's reference to the old one. */
  replace(id: number, i: number, to: number): void {
    const h = this.holdMap.get(id)!;
    this.dropRef(h.blocks[i]);
    h.blocks[i] = to;
  }

  assertConsistent(): void {
    const count = new Int32Array(this.numBlocks);
    for (const [id, h] of this.holdMap) {
      const mine = new Set<number>();
      for (const b of h.blocks) {
        if (mine.has(b)) throw new Error(`block ${b} is in sequence ${id}'s table twice`);
        mine.add(b);
        count[b]++;
      }
      if (h.filled > h.blocks.length * this.blockSize) throw new Error(`sequence ${id} filled ${h.filled} positions in ${h.blocks.length} blocks`);
      if (h.keys.length > h.blocks.length) throw new Error(`sequence ${id} has keys for ${h.keys.length} of ${h.blocks.length} blocks`);
    }
    let free = 0;
    for (let b = 0; b < this.numBlocks; b++) {
      if (count[b] !== this.refs[b]) throw new Error(`block ${b} counts ${this.refs[b]} references but ${count[b]} tables list it`);
      if (this.refs[b] < 0) throw new Error(`block ${b} has a negative reference count`);
      if (this.refs[b] === 0) free++;
    }
    if (free !== this.freeCount) throw new Error(`free count ${this.freeCount} but ${free} blocks are unreferenced`);
    this.prefix.assertConsistent(this.refs);
  }

  private addRef(b: number): void {
    if (this.refs[b] === 0) this.freeCount--;
    this.refs[b]++;
  }

  private dropRef(b: number): void {
    if (this.refs[b] <= 0) throw new Error(`block ${b} released with no reference left`);
    this.refs[b]--;
    if (this.refs[b] === 0) {
      this.freeCount++;
      this.prefix.freed(b);
    }
  }
}
