import type { KvSnapshot } from '../../engine/serve/events';

/** How one physical block's slots split between the five categories of the KV accounting. */
export interface KvBlock {
  index: number;
  /** Owning request, or -1 when free. */
  owner: number;
  used: number;
  reserved: number;
  internal: number;
  external: number;
  free: number;
  /** Sequences reading the block (0 when free; more than 1 when shared). */
  refs: number;
  /** Free but still holding a prefix-cache entry (reused by a prompt that starts the same way). */
  cached: boolean;
  /** The requests holding it: its owner, or every request sharing it. */
  holders: number[];
}

export type KvCategory = 'used' | 'reserved' | 'internal' | 'external' | 'free';
export const KV_CATEGORIES: readonly KvCategory[] = ['used', 'reserved', 'internal', 'external', 'free'];

/**
 * Splits the snapshot's pool-wide totals down to blocks, so the map shows where each kind of
 * waste sits. The snapshot gives per block the owner, the filled count and (in runs recorded since
 * it was added) the reserved count, so:
 * - a block's filled slots are `used`;
 * - an owned block's empty slots are `reserved` as the snapshot says, else up to the request's
 *   expected length, else in the pool's reserved:internal ratio; the rest are `internal`;
 * - free blocks are `external` when they lie in the smallest free gaps whose sizes add up to the
 *   snapshot's external total (the gaps too small for the next reservation), else `free`.
 */
export function kvBlocks(kv: KvSnapshot, expectedTokens?: (requestId: number) => number | undefined): KvBlock[] {
  const bs = kv.blockSize;
  const blocks: KvBlock[] = [];
  const seen = new Map<number, number>(); // owner -> slots of its allocation already placed
  const unfilledShare = kv.reserved + kv.internal > 0 ? kv.reserved / (kv.reserved + kv.internal) : 0;
  const filledOf = ownerFill(kv);
  const sharedBy = new Map(kv.sharedBy ?? []);
  for (let i = 0; i < kv.numBlocks; i++) {
    const owner = kv.owner[i];
    const refs = kv.refs ? kv.refs[i] : owner >= 0 ? 1 : 0;
    const holders = sharedBy.get(i) ?? (owner >= 0 ? [owner] : []);
    const b: KvBlock = { index: i, owner, used: 0, reserved: 0, internal: 0, external: 0, free: 0, refs, cached: refs === 0 && !!kv.cachedBlocks?.[i], holders };
    if (owner < 0) b.free = bs;
    else {
      b.used = kv.filled[i];
      const empty = bs - b.used;
      const expected = expectedTokens?.(owner);
      if (kv.reservedSlots) {
        b.reserved = kv.reservedSlots[i];
      } else if (expected === undefined) {
        b.reserved = Math.round(empty * unfilledShare);
      } else {
        // Slots before the expected end will still be written; the rest never will.
        const before = seen.get(owner) ?? 0;
        const stillToFill = Math.max(0, expected - filledOf.get(owner)! - before);
        b.reserved = Math.min(empty, stillToFill);
        seen.set(owner, before + b.reserved);
      }
      b.internal = empty - b.reserved;
    }
    blocks.push(b);
  }
  markExternal(blocks, kv.external, bs);
  return blocks;
}

function ownerFill(kv: KvSnapshot): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < kv.numBlocks; i++) if (kv.owner[i] >= 0) m.set(kv.owner[i], (m.get(kv.owner[i]) ?? 0) + kv.filled[i]);
  return m;
}

/** Marks the smallest free gaps as external fragmentation until the snapshot's total is reached. */
function markExternal(blocks: KvBlock[], external: number, bs: number): void {
  if (external <= 0) return;
  const gaps: { start: number; len: number }[] = [];
  for (let i = 0; i < blocks.length; ) {
    if (blocks[i].owner >= 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < blocks.length && blocks[j].owner < 0) j++;
    gaps.push({ start: i, len: j - i });
    i = j;
  }
  gaps.sort((a, b) => a.len - b.len || a.start - b.start);
  let left = external;
  for (const g of gaps) {
    if (g.len * bs > left) break;
    for (let k = g.start; k < g.start + g.len; k++) {
      blocks[k].external = bs;
      blocks[k].free = 0;
    }
    left -= g.len * bs;
  }
}

/** Columns and cell size that fit `n` square blocks in a w x h box. */
export function blockGrid(n: number, w: number, h: number, gap = 1): { cols: number; rows: number; size: number } {
  if (n <= 0 || w <= 0 || h <= 0) return { cols: 1, rows: 1, size: 0 };
  let best = { cols: 1, rows: n, size: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const size = Math.floor(Math.min(w / cols, h / rows)) - gap;
    if (size > best.size) best = { cols, rows, size };
    if (w / cols < best.size) break;
  }
  return best;
}

/** Percent of capacity per category, from the snapshot's exact totals. */
export function kvShares(kv: KvSnapshot): Record<KvCategory, number> {
  const cap = kv.numBlocks * kv.blockSize || 1;
  return {
    used: (100 * kv.used) / cap,
    reserved: (100 * kv.reserved) / cap,
    internal: (100 * kv.internal) / cap,
    external: (100 * kv.external) / cap,
    free: (100 * kv.free) / cap,
  };
}

/** Smallest square (CSS px) the map draws: below it blocks turn to specks, so squares stand for several blocks. */
export const MIN_CELL_PX = 5;

export interface KvCells {
  /** Blocks per square: 1, or a power of two once single blocks would be smaller than MIN_CELL_PX. */
  perCell: number;
  cells: KvBlock[];
  grid: { cols: number; rows: number; size: number };
}

/**
 * Squares for the map: one per block while they are legible, else one per group of `perCell`
 * consecutive blocks (a power of two, the smallest that keeps squares at least MIN_CELL_PX). A
 * group sums its blocks' slots by category; its owner is the request holding most of its slots.
 */
export function kvCells(blocks: readonly KvBlock[], w: number, h: number): KvCells {
  for (let perCell = 1; ; perCell *= 2) {
    const n = Math.ceil(blocks.length / perCell);
    const grid = blockGrid(n, w, h);
    if (grid.size >= MIN_CELL_PX || n <= 1) return { perCell, grid, cells: perCell === 1 ? [...blocks] : groupBlocks(blocks, perCell) };
  }
}

export function groupBlocks(blocks: readonly KvBlock[], perCell: number): KvBlock[] {
  const out: KvBlock[] = [];
  for (let i = 0; i < blocks.length; i += perCell) {
    const g: KvBlock = { index: out.length, owner: -1, used: 0, reserved: 0, internal: 0, external: 0, free: 0, refs: 0, cached: false, holders: [] };
    const held = new Map<number, number>();
    const holders = new Set<number>();
    for (const b of blocks.slice(i, i + perCell)) {
      for (const k of KV_CATEGORIES) g[k] += b[k];
      g.refs = Math.max(g.refs, b.refs);
      g.cached ||= b.cached;
      for (const h of b.holders) holders.add(h);
      if (b.owner >= 0) held.set(b.owner, (held.get(b.owner) ?? 0) + b.used + b.reserved + b.internal);
    }
    let most = 0;
    for (const [owner, n] of held) if (n > most || (n === most && owner < g.owner)) [g.owner, most] = [owner, n];
    g.holders = [...holders].sort((a, b) => a - b);
    out.push(g);
  }
  return out;
}
