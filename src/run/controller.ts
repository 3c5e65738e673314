import { sweepSizes } from '../../components/Sweep/knee';
import type { AppStore } from '../store/store';
import type { AppState, LaneId } from '../store/slices';
import type { FromWorker, LaneSpec, ModelSource, ToWorker } from '../worker/protocol';
import type { Commands, ExportKind } from './commands';
import { download, fileName } from './download';
import { exportView } from './exports';
import { exportProblem, importProblem, importTraceFile } from './trace-io';
import { ReplaySource } from './replay-source';
import type { RecordedRun, RequestMeta } from './types';

export interface EngineChannel {
  post(m: ToWorker): void;
  onMessage(fn: (m: FromWorker) => void): void;
  dispose(): void;
}

export interface ControllerOptions {
  store: AppStore;
  engine: EngineChannel;
  model: ModelSource;
  /** Recorded runs of the default workload, by strategy, shown until the live engine runs. */
  recorded?: () => Promise<Record<'static' | 'continuous', RecordedRun>>;
  /**
   * The recorded demo switches strategy each time it starts over, so a first-time visitor sees
   * static batching idle and continuous batching refill without touching anything. Off when the
   * link chose a strategy; it stops the moment the visitor touches anything (`visitorActed`). It
   * never touches the settings: Play always runs what the controls on the left show.
   */
  alternateDemo?: boolean;
}

const RECORDED_LOOP_PAUSE_MS = 3000;

export const lanesFor = (s: Pick<AppState, 'compare' | 'config'>): LaneSpec[] =>
  s.compare
    ? [
        { id: 'a', strategy: 'static' },
        { id: 'b', strategy: 'continuous' },
      ]
    : [{ id: 'a', strategy: s.config.strategy }];

/**
 * Drives the lanes: a replay of recorded runs until the model is ready and the visitor presses
 * Play, then the engine worker; an imported trace replaces both until Reset. It turns the store's
 * configuration into worker messages and the worker's events into the lanes' logs.
 */
export class Controller implements Commands {
  private readonly store: AppStore;
  private readonly opts: ControllerOptions;
  private replay: ReplaySource | null = null;
  private recorded: Record<'static' | 'continuous', RecordedRun> | null = null;
  private live = false;
  private alternating: boolean;
  /** The strategy the single-lane demo shows: the setting's, or the other one while it alternates. */
  private demoStrategy: 'static' | 'continuous';
  private ready = false;
  private pendingPlay = false;
  /** The engine reported an error and has not been ready since: the recording must not hide it. */
  private failed = false;
  private vocab: string[] = [];
  private requests = new Map<LaneId, RequestMeta[]>();
  private unsubscribe: (() => void) | null = null;

  constructor(opts: ControllerOptions) {
    this.opts = opts;
    this.store = opts.store;
    this.alternating = opts.alternateDemo ?? false;
    this.demoStrategy = opts.store.getState().config.strategy;
  }

  /** The visitor clicked or typed somewhere: the demo stops alternating and keeps what it shows. */
  visitorActed = (): void => {
    if (!this.alternating) return;
    this.alternating = false;
    const s = this.store.getState();
    for (const l of this.lanesNow()) s.setLane(l.id, { demoAlternates: false });
  };

  start(): void {
    const s = this.store.getState();
    this.opts.engine.onMessage((m) => this.onMessage(m));
    this.opts.engine.post({ type: 'init', config: s.config, lanes: lanesFor(s), model: this.opts.model });
    for (const l of lanesFor(s)) s.setLane(l.id, { strategy: l.strategy });
    this.setLanes({ phase: 'loading', message: `Loading ${this.opts.model.name}…` });
    void this.opts.recorded?.().then(
      (runs) => {
        this.recorded = runs;
        if (!this.live && !this.replay) this.showRecorded(true);
      },
      () => undefined,
    );
    this.unsubscribe = this.store.subscribe((next, prev) => {
      if (next.config !== prev.config || next.compare !== prev.compare) this.onConfig(next, prev);
    });
  }

  dispose(): void {
    this.unsubscribe?.();
    this.replay?.dispose();
    this.opts.engine.dispose();
  }

  private lanesNow(): LaneSpec[] {
    return lanesFor(this.store.getState());
  }

  private setLanes(patch: Parameters<AppState['setLane']>[1]): void {
    for (const l of this.lanesNow()) this.store.getState().setLane(l.id, patch);
  }

  /** The recorded demo: one strategy, or both side by side in compare mode. */
  private showRecorded(autoplay: boolean): void {
    if (!this.recorded) return;
    this.replay?.dispose();
    const s = this.store.getState();
    const lanes = s.compare ? this.lanesNow() : [{ id: 'a' as const, strategy: this.demoStrategy }];
    const runs = Object.fromEntries(lanes.map((l) => [l.id, this.recorded![l.strategy]]));
    const onPlaying = (p: boolean) => {
      if (!this.failed) this.setLanes({ phase: p ? 'running' : this.ready ? 'ready' : 'loading' });
    };
    const replay = new ReplaySource(runs, s.logs, { onPlaying, onDone: () => this.loopRecorded(replay) }, s.config.speed);
    this.replay = replay;
    const demoAlternates = this.alternating && !s.compare;
    for (const l of lanes) s.setLane(l.id, { source: 'recorded', strategy: l.strategy, demoAlternates, sourceNote: `${this.recorded[l.strategy].backend.description}, model ${this.recorded[l.strategy].modelName}` });
    if (autoplay) this.replay.play();
  }

  /** The demo starts over a few seconds after it ends (with the other strategy while it alternates). */
  private loopRecorded(replay: ReplaySource): void {
    setTimeout(() => {
      if (this.replay !== replay || this.live) return;
      if (this.alternating && !this.store.getState().compare) {
        this.demoStrategy = this.demoStrategy === 'static' ? 'continuous' : 'static';
        return this.showRecorded(true);
      }
      replay.reset();
      replay.play();
    }, RECORDED_LOOP_PAUSE_MS);
  }

  private onConfig(next: AppState, prev: AppState): void {
    this.visitorActed();
    const lanes = lanesFor(next);
    this.opts.engine.post({ type: 'configure', config: next.config, lanes });
    if (next.config.speed !== prev.config.speed) this.replay?.setSpeed(next.config.speed);
    const showsRecording = !this.live && this.replay && this.store.getState().lanes.a.source === 'recorded';
    // The demo follows the strategy setting; until then it keeps showing its own.
    if (!showsRecording) for (const l of lanes) next.setLane(l.id, { strategy: l.strategy });
    if (showsRecording && (next.compare !== prev.compare || next.config.strategy !== prev.config.strategy)) {
      this.demoStrategy = next.config.strategy;
      this.showRecorded(true);
    }
  }

  private onMessage(m: FromWorker): void {
    const s = this.store.getState();
    switch (m.type) {
      case 'progress':
        this.setLanes({ message: m.message });
        break;
      case 'ready':
        this.ready = true;
        this.failed = false;
        this.vocab = m.vocab;
        this.setLanes({ backend: m.backend, modelName: m.modelName, message: null, ...(this.live ? {} : { phase: this.replay?.playing ? 'running' : 'ready' }) });
        if (this.live) for (const l of this.lanesNow()) s.logs[l.id].setVocab(m.vocab);
        if (this.pendingPlay) {
          this.pendingPlay = false;
          this.play();
        }
        break;
      case 'reset':
        if (this.live) {
          s.logs[m.lane].clear();
          s.setLane(m.lane, { phase: 'paused' });
        }
        break;
      case 'requests':
        this.requests.set(m.lane, m.requests);
        if (this.live) s.logs[m.lane].addRequests(m.requests);
        break;
      case 'events':
        if (this.live) s.logs[m.lane].append(m.events);
        break;
      case 'playing':
        // A lane that finished stays "done" (Play then starts the workload over).
        if (this.live) for (const l of this.lanesNow()) if (s.lanes[l.id].phase !== 'done') s.setLane(l.id, { phase: m.playing ? 'running' : 'paused' });
        break;
      case 'done':
        if (this.live) s.setLane(m.lane, { phase: 'done' });
        break;
      case 'error':
        this.failed = true;
        this.setLanes({ phase: 'error', message: `The engine stopped: ${m.message}` });
        s.setSweep({ running: false });
        break;
      case 'notice':
        s.setNotice(m.message);
        break;
      case 'sweep':
        s.setSweep({ running: false, points: m.points, adapter: m.adapter, error: null, simulated: m.simulated ?? false });
        break;
      case 'workload':
        download(fileName('workload', 'json'), m.json);
        break;
    }
  }

  /** Replaces whatever the lanes show with the live engine's run (from its first iteration). */
  private goLive(): void {
    if (this.live) return;
    this.replay?.dispose();
    this.replay = null;
    this.live = true;
    const s = this.store.getState();
    for (const l of this.lanesNow()) {
      const log = s.logs[l.id];
      log.clear();
      log.setVocab(this.vocab);
      log.addRequests(this.requests.get(l.id) ?? []);
      // What runs now is the settings' strategy, whatever the demo last showed.
      s.setLane(l.id, { source: 'live', phase: 'paused', sourceNote: null, backend: s.lanes.a.backend, strategy: l.strategy, demoAlternates: false });
    }
  }

  play = (): void => {
    if (this.replay && this.store.getState().lanes.a.source === 'replay') return this.replay.play();
    if (!this.ready) {
      this.pendingPlay = true;
      this.replay?.play();
      return;
    }
    if (this.refuseWhileFailed()) return;
    const s = this.store.getState();
    if (this.live && this.lanesNow().every((l) => s.lanes[l.id].phase === 'done')) this.opts.engine.post({ type: 'reset' });
    this.goLive();
    this.opts.engine.post({ type: 'play' });
  };

  /**
   * The engine could not build a run from the settings (its error is on screen): there is nothing
   * to play until a setting changes, so Play keeps the error up and says so instead of clearing it.
   */
  private refuseWhileFailed(): boolean {
    if (!this.failed) return false;
    this.store.getState().setNotice('Nothing to play: change the setting that the message above the grid names, then press Play.');
    return true;
  }

  pause = (): void => {
    this.pendingPlay = false;
    this.replay?.pause();
    if (this.live) this.opts.engine.post({ type: 'pause' });
  };

  step = (): void => {
    if (!this.ready || (this.replay && this.store.getState().lanes.a.source === 'replay')) return this.replay?.step();
    if (this.refuseWhileFailed()) return;
    this.goLive();
    this.opts.engine.post({ type: 'step' });
  };

  reset = (): void => {
    const source = this.store.getState().lanes.a.source;
    if (source === 'recorded' && this.replay) return this.replay.reset();
    if (source === 'replay') {
      this.replay?.dispose();
      this.replay = null;
      this.live = false;
      this.goLive();
    }
    this.opts.engine.post({ type: 'reset' });
  };

  runSweep = (): void => {
    const s = this.store.getState();
    s.setSweep({ running: true, error: null });
    this.opts.engine.post({ type: 'sweep', batchSizes: sweepSizes(s.config.backend === 'cpu' ? 64 : 256) });
  };

  exportFile = (kind: ExportKind): void => {
    const s = this.store.getState();
    if (kind === 'workload') return this.opts.engine.post({ type: 'export-workload' });
    exportView(kind, s, this.lanesNow().map((l) => l.id)).catch((e: unknown) => s.setNotice(exportProblem(e)));
  };

  importTrace = (file: File): void => {
    const s = this.store.getState();
    void importTraceFile(file)
      .then((runs) => {
        this.pause();
        this.replay?.dispose();
        this.replay = null;
        this.live = false;
        s.setUi({ compare: runs.length > 1 });
        const byLane = { a: runs[0], ...(runs[1] ? { b: runs[1] } : {}) };
        this.replay = new ReplaySource(byLane, s.logs, { onPlaying: (p) => this.setLanes({ phase: p ? 'running' : 'paused' }), onDone: () => this.setLanes({ phase: 'done' }) }, s.config.speed);
        (Object.keys(byLane) as LaneId[]).forEach((id) => s.setLane(id, { source: 'replay', phase: 'paused', sourceNote: `${file.name} (${byLane[id]!.label})`, strategy: byLane[id]!.events[0]?.strategy ?? 'continuous' }));
        this.replay.showAll();
      })
      .catch((e: unknown) => s.setNotice(importProblem(file.name, e)));
  };
}
