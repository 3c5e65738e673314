import { BatchscopeError } from '../../errors';

export type Strategy = 'static' | 'continuous';
export const STRATEGIES: readonly Strategy[] = ['static', 'continuous'];

/**
 * Scheduler knobs, named and meant as upstream names and means them. Each scheduler reads the ones
 * that apply to it; all can change between any two iterations.
 */
export interface SchedulerKnobs {
  /** vLLM `max_num_seqs`: requests running at once, i.e. the batch slots (the grid's rows). */
  maxNumSeqs: number;
  /** vLLM `max_num_batched_tokens`: tokens one step may process (prefill + decode). */
  maxNumBatchedTokens: number;
  /**
   * Sarathi-Serve / vLLM `enable_chunked_prefill`: a prompt longer than what is left of the token
   * budget is split across steps, running decodes are scheduled first, so they never wait for a
   * long prefill. Off: a prompt runs whole or not at all in a step (Orca).
   */
  chunkedPrefill: boolean;
  /**
   * Continuous only, and only without chunked prefill: an iteration that admits newcomers runs
   * their prefill alone and the running decodes stall for it, then the merged batch decodes at
   * least once before anyone else joins, as TGI's router prefills a new batch before concatenating
   * it to the running one. Off: newcomers' prompts join the running decodes in one step (Orca's
   * selective batching).
   */
  separatePrefill: boolean;
  /**
   * TGI `waiting_served_ratio` (continuous, without chunked prefill, which TGI says makes it
   * useless): while a batch runs, waiting requests join only when at least floor(running * ratio)
   * of them can join at once. 0 admits whenever a slot is free (Orca, vLLM); TGI's default is 0.3.
   */
  waitingServedRatio: number;
  /**
   * TGI `max_waiting_tokens` (continuous, without chunked prefill): once TGI's waiting_tokens (1
   * after a prefill of newcomers, +1 per decode step) reaches it, waiting requests are let in even
   * below the ratio. TGI's default is 20.
   */
  maxWaitingTokens: number;
}

export const DEFAULT_KNOBS: SchedulerKnobs = {
  maxNumSeqs: 8,
  maxNumBatchedTokens: 2048,
  chunkedPrefill: false,
  separatePrefill: false,
  waitingServedRatio: 0,
  maxWaitingTokens: 20,
};

/**
 * Checks knobs against the longest request the engine holds (in positions) and the most
 * completions one asks for. Without chunked prefill a prompt (or a preempted request's recompute)
 * must fit one step's budget, or it could never run; vLLM refuses the same configuration. The
 * completions of a request are admitted together, one slot each, so they must fit the slots.
 */
export function validateKnobs(k: SchedulerKnobs, longestRequest: number, mostCompletions = 1): void {
  const bad = (why: string): never => {
    throw new BatchscopeError('bad-argument', why);
  };
  if (!Number.isInteger(k.maxNumSeqs) || k.maxNumSeqs < 1) bad(`max_num_seqs must be an integer >= 1, got ${k.maxNumSeqs}`);
  if (!Number.isInteger(k.maxNumBatchedTokens) || k.maxNumBatchedTokens < 1) bad(`max_num_batched_tokens must be an integer >= 1, got ${k.maxNumBatchedTokens}`);
  if (!(k.waitingServedRatio >= 0) || !Number.isFinite(k.waitingServedRatio)) bad(`waiting_served_ratio must be a number >= 0, got ${k.waitingServedRatio}`);
  if (!Number.isInteger(k.maxWaitingTokens) || k.maxWaitingTokens < 0) bad(`max_waiting_tokens must be an integer >= 0, got ${k.maxWaitingTokens}`);
  if (mostCompletions > k.maxNumSeqs) {
    bad(`a request asks for ${mostCompletions} completions but max_num_seqs is ${k.maxNumSeqs}: each completion runs in a batch slot of its own; raise max_num_seqs or lower n`);
  }
  if (!k.chunkedPrefill && k.maxNumBatchedTokens < longestRequest) {
    bad(`max_num_batched_tokens ${k.maxNumBatchedTokens} is below the longest request (${longestRequest} positions); raise it or enable chunked prefill`);
  }
}
