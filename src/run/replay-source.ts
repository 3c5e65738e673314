import type { LaneId } from '../store/slices';
import type { Speed } from '../store/config';
import { paceIntervalMs } from './pace';
import type { RecordedRun } from './types';
import type { RunLog } from './run-log';

export interface ReplayListener {
  onPlaying(playing: boolean): void;
  onDone(): void;
}

/** Timer tick while replaying as fast as the recording ran: about one frame. */
const FRAME_MS = 16;

/**
 * Plays recorded runs (the demo shown before the model loads, or an imported trace) into lane
 * logs on the main thread, with the same play/pause/step and the same display pace as the live
 * engine (src/run/pace.ts). Like the live engine's lanes, two runs advance by their clocks: the
 * lane whose run time is behind goes next, so side by side they always show the same run time.
 * "As fast as the device" replays at the speed the recording was measured at.
 */
export class ReplaySource {
  private cursors = new Map<LaneId, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private speed: Speed;
  /** For replays at the recorded speed: the wall time at which the recording's clock read `clockAt`. */
  private wallStart = 0;
  private clockAt = 0;

  constructor(
    private readonly runs: Partial<Record<LaneId, RecordedRun>>,
    private readonly logs: Record<LaneId, RunLog>,
    private readonly listener: ReplayListener,
    speed: Speed = 'teach',
  ) {
    this.speed = speed;
    this.load();
  }

  /** Iterations of the longest run. */
  get length(): number {
    return Math.max(0, ...this.entries().map(([, r]) => r.events.length));
  }

  get playing(): boolean {
    return this.timer !== null;
  }

  private get done(): boolean {
    return this.entries().every(([id, r]) => this.cursor(id) >= r.events.length);
  }

  /** Clears the lanes and gives them the runs' requests and vocabularies, with no iteration shown yet. */
  private load(): void {
    for (const [lane, run] of this.entries()) {
      this.cursors.set(lane, 0);
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
    if (this.playing || this.done) return;
    if (this.speed === 'step') return this.step();
    this.wallStart = performance.now();
    this.clockAt = this.clockNow();
    this.timer = setTimeout(() => this.tick(), 0);
    this.listener.onPlaying(true);
  }

  pause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const was = this.timer !== null;
    this.timer = null;
    if (was) this.listener.onPlaying(false);
  }

  /** One iteration of every lane, as Step does on the live engine. */
  step(): void {
    const stepped = new Set<LaneId>();
    this.advanceWhile((_, lane) => !stepped.has(lane) && (stepped.add(lane), true), true);
  }

  /** Shows the whole run at once (stories, tests, a static picture). */
  showAll(): void {
    this.advance(Infinity);
  }

  reset(): void {
    this.pause();
    this.load();
  }

  dispose(): void {
    this.pause();
  }

  private tick(): void {
    if (this.speed === 'max') {
      // The recording's own clock, in real time: every iteration that had ended by now.
      const clock = this.clockAt + (performance.now() - this.wallStart);
      this.advanceWhile((ev) => ev.endMs <= clock);
    } else this.advance(1);
    if (this.done) return;
    const running = this.entries().filter(([id, r]) => this.cursor(id) < r.events.length).length;
    this.timer = setTimeout(() => this.tick(), this.speed === 'max' ? FRAME_MS : paceIntervalMs(this.speed, running));
  }

  private cursor(id: LaneId): number {
    return this.cursors.get(id) ?? 0;
  }

  /** The run time shown so far: the latest end among the lanes' shown iterations. */
  private clockNow(): number {
    let t = 0;
    for (const [id, r] of this.entries()) if (this.cursor(id) > 0) t = Math.max(t, r.events[this.cursor(id) - 1].endMs);
    return t;
  }

  /** The lane to advance next: the one whose next iteration starts earliest on its clock. */
  private nextLane(except?: Set<LaneId>): LaneId | null {
    let best: LaneId | null = null;
    let bestStart = Infinity;
    for (const [id, r] of this.entries()) {
      if (except?.has(id)) continue;
      const ev = r.events[this.cursor(id)];
      if (ev && ev.startMs < bestStart) {
        best = id;
        bestStart = ev.startMs;
      }
    }
    return best;
  }

  private advance(n: number): void {
    let k = 0;
    this.advanceWhile(() => k++ < n);
  }

  /** Advances the lane behind while `more` says so (or, with `skip`, passes over the lanes it refuses). */
  private advanceWhile(more: (next: RecordedRun['events'][number], lane: LaneId) => boolean, skip = false): void {
    const batches = new Map<LaneId, RecordedRun['events']>();
    const refused = new Set<LaneId>();
    for (let lane = this.nextLane(refused); lane !== null; lane = this.nextLane(refused)) {
      const ev = this.runs[lane]!.events[this.cursor(lane)];
      if (!more(ev, lane)) {
        if (!skip) break;
        refused.add(lane);
        continue;
      }
      this.cursors.set(lane, this.cursor(lane) + 1);
      const batch = batches.get(lane);
      if (batch) batch.push(ev);
      else batches.set(lane, [ev]);
    }
    for (const [lane, evs] of batches) this.logs[lane].append(evs);
    if (this.done) {
      this.pause();
      this.listener.onDone();
    }
  }

  private entries(): [LaneId, RecordedRun][] {
    return Object.entries(this.runs) as [LaneId, RecordedRun][];
  }
}
