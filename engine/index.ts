/**
 * The engine's public API, for the app (in a Web Worker or on the main thread) and the CLI.
 * Nothing here imports Node, the DOM or React (index.test.ts checks the whole import graph).
 */

// Models, tokenizer, backends
export type { ModelConfig } from './model/config';
export type { Model } from './model/weights';
export { CHECKPOINT_HEADER_BYTES, readCheckpoint, readCheckpointHeader } from './model/checkpoint';
export { BUILT_IN_MODELS, DEFAULT_MODEL, builtInModel, type BuiltInModel } from './model/builtin';
export { expectedTouched, expertStep, type ExpertStep } from './serve/experts';
export { readTokenizer, tokenLabel, Tokenizer, StreamDecoder, BOS, EOS } from './model/tokenizer';
export type { SamplingParams } from './model/sampler';
export type { Backend, BackendKind, KvLayout, SequenceStep, StepResult, StepTiming } from './backend/types';
export { CpuBackend } from './backend/cpu';
export { SimBackend, SIM_TOKEN, gpuPreset, simModelPreset, simKvCapacityTokens, simKvLayout } from './backend/sim/backend';
export { GPU_PRESETS, SIM_MODEL_PRESETS, kvBytesPerToken, type GpuPreset, type SimModelPreset } from './backend/sim/presets';
export { stepCost, type StepCost } from './backend/sim/cost-model';
export { BatchscopeError, isBatchscopeError, type ErrorCode } from './errors';
export { FILE_BYTES, LIMITS, formatBytes } from './limits';

// Serving
export { ServingEngine, type EngineOptions } from './serve/engine';
export type { IterationEvent, SlotRecord, SlotKind, IdleReason, FinishReason, KvSnapshot } from './serve/events';
export type { Request, RequestRecord } from './serve/request';
export { STRATEGIES, DEFAULT_KNOBS, validateKnobs, type Strategy, type SchedulerKnobs } from './serve/sched/knobs';
export { KV_MANAGERS, type KvManagerKind } from './kv/policy';
export { serveToEnd, type ServeResult } from './serve/serve-run';
export { generateAll, type GenerateRequest, type GenerateResult } from './serve/generate';

// Workloads
export { generateWorkload, materialize, type Workload, type WorkloadRequest, type WorkloadSpec } from './serve/workload';
export { WORKLOAD_PRESETS, workloadPreset, type WorkloadPreset } from './serve/workload-presets';
export { parseWorkload, serializeWorkload } from './serve/workload-json';
export { storyPrompts, lengthOnlyPrompts, STORY_OPENINGS, type PromptSource, type SourcedPrompt } from './serve/prompts';
export type { ArrivalSpec, LengthSpec } from './serve/distributions';
export { taskPromptSource, taskPrompt, achievableNewTokens, MODEL_TASKS, EXACT_TASKS, KNOWN_MISSES, type TaskPrompt, type ModelTask } from './model/tasks';

// Metrics, traces, replay
export { MetricsAccumulator, latencyStats, percentile, type RunSummary, type LatencyStats, type GoodputSlo } from './serve/metrics';
export { exportChromeTrace, type TraceRun } from './serve/trace';
export { parseTrace, TraceReplay } from './serve/trace-import';
export { iterationsCsv, ITERATION_CSV_COLUMNS } from './serve/csv';

// The sources' experiments: the batch-size sweep and its knee, Anyscale's variance benchmark
export { findKnee, describeKnee, sweepSizes, KNEE_RULE, type SweepPoint, type KneeResult, type KneeVerdict } from './experiments/knee';
export { runSweep, devicePoolPositions, type SweepOptions, type SweepResult, type SweepStop } from './experiments/sweep';
export { proposeTokenBudget } from './experiments/budget';
export { simSweep } from './experiments/sim-knee';
export { scheduleOnGpu } from './experiments/schedule-cost';
export { ANYSCALE, ANYSCALE_ARMS, ANYSCALE_DIFFERENCES, anyscalePlan, anyscaleSpec, runAnyscale, type AnyscalePlan, type AnyscaleRow, type AnyscaleResult } from './experiments/anyscale';
