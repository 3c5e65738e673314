/**
 * Automatic prefix caching, as vLLM does it: every *full* block is known by a key for its tokens
 * chained to the key of the prefix before it, so two sequences that start with the same tokens
 * compute the same keys for the blocks they have in common, and a block's key says everything
 * about the K/V it holds (a position's K/V depends on every token up to it, and on nothing else).
 *
 * vLLM hashes (parent hash, block tokens); here the pair is interned instead (`BlockKeys`), so a
 * key is exact: two different prefixes can never meet on one key, and a hit is always right.
 *
 * `PrefixIndex` maps keys to the physical blocks holding them. A registered block stays in the
 * index when its last reference goes (it is then free but still cached) and leaves it only when
 * an allocation evicts it, least recently freed first, or when caching is switched off.
 */

/** Interns (parent key, block tokens) pairs as small integers. Append-only, so every copy of a pool can share one. */
export class BlockKeys {
  private readonly ids = new Map<string, number>();

  /** The key of the block `tokens[from .. from + blockSize)` that follows the prefix whose last block key is `parent` (-1: none). */
  key(parent: number, tokens: readonly number[], from: number, blockSize: number): number {
    const text = `${parent}:${tokens.slice(from, from + blockSize).join(',')}`;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(text, id);
    }
    return id;
  }
}

export class PrefixIndex {
  readonly numBlocks: number;
  readonly blockSize: number;
  /** (numBlocks) the key a block is registered under, or -1. */
  private readonly keyOf: Int32Array;
  private readonly byKey: Map<number, number>;
  /** Registered blocks nobody references, least recently freed first (a Map keeps insertion order). */
  private readonly idle: Map<number, true>;

  constructor(numBlocks: number, blockSize: number, keyOf?: Int32Array, byKey?: Map<number, number>, idle?: Map<number, true>) {
    this.numBlocks = numBlocks;
    this.blockSize = blockSize;
    this.keyOf = keyOf ?? new Int32Array(numBlocks).fill(-1);
    this.byKey = byKey ?? new Map();
    this.idle = idle ?? new Map();
  }

  clone(): PrefixIndex {
    return new PrefixIndex(this.numBlocks, this.blockSize, this.keyOf.slice(), new Map(this.byKey), new Map(this.idle));
  }

  /** Free blocks that still hold cached K/V. */
  get idleBlocks(): number {
    return this.idle.size;
  }

  /** True when the block is registered under a key. */
  isCached(b: number): boolean {
    return this.keyOf[b] >= 0;
  }

  lookup(key: number): number | undefined {
    return this.byKey.get(key);
  }

  /** Registers a block just filled under its key, unless another block already holds that content. */
  register(b: number, key: number): void {
    if (this.keyOf[b] >= 0 || this.byKey.has(key)) return;
    this.keyOf[b] = key;
    this.byKey.set(key, b);
  }

  /** A block whose last reference went: if cached, it waits in the index for reuse or eviction. */
  freed(b: number): void {
    if (this.keyOf[b] >= 0) this.idle.set(b, true);
  }

  /** A free cached block taken again by a cache hit. */
  touch(b: number): void {
    this.idle.delete(b);
  }

  /** Evicts the least recently freed cached block and returns it. */
  evictOldest(): number {
    const first = this.idle.keys().next();
    if (first.done) throw new Error('no cached block to evict');
    this.evict(first.value);
    return first.value;
  }

  evict(b: number): void {
    this.idle.delete(b);
    this.byKey.delete(this.keyOf[b]);
    this.keyOf[b] = -1;
  }

  /** Forgets every key (caching switched off): blocks keep their references, free ones become plain free. */
  clear(): void {
    this.keyOf.fill(-1);
    this.byKey.clear();
    this.idle.clear();
  }

  assertConsistent(refs: Int32Array): void {
    for (const [key, b] of this.byKey) if (this.keyOf[b] !== key) throw new Error(`cache key ${key} points at block ${b}, registered as ${this.keyOf[b]}`);
    let registered = 0;
    for (let b = 0; b < this.numBlocks; b++) {
      if (this.keyOf[b] < 0) continue;
      registered++;
      if (this.byKey.get(this.keyOf[b]) !== b) throw new Error(`block ${b} is registered under a key that points elsewhere`);
      if ((refs[b] === 0) !== this.idle.has(b)) throw new Error(`cached block ${b} with ${refs[b]} references is ${this.idle.has(b) ? '' : 'not '}in the idle list`);
    }
    if (registered !== this.byKey.size) throw new Error('cache index and block keys disagree');
    for (const b of this.idle.keys()) if (this.keyOf[b] < 0) throw new Error(`idle block ${b} is not cached`);
  }
}
