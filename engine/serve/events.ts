/**
 * The IterationEvent: one record per engine iteration, the single source for the grid, the KV
 * memory map, the charts, the traces, the stories' fixtures and golden tests. If a view needs
 * something, it goes in here. Events are plain data (numbers, strings, arrays, typed arrays) so
 * they cross postMessage and JSON unchanged (typed arrays become number[] in JSON).
 */
import type { SchedulerKnobs } from './sched/knobs';
import type { NumberFormats } from '../model/quant/formats';
import type { TrafficCategory } from '../backend/traffic';

/** Bytes by category for one step (see IterationEvent.traffic). */
export type StepBytes = Record<TrafficCategory, number>;
import type { ExpertStep } from './experts';

export type SlotKind = 'prefill' | 'decode' | 'idle';

/**
 * Why a slot did no work this iteration:
 * - 'empty': no request holds the slot (nothing waiting, or the scheduler admitted nobody);
 * - 'finished': the slot's request has finished but static batching keeps the slot until the
 *   whole batch is done (the white cells after END in Anyscale's figure);
 * - 'stalled': a running request skipped this iteration (e.g. decodes paused while newcomers
 *   prefill, TGI-style, or the token budget ran out);
 * - 'preempted': its request was evicted for lack of KV memory and waits to be recomputed.
 */
export type IdleReason = 'empty' | 'finished' | 'stalled' | 'preempted';

export type FinishReason = 'eos' | 'length';

export interface SlotRecord {
  /** Row in the grid: batch slot 0 .. maxSlots - 1. */
  slot: number;
  /** The request in the slot, or null when empty. A finished/stalled slot keeps its request id. */
  requestId: number | null;
  kind: SlotKind;
  /** Tokens processed this iteration: prompt chunk length, 1 for decode, 0 when idle. */
  tokenCount: number;
  /** Position of the first processed token (undefined when idle). */
  startPos?: number;
  /** The processed input tokens (prompt chunk, or the previous token for a decode). */
  inputTokens?: number[];
  /** Token sampled at the end of this iteration, or -1 (idle, or a prefill chunk that is not the last). */
  outputToken: number;
  /** True on the iteration that produced the request's last token. */
  finished: boolean;
  finishReason?: FinishReason;
  idleReason?: IdleReason;
  /** Which of the request's completions runs in the slot (0-based), only for requests asking for n > 1. */
  completion?: number;
  /**
   * On the first run after an admission: prompt positions served from the prefix cache, computed
   * by nobody this time (they are the positions before `startPos`).
   */
  cachedTokens?: number;
  /** On a completion's first run after its fork: positions it shares with the completion that prefilled them. */
  forkedTokens?: number;
}

/**
 * The physical KV pool after the iteration, in token slots (capacity = numBlocks * blockSize):
 * used + reserved + internal + external + free = capacity, always.
 * - used: slots holding a token's K/V;
 * - reserved: allocated slots the request will still fill (its expected final length is known to
 *   the engine: max_new_tokens when EOS is ignored, else the workload's expected length, capped by
 *   the allocation);
 * - internal: allocated slots the request will never fill (over-provisioning for a maximum length,
 *   and the unfilled tail of the last block);
 * - external: free slots in gaps too small for the next waiting request's allocation (contiguous
 *   allocation only; paged blocks are interchangeable so this stays 0);
 * - free: the remaining free slots.
 */
export interface KvSnapshot {
  manager: 'paged' | 'contiguous';
  blockSize: number;
  numBlocks: number;
  used: number;
  reserved: number;
  internal: number;
  external: number;
  free: number;
  /** Per physical block: owning request id (for a shared block, the first holder's), or -1 when free. */
  owner: Int32Array;
  /** Per physical block: slots holding K/V (0 .. blockSize). */
  filled: Int32Array;
  /**
   * Per physical block: empty slots its owner will still fill (the rest of an owned block's empty
   * slots are internal fragmentation). Sums to `reserved`. Absent in traces recorded before it.
   */
  reservedSlots?: Int32Array;
  /**
   * Memory saved by sharing, in token slots: the filled slots every sequence would need on its own
   * minus the used slots that actually hold them (prefix-cache hits, completions sharing a prompt).
   * Not part of the capacity sum. Absent in traces recorded before sharing existed.
   */
  shared?: number;
  /** Free (or external) slots whose block still holds a prefix-cache entry, reusable until evicted. Part of free + external. */
  cached?: number;
  /** Per physical block: sequences referencing it (0 = free; > 1 = shared). `owner` names the first of them. */
  refs?: Int32Array;
  /** Per physical block: 1 when it is registered in the prefix cache (referenced or not). */
  cachedBlocks?: Uint8Array;
  /** For each block more than one sequence holds: the requests holding it (a request's completions count once). */
  sharedBy?: [block: number, requests: number[]][];
}

export interface IterationEvent {
  index: number;
  /** Measured (or, for the sim backend, simulated) times in ms since the run started. */
  startMs: number;
  endMs: number;
  /** 'measured' for real backends, 'simulated' for the cost model. */
  timeSource: 'measured' | 'simulated';
  /** One record per batch slot, including idle ones, ordered by slot. */
  slots: SlotRecord[];
  kv: KvSnapshot;
  /** Requests arrived and not yet admitted, after this iteration's scheduling. */
  queueLength: number;
  /** Tokens processed this iteration (prefill + decode). */
  prefillTokens: number;
  decodeTokens: number;
  /** Requests preempted (evicted for recompute) by this iteration's scheduling. */
  preempted: number[];
  /** Strategy and knobs in force for this iteration (they may change live). */
  strategy: 'static' | 'continuous';
  /** The scheduler knobs in force for this iteration (added by the serving engine). */
  knobs: SchedulerKnobs;
  /** CPU time the scheduler took to plan this iteration, ms, always measured (added by the serving engine). */
  schedulerMs: number;
  /** The backend step's time, ms: measured, or predicted by the cost model (see timeSource). */
  backendMs: number;
  /**
   * Bytes the step moved to and from memory by category, computed from the shapes and the number
   * formats (engine/backend/traffic.ts), never measured; an MoE's expert bytes are those its routing
   * record says the step read. Absent in traces recorded before it.
   */
  traffic?: StepBytes;
  /** The number formats the step ran with (weights, KV cache, attention path). */
  formats?: NumberFormats;
  /**
   * Automatic prefix caching this iteration, in prompt tokens (vLLM's PrefixCacheStats): `queries`
   * looked up at admission, `hits` served from the cache. Present while caching is on.
   */
  prefixCache?: { queries: number; hits: number };
  /** Copy-on-write block copies the backend made before this step. */
  blockCopies?: number;
  /** Mixture-of-experts models only: tokens per expert per layer, experts touched, expert bytes read, imbalance. */
  experts?: ExpertStep;
}
