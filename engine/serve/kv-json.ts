import type { IterationEvent, KvSnapshot } from './events';

type Arrays = 'owner' | 'filled' | 'reservedSlots' | 'refs' | 'cachedBlocks';

/** A KvSnapshot as JSON holds it: the per-block typed arrays as plain number arrays. */
export type KvSnapshotJson = Omit<KvSnapshot, Arrays> & { owner: number[]; filled: number[]; reservedSlots?: number[]; refs?: number[]; cachedBlocks?: number[] };

/** Typed arrays become plain arrays, so a snapshot survives JSON.stringify. */
export function kvToJson(kv: KvSnapshot): KvSnapshotJson {
  const { reservedSlots, refs, cachedBlocks, ...rest } = kv;
  return {
    ...rest,
    owner: Array.from(kv.owner),
    filled: Array.from(kv.filled),
    ...(reservedSlots && { reservedSlots: Array.from(reservedSlots) }),
    ...(refs && { refs: Array.from(refs) }),
    ...(cachedBlocks && { cachedBlocks: Array.from(cachedBlocks) }),
  };
}

/** The inverse of kvToJson; snapshots recorded before an optional array existed stay without it. */
export function kvFromJson(kv: KvSnapshotJson | KvSnapshot): KvSnapshot {
  return {
    ...kv,
    owner: Int32Array.from(kv.owner),
    filled: Int32Array.from(kv.filled),
    ...(kv.reservedSlots && { reservedSlots: Int32Array.from(kv.reservedSlots) }),
    ...(kv.refs && { refs: Int32Array.from(kv.refs) }),
    ...(kv.cachedBlocks && { cachedBlocks: Uint8Array.from(kv.cachedBlocks) }),
  } as KvSnapshot;
}

/** An event with its snapshot's arrays revived after JSON.parse. */
export const eventFromJson = (e: IterationEvent): IterationEvent => ({ ...e, kv: kvFromJson(e.kv) });
