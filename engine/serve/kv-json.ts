import type { IterationEvent, KvSnapshot } from './events';

/** A KvSnapshot as JSON holds it: the per-block typed arrays as plain number arrays. */
export type KvSnapshotJson = Omit<KvSnapshot, 'owner' | 'filled' | 'reservedSlots'> & { owner: number[]; filled: number[]; reservedSlots?: number[] };

/** Typed arrays become plain arrays, so a snapshot survives JSON.stringify. */
export function kvToJson(kv: KvSnapshot): KvSnapshotJson {
  const { reservedSlots, ...rest } = kv;
  return { ...rest, owner: Array.from(kv.owner), filled: Array.from(kv.filled), ...(reservedSlots && { reservedSlots: Array.from(reservedSlots) }) };
}

/** The inverse of kvToJson; snapshots recorded before `reservedSlots` existed stay without it. */
export function kvFromJson(kv: KvSnapshotJson | KvSnapshot): KvSnapshot {
  return {
    ...kv,
    owner: Int32Array.from(kv.owner),
    filled: Int32Array.from(kv.filled),
    ...(kv.reservedSlots && { reservedSlots: Int32Array.from(kv.reservedSlots) }),
  } as KvSnapshot;
}

/** An event with its snapshot's arrays revived after JSON.parse. */
export const eventFromJson = (e: IterationEvent): IterationEvent => ({ ...e, kv: kvFromJson(e.kv) });
