import type { IterationEvent } from '../../engine/serve/events';
import type { RunConfig, Strategy } from '../store/config';
import type { BackendInfo, RequestMeta } from '../run/types';
import type { MeasuredSweep } from './sweep';
import type { ExperimentSetup, ExperimentTarget } from './experiment';
import type { AnyscaleRow } from '../../engine';

/** A lane is one engine run: the app has one, compare mode two that differ in one setting. */
export interface LaneSpec {
  id: 'a' | 'b';
  strategy: Strategy;
  /** Settings this lane runs with instead of the configuration's (compare mode's one difference). */
  patch?: Partial<RunConfig>;
  /** What the page calls this lane ("Paged KV"). */
  label?: string;
}

/** Where the worker finds the model files (URLs, resolved by the page). */
export interface ModelSource {
  name: string;
  checkpoint: string;
  tokenizer: string;
}

export type ToWorker =
  /** model: what to load first (a built-in, or a checkpoint the link named); catalog: the built-in models, for config.model. */
  | { type: 'init'; config: RunConfig; lanes: LaneSpec[]; model: ModelSource; catalog?: ModelSource[] }
  /** New settings: strategy, knobs, KV manager and (between real backends) the backend and pool apply at the next iteration; workload changes restart. */
  | { type: 'configure'; config: RunConfig; lanes: LaneSpec[] }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'sweep' }
  | { type: 'experiment'; on: ExperimentTarget }
  | { type: 'cancel-experiment' }
  | { type: 'export-workload' };

export type FromWorker =
  | { type: 'progress'; message: string }
  | { type: 'ready'; backend: BackendInfo; modelName: string; vocab: string[] }
  | { type: 'requests'; lane: LaneSpec['id']; requests: RequestMeta[] }
  | { type: 'events'; lane: LaneSpec['id']; events: IterationEvent[] }
  | { type: 'reset'; lane: LaneSpec['id'] }
  | { type: 'playing'; playing: boolean }
  | { type: 'done'; lane: LaneSpec['id'] }
  /** Fatal: the engine cannot run (the model would not load, say). */
  | { type: 'error'; message: string; code?: string }
  /** Not fatal: a setting was refused and the old one kept. */
  | { type: 'notice'; message: string }
  | { type: 'sweep'; sweep: MeasuredSweep }
  | { type: 'experiment-start'; setup: ExperimentSetup }
  | { type: 'experiment-row'; row: AnyscaleRow }
  /** The experiment ended: finished, cancelled, or failed with `error`. */
  | { type: 'experiment-done'; cancelled: boolean; error?: string }
  | { type: 'workload'; json: string };
