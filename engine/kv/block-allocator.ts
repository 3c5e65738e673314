import { BatchscopeError } from '../errors';

/**
 * Free-list bookkeeping for the physical block pool: which block ids are free. Policies (paged on
 * demand, contiguous reservation) sit on top; this only guarantees that no block is handed out twice.
 */
export class BlockAllocator {
  readonly numBlocks: number;
  private readonly free: number[];
  private readonly inUse: Uint8Array;

  constructor(numBlocks: number) {
    this.numBlocks = numBlocks;
    // Popping from the end hands out low ids first, which keeps small runs easy to read.
    this.free = Array.from({ length: numBlocks }, (_, i) => numBlocks - 1 - i);
    this.inUse = new Uint8Array(numBlocks);
  }

  get freeCount(): number {
    return this.free.length;
  }

  allocate(n: number): number[] {
    if (n > this.free.length) {
      throw new BatchscopeError('out-of-kv-blocks', `needs ${n} KV blocks but only ${this.free.length} of ${this.numBlocks} are free`);
    }
    const ids = this.free.splice(this.free.length - n, n).reverse();
    for (const id of ids) this.inUse[id] = 1;
    return ids;
  }

  release(ids: readonly number[]): void {
    for (const id of ids) {
      if (!this.inUse[id]) throw new Error(`block ${id} released twice or never allocated`);
      this.inUse[id] = 0;
      this.free.push(id);
    }
  }
}
