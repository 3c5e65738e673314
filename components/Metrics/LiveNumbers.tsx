import { useEffect, useRef } from 'react';
import { summarize, type RunSummary } from '../../src/run/metrics';
import { useApp } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';
import { throttled } from '../shared/throttle';
import { fmtMsList, fmtP, fmtPct, fmtRate } from './format';

interface Row {
  key: string;
  label: string;
  hint: string;
  value: (s: RunSummary, total: number) => string;
  testid?: string;
  wide?: boolean;
}

const ROWS: Row[] = [
  { key: 'tps', label: 'tokens/s now', hint: 'Generated tokens per second over the last second of the run clock.', value: (s) => fmtRate(s.liveTokensPerSecond), testid: 'tokens-per-second' },
  { key: 'tpsAll', label: 'tokens/s overall', hint: 'All generated tokens divided by the run time so far.', value: (s) => fmtRate(s.tokensPerSecond) },
  { key: 'rps', label: 'requests/s', hint: 'Finished requests divided by the run time so far.', value: (s) => fmtRate(s.requestsPerSecond) },
  { key: 'ttft', label: 'TTFT p50 · p99', hint: 'Time to first token: from arrival to the first generated token (median and 99th percentile).', value: (s) => fmtMsList([s.ttft?.p50, s.ttft?.p99]), wide: true },
  { key: 'tpot', label: 'TPOT p50', hint: 'Time per output token after the first one (median over requests).', value: (s) => fmtP(s.tpot, 'p50') },
  { key: 'e2e', label: 'request latency p50 · p90 · p99', hint: 'End-to-end request latency: arrival to last token.', value: (s) => fmtMsList([s.e2e?.p50, s.e2e?.p90, s.e2e?.p99]), wide: true },
  { key: 'occ', label: 'occupancy, run avg', hint: 'Share of batch slots doing work, averaged over the iterations so far (the grid shows it now).', value: (s) => fmtPct(100 * s.occupancy), testid: 'occupancy' },
  { key: 'waste', label: 'KV waste, run avg', hint: 'Reserved + internal + external fragmentation as a share of allocated KV memory, averaged over the iterations so far (the KV map says the waste now).', value: (s) => fmtPct(s.wastePct), testid: 'kv-waste' },
  { key: 'done', label: 'requests done', hint: 'Finished requests out of all requests in the workload.', value: (s, total) => `${s.completed} / ${total || '—'}`, testid: 'requests-done' },
  { key: 'iter', label: 'iterations', hint: 'Engine iterations run so far.', value: (s) => String(s.iterations), testid: 'iteration-count' },
];

/**
 * The live numbers. Text is written straight into the DOM a few times a second from a log
 * subscription: the panel renders once, not on every iteration.
 */
export function LiveNumbers({ lane, compact = false }: { lane: LaneId; compact?: boolean }) {
  const log = useApp((s) => s.logs[lane]);
  const source = useApp((s) => s.lanes[lane].source);
  const cells = useRef(new Map<string, HTMLElement>());
  const badge = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const update = () => {
      const s = summarize(log);
      const total = log.requests.size;
      for (const row of ROWS) {
        const el = cells.current.get(row.key);
        if (el) el.textContent = row.value(s, total);
      }
      if (badge.current) badge.current.textContent = provenance(s.timeSource, source, s.iterations);
    };
    const t = throttled(update, 200);
    update();
    const un = log.subscribe(t.request);
    return () => {
      un();
      t.cancel();
    };
  }, [log, source]);
  const rows = compact ? ROWS.filter((r) => ['tps', 'tpsAll', 'ttft', 'occ', 'waste', 'done', 'iter'].includes(r.key)) : ROWS;
  return (
    <section className="numbers" aria-label="Live numbers" data-lane={lane} data-tour={lane === 'a' ? 'numbers' : undefined}>
      <h2 className="view-title">
        Numbers <span className="badge" ref={badge} />
      </h2>
      <dl>
        {rows.map((r) => (
          <div key={r.key} className={r.wide ? 'number wide' : 'number'} title={r.hint}>
            <dt>{r.label}</dt>
            <dd data-testid={lane === 'a' ? r.testid : r.testid && `${r.testid}-${lane}`} ref={(el) => void (el ? cells.current.set(r.key, el) : cells.current.delete(r.key))}>
              —
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Where the numbers come from, always on screen: measured here, recorded earlier, or simulated. */
export function provenance(time: 'measured' | 'simulated', source: string, iterations: number): string {
  if (iterations === 0) return 'no data yet';
  if (time === 'simulated') return 'simulated (cost model)';
  if (source === 'recorded') return 'measured earlier · recorded run';
  if (source === 'replay') return 'measured · imported trace';
  return 'measured live';
}
