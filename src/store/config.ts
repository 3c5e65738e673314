/**
 * Everything a lesson sets: the engine's knobs (named as vLLM and TGI name them), the memory
 * manager, the workload and the backend. It lives in the URL, so a configuration is a link.
 */
import type { SchedulerKnobs } from '../../engine/serve/sched/knobs';
import type { AttentionPath, KvDtype } from '../../engine/model/quant/formats';

export type Strategy = 'static' | 'continuous';
export type KvManager = 'paged' | 'contiguous';
export type BackendChoice = 'webgpu' | 'cpu' | 'sim';
/**
 * The display pace (src/run/pace.ts), never the engine's speed: 'teach' shows a few iterations a
 * second, 'slow' fewer, 'max' as fast as the device runs, 'step' one iteration per Play.
 */
export type Speed = 'teach' | 'slow' | 'max' | 'step';

/** The engine's scheduler knobs (SchedulerKnobs, named as vLLM and TGI name them) plus the rest of a lesson. */
export interface RunConfig extends SchedulerKnobs {
  strategy: Strategy;
  kv: KvManager;
  /** Automatic prefix caching (paged only: a contiguous reservation cannot share blocks). */
  prefixCaching: boolean;
  blockSize: number;
  /** KV pool size in tokens (all layers hold this many positions). */
  kvCapacity: number;
  /** KV pool as a memory budget in MiB instead (0: use kvCapacity); the tokens it holds follow kvDtype. */
  kvMemoryMib: number;
  /** How K/V values are stored ('f32' is the simulated model's own fp16 on the sim). */
  kvDtype: KvDtype;
  /** Matmul weights: f32 ('f32' is the simulated model's own fp16 on the sim) or int8 (Q8_0). */
  weights: 'f32' | 'int8';
  /** fused (online softmax) or unfused (score matrix in memory); the CPU engine always runs its own per-token attention. */
  attention: AttentionPath;
  workload: string;
  requests: number;
  /** Arrival rate in requests/s; 0 means all at once. */
  rate: number;
  seed: number;
  /** Extra prompts typed by the user, served alongside the preset's. */
  prompts: string[];
  /** Completions per request (parallel sampling); 0 keeps the preset's own (1, or 2-8 for parallel-sampling). */
  completions: number;
  backend: BackendChoice;
  /** The real model (a built-in name, engine/model/builtin.ts): the dense one or a mixture of experts. */
  model: string;
  /** Simulated GPU and model, used only by the sim backend. */
  gpu: string;
  simModel: string;
  speed: Speed;
}

export const DEFAULT_CONFIG: RunConfig = {
  strategy: 'continuous',
  maxNumSeqs: 8,
  maxNumBatchedTokens: 2048,
  chunkedPrefill: false,
  separatePrefill: false,
  waitingServedRatio: 0,
  maxWaitingTokens: 20,
  kv: 'paged',
  prefixCaching: false,
  // Chosen so the default workload shows the vLLM paper's point (docs/benchmarks.md, "KV defaults"):
  // contiguous reservation fits 3 of the 8 slots' requests and wastes ~90% of what it allocates;
  // paged fills all 8 and wastes ~2%. 2-token blocks play vLLM's 16 for requests ~10x shorter.
  blockSize: 2,
  kvCapacity: 768,
  kvMemoryMib: 0,
  kvDtype: 'f32',
  weights: 'f32',
  attention: 'fused',
  workload: 'high-variance',
  requests: 32,
  rate: 0,
  seed: 1,
  prompts: [],
  completions: 0,
  backend: 'webgpu',
  model: 'batchscope-tiny',
  gpu: 'A100-40GB',
  simModel: 'OPT-13B',
  speed: 'teach',
};

/** Bounds the controls enforce and the URL reader clamps to, so a hand-edited link cannot wedge the engine. */
export const LIMITS = {
  maxNumSeqs: [1, 64],
  maxNumBatchedTokens: [1, 16384],
  waitingServedRatio: [0, 4],
  maxWaitingTokens: [1, 200],
  blockSize: [1, 64],
  kvCapacity: [64, 65536],
  kvMemoryMib: [0, 256],
  requests: [1, 500],
  rate: [0, 1000],
  seed: [0, 2 ** 31 - 1],
  completions: [0, 8],
} as const satisfies Partial<Record<keyof RunConfig, readonly [number, number]>>;

/** Knobs that only mean something for one strategy; the controls grey the others out. */
export const CONTINUOUS_ONLY: readonly (keyof RunConfig)[] = ['maxNumBatchedTokens', 'chunkedPrefill', 'separatePrefill', 'waitingServedRatio', 'maxWaitingTokens'];
