import type { LaneId } from '../store/slices';
import type { Speed } from '../store/config';
import type { RecordedRun } from './types';
import type { RunLog } from './run-log';

/** Iterations per second a replay shows: quick enough to watch a whole run, slow enough to follow. */
export const REPLAY_RATE: Record<Speed, number> = { max: 40, slow: 4, step: 0 };

export interface ReplayListener {
  onPlaying(playing: boolean): void;
  onDone(): void;
}

/**
 * Plays recorded runs (the demo shown before the model loads, or an imported trace) into lane
 * logs on the main thread, all lanes in step, with the same play/pause/step as the live engine.
 */
export class ReplaySource {
  private cursor = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private speed: Speed;

  constructor(
    private readonly runs: Partial<Record<LaneId, RecordedRun>>,
    private readonly logs: Record<LaneId, RunLog>,
    private readonly listener: ReplayListener,
    speed: Speed = 'max',
  ) {
    this.speed = speed;
    this.load();
  }

  get length(): number {
    return Math.max(0, ...Object.values(this.runs).map((r) => r!.events.length));
  }

  get playing(): boolean {
    return this.timer !== null;
  }

  /** Clears the lanes and gives them the runs' requests and vocabularies, with no iteration shown yet. */
  private load(): void {
    for (const [lane, run] of this.entries()) {
      const log = this.logs[lane];
      log.clear();
      log.setVocab(run.vocab);
      log.addRequests(run.requests);
    }
  }

  setSpeed(speed: Speed): void {
    this.speed = speed;
    if (this.playing) {
      this.pause();
      this.play();
    }
  }

  play(): void {
    if (this.playing || this.cursor >= this.length) return;
    const rate = REPLAY_RATE[this.speed];
    if (rate === 0) return this.step();
    // A few iterations per tick at high rates keeps timers cheap.
    const perTick = Math.max(1, Math.round(rate / 20));
    this.timer = setInterval(() => this.advance(perTick), (1000 * perTick) / rate);
    this.listener.onPlaying(true);
  }

  pause(): void {
    if (this.timer !== null) clearInterval(this.timer);
    const was = this.timer !== null;
    this.timer = null;
    if (was) this.listener.onPlaying(false);
  }

  step(): void {
    this.advance(1);
  }

  /** Shows the whole run at once (stories, tests, a static picture). */
  showAll(): void {
    this.advance(this.length - this.cursor);
  }

  reset(): void {
    this.pause();
    this.cursor = 0;
    this.load();
  }

  dispose(): void {
    this.pause();
  }

  private advance(n: number): void {
    const end = Math.min(this.length, this.cursor + n);
    for (const [lane, run] of this.entries()) this.logs[lane].append(run.events.slice(this.cursor, Math.min(end, run.events.length)));
    this.cursor = end;
    if (this.cursor >= this.length) {
      this.pause();
      this.listener.onDone();
    }
  }

  private entries(): [LaneId, RecordedRun][] {
    return Object.entries(this.runs) as [LaneId, RecordedRun][];
  }
}
