import { useEffect, useRef } from 'react';
import { summarize, type RunSummary } from '../../src/run/metrics';
import { useApp } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';
import type { RunConfig } from '../../src/store/config';
import { throttled } from '../shared/throttle';
import { fmtBoundedList, fmtP, fmtPct, fmtRate } from './format';

interface Row {
  key: string;
  label: string;
  hint: string;
  value: (s: RunSummary, total: number) => string;
  /** A few words under the value when it is not final yet ("24 still waiting"). */
  note?: (s: RunSummary, total: number) => string;
  testid?: string;
  wide?: boolean;
  /** The whole row: three bounded figures need it. */
  full?: boolean;
  /** A shorter label for compare mode's narrow column. */
  short?: string;
  /** Shown only for configurations where it can say something. */
  when?: (c: RunConfig) => boolean;
  /** Shown only for a mixture-of-experts model's run. */
  moe?: boolean;
}

const sharingOn = (c: RunConfig) => c.prefixCaching || c.completions > 1 || c.workload === 'parallel-sampling';

const fmtBytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(0)} KiB`);
const waiting = (n: number, what: string) => (n > 0 ? `≥: ${n} ${what}` : '');

const ROWS: Row[] = [
  { key: 'tps', label: 'tokens/s now', hint: 'Generated tokens per second over the last second of the run clock (busy time: the display pace does not count).', value: (s) => fmtRate(s.liveTokensPerSecond), testid: 'tokens-per-second' },
  { key: 'tpsAll', label: 'avg tokens/s', hint: 'Run average: all generated tokens divided by the run time so far (busy time).', value: (s) => fmtRate(s.tokensPerSecond) },
  { key: 'rps', label: 'requests/s', hint: 'Finished requests divided by the run time so far.', value: (s) => fmtRate(s.requestsPerSecond) },
  {
    key: 'ttft',
    label: 'TTFT p50 · p99',
    hint: 'Time to first token: from arrival to the first generated token (median and 99th percentile), over every request that has arrived. A request still waiting counts with its wait so far, so a figure marked ≥ can only grow.',
    value: (s) => fmtBoundedList([s.ttft?.p50, s.ttft?.p99]),
    note: (s) => waiting(s.ttft?.pending ?? 0, 'still waiting'),
    testid: 'ttft',
    wide: true,
  },
  { key: 'tpot', label: 'TPOT p50', hint: 'Time per output token after the first one (median over finished requests: a request’s TPOT is known when it ends).', value: (s) => fmtP(s.tpot, 'p50'), note: (s, total) => (s.tpot && s.completed < total ? `of ${s.tpot.count} finished` : ''), testid: 'tpot' },
  {
    key: 'e2e',
    label: 'request latency p50 · p90 · p99',
    hint: 'End-to-end request latency: arrival to last token, over every arrived request; an unfinished one counts with its time so far (≥: a lower bound).',
    value: (s) => fmtBoundedList([s.e2e?.p50, s.e2e?.p90, s.e2e?.p99]),
    note: (s) => waiting(s.e2e?.pending ?? 0, 'unfinished'),
    testid: 'e2e',
    full: true,
  },
  { key: 'occ', label: 'avg occupancy', hint: 'Run average: the share of batch slots doing work, averaged over the iterations so far (the grid shows it now).', value: (s) => fmtPct(100 * s.occupancy), testid: 'occupancy' },
  { key: 'waste', label: 'avg KV waste', hint: 'Run average: reserved + internal + external fragmentation as a share of allocated KV memory, averaged over the iterations so far (the KV map says the waste now).', value: (s) => fmtPct(s.wastePct), testid: 'kv-waste' },
  { key: 'done', label: 'requests done', hint: 'Finished requests out of all requests in the workload.', value: (s, total) => `${s.completed} / ${total || '—'}`, testid: 'requests-done' },
  // With prefix caching on, its figures come before the run counters, so the first screen of a laptop shows them.
  {
    key: 'hit',
    label: 'cache hit rate',
    short: 'cache hits',
    hint: 'vLLM’s gpu_prefix_cache_hit_rate: prompt tokens served from the prefix cache over prompt tokens looked up at admission, so far. “off” while prefix caching is off (or the KV manager is contiguous, which cannot share).',
    value: (s) => (s.prefixCache ? fmtPct(100 * s.prefixCache.hitRate) : 'off'),
    testid: 'hit-rate',
    when: (c) => c.prefixCaching,
  },
  {
    key: 'fromCache',
    label: 'prompt computed · cached',
    short: 'computed · cached',
    hint: 'Prefill tokens the model computed (recomputes included) and prompt tokens the prefix cache served instead, so far.',
    value: (s) => `${s.promptTokens} · ${s.prefixCache?.hits ?? 0} tok`,
    testid: 'prefill-from-cache',
    wide: true,
    when: (c) => c.prefixCaching,
  },
  { key: 'iter', label: 'iterations', hint: 'Engine iterations run so far.', value: (s) => String(s.iterations), testid: 'iteration-count' },
  {
    key: 'preempt',
    label: 'preemptions · recomputed',
    short: 'preempted · recomputed',
    hint: 'Requests evicted for lack of KV memory (vLLM recompute), and the token positions computed again when they (or a run moved to a new backend) came back.',
    value: (s) => `${s.preemptions} · ${s.recomputedTokens} tok`,
    testid: 'preemptions',
    wide: true,
  },
  {
    key: 'shared',
    label: 'KV saved by sharing',
    short: 'KV shared',
    hint: 'Token slots the sequences would fill on their own but share (cached prompt blocks, a prompt its completions share), now, and that as a share of what they hold.',
    value: (s) => `${s.sharedSlots} slots · ${fmtPct(s.sharedPct)}`,
    testid: 'kv-shared',
    wide: true,
    when: sharingOn,
  },
  {
    key: 'touched',
    label: 'experts touched',
    hint: 'Mixture of experts: distinct experts that ran per layer per iteration, mean over the run, out of all of them. Each token wakes its top-k; each expert woken is read from memory once per step, so more of them means more bytes per step.',
    value: (s) => (s.experts ? `${s.experts.touched.toFixed(1)} of ${s.experts.nExperts}` : '—'),
    // The cost model routes nothing: its figure is the expectation under even routing.
    note: (s) => (s.experts ? `${s.experts.imbalance === null ? 'expected (even routing): ' : ''}${fmtBytes(s.experts.bytes)} of expert weights per iteration` : ''),
    testid: 'experts-touched',
    moe: true,
    wide: true,
  },
  {
    key: 'imbalance',
    label: 'imbalance',
    hint: 'Mixture of experts: tokens on the busiest expert over the mean per expert, per layer and iteration, averaged (1.0 = perfectly even). An uneven router makes the step wait for its busiest expert and wastes the others.',
    value: (s) => (s.experts?.imbalance != null ? s.experts.imbalance.toFixed(2) : '—'),
    note: (s) => (!s.experts ? '' : s.experts.imbalance === null ? 'not simulated: the cost model routes no tokens' : 'max/mean, every token so far (1 = even)'),
    testid: 'expert-imbalance',
    moe: true,
  },
];

/** Compare mode's column: what the lanes are compared on (the ratio bar divides overall tokens/s). */
const COMPACT = ['tpsAll', 'ttft', 'occ', 'preempt', 'done', 'iter', 'hit', 'shared', 'touched', 'imbalance'];
/** Presenter mode: the figures a room can read at a glance, in large type (an MoE run's expert figures head the strip under the grid). */
const PRESENTER = ['tps', 'ttft', 'occ', 'waste', 'done', 'iter', 'preempt'];
/** Presenter mode's compare column: room for four figures in large type. */
const PRESENTER_COMPACT = ['tpsAll', 'ttft', 'occ', 'done'];

/**
 * The live numbers. Text is written straight into the DOM a few times a second from a log
 * subscription: the panel renders once, not on every iteration. After an engine error they show
 * nothing: no figure of an earlier run (or of the recorded demo) may pass for the failed one.
 */
export function LiveNumbers({ lane, compact = false }: { lane: LaneId; compact?: boolean }) {
  const log = useApp((s) => s.logs[lane]);
  const source = useApp((s) => s.lanes[lane].source);
  const failed = useApp((s) => s.lanes[lane].phase === 'error');
  const presenter = useApp((s) => s.presenter);
  const cells = useRef(new Map<string, HTMLElement>());
  const notes = useRef(new Map<string, HTMLElement>());
  const badge = useRef<HTMLSpanElement>(null);
  const config = useApp((s) => s.config);
  const keys = compact ? (presenter ? PRESENTER_COMPACT : COMPACT) : presenter ? PRESENTER : null;
  const rows = (keys ? ROWS.filter((r) => keys.includes(r.key)) : ROWS).filter((r) => !r.when || r.when(config));
  // Rows that appear with a setting (prefix caching) get their figures at once, not at the next iteration.
  const shown = rows.map((r) => r.key).join();
  useEffect(() => {
    const update = () => {
      const s = summarize(log);
      const total = log.requests.size;
      for (const row of ROWS) {
        const el = cells.current.get(row.key);
        // Expert rows exist only for a mixture-of-experts run.
        if (row.moe && el?.parentElement) el.parentElement.hidden = !s.experts;
        if (el) el.textContent = failed ? '—' : row.value(s, total);
        const note = notes.current.get(row.key);
        if (note) note.textContent = failed ? '' : row.note?.(s, total) ?? '';
      }
      if (badge.current) badge.current.textContent = failed ? 'engine stopped: no figures' : provenance(s.timeSource, source, s.iterations, compact);
    };
    const t = throttled(update, 200);
    update();
    const un = log.subscribe(t.request);
    return () => {
      un();
      t.cancel();
    };
  }, [log, source, failed, compact, shown]);
  const testid = (id?: string) => (lane === 'a' ? id : id && `${id}-${lane}`);
  return (
    <section className="numbers" aria-label="Live numbers" data-lane={lane} data-tour={lane === 'a' ? 'numbers' : undefined}>
      <h2 className="view-title">
        Numbers <span className="badge" ref={badge} />
      </h2>
      <dl>
        {rows.map((r) => (
          <div key={r.key} className={`number${r.full ? ' full' : r.wide ? ' wide' : ''}`} title={r.hint} hidden={r.moe} data-tour={lane === 'a' && r.key === 'preempt' ? 'preemptions' : undefined}>
            <dt>{compact && r.short ? r.short : r.label}</dt>
            <dd data-testid={testid(r.testid)} ref={(el) => void (el ? cells.current.set(r.key, el) : cells.current.delete(r.key))}>
              —
            </dd>
            {r.note && <dd className="number-note" data-testid={testid(r.testid && `${r.testid}-note`)} ref={(el) => void (el ? notes.current.set(r.key, el) : notes.current.delete(r.key))} />}
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Where the numbers come from, always on screen: measured here, recorded earlier, or simulated. */
export function provenance(time: 'measured' | 'simulated', source: string, iterations: number, short = false): string {
  if (iterations === 0) return 'no data yet';
  if (time === 'simulated') return short ? 'simulated' : 'simulated (cost model)';
  if (source === 'recorded') return 'measured earlier · recorded run';
  if (source === 'replay') return 'measured · imported trace';
  return 'measured live';
}
