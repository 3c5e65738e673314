/**
 * The grid and the KV map in words: a one-sentence summary of the newest iteration (the canvases'
 * accessible description) and the rows of a data table shown on demand. Pure: a RunLog in, text
 * out, so screen readers, the table dialog and tests read the same thing.
 */
import type { IterationEvent, SlotRecord } from '../../engine/serve/events';
import { kvWaste } from '../../src/run/metrics';
import type { RunLog } from '../../src/run/run-log';
import { kvBlocks, kvShares } from '../KvMap/layout';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pct = (x: number) => `${x > 0 && x < 10 ? x.toFixed(1) : x.toFixed(0)}%`;

const IDLE_WORDS: Record<NonNullable<SlotRecord['idleReason']>, string> = {
  empty: 'idle: empty slot',
  finished: 'idle: finished, held until the batch ends',
  stalled: 'idle: stalled this iteration',
  preempted: 'idle: preempted, will be recomputed',
};

/** What a slot did in an iteration, in a few words. */
export function slotState(s: SlotRecord): string {
  if (s.kind === 'idle') return IDLE_WORDS[s.idleReason ?? 'empty'];
  const work = s.kind === 'prefill' ? `prefill: ${plural(s.tokenCount, 'prompt token')}` : 'decode';
  return s.finished ? `${work}, then end` : work;
}

export function gridSummary(log: RunLog): string {
  const ev = log.lastEvent;
  if (!ev) return 'No iterations yet.';
  const count = (f: (s: SlotRecord) => boolean) => ev.slots.filter(f).length;
  const parts = [
    plural(count((s) => s.kind === 'decode'), 'slot') + ' decoding',
    plural(count((s) => s.kind === 'prefill'), 'slot') + ' prefilling',
    plural(count((s) => s.kind === 'idle'), 'slot') + ' idle',
  ];
  const ended = count((s) => s.finished);
  const done = [...log.requests.values()].filter((r) => r.finishedMs !== undefined).length;
  return `Iteration ${ev.index + 1}, ${ev.strategy} batching: ${parts.join(', ')}${ended ? `; ${plural(ended, 'request')} ended` : ''}. ${plural(ev.queueLength, 'request')} waiting; ${done} of ${log.requests.size} done.`;
}

export interface GridRow {
  slot: string;
  request: string;
  state: string;
  position: string;
  generated: string;
}

/** One row per slot, for the newest iteration. */
export function gridRows(log: RunLog): GridRow[] {
  const ev = log.lastEvent;
  if (!ev) return [];
  return ev.slots.map((s) => {
    const track = s.requestId === null ? undefined : log.requests.get(s.requestId);
    const last = s.startPos === undefined ? '' : String(s.startPos + s.tokenCount - 1);
    return {
      slot: `S${s.slot + 1}`,
      request: s.requestId === null ? '—' : `R${s.requestId}`,
      state: slotState(s),
      position: s.kind === 'idle' ? '—' : s.tokenCount > 1 ? `${s.startPos}–${last}` : last,
      generated: track ? String(track.output.length) : '—',
    };
  });
}

export function kvSummary(ev: IterationEvent | undefined): string {
  if (!ev) return 'No iterations yet.';
  const kv = ev.kv;
  const s = kvShares(kv);
  const owners = new Set(Array.from(kv.owner).filter((o) => o >= 0)).size;
  return `${kv.manager === 'paged' ? 'Paged' : 'Contiguous'} KV cache, ${plural(kv.numBlocks, 'block')} of ${kv.blockSize} tokens, held by ${plural(owners, 'request')}: ${pct(s.used)} token states, ${pct(s.reserved)} reserved, ${pct(s.internal)} internal and ${pct(s.external)} external fragmentation, ${pct(s.free)} free. Waste: ${pct(100 * kvWaste(kv))} of allocated memory.`;
}

export interface KvRow {
  request: string;
  blocks: number;
  used: number;
  reserved: number;
  internal: number;
}

/** One row per request holding blocks, in block order, then the free blocks. */
export function kvRows(log: RunLog): KvRow[] {
  const kv = log.lastEvent?.kv;
  if (!kv) return [];
  const rows = new Map<number, KvRow>();
  for (const b of kvBlocks(kv, (id) => log.requests.get(id)?.meta?.expectedTokens)) {
    const key = b.owner;
    const row = rows.get(key) ?? { request: key < 0 ? 'free' : `R${key}`, blocks: 0, used: 0, reserved: 0, internal: 0 };
    row.blocks++;
    row.used += b.used;
    row.reserved += b.reserved;
    row.internal += b.internal;
    rows.set(key, row);
  }
  const free = rows.get(-1);
  rows.delete(-1);
  return [...rows.values(), ...(free ? [free] : [])];
}
