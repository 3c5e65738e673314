import { describe, expect, it } from 'vitest';
import { KvManager } from '../../kv/manager';
import { continuousScheduler } from './continuous';
import { DEFAULT_KNOBS, type SchedulerKnobs } from './knobs';
import { staticScheduler } from './static';
import { INITIAL_MEMO, type ScheduleInput, type SeqView } from './types';

const seq = (id: number, over: Partial<SeqView> = {}): SeqView => ({
  id,
  arrivalMs: id,
  computed: 0,
  pending: 4,
  maxPositions: 16,
  expectedPositions: 16,
  finished: false,
  ...over,
});

/** A KV manager in which each running view holds blocks for what it has computed. */
function kvFor(slots: (SeqView | null)[], numBlocks = 32, kind: 'paged' | 'contiguous' = 'paged'): KvManager {
  const kv = KvManager.create(kind, numBlocks, 4);
  for (const s of slots) {
    if (!s || s.finished) continue;
    kv.admit(s.id, s.maxPositions, s.expectedPositions);
    kv.grow(s.id, s.computed);
    kv.setFilled(s.id, s.computed);
  }
  return kv;
}

function input(slots: (SeqView | null)[], waiting: SeqView[], knobs: Partial<SchedulerKnobs> = {}, kv = kvFor(slots)): ScheduleInput {
  return { nowMs: 0, waiting, slots, kv, knobs: { ...DEFAULT_KNOBS, maxNumSeqs: slots.length, ...knobs }, memo: INITIAL_MEMO };
}

describe('static scheduler', () => {
  it('admits nobody while any request of the batch is unfinished', () => {
    const running = [seq(0, { computed: 5, pending: 1 }), seq(1, { finished: true, computed: 3, pending: 1 }), null];
    const plan = staticScheduler.schedule(input(running, [seq(5)]));
    expect(plan).toMatchObject({ release: [], admit: [], run: [{ id: 0, tokens: 1 }] });
  });

  it('releases every slot when the batch is done and admits the next batch at once', () => {
    const done = [seq(0, { finished: true }), seq(1, { finished: true }), null];
    const plan = staticScheduler.schedule(input(done, [seq(5), seq(6), seq(7), seq(8)]));
    expect(plan.release).toEqual([0, 1]);
    expect(plan.admit).toEqual([
      { id: 5, slot: 0 },
      { id: 6, slot: 1 },
      { id: 7, slot: 2 },
    ]);
  });
});

describe('continuous scheduler', () => {
  it('refills a finished slot in the same scheduling call', () => {
    const plan = continuousScheduler.schedule(input([seq(0, { finished: true }), seq(1, { computed: 4, pending: 1 })], [seq(2)]));
    expect(plan.release).toEqual([0]);
    expect(plan.admit).toEqual([{ id: 2, slot: 0 }]);
    expect(plan.run).toEqual([
      { id: 1, tokens: 1 },
      { id: 2, tokens: 4 },
    ]);
  });

  it('gives decodes the budget before an older request still prefilling (stall-free)', () => {
    const slots = [seq(0, { computed: 8, pending: 10 }), seq(1, { computed: 6, pending: 1 })];
    const plan = continuousScheduler.schedule(input(slots, [], { chunkedPrefill: true, maxNumBatchedTokens: 4 }));
    expect(plan.run).toEqual([
      { id: 1, tokens: 1 },
      { id: 0, tokens: 3 },
    ]);
  });

  it('preempts the newest running request when KV runs out, and then admits nobody', () => {
    // 4 blocks of 4: requests 0 and 1 hold 2 blocks each, full; each decode needs a new block.
    const slots = [seq(0, { computed: 8, pending: 1 }), seq(1, { computed: 8, pending: 1 })];
    const plan = continuousScheduler.schedule(input(slots, [seq(2)], {}, kvFor(slots, 4)));
    expect(plan.preempt).toEqual([1]);
    expect(plan.run).toEqual([{ id: 0, tokens: 1 }]);
    expect(plan.admit).toEqual([]);
  });

  it("waits for TGI's waiting_served_ratio unless max_waiting_tokens steps passed", () => {
    const slots = [...[0, 1, 2, 3].map((i) => seq(i, { computed: 4, pending: 1 })), null, null];
    const knobs = { waitingServedRatio: 0.5, maxWaitingTokens: 3 };
    const one = continuousScheduler.schedule(input(slots, [seq(9)], knobs));
    expect(one.admit).toEqual([]);
    expect(one.memo.stepsSinceAdmission).toBe(1);
    const two = continuousScheduler.schedule(input(slots, [seq(9), seq(10)], knobs));
    expect(two.admit.map((a) => a.id)).toEqual([9, 10]);
    expect(two.memo.stepsSinceAdmission).toBe(0);
    const late = continuousScheduler.schedule({ ...input(slots, [seq(9)], knobs), memo: { stepsSinceAdmission: 3 } });
    expect(late.admit.map((a) => a.id)).toEqual([9]);
  });

  it('prefills newcomers alone with separatePrefill, stalling the running decodes', () => {
    const plan = continuousScheduler.schedule(input([seq(0, { computed: 4, pending: 1 }), null], [seq(1)], { separatePrefill: true }));
    expect(plan.run).toEqual([{ id: 1, tokens: 4 }]);
  });

  it('never changes the state it was given', () => {
    const slots = [seq(0, { computed: 8, pending: 1 }), seq(1, { computed: 8, pending: 1 }), null];
    const kv = kvFor(slots, 10, 'contiguous');
    const before = kv.snapshot(null);
    const frozen = Object.freeze(slots.slice());
    continuousScheduler.schedule(input(frozen as (SeqView | null)[], [seq(2)], {}, kv));
    expect(kv.snapshot(null)).toEqual(before);
  });
});
