/**
 * The physical KV pool as the serving engine sees it: which request owns each block, and what
 * each request holds. The backend owns the memory itself (types.ts: KvLayout); this is only the
 * bookkeeping, kept as plain arrays so a scheduler can copy it cheaply and plan on the copy.
 *
 * Invariant (checked by `assertConsistent`): every block is owned by at most one request, and a
 * request's `blocks` are exactly the blocks whose owner is that request.
 */

/** One request's hold on the pool. */
export interface KvHold {
  /** Physical block ids in position order: entry i holds positions [i * blockSize, (i + 1) * blockSize). */
  blocks: number[];
  /** Positions holding this request's K/V. */
  filled: number;
  /** Positions the request is expected to hold when it finishes (what "reserved" is measured against). */
  expected: number;
}

export class KvPool {
  readonly numBlocks: number;
  readonly blockSize: number;
  /** (numBlocks) owning request id, or -1 when free. */
  readonly owner: Int32Array;
  private readonly holds: Map<number, KvHold>;
  private freeCount: number;

  constructor(numBlocks: number, blockSize: number, owner?: Int32Array, holds?: Map<number, KvHold>) {
    this.numBlocks = numBlocks;
    this.blockSize = blockSize;
    this.owner = owner ?? new Int32Array(numBlocks).fill(-1);
    this.holds = holds ?? new Map();
    this.freeCount = 0;
    for (let b = 0; b < numBlocks; b++) if (this.owner[b] < 0) this.freeCount++;
  }

  get capacity(): number {
    return this.numBlocks * this.blockSize;
  }

  get freeBlocks(): number {
    return this.freeCount;
  }

  clone(): KvPool {
    const holds = new Map<number, KvHold>();
    for (const [id, h] of this.holds) holds.set(id, { blocks: h.blocks.slice(), filled: h.filled, expected: h.expected });
    return new KvPool(this.numBlocks, this.blockSize, this.owner.slice(), holds);
  }

  hold(id: number): KvHold | undefined {
    return this.holds.get(id);
  }

  /** Request ids holding memory, in admission order. */
  ids(): number[] {
    return [...this.holds.keys()];
  }

  /** Starts a hold with the given blocks (which the caller took from this pool). */
  open(id: number, blocks: number[], expected: number): void {
    if (this.holds.has(id)) throw new Error(`request ${id} already holds KV memory`);
    this.holds.set(id, { blocks, filled: 0, expected });
  }

  /** Blocks needed to hold `positions` positions. */
  blocksFor(positions: number): number {
    return Math.ceil(positions / this.blockSize);
  }

  /** Takes the `n` lowest-numbered free blocks for `id`, or returns null (and takes nothing). */
  takeLowest(id: number, n: number): number[] | null {
    if (n > this.freeCount) return null;
    const out: number[] = [];
    for (let b = 0; b < this.numBlocks && out.length < n; b++) if (this.owner[b] < 0) out.push(b);
    this.claim(id, out);
    return out;
  }

  /** Takes the first run of `n` consecutive free blocks (first fit) for `id`, or returns null. */
  takeFirstFit(id: number, n: number): number[] | null {
    if (n === 0) return [];
    let run = 0;
    for (let b = 0; b < this.numBlocks; b++) {
      run = this.owner[b] < 0 ? run + 1 : 0;
      if (run === n) {
        const out = Array.from({ length: n }, (_, i) => b - n + 1 + i);
        this.claim(id, out);
        return out;
      }
    }
    return null;
  }

  /** Lengths of the maximal runs of free blocks, in address order. */
  freeRuns(): number[] {
    const runs: number[] = [];
    let run = 0;
    for (let b = 0; b < this.numBlocks; b++) {
      if (this.owner[b] < 0) run++;
      else if (run > 0) {
        runs.push(run);
        run = 0;
      }
    }
    if (run > 0) runs.push(run);
    return runs;
  }

  /** Frees everything `id` holds; a no-op for a request that holds nothing. */
  release(id: number): void {
    const h = this.holds.get(id);
    if (!h) return;
    for (const b of h.blocks) this.unclaim(id, b);
    this.holds.delete(id);
  }

  /** Returns the blocks of `id` beyond its first `keep` to the pool. */
  trim(id: number, keep: number): void {
    const h = this.holds.get(id);
    if (!h) return;
    for (const b of h.blocks.splice(keep)) this.unclaim(id, b);
  }

  assertConsistent(): void {
    const seen = new Int32Array(this.numBlocks).fill(-1);
    for (const [id, h] of this.holds) {
      for (const b of h.blocks) {
        if (seen[b] >= 0) throw new Error(`block ${b} is held by requests ${seen[b]} and ${id}`);
        if (this.owner[b] !== id) throw new Error(`block ${b} is in request ${id}'s table but owned by ${this.owner[b]}`);
        seen[b] = id;
      }
      if (h.filled > h.blocks.length * this.blockSize) throw new Error(`request ${id} filled ${h.filled} positions in ${h.blocks.length} blocks`);
    }
    for (let b = 0; b < this.numBlocks; b++) if (this.owner[b] >= 0 && seen[b] < 0) throw new Error(`block ${b} is owned by ${this.owner[b]} but in no table`);
  }

  private claim(id: number, blocks: number[]): void {
    for (const b of blocks) {
      if (this.owner[b] >= 0) throw new Error(`block ${b} handed to request ${id} while request ${this.owner[b]} holds it`);
      this.owner[b] = id;
    }
    this.freeCount -= blocks.length;
  }

  private unclaim(id: number, b: number): void {
    if (this.owner[b] !== id) throw new Error(`request ${id} releases block ${b} owned by ${this.owner[b]}`);
    this.owner[b] = -1;
    this.freeCount++;
  }
}
