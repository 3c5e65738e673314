import { PlanBuilder } from './plan-builder';
import type { Plan, ScheduleInput, Scheduler } from './types';

/**
 * Iteration-level (continuous) batching, Orca's idea as vLLM and TGI implement it: every iteration
 * a finished request's slot is freed and waiting requests are admitted into free slots as the KV
 * manager allows, so the batch is refilled as soon as anything ends.
 *
 * Within an iteration, running requests are scheduled first (vLLM V1 and Sarathi-Serve put decodes
 * first), then newcomers take what is left of the token budget. Two TGI knobs gate admission
 * (waiting_served_ratio, max_waiting_tokens), and `separatePrefill` reproduces TGI's prefill of a
 * new batch on its own, which stalls the running decodes for one step.
 */
export const continuousScheduler: Scheduler = {
  strategy: 'continuous',
  schedule(input: ScheduleInput): Plan {
    const { knobs, memo } = input;
    let b = new PlanBuilder(input);
    b.releaseFinished();
    const runningBefore = b.running().length;
    // TGI backend.rs: min_size = floor(batch_size * waiting_served_ratio), waived once
    // waiting_tokens >= max_waiting_tokens, and not applied to an empty batch.
    const waived = runningBefore === 0 || memo.stepsSinceAdmission >= knobs.maxWaitingTokens;
    const minNew = waived ? 1 : Math.max(1, Math.floor(runningBefore * knobs.waitingServedRatio));
    const separate = knobs.separatePrefill && !knobs.chunkedPrefill;

    if (separate) {
      const trial = b.fork();
      trial.admitWaiting(true);
      if (trial.admittedCount >= minNew) b = trial;
      else b.scheduleRunning();
    } else {
      b.scheduleRunning();
      // vLLM V1 admits nobody in an iteration that had to preempt: memory is short.
      if (b.preemptedCount === 0) {
        const trial = b.fork();
        trial.admitWaiting(true);
        if (trial.admittedCount >= minNew) b = trial;
      }
    }
    const admitted = b.admittedCount > 0;
    return b.build({ stepsSinceAdmission: admitted ? 0 : runningBefore > 0 ? memo.stepsSinceAdmission + 1 : 0 });
  },
};
