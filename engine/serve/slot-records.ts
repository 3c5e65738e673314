import type { FinishReason, SlotRecord } from './events';
import type { Sequence } from './sequence';

/** What one scheduled sequence did in the iteration. */
export interface RunOutcome {
  seq: Sequence;
  startPos: number;
  tokens: number[];
  prefill: boolean;
  /** The sampled token, or -1 (a prefill chunk that does not reach the end of the prompt). */
  token: number;
  finish?: FinishReason;
}

/**
 * One record per batch slot, idle ones included, in slot order: a slot that ran says what it
 * ran; an occupied slot that did not run is 'finished' (static batching holds it) or 'stalled';
 * a slot emptied by preemption this iteration names the evicted request; anything else is 'empty'.
 * Rows beyond max_num_seqs appear only while a request admitted before it was lowered still holds one.
 */
export function slotRecords(
  slots: readonly (Sequence | null)[],
  outcomes: readonly RunOutcome[],
  preempted: ReadonlyMap<number, number>,
  maxNumSeqs: number,
): SlotRecord[] {
  const bySeq = new Map(outcomes.map((o) => [o.seq, o]));
  let rows = maxNumSeqs;
  slots.forEach((s, i) => {
    if (s) rows = Math.max(rows, i + 1);
  });
  const out: SlotRecord[] = [];
  for (let slot = 0; slot < rows; slot++) {
    const seq = slots[slot] ?? null;
    const o = seq ? bySeq.get(seq) : undefined;
    if (o) {
      const rec: SlotRecord = {
        slot,
        requestId: seq!.requestId,
        kind: o.prefill ? 'prefill' : 'decode',
        tokenCount: o.tokens.length,
        startPos: o.startPos,
        inputTokens: o.tokens,
        outputToken: o.token,
        finished: o.finish !== undefined,
      };
      if (o.finish) rec.finishReason = o.finish;
      if (seq!.cachedNow > 0) rec.cachedTokens = seq!.cachedNow;
      if (seq!.forkedNow > 0) rec.forkedTokens = seq!.forkedNow;
      out.push(withCompletion(rec, seq!));
    } else if (seq) {
      out.push(withCompletion(idle(slot, seq.requestId, seq.finished ? 'finished' : 'stalled'), seq));
    } else if (preempted.has(slot)) {
      out.push(idle(slot, preempted.get(slot)!, 'preempted'));
    } else {
      out.push(idle(slot, null, 'empty'));
    }
  }
  return out;
}

function withCompletion(rec: SlotRecord, seq: Sequence): SlotRecord {
  if (seq.group.length > 1) rec.completion = seq.completion;
  return rec;
}

function idle(slot: number, requestId: number | null, idleReason: SlotRecord['idleReason']): SlotRecord {
  return { slot, requestId, kind: 'idle', tokenCount: 0, outputToken: -1, finished: false, idleReason };
}
