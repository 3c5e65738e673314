import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { PACE_RATE } from './pace';
import { ReplaySource } from './replay-source';
import { RunLog } from './run-log';

const logs = () => ({ a: new RunLog(), b: new RunLog() });
const listener = () => ({ onPlaying: vi.fn(), onDone: vi.fn() });

describe('ReplaySource', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows a recording at the teaching pace, as the live engine does', async () => {
    const l = logs();
    const r = new ReplaySource({ a: FIXTURES.continuousPaged }, l, listener(), 'teach');
    r.play();
    await vi.advanceTimersByTimeAsync(2000);
    // One at once, then PACE_RATE.teach a second.
    expect(l.a.events.length).toBeGreaterThanOrEqual(2 * PACE_RATE.teach);
    expect(l.a.events.length).toBeLessThanOrEqual(2 * PACE_RATE.teach + 1);
    r.dispose();
  });

  it('replays at the measured speed at full speed: what had ended on the recording’s clock by now', async () => {
    const l = logs();
    const run = FIXTURES.continuousPaged;
    const r = new ReplaySource({ a: run }, l, listener(), 'max');
    r.play();
    const half = run.events.at(-1)!.endMs / 2;
    await vi.advanceTimersByTimeAsync(half);
    const shown = l.a.events.length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(run.events.length);
    expect(l.a.lastEvent!.endMs).toBeLessThanOrEqual(half + 20);
    r.dispose();
  });

  it('advances two lanes by their clocks, so side by side they show the same run time', async () => {
    const l = logs();
    const r = new ReplaySource({ a: FIXTURES.staticPaged, b: FIXTURES.continuousPaged }, l, listener(), 'teach');
    r.play();
    for (let t = 0; t < 10; t++) {
      await vi.advanceTimersByTimeAsync(500);
      const [a, b] = [l.a.lastEvent, l.b.lastEvent];
      if (!a || !b) continue;
      // The lane behind goes next: neither is ahead by more than the other's next iteration.
      const next = (log: RunLog, run: typeof FIXTURES.staticPaged) => run.events[log.events.length]?.startMs ?? Infinity;
      expect(a.endMs).toBeLessThanOrEqual(next(l.b, FIXTURES.continuousPaged) + (a.endMs - a.startMs));
      expect(b.endMs).toBeLessThanOrEqual(next(l.a, FIXTURES.staticPaged) + (b.endMs - b.startMs));
    }
    r.dispose();
  });

  it('steps one iteration of every lane, as Step does live, and says when it is done', () => {
    const l = logs();
    const done = listener();
    const r = new ReplaySource({ a: FIXTURES.staticPaged, b: FIXTURES.continuousPaged }, l, done, 'teach');
    r.step();
    expect([l.a.events.length, l.b.events.length]).toEqual([1, 1]);
    r.showAll();
    expect([l.a.events.length, l.b.events.length]).toEqual([FIXTURES.staticPaged.events.length, FIXTURES.continuousPaged.events.length]);
    expect(done.onDone).toHaveBeenCalledOnce();
  });
});
