import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { percentile } from '../../engine/serve/metrics';
import type { IterationEvent, SlotRecord } from '../../engine/serve/events';
import { latencySamples, latencySoFar, type LatencySample } from './latency';
import { RunLog } from './run-log';

const final = (ms: number): LatencySample => ({ ms, final: true });
const waiting = (ms: number): LatencySample => ({ ms, final: false });

/** A hand-built log: `n` requests arriving at 0; each gets its first token at `firstTokenMs[i]` (or never). */
function handLog(firstTokenMs: (number | undefined)[], nowMs: number): RunLog {
  const log = new RunLog();
  log.addRequests(firstTokenMs.map((_, id) => ({ id, arrivalMs: 0, prompt: [1, 5], maxNewTokens: 8 })));
  const times = [...new Set(firstTokenMs.filter((t): t is number => t !== undefined))].sort((a, b) => a - b);
  const ends = [...times, nowMs].filter((t, i, a) => a.indexOf(t) === i);
  let start = 0;
  ends.forEach((end, index) => {
    const slots: SlotRecord[] = firstTokenMs.flatMap((t, id) => (t === end ? [{ slot: id, requestId: id, kind: 'decode', tokenCount: 1, outputToken: 7, finished: false } as SlotRecord] : []));
    log.append([{ index, startMs: start, endMs: end, slots, preempted: [] } as unknown as IterationEvent]);
    start = end;
  });
  return log;
}

describe('latency so far', () => {
  it('counts a request still waiting with its wait so far, as a lower bound', () => {
    const r = latencySoFar([final(100), waiting(5000), waiting(5000)])!;
    expect(r.p50).toEqual({ ms: 5000, lowerBound: true });
    expect(r.pending).toBe(2);
    expect(r.count).toBe(3);
  });

  it('is exact when every value a percentile reads is final and below all pending bounds', () => {
    const r = latencySoFar([final(10), final(20), final(30), final(40), waiting(500)])!;
    expect(r.p50).toEqual({ ms: 30, lowerBound: false });
    expect(r.p99.lowerBound).toBe(true);
    expect(r.mean.lowerBound).toBe(true);
    // A pending bound below a value the median reads makes it a bound again.
    expect(latencySoFar([final(10), final(20), final(30), waiting(15)])!.p50.lowerBound).toBe(true);
  });

  it('is final when nothing is pending, and equals the plain percentile then', () => {
    const vals = [5, 1, 9, 3];
    const r = latencySoFar(vals.map(final))!;
    const s = [...vals].sort((a, b) => a - b);
    expect(r.p50).toEqual({ ms: percentile(s, 50), lowerBound: false });
    expect(r.p99).toEqual({ ms: percentile(s, 99), lowerBound: false });
    expect(latencySoFar([])).toBeNull();
  });

  it('never exceeds the final percentile, and says so whenever it may be below it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ms: fc.integer({ min: 0, max: 1000 }), extra: fc.integer({ min: 0, max: 1000 }), done: fc.boolean() }), { minLength: 1, maxLength: 30 }), fc.constantFrom(50, 90, 99), (reqs, p) => {
        const now = latencySoFar(reqs.map((r) => (r.done ? final(r.ms) : waiting(r.ms))))!;
        const later = latencySoFar(reqs.map((r) => final(r.done ? r.ms : r.ms + r.extra)))!;
        const key = `p${p}` as 'p50';
        expect(now[key].ms).toBeLessThanOrEqual(later[key].ms);
        if (!now[key].lowerBound) expect(now[key].ms).toBe(later[key].ms);
      }),
    );
  });

  it('a static run with most requests still queued never shows a smaller TTFT p50 than continuous', () => {
    // At run time 7 s: static served its first batch of 8 (first tokens at 0.2 s) and 24 requests
    // still wait; continuous has given 28 of its 32 requests a first token, spread over 0.2..6 s.
    const now = 7000;
    const staticLog = handLog([...Array(8).fill(200), ...Array(24).fill(undefined)], now);
    const contLog = handLog([...Array.from({ length: 28 }, (_, i) => 200 + i * 200), ...Array(4).fill(undefined)], now);
    const st = latencySoFar(latencySamples(staticLog, 'firstToken', now))!;
    const co = latencySoFar(latencySamples(contLog, 'firstToken', now))!;
    expect(st.p50.ms).toBeGreaterThanOrEqual(co.p50.ms);
    expect(st.p50.lowerBound).toBe(true);
    expect(st.pending).toBe(24);
    // The old way (first tokens only) showed static at 200 ms: the inversion this module exists to stop.
    const onlyFinished = latencySamples(staticLog, 'firstToken', now).filter((s) => s.final);
    expect(latencySoFar(onlyFinished)!.p50.ms).toBe(200);
  });

  it('leaves out requests that have not arrived yet', () => {
    const log = new RunLog();
    log.addRequests([
      { id: 0, arrivalMs: 0, prompt: [1], maxNewTokens: 4 },
      { id: 1, arrivalMs: 9000, prompt: [1], maxNewTokens: 4 },
    ]);
    expect(latencySamples(log, 'firstToken', 100)).toEqual([{ ms: 100, final: false }]);
  });
});
