import type { Speed } from '../store/config';

/**
 * The display pace: how many iterations a second the page shows, whatever the device could do.
 * It is a teaching choice, kept apart from measurement: the engine's clock counts busy time only
 * (each iteration advances it by its measured or simulated duration), so waiting between
 * iterations changes when an iteration is shown, never a figure computed from the run.
 *
 * Rates are per lane: compare mode's two lanes each advance at the pace, so a side-by-side run
 * takes as long to watch as one lane would.
 */
export const PACE_RATE: Record<Speed, number> = {
  // The default workload (32 requests, 8 slots) runs 107 iterations under continuous batching:
  // about 20 s to watch; static batching's 240 iterations about 50 s.
  teach: 5,
  slow: 1.5,
  max: Infinity,
  step: 0,
};

export const PACE_LABEL: Record<Speed, string> = {
  teach: 'teaching pace',
  slow: 'slow pace',
  max: 'full speed',
  step: 'step by step',
};

/** Wall time one lane-step should take on screen at this pace with `lanes` lanes running (0: no wait). */
export function paceIntervalMs(speed: Speed, lanes: number): number {
  const rate = PACE_RATE[speed];
  if (!Number.isFinite(rate) || rate <= 0) return 0;
  return 1000 / (rate * Math.max(1, lanes));
}

/**
 * How long to wait after a step that took `elapsedMs` of wall time: the rest of the pace's
 * interval, and at any pace at least the simulated duration of a simulated step (a simulated GPU
 * runs in real time). Capped, so that one huge simulated step does not look like a hang.
 */
export function waitAfterStepMs(speed: Speed, lanes: number, elapsedMs: number, simulatedMs = 0, capMs = 2000): number {
  const paced = paceIntervalMs(speed, lanes) - elapsedMs;
  const simulated = Math.min(simulatedMs, capMs) - elapsedMs;
  return Math.max(0, paced, simulated);
}
