import { describe, expect, it } from 'vitest';
import { RunLog } from '../../src/run/run-log';
import { FIXTURES } from '../../stories/fixtures';
import { gridRows, gridSummary, kvRows, kvSummary } from './text-alternative';

function logOf(run: typeof FIXTURES.staticPaged, iterations: number): RunLog {
  const log = new RunLog();
  log.addRequests(run.requests);
  log.append(run.events.slice(0, iterations));
  return log;
}

describe('the grid and the KV map in words', () => {
  it('says nothing made up before the first iteration', () => {
    const log = new RunLog();
    expect(gridSummary(log)).toBe('No iterations yet.');
    expect(gridRows(log)).toEqual([]);
    expect(kvSummary(undefined)).toBe('No iterations yet.');
    expect(kvRows(log)).toEqual([]);
  });

  it('counts what every slot did in the newest iteration, as the grid draws it', () => {
    for (const run of [FIXTURES.staticPaged, FIXTURES.continuousPaged]) {
      for (const n of [1, 10, run.events.length]) {
        const log = logOf(run, n);
        const ev = run.events[n - 1];
        const rows = gridRows(log);
        expect(rows).toHaveLength(ev.slots.length);
        const busy = (k: string) => ev.slots.filter((s) => s.kind === k).length;
        expect(gridSummary(log)).toContain(`Iteration ${n}, ${ev.strategy} batching: ${busy('decode')} slot`);
        expect(rows.filter((r) => r.state.startsWith('decode'))).toHaveLength(busy('decode'));
        expect(rows.filter((r) => r.state.startsWith('idle'))).toHaveLength(busy('idle'));
        expect(rows.filter((r) => r.state.endsWith('then end'))).toHaveLength(ev.slots.filter((s) => s.finished).length);
      }
    }
  });

  it('names static batching’s held slots as idle, finished', () => {
    const run = FIXTURES.staticPaged;
    const n = run.events.findIndex((e) => e.slots.some((s) => s.idleReason === 'finished')) + 1;
    expect(n).toBeGreaterThan(0);
    expect(gridRows(logOf(run, n)).some((r) => r.state === 'idle: finished, held until the batch ends')).toBe(true);
  });

  it('accounts every block and token slot of the pool, request by request', () => {
    const run = FIXTURES.continuousContiguous;
    const log = logOf(run, Math.ceil(run.events.length / 2));
    const kv = log.lastEvent!.kv;
    const rows = kvRows(log);
    expect(rows.reduce((s, r) => s + r.blocks, 0)).toBe(kv.numBlocks);
    expect(rows.reduce((s, r) => s + r.used, 0)).toBe(kv.used);
    expect(rows.reduce((s, r) => s + r.reserved + r.internal, 0)).toBe(kv.reserved + kv.internal);
    expect(rows.at(-1)!.request).toBe('free');
    expect(kvSummary(log.lastEvent)).toMatch(/^Contiguous KV cache, \d+ blocks of \d+ tokens, held by \d+ requests?: [\d.]+% token states/);
  });
});
