import { PlanBuilder } from './plan-builder';
import type { Plan, ScheduleInput, Scheduler } from './types';

/**
 * Request-level (static) batching, as a Hugging Face pipeline or FasterTransformer serves: take up
 * to max_num_seqs waiting requests, run them until every one has finished, and only then take the
 * next batch. A request that finishes early keeps its slot, idle, until the batch ends (the white
 * cells after END in Anyscale's figure). Nothing joins a running batch; a request preempted out of
 * it waits for the next batch.
 */
export const staticScheduler: Scheduler = {
  strategy: 'static',
  schedule(input: ScheduleInput): Plan {
    const b = new PlanBuilder(input);
    if (b.running().length === 0) {
      b.releaseFinished();
      // The whole batch is admitted at once; prompts beyond this step's budget wait in their slots.
      b.admitWaiting(false);
    } else {
      b.scheduleRunning();
    }
    return b.build(input.memo);
  },
};
