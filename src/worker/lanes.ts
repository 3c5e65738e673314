import type { IterationEvent } from '../../engine/serve/events';
import type { ServingEngine } from '../../engine/serve/engine';
import type { SchedulerKnobs } from '../../engine/serve/sched/knobs';
import type { RunConfig } from '../store/config';
import type { LaneSpec } from './protocol';

/** One engine run in the worker: the app has one lane, compare mode two. */
export interface Lane {
  spec: LaneSpec;
  engine: ServingEngine;
  done: boolean;
  last: IterationEvent | null;
}

/** A lane's own configuration: the page's, with what compare mode changes for this lane. */
export const laneConfig = (c: RunConfig, spec: LaneSpec): RunConfig => ({ ...c, strategy: spec.strategy, ...spec.patch });

/** The scheduler knobs of a configuration (only those: the engine validates what it is given). */
export const knobsOf = (c: RunConfig): SchedulerKnobs => ({
  maxNumSeqs: c.maxNumSeqs,
  maxNumBatchedTokens: c.maxNumBatchedTokens,
  chunkedPrefill: c.chunkedPrefill,
  separatePrefill: c.separatePrefill,
  waitingServedRatio: c.waitingServedRatio,
  maxWaitingTokens: c.maxWaitingTokens,
});

/**
 * Settings that need new backends, and settings that need a new workload. A new workload restarts
 * the run; new backends take over the running engines when `movesLive` allows (the engine
 * recomputes the KV cache there), else the run restarts too.
 */
export const BACKEND_KEYS: (keyof RunConfig)[] = ['backend', 'gpu', 'simModel', 'blockSize', 'kvCapacity', 'kvMemoryMib', 'kvDtype', 'weights', 'attention'];
export const WORKLOAD_KEYS: (keyof RunConfig)[] = ['workload', 'requests', 'rate', 'seed', 'prompts', 'completions'];
/** A run moves live between real backends (same model), or between simulated GPUs for one simulated model. */
export const movesLive = (a: RunConfig, b: RunConfig): boolean =>
  a.backend === 'sim' || b.backend === 'sim' ? a.backend === b.backend && a.simModel === b.simModel : true;

export const differs = (a: RunConfig, b: RunConfig, keys: (keyof RunConfig)[]) => keys.some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

/** How long a lane has nothing to do before its next request arrives (0 when it has work). */
export function idleMs(lane: Lane): number {
  const next = lane.engine.nextArrivalMs;
  const last = lane.last;
  if (next === null || !last || last.queueLength > 0 || last.slots.some((s) => s.requestId !== null && !s.finished)) return 0;
  return Math.max(0, next - lane.engine.nowMs);
}

/** True once the lane's newest iteration finished its last request: the next step only says "done". */
export function servedAll(lane: Lane): boolean {
  const last = lane.last;
  if (!last || last.queueLength > 0 || lane.engine.nextArrivalMs !== null) return false;
  return last.slots.every((s) => s.requestId === null || s.finished || s.idleReason === 'finished');
}

/** Lets queued messages (pause, a new setting) in between iterations. */
export const yieldToMessages = (): Promise<void> =>
  new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(0);
  });
