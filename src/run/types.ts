import type { TrafficOptions } from '../../engine/backend/traffic';
import type { ModelConfig } from '../../engine/model/config';
import type { NumberFormats } from '../../engine/model/quant/formats';
import type { IterationEvent } from '../../engine/serve/events';

/** What the UI knows about a request beyond the per-iteration records. */
export interface RequestMeta {
  id: number;
  /** Arrival time in ms on the run's clock (the same clock as IterationEvent.startMs). */
  arrivalMs: number;
  /** Prompt token ids, BOS included. */
  prompt: number[];
  maxNewTokens: number;
  /** The prompt as text, when the workload has it. */
  promptText?: string;
  /** Tokens the engine expects the request to hold at the end (what its KV reservation is for). */
  expectedTokens?: number;
  /** Completions it asks for (parallel sampling), when more than one. */
  n?: number;
}

/** Where the events on screen come from: always said on screen next to the numbers. */
export type RunSource = 'recorded' | 'live' | 'replay';

export interface BackendInfo {
  kind: 'webgpu' | 'cpu' | 'sim';
  /** The adapter, the simulated GPU, or the CPU engine. */
  description: string;
  /** A deliberately short name for tight places ("OPT-13B on A100-40GB"); the description is the full one. */
  short?: string;
  /** Set when the app wanted WebGPU and fell back: why, in a learner's words. */
  fallbackReason?: string;
  /** The CPU engine's kernels: WebAssembly SIMD (the fast path) or the JavaScript reference. */
  cpuKernels?: 'wasm' | 'js';
  /** The model's shape (the simulated one on the sim), for views that compute bytes from it. */
  config?: ModelConfig;
  /** Weights, KV cache and attention path the backend runs. */
  formats?: NumberFormats;
  /** How the backend's bytes are counted when its shapes do not say it all (the sim). */
  trafficOptions?: TrafficOptions;
}

/** The recorded demo: the default workload under each strategy, and continuous batching with contiguous KV. */
export type RecordedRuns = Record<'static' | 'continuous', RecordedRun> & { contiguous?: RecordedRun };

/** A whole run as stored in fixtures and the recorded demo: enough to replay it with no engine. */
export interface RecordedRun {
  version: 1;
  label: string;
  backend: BackendInfo;
  modelName: string;
  /** Text for every token id the run uses (a sparse map keeps fixtures small). */
  vocab: Record<number, string>;
  requests: RequestMeta[];
  events: IterationEvent[];
}
