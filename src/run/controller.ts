import type { AppStore } from '../store/store';
import type { AppState, LaneId } from '../store/slices';
import type { FromWorker, LaneSpec, ModelSource, ToWorker } from '../worker/protocol';
import type { Commands, ExportKind } from './commands';
import { axisAvailable, compareSides, proposedBudget } from './compare';
import { DEMO_STORY, nextScene, sceneFor } from './demo-story';
import { download, fileName } from './download';
import { exportView } from './exports';
import { exportProblem, importProblem, importTraceFile } from './trace-io';
import { ReplaySource } from './replay-source';
import type { RecordedRun, RecordedRuns, RequestMeta } from './types';

export interface EngineChannel {
  post(m: ToWorker): void;
  onMessage(fn: (m: FromWorker) => void): void;
  dispose(): void;
}

export interface ControllerOptions {
  store: AppStore;
  engine: EngineChannel;
  model: ModelSource;
  /** The built-in models the configuration's `model` picks from. */
  catalog?: ModelSource[];
  /** Recorded runs of the default workload, by strategy, shown until the live engine runs. */
  recorded?: () => Promise<RecordedRuns>;
  /**
   * The recorded demo switches strategy each time it starts over, so a first-time visitor sees
   * static batching idle and continuous batching refill without touching anything. Off when the
   * link chose a strategy; it stops the moment the visitor touches anything (`visitorActed`). It
   * never touches the settings: Play always runs what the controls on the left show.
   */
  alternateDemo?: boolean;
}

const RECORDED_LOOP_PAUSE_MS = 3000;

/**
 * The lanes the configuration asks for: one, or in compare mode two that differ only in the
 * chosen setting (chunked prefill with the budget proposed for this device).
 */
export function lanesFor(s: Pick<AppState, 'compare' | 'config'> & Partial<Pick<AppState, 'compareBy' | 'sweep'>>): LaneSpec[] {
  if (!s.compare) return [{ id: 'a', strategy: s.config.strategy }];
  const axis = s.compareBy && axisAvailable(s.compareBy, s.config) ? s.compareBy : 'strategy';
  const measured = s.sweep?.measured?.backend === s.config.backend ? s.sweep.measured.result : undefined;
  const sides = compareSides(axis, s.config, proposedBudget(s.config, measured));
  return sides.map((side, i) => ({ id: i === 0 ? 'a' : 'b', strategy: side.patch.strategy ?? s.config.strategy, patch: side.patch, label: side.label }));
}

/**
 * Drives the lanes: a replay of recorded runs until the model is ready and the visitor presses
 * Play, then the engine worker; an imported trace replaces both until Reset. It turns the store's
 * configuration into worker messages and the worker's events into the lanes' logs.
 */
export class Controller implements Commands {
  private readonly store: AppStore;
  private readonly opts: ControllerOptions;
  private replay: ReplaySource | null = null;
  private recorded: RecordedRuns | null = null;
  private live = false;
  private alternating: boolean;
  /** The scene of the story (demo-story.ts) the single-lane demo shows: the settings', or the story's while it alternates. */
  private demoScene: number;
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
    this.demoScene = this.alternating ? 0 : sceneFor(opts.store.getState().config);
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
    this.opts.engine.post({ type: 'init', config: s.config, lanes: lanesFor(s), model: this.opts.model, ...(this.opts.catalog ? { catalog: this.opts.catalog } : {}) });
    for (const l of lanesFor(s)) s.setLane(l.id, { strategy: l.strategy, label: l.label ?? null });
    this.setLanes({ phase: 'loading', message: `Loading ${this.opts.model.name}…` });
    void this.opts.recorded?.().then(
      (runs) => {
        this.recorded = runs;
        if (!this.live && !this.replay) this.showRecorded(true);
      },
      () => undefined,
    );
    this.unsubscribe = this.store.subscribe((next, prev) => {
      // A new sweep changes the budget that compare-by-chunked-prefill proposes.
      const budgetMoved = next.sweep.measured !== prev.sweep.measured && next.compare && next.compareBy === 'chunkedPrefill';
      if (next.config !== prev.config || next.compare !== prev.compare || next.compareBy !== prev.compareBy || budgetMoved) this.onConfig(next, prev);
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
    if (!this.recorded[DEMO_STORY[this.demoScene].recording]) this.demoScene = nextScene(this.demoScene, this.recorded);
    const scene = DEMO_STORY[this.demoScene];
    const lanes: LaneSpec[] = s.compare ? this.lanesNow() : [{ id: 'a', strategy: scene.strategy }];
    const recorded = s.compare ? lanes.map((l) => this.recordingFor(l)) : [this.recorded[scene.recording] ?? null];
    if (recorded.some((r) => r === null)) {
      // Nothing was recorded for this comparison: the lanes wait for Play, and say so.
      for (const l of lanes) {
        s.logs[l.id].clear();
        s.setLane(l.id, { source: 'recorded', strategy: l.strategy, label: l.label ?? null, demoAlternates: false, sourceNote: 'nothing (no recording of this comparison)' });
      }
      return;
    }
    const runs = Object.fromEntries(lanes.map((l, i) => [l.id, recorded[i]!]));
    const onPlaying = (p: boolean) => {
      if (!this.failed) this.setLanes({ phase: p ? 'running' : this.ready ? 'ready' : 'loading' });
    };
    const replay = new ReplaySource(runs, s.logs, { onPlaying, onDone: () => this.loopRecorded(replay) }, s.config.speed);
    this.replay = replay;
    const demoAlternates = this.alternating && !s.compare;
    const demoScene = s.compare ? null : { title: scene.title, caption: scene.caption, next: demoAlternates ? DEMO_STORY[nextScene(this.demoScene, this.recorded)].title : null };
    lanes.forEach((l, i) => s.setLane(l.id, { source: 'recorded', strategy: l.strategy, label: l.label ?? null, demoAlternates, demoScene, sourceNote: `${recorded[i]!.backend.description}, model ${recorded[i]!.modelName}` }));
    if (autoplay) this.replay.play();
  }

  /** The recording of a lane: by strategy, or (comparing KV managers) continuous batching under each. */
  private recordingFor(l: LaneSpec): RecordedRun | null {
    const keys = Object.keys(l.patch ?? {});
    if (keys.every((k) => k === 'strategy')) return this.recorded![l.strategy];
    if (keys.length === 1 && l.patch?.kv && l.strategy === 'continuous') return l.patch.kv === 'paged' ? this.recorded!.continuous : (this.recorded!.contiguous ?? null);
    return null;
  }

  /** The demo starts over a few seconds after it ends, so the page stays alive until Play. */
  private loopRecorded(replay: ReplaySource): void {
    setTimeout(() => {
      if (this.replay !== replay || this.live) return;
      if (this.alternating && !this.store.getState().compare) {
        this.demoScene = nextScene(this.demoScene, this.recorded ?? {});
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
    // The demo follows the strategy and KV settings; until then it keeps showing its own scene.
    // A lane added live (compare switched on mid-run) is live too: it no longer shows the recording.
    if (!showsRecording) for (const l of lanes) next.setLane(l.id, { strategy: l.strategy, label: l.label ?? null, ...(this.live ? { source: 'live' as const, sourceNote: null, backend: next.lanes.a.backend } : {}) });
    const changed = next.compare !== prev.compare || next.compareBy !== prev.compareBy || next.config.strategy !== prev.config.strategy || next.config.kv !== prev.config.kv;
    if (showsRecording && changed) {
      this.demoScene = sceneFor(next.config);
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
        s.setSweep({ running: false, measured: m.sweep, error: null });
        break;
      case 'experiment-start':
        s.setExperiment({ running: true, setup: m.setup, rows: [], error: null });
        break;
      case 'experiment-row':
        s.setExperiment({ rows: [...s.experiment.rows, m.row] });
        break;
      case 'experiment-done':
        s.setExperiment({ running: false, error: m.error ?? (m.cancelled ? 'Stopped before every cap was served.' : null) });
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
    this.opts.engine.post({ type: 'sweep' });
  };

  runExperiment = (on: 'sim' | 'device'): void => {
    const s = this.store.getState();
    if (s.experiment.running) return;
    s.setExperiment({ running: true, rows: [], error: null, setup: null });
    this.opts.engine.post({ type: 'experiment', on });
  };

  cancelExperiment = (): void => {
    this.opts.engine.post({ type: 'cancel-experiment' });
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
