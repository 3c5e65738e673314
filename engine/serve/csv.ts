import type { IterationEvent } from './events';

export const ITERATION_CSV_COLUMNS = [
  'iteration',
  'start_ms',
  'end_ms',
  'time_source',
  'strategy',
  'kv_manager',
  'active_slots',
  'slots',
  'prefill_tokens',
  'decode_tokens',
  'queue_length',
  'preempted',
  'finished',
  'kv_used',
  'kv_reserved',
  'kv_internal',
  'kv_external',
  'kv_free',
  'scheduler_ms',
  'backend_ms',
  'kv_shared',
  'prefix_cache_queries',
  'prefix_cache_hits',
] as const;

/** One row per iteration (KV columns in token slots), for spreadsheets and plotting scripts. */
export function iterationsCsv(events: readonly IterationEvent[]): string {
  const rows = events.map((e) =>
    [
      e.index,
      e.startMs.toFixed(3),
      e.endMs.toFixed(3),
      e.timeSource,
      e.strategy,
      e.kv.manager,
      e.slots.filter((s) => s.kind !== 'idle').length,
      e.slots.length,
      e.prefillTokens,
      e.decodeTokens,
      e.queueLength,
      e.preempted.length,
      e.slots.filter((s) => s.finished).length,
      e.kv.used,
      e.kv.reserved,
      e.kv.internal,
      e.kv.external,
      e.kv.free,
      e.schedulerMs.toFixed(4),
      e.backendMs.toFixed(3),
      e.kv.shared ?? 0,
      e.prefixCache?.queries ?? 0,
      e.prefixCache?.hits ?? 0,
    ].join(','),
  );
  return [ITERATION_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
