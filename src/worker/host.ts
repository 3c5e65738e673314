import type { IterationEvent } from '../../engine/serve/events';
import { ServingEngine } from '../../engine/serve/engine';
import { serializeWorkload } from '../../engine/serve/workload-json';
import type { Workload } from '../../engine/serve/workload';
import type { RunConfig } from '../store/config';
import type { FromWorker, LaneSpec, ModelSource, ToWorker } from './protocol';
import { buildWorkload, createBackend, loadModel, requestsFor, vocabulary, type CreatedBackend, type LoadedModel } from './setup';
import { BACKEND_KEYS, WORKLOAD_KEYS, differs, idleMs, knobsOf, laneConfig, movesLive, servedAll, yieldToMessages, type Lane } from './lanes';
import { measureSweep } from './sweep';
import { runExperiment, type ExperimentTarget } from './experiment';
import { waitAfterStepMs } from '../run/pace';

const CANCELLED = new Error('experiment cancelled');

/** Longest real-time wait for the next arrival while idle: longer gaps would look like a hang. */
const MAX_IDLE_WAIT_MS = 2000;
const FLUSH_MS = 16;

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The engine side of the worker: loads the model, owns the backend(s) and one ServingEngine per
 * lane, and runs iterations while playing, posting every IterationEvent. It talks only through
 * `post`, so tests drive it in Node exactly as the page does through postMessage.
 */
export class EngineHost {
  private loaded: LoadedModel | null = null;
  /** The built-in models config.model picks from, and those loaded so far (a model is fetched once). */
  private catalog: ModelSource[] = [];
  private models = new Map<string, Promise<LoadedModel>>();
  private loadedByName = new Map<string, LoadedModel>();
  /** The model each backend was built for, by lane: a lane comparing another model needs its own. */
  private backendModels: string[] = [];
  private config: RunConfig | null = null;
  private specs: LaneSpec[] = [];
  private backends: CreatedBackend[] = [];
  private lanes: Lane[] = [];
  private workload: Workload | null = null;
  private playing = false;
  private pumping = false;
  private generation = 0;
  /** Engine steps, rebuilds and sweeps never overlap: each waits for the one before. */
  private lock: Promise<void> = Promise.resolve();
  private outbox = new Map<LaneSpec['id'], IterationEvent[]>();
  private lastFlush = 0;
  private queue: Promise<void> = Promise.resolve();
  private experimentRunning = false;
  private experimentCancelled = false;

  constructor(
    private readonly post: (m: FromWorker) => void,
    /** How the model is fetched: over HTTP in the page, from disk in tests and tools. */
    private readonly load: (src: ModelSource) => Promise<LoadedModel> = loadModel,
    /** Real-time waits (the display pace, arrivals); tests count them instead of waiting. */
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Messages are handled one at a time, in order; iterations run between them. */
  handle(msg: ToWorker): Promise<void> {
    this.queue = this.queue.then(() => this.dispatch(msg)).catch((e) => this.fail(e));
    return this.queue;
  }

  private async dispatch(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'init':
        this.catalog = msg.catalog ?? [];
        this.loaded = await this.model(msg.model);
        this.config = msg.config;
        this.specs = msg.lanes;
        await this.rebuild(true);
        return;
      case 'configure':
        return this.reconfigure(msg.config, msg.lanes);
      case 'play':
        if (this.config?.speed === 'step') return this.stepOnce();
        this.setPlaying(true);
        void this.pump();
        return;
      case 'pause':
        this.setPlaying(false);
        return;
      case 'step':
        this.setPlaying(false);
        return this.stepOnce();
      case 'reset':
        return this.rebuild(false);
      case 'sweep':
        return this.sweep();
      case 'experiment':
        // Not awaited: the experiment yields between its runs, so a cancel gets through.
        void this.experiment(msg.on);
        return;
      case 'cancel-experiment':
        this.experimentCancelled = true;
        return;
      case 'export-workload':
        if (this.workload) this.post({ type: 'workload', json: serializeWorkload(this.workload) });
        return;
    }
  }

  private setPlaying(playing: boolean): void {
    if (this.playing === playing) return;
    this.playing = playing;
    this.post({ type: 'playing', playing });
  }

  /** A model by its source, fetched the first time only. */
  private model(src: ModelSource): Promise<LoadedModel> {
    let m = this.models.get(src.name);
    if (!m) {
      this.post({ type: 'progress', message: `Downloading ${src.name}…` });
      m = this.load(src);
      m.then(
        (l) => this.loadedByName.set(src.name, l),
        () => this.models.delete(src.name),
      );
      this.models.set(src.name, m);
    }
    return m;
  }

  /** The model a lane's configuration names (compare mode may give each lane its own), else the one loaded. */
  private modelFor(c: RunConfig): LoadedModel {
    return (this.catalog.some((m) => m.name === c.model) && this.loadedByName.get(c.model)) || this.loaded!;
  }

  /** Loads every lane's model before a build (each once: the cache keeps them). */
  private async loadLaneModels(c: RunConfig): Promise<void> {
    for (const spec of this.specs) {
      const src = this.catalog.find((m) => m.name === laneConfig(c, spec).model);
      if (src) await this.model(src);
    }
  }

  private async reconfigure(config: RunConfig, specs: LaneSpec[]): Promise<void> {
    const prev = this.config;
    this.config = config;
    // "Step by step" means one iteration per Play: a run playing on stops where it is.
    if (config.speed === 'step') this.setPlaying(false);
    if (!prev || !this.loaded) return;
    // Another model: its weights, its backends, and the same workload run afresh on it.
    const next = prev.model !== config.model ? this.catalog.find((m) => m.name === config.model) : undefined;
    if (next) {
      this.specs = specs;
      this.loaded = await this.model(next);
      return this.rebuild(true);
    }
    // A lane added, removed, or changed in what it compares: a new run on fresh backends.
    const lanesChanged = JSON.stringify(specs.map((s) => [s.id, s.patch ?? {}])) !== JSON.stringify(this.specs.map((s) => [s.id, s.patch ?? {}]));
    // A lane's own settings count too: comparing KV formats or capacities patches backend settings.
    const backendOf = (c: RunConfig, ss: LaneSpec[]) => JSON.stringify(ss.map((s) => BACKEND_KEYS.map((k) => laneConfig(c, s)[k])));
    const newBackend = differs(prev, config, BACKEND_KEYS) || backendOf(prev, this.specs) !== backendOf(config, specs);
    this.specs = specs;
    // No lanes: the last build failed (a pool too small for a request, say). Nothing runs to move
    // live, so the fixed setting starts the run afresh.
    if (this.lanes.length === 0) return this.rebuild(true);
    if (lanesChanged || differs(prev, config, WORKLOAD_KEYS) || (newBackend && !movesLive(prev, config))) return this.rebuild(newBackend);
    if (newBackend) {
      const refused = await this.exclusive(() => this.moveBackends());
      if (refused !== null) {
        await this.rebuild(true);
        // Reached only when the new run could be built; otherwise its error is what the page shows.
        this.post({ type: 'notice', message: `The run started over: ${refused}` });
        return;
      }
    }
    // Everything else applies live, at the next iteration, to the running engines.
    for (const lane of this.lanes) {
      const spec = specs.find((s) => s.id === lane.spec.id)!;
      lane.spec = spec;
      const own = laneConfig(config, spec);
      lane.engine.setStrategy(own.strategy);
      lane.engine.setKvManager(own.kv);
      lane.engine.setPrefixCaching(own.prefixCaching);
      try {
        lane.engine.setKnobs(knobsOf(own));
      } catch (e) {
        this.post({ type: 'notice', message: `Setting kept as it was: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** New engines on the same workload (and, when asked, new backends); the old run is dropped. */
  private async rebuild(newBackends: boolean): Promise<void> {
    const wasPlaying = this.playing;
    this.generation++;
    await this.exclusive(() => this.build(newBackends));
    // The lanes were announced afresh (phase "paused"); say whether the new run plays on.
    this.post({ type: 'playing', playing: this.playing });
    if (wasPlaying) void this.pump();
  }

  private async build(newBackends: boolean): Promise<void> {
    this.outbox.clear();
    const c = this.config!;
    const loaded = this.loaded!;
    await this.loadLaneModels(c);
    const models = this.specs.map((spec) => this.modelFor(laneConfig(c, spec)).name);
    if (newBackends || this.backends.length < this.specs.length || models.some((m, i) => this.backendModels[i] !== m)) {
      for (const b of this.backends) b.backend.dispose();
      this.backends = [];
      this.post({ type: 'progress', message: c.backend === 'webgpu' ? 'Starting WebGPU…' : 'Starting the engine…' });
      for (const spec of this.specs) this.backends.push(await this.startBackend(laneConfig(c, spec)));
      this.backendModels = models;
    }
    // The backend is up: say so before building the run, so that a run the settings cannot
    // build shows its error next to the adapter it would have used, not under "loading".
    this.announce();
    // Nothing awaits from here on: no step sees the empty lanes, and a run that cannot start
    // (a pool too small for a request) leaves no old lanes behind for the next setting to resume.
    this.lanes = [];
    this.workload = buildWorkload(c, loaded);
    const { requests, metas } = requestsFor(this.workload, loaded.tokenizer);
    this.lanes = this.specs.map((spec, i) => {
      const own = laneConfig(c, spec);
      return { spec, done: false, last: null, engine: new ServingEngine({ backend: this.backends[i].backend, requests, strategy: own.strategy, knobs: knobsOf(own), kvManager: own.kv, prefixCaching: own.prefixCaching }) };
    });
    for (const lane of this.lanes) {
      this.post({ type: 'reset', lane: lane.spec.id });
      this.post({ type: 'requests', lane: lane.spec.id, requests: metas });
    }
  }

  /**
   * New backends take over the running engines at the next iteration (each engine recomputes its
   * running requests' KV cache there). Returns why an engine refused (a pool too small for a
   * request), and then the caller restarts the run; null when they moved.
   */
  private async moveBackends(): Promise<string | null> {
    const c = this.config!;
    const fresh: CreatedBackend[] = [];
    for (const lane of this.lanes) fresh.push(await this.startBackend(laneConfig(c, lane.spec)));
    try {
      this.lanes.forEach((lane, i) => lane.engine.setBackend(fresh[i].backend));
    } catch (e) {
      this.lanes.forEach((lane, i) => lane.engine.setBackend(this.backends[i].backend));
      for (const b of fresh) b.backend.dispose();
      return e instanceof Error ? e.message : String(e);
    }
    for (const b of this.backends) b.backend.dispose();
    this.backends = fresh;
    this.announce();
    return null;
  }

  private startBackend(c: RunConfig): Promise<CreatedBackend> {
    return createBackend(c, this.modelFor(c), (info) => {
      this.post({ type: 'notice', message: info.fallbackReason ?? 'The GPU was lost; the run goes on on the CPU.' });
      this.post({ type: 'ready', backend: info, modelName: this.loaded!.name, vocab: vocabulary(this.loaded!.tokenizer) });
    });
  }

  private announce(): void {
    const info = this.backends[0].info;
    this.post({ type: 'ready', backend: info, modelName: info.kind === 'sim' ? info.description : this.loaded!.name, vocab: vocabulary(this.loaded!.tokenizer) });
  }

  /** One iteration of every lane that still has work. */
  private async stepOnce(): Promise<void> {
    for (const lane of this.lanes) await this.stepLane(lane, this.generation);
    this.flush(true);
  }

  private stepLane(lane: Lane, generation: number): Promise<void> {
    return this.exclusive(async () => {
      // A rebuild may have replaced the lanes (and disposed their backends) while this step
      // waited its turn, even one that began before the step was queued.
      if (lane.done || generation !== this.generation || !this.lanes.includes(lane)) return;
      const ev = await lane.engine.step();
      this.accept(lane, ev);
    });
  }

  private accept(lane: Lane, ev: IterationEvent | null): void {
    if (!ev) {
      lane.done = true;
      this.flush(true);
      this.post({ type: 'done', lane: lane.spec.id });
      return;
    }
    lane.last = ev;
    const box = this.outbox.get(lane.spec.id) ?? [];
    box.push(ev);
    this.outbox.set(lane.spec.id, box);
  }

  /** Runs iterations while playing; with two lanes, always the one whose clock is behind. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.playing) {
        const generation = this.generation;
        const lane = this.lanes.filter((l) => !l.done).sort((a, b) => a.engine.nowMs - b.engine.nowMs)[0];
        if (!lane) {
          this.setPlaying(false);
          break;
        }
        // Real time: with nothing to run, wait for the next arrival as the clock would, instead
        // of letting the engine jump over the gap (its clock still counts busy time only).
        const idle = idleMs(lane);
        if (idle > 0) {
          this.flush(true);
          await this.sleep(Math.min(idle, MAX_IDLE_WAIT_MS));
          if (!this.playing || generation !== this.generation) continue;
        }
        const t0 = performance.now();
        await this.stepLane(lane, generation);
        // The display pace: wait out the rest of the pace's interval after the step. The engine's
        // clock has already advanced by the step's busy time alone, so no figure depends on it.
        const simulatedMs = lane.last?.timeSource === 'simulated' ? lane.last.endMs - lane.last.startMs : 0;
        const running = this.lanes.filter((l) => !l.done).length;
        // After a lane's last iteration there is nothing more to show: it is marked done at once,
        // so a Reset right after the run ends cannot find the host still "playing" the old run.
        const wait = servedAll(lane) ? 0 : waitAfterStepMs(this.config?.speed ?? 'teach', running, performance.now() - t0, simulatedMs, MAX_IDLE_WAIT_MS);
        if (wait > 0) {
          this.flush(true);
          await this.sleep(wait);
        } else {
          this.flush(false);
          await yieldToMessages();
        }
      }
    } catch (e) {
      this.setPlaying(false);
      this.fail(e);
    } finally {
      this.flush(true);
      this.pumping = false;
    }
  }

  private flush(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastFlush < FLUSH_MS) return;
    this.lastFlush = now;
    for (const [lane, events] of this.outbox) if (events.length) this.post({ type: 'events', lane, events });
    this.outbox.clear();
  }

  private async sweep(): Promise<void> {
    const wasPlaying = this.playing;
    this.setPlaying(false);
    try {
      const sweep = await this.exclusive(() => measureSweep(this.config!, this.loaded!));
      this.post({ type: 'sweep', sweep });
    } finally {
      if (wasPlaying) {
        this.setPlaying(true);
        void this.pump();
      }
    }
  }

  /** Anyscale's experiment (worker/experiment.ts); the live run pauses meanwhile and resumes after. */
  private async experiment(on: ExperimentTarget): Promise<void> {
    if (this.experimentRunning || !this.config || !this.loaded) return;
    this.experimentRunning = true;
    this.experimentCancelled = false;
    const wasPlaying = this.playing;
    this.setPlaying(false);
    let cancelled = false;
    let error: string | undefined;
    try {
      await this.exclusive(() =>
        runExperiment(this.config!, this.loaded!, on, {
          start: (setup) => this.post({ type: 'experiment-start', setup }),
          row: (row) => this.post({ type: 'experiment-row', row }),
          between: async () => {
            await yieldToMessages();
            if (this.experimentCancelled) throw CANCELLED;
          },
        }),
      );
    } catch (e) {
      if (e === CANCELLED) cancelled = true;
      else error = e instanceof Error ? e.message : String(e);
    } finally {
      this.experimentRunning = false;
      this.post({ type: 'experiment-done', cancelled, ...(error ? { error } : {}) });
      if (wasPlaying) {
        this.setPlaying(true);
        void this.pump();
      }
    }
  }

  private fail(e: unknown): void {
    const err = e as { message?: string; code?: string };
    this.post({ type: 'error', message: err?.message ?? String(e), code: err?.code });
  }
}
