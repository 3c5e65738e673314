import { BatchscopeError } from '../errors';
import type { WorkloadSpec } from './workload';

export interface WorkloadPreset {
  spec: Omit<WorkloadSpec, 'seed'>;
  description: string;
  /** KV token slots the preset needs for memory not to limit its batch (the app sets it with the preset); unset: the default pool. */
  kvCapacity?: number;
}

/**
 * The standard workloads. All but `anyscale` are sized for the tiny models (seq_len 512, CPU or a
 * browser GPU); `anyscale` is Anyscale's throughput benchmark at full size, for simulated models.
 */
export const WORKLOAD_PRESETS: Record<string, WorkloadPreset> = {
  uniform: {
    description: 'every request at once (32 unless set), every answer 64 tokens: static batching wastes little here',
    spec: { name: 'uniform', count: 32, arrival: { kind: 'burst' }, promptTokens: { kind: 'fixed', n: 16 }, outputTokens: { kind: 'fixed', n: 64 } },
  },
  'high-variance': {
    description: "Anyscale's benchmark scaled down: every request at once (32 unless set), answers exponential (mean 32) kept under 192 tokens, max_new_tokens 192",
    spec: {
      name: 'high-variance',
      count: 32,
      arrival: { kind: 'burst' },
      promptTokens: { kind: 'fixed', n: 16 },
      outputTokens: { kind: 'capped-exponential', mean: 32, cap: 192 },
    },
  },
  poisson: {
    description: 'Poisson arrivals at 20 requests/s (32 requests unless set), prompts 4-32 tokens, answers exponential (mean 32) under 192',
    spec: {
      name: 'poisson',
      count: 32,
      arrival: { kind: 'poisson', rate: 20 },
      promptTokens: { kind: 'uniform', min: 4, max: 32 },
      outputTokens: { kind: 'capped-exponential', mean: 32, cap: 192 },
    },
  },
  'long-prompts': {
    description: 'prompts of 150-400 tokens (the model resumes its own long answers), short and long answers mixed (max_new_tokens 112 or the answer), every request at once (32 unless set): whole prompts stall the decodes beside them until chunked prefill splits them',
    spec: {
      name: 'long-prompts',
      count: 32,
      arrival: { kind: 'burst' },
      // 153-397 estimated: resumed list prompts are within 3 tokens of their estimate.
      promptTokens: { kind: 'uniform', min: 153, max: 397 },
      outputTokens: { kind: 'capped-exponential', mean: 48, cap: 256 },
      // 400 + 112 - 1 fits seq_len 512; a longer answer (after a shorter prompt) raises its own max.
      maxNewTokens: 112,
      taskPrompts: 'resumed',
    },
    // 8 slots of up to ~440 positions: the lesson is about steps, not memory.
    kvCapacity: 4096,
  },
  'system-prompt': {
    description:
      'every request at once (32 unless set), each one shared system prompt (a preamble of ~186 tokens) then its own short question (a capital or a count-down), answers of 2-9 tokens: turn prefix caching on to compute the preamble once',
    spec: {
      name: 'system-prompt',
      count: 32,
      arrival: { kind: 'burst' },
      promptTokens: { kind: 'fixed', n: 16 },
      outputTokens: { kind: 'uniform', min: 2, max: 9 },
      sharedPrefix: 186,
    },
    // 8 slots of ~200 positions with caching off; with it on, the preamble is stored once.
    kvCapacity: 2048,
  },
  'parallel-sampling': {
    description: 'every request at once (12 unless set), each asking for 2-8 completions sampled at temperature 0.8; under paged KV the completions share their prompt',
    spec: {
      name: 'parallel-sampling',
      count: 12,
      arrival: { kind: 'burst' },
      promptTokens: { kind: 'fixed', n: 16 },
      outputTokens: { kind: 'capped-exponential', mean: 32, cap: 192 },
      completions: { kind: 'uniform', min: 2, max: 8 },
      temperature: 0.8,
    },
    // Up to 8 completions of up to ~200 positions at once.
    kvCapacity: 2048,
  },
  anyscale: {
    description: "Anyscale's throughput benchmark (simulated models): 1,000 requests of 512 prompt tokens at once, answers exponential (mean 128) under 1,536, max_tokens forced to each answer's length",
    spec: {
      name: 'anyscale',
      count: 1000,
      arrival: { kind: 'burst' },
      promptTokens: { kind: 'fixed', n: 512 },
      outputTokens: { kind: 'capped-exponential', mean: 128, cap: 1536 },
      maxNewTokens: 'output',
    },
  },
};

/** Own keys only: "toString" or "__proto__" are no presets. */
export const isWorkloadPreset = (name: string): boolean => Object.hasOwn(WORKLOAD_PRESETS, name);

export function workloadPreset(name: string, seed: number): WorkloadSpec {
  const p = isWorkloadPreset(name) ? WORKLOAD_PRESETS[name] : undefined;
  if (!p) throw new BatchscopeError('bad-argument', `unknown workload preset "${name}" (one of ${Object.keys(WORKLOAD_PRESETS).join(', ')}, or a workload JSON file)`);
  return { ...p.spec, seed };
}
