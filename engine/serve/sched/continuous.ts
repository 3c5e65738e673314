import { PlanBuilder } from './plan-builder';
import type { Plan, ScheduleInput, Scheduler, SchedulerMemo } from './types';

/**
 * Iteration-level (continuous) batching, Orca's idea as vLLM and TGI implement it: every iteration
 * a finished request's slot is freed and waiting requests are admitted into free slots as the KV
 * manager allows, so the batch is refilled as soon as anything ends.
 *
 * Within an iteration, running requests are scheduled first, decodes before prefill chunks
 * (Sarathi-Serve's stall-free batching), then newcomers take what is left of the token budget.
 * Two TGI knobs gate admission (waiting_served_ratio, max_waiting_tokens; TGI ignores both when
 * it chunks prefills, and so do we), and `separatePrefill` reproduces TGI's router loop: a new
 * batch is prefilled on its own, stalling the running decodes for that step, and the merged batch
 * then decodes at least once before anyone else is admitted.
 */
export const continuousScheduler: Scheduler = {
  strategy: 'continuous',
  schedule(input: ScheduleInput): Plan {
    const { knobs, memo } = input;
    let b = new PlanBuilder(input);
    b.releaseFinished();
    const runningBefore = b.running().length;
    // TGI backend.rs: min_size = floor(batch_size * waiting_served_ratio), waived once
    // waiting_tokens >= max_waiting_tokens, not applied to an empty batch nor when chunking.
    const waived = knobs.chunkedPrefill || runningBefore === 0 || memo.waitingTokens >= knobs.maxWaitingTokens;
    const minNew = waived ? 1 : Math.max(1, Math.floor(runningBefore * knobs.waitingServedRatio));
    const separate = knobs.separatePrefill && !knobs.chunkedPrefill;

    if (separate) {
      if (!(memo.decodeOwed && runningBefore > 0)) {
        const trial = b.fork();
        trial.admitWaiting(true);
        if (trial.admittedCount >= minNew) b = trial;
      }
      if (b.admittedCount === 0) b.scheduleRunning();
    } else {
      b.scheduleRunning();
      // vLLM admits nobody in an iteration that had to preempt: memory is short.
      if (b.preemptedCount === 0) {
        const trial = b.fork();
        trial.admitWaiting(true);
        if (trial.admittedCount >= minNew) b = trial;
      }
    }
    return b.build(nextMemo(memo, b.admittedCount > 0, runningBefore > 0, separate));
  },
};

/** TGI's counter after this step: a prefill of newcomers sets it to 1, a decode of the batch adds 1. */
function nextMemo(memo: SchedulerMemo, admitted: boolean, batchRan: boolean, separate: boolean): SchedulerMemo {
  if (!admitted) return { waitingTokens: batchRan ? memo.waitingTokens + 1 : memo.waitingTokens, decodeOwed: false };
  // Separate: the prefill ran alone and the merged batch decodes next. Merged: the running batch
  // decoded in the same step as the newcomers' prefill, as TGI's prefill-then-decode pair would.
  if (separate) return { waitingTokens: 1, decodeOwed: batchRan };
  return { waitingTokens: batchRan ? 2 : 1, decodeOwed: false };
}
