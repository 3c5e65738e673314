import type { KvManager } from '../../kv/manager';
import type { SchedulerKnobs, Strategy } from './knobs';

/** What a scheduler knows about a request: enough to plan, nothing it could change. */
export interface SeqView {
  /** The sequence's own id: a request's, or one per completion of a request asking for n > 1. */
  readonly id: number;
  /** The request it serves (default: `id`) and which of its completions it is (default 0). */
  readonly requestId?: number;
  readonly completion?: number;
  readonly arrivalMs: number;
  /** Positions whose K/V is computed. */
  readonly computed: number;
  /** Known tokens not yet computed: the rest of a prompt (or of a recompute), or 1 to decode. */
  readonly pending: number;
  /** The most positions it can ever hold: prompt + max_new_tokens - 1 (what contiguous KV reserves). */
  readonly maxPositions: number;
  /** Positions it is expected to hold when it finishes. */
  readonly expectedPositions: number;
  /** True once its last token is out (static batching keeps it in its slot until the batch ends). */
  readonly finished: boolean;
  /** Its tokens so far (prompt, then output): what the prefix cache is looked up by. Absent: no lookup. */
  readonly tokens?: readonly number[];
  /**
   * Parallel sampling. A waiting request's first completion lists its other completions, waiting
   * with it: admitted together under paged KV, they share the prompt it prefills. A completion in
   * a slot waiting for that prefill names the completion computing it (its `pending` is 0 until
   * the fork).
   */
  readonly followers?: readonly number[];
  readonly shareFrom?: number | null;
}

/** Carried from one iteration's plan to the next scheduling call (the engine stores it, opaque). */
export interface SchedulerMemo {
  /**
   * TGI's `waiting_tokens`, counted as its router counts it: 1 after a prefill of newcomers, +1
   * after every decode step of the running batch; admission stops waiting for the ratio at >= max_waiting_tokens.
   */
  waitingTokens: number;
  /** TGI decodes the running batch once after each prefill of newcomers, before it admits again. */
  decodeOwed: boolean;
}

export const INITIAL_MEMO: SchedulerMemo = { waitingTokens: 1, decodeOwed: false };

export interface ScheduleInput {
  nowMs: number;
  /** Arrived requests not in a slot, first come first served (arrival time, then id). */
  waiting: readonly SeqView[];
  /** The occupant of each batch slot, or null. May be longer than maxNumSeqs after it was lowered live. */
  slots: readonly (SeqView | null)[];
  /** The KV manager's state; schedulers plan on a clone and never change this one. */
  kv: KvManager;
  knobs: SchedulerKnobs;
  memo: SchedulerMemo;
}

/** One iteration's decisions, applied by the engine in this order: release, preempt, admit, run. */
export interface Plan {
  /** Slots whose finished request leaves now. */
  release: number[];
  /** Requests evicted to the waiting queue; their K/V is dropped and recomputed on return (vLLM's recompute). */
  preempt: number[];
  /**
   * Waiting sequences given a slot: `cached` prompt positions come from the prefix cache (its
   * `computed` starts there); `shareFrom` marks a completion that waits to share another's prefill.
   */
  admit: { id: number; slot: number; cached: number; shareFrom?: number }[];
  /** Completions that now share the prompt their leader computed: `to` holds `positions` positions of `from`. */
  forks: { from: number; to: number; positions: number }[];
  /** Requests that run this step and how many of their pending tokens. */
  run: { id: number; tokens: number }[];
  /** The KV manager after every decision above, with room for every run's new positions. */
  kv: KvManager;
  memo: SchedulerMemo;
}

/** A batching policy: a pure function of its input (it must not mutate it). */
export interface Scheduler {
  readonly strategy: Strategy;
  schedule(input: ScheduleInput): Plan;
}
