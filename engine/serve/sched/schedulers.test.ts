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
      { id: 5, slot: 0, cached: 0 },
      { id: 6, slot: 1, cached: 0 },
      { id: 7, slot: 2, cached: 0 },
    ]);
  });
});

describe('continuous scheduler', () => {
  it('refills a finished slot in the same scheduling call', () => {
    const plan = continuousScheduler.schedule(input([seq(0, { finished: true }), seq(1, { computed: 4, pending: 1 })], [seq(2)]));
    expect(plan.release).toEqual([0]);
    expect(plan.admit).toEqual([{ id: 2, slot: 0, cached: 0 }]);
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

  it('preempts the newest request even when it was scheduled first as a decode, and gives its tokens back', () => {
    // 5 blocks of 4: the older request 0 is mid-prefill (8 of 12), the newer 1 decodes; one block is free.
    const slots = [seq(0, { computed: 8, pending: 4 }), seq(1, { computed: 8, pending: 1 })];
    const plan = continuousScheduler.schedule(input(slots, [], { chunkedPrefill: true, maxNumBatchedTokens: 5 }, kvFor(slots, 5)));
    expect(plan.preempt).toEqual([1]);
    expect(plan.run).toEqual([{ id: 0, tokens: 4 }]);
  });

  it("waits for TGI's waiting_served_ratio unless waiting_tokens reached max_waiting_tokens", () => {
    const slots = [...[0, 1, 2, 3].map((i) => seq(i, { computed: 4, pending: 1 })), null, null];
    const knobs = { waitingServedRatio: 0.5, maxWaitingTokens: 3 };
    const one = continuousScheduler.schedule(input(slots, [seq(9)], knobs));
    expect(one.admit).toEqual([]);
    // TGI's router: waiting_tokens starts at 1 after a prefill and grows by 1 per decode step.
    expect(one.memo.waitingTokens).toBe(2);
    const two = continuousScheduler.schedule(input(slots, [seq(9), seq(10)], knobs));
    expect(two.admit.map((a) => a.id)).toEqual([9, 10]);
    expect(two.memo.waitingTokens).toBe(2); // the newcomers' prefill (1) and the batch's decode in the same step
    const late = continuousScheduler.schedule({ ...input(slots, [seq(9)], knobs), memo: { waitingTokens: 3, decodeOwed: false } });
    expect(late.admit.map((a) => a.id)).toEqual([9]);
    const early = continuousScheduler.schedule({ ...input(slots, [seq(9)], knobs), memo: { waitingTokens: 2, decodeOwed: false } });
    expect(early.admit).toEqual([]);
  });

  it('ignores the TGI admission knobs with chunked prefill, as TGI does', () => {
    const slots = [...[0, 1, 2, 3].map((i) => seq(i, { computed: 4, pending: 1 })), null, null];
    const plan = continuousScheduler.schedule(input(slots, [seq(9)], { waitingServedRatio: 0.5, maxWaitingTokens: 20, chunkedPrefill: true }));
    expect(plan.admit.map((a) => a.id)).toEqual([9]);
  });

  it('prefills newcomers alone with separatePrefill, then decodes the merged batch before admitting again (TGI)', () => {
    const running = seq(0, { computed: 4, pending: 1 });
    const plan = continuousScheduler.schedule(input([running, null, null], [seq(1)], { separatePrefill: true }));
    expect(plan.run).toEqual([{ id: 1, tokens: 4 }]);
    expect(plan.memo).toEqual({ waitingTokens: 1, decodeOwed: true });
    const slots = [running, seq(1, { computed: 4, pending: 1 }), null];
    const next = continuousScheduler.schedule({ ...input(slots, [seq(2)], { separatePrefill: true }), memo: plan.memo });
    expect(next.admit).toEqual([]);
    expect(next.run.map((r) => r.id)).toEqual([0, 1]);
    const after = continuousScheduler.schedule({ ...input(slots, [seq(2)], { separatePrefill: true }), memo: next.memo });
    expect(after.admit.map((a) => a.id)).toEqual([2]);
  });

  it('admits nobody while more requests run than a live-lowered max_num_seqs allows', () => {
    const slots = [null, ...[1, 2, 3].map((i) => seq(i, { computed: 4, pending: 1 }))];
    const plan = continuousScheduler.schedule(input(slots, [seq(9)], { maxNumSeqs: 2 }));
    expect(plan.admit).toEqual([]);
    expect(plan.run.map((r) => r.id)).toEqual([1, 2, 3]);
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
