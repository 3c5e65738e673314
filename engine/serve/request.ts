import { BatchscopeError } from '../errors';
import { LIMITS } from '../limits';
import type { ModelConfig } from '../model/config';
import type { SamplingParams } from '../model/sampler';
import type { FinishReason } from './events';

/** One request to serve, as the engine takes it (a workload materialised against a tokenizer). */
export interface Request {
  id: number;
  /** Prompt tokens, BOS included. */
  prompt: number[];
  /** The prompt as text, when it came from text. */
  promptText?: string;
  /** The most tokens it may generate (what contiguous KV reserves for). */
  maxNewTokens: number;
  /**
   * Generate exactly this many tokens whatever the model samples, EOS included (Anyscale's
   * benchmark forces max_tokens and ignores EOS). Unset: the model's EOS ends it.
   */
  stopAfter?: number;
  /** How many tokens the answer is expected to take, EOS included (KV accounting's "reserved"). */
  expectedNewTokens: number;
  sampling: SamplingParams;
  /** When it arrives, ms after the run starts. */
  arrivalMs: number;
  /**
   * Completions to generate from the prompt (parallel sampling, vLLM's `n`; default 1). Completion
   * c samples with `completionSeed(sampling.seed, c)`; under paged KV they share the prompt's blocks.
   */
  n?: number;
}

/** The most completions one request may ask for (engine/limits.ts). */
export const MAX_COMPLETIONS = LIMITS.completions;

/** One completion of a request with n > 1. */
export interface CompletionRecord {
  output: number[];
  tokenMs: number[];
  finishMs?: number;
  finishReason?: FinishReason;
  preemptions: number;
}

/** What happened to a request, for metrics and views. Times are ms on the engine's clock. */
export interface RequestRecord {
  id: number;
  arrivalMs: number;
  promptTokens: number;
  state: 'pending' | 'waiting' | 'running' | 'finished';
  /** Generated tokens, the stopping EOS included. */
  output: number[];
  /** End of the iteration that produced each output token. */
  tokenMs: number[];
  /** Start of the iteration that first gave it a slot. */
  firstScheduledMs?: number;
  finishMs?: number;
  finishReason?: FinishReason;
  /** Times it was evicted for lack of KV memory and recomputed. */
  preemptions: number;
  /**
   * Every completion, in order, for a request with n > 1 (`output` and `tokenMs` above are then the
   * first completion's, `finishMs` the last completion's finish, `preemptions` the sum).
   */
  completions?: CompletionRecord[];
}

/** The positions a request can occupy at most: the last generated token is never fed back. */
export const requestMaxPositions = (r: Request): number => r.prompt.length + r.maxNewTokens - 1;

/** Checks requests against the model and the KV pool before any of them is scheduled. */
export function validateRequests(requests: readonly Request[], config: ModelConfig, capacityTokens: number, known: ReadonlySet<number> = new Set()): void {
  const ids = new Set(known);
  for (const r of requests) {
    const bad = (why: string): never => {
      throw new BatchscopeError('bad-workload', `request ${r.id}: ${why}`);
    };
    if (!Number.isInteger(r.id) || r.id < 0) bad('id must be an integer >= 0');
    if (ids.has(r.id)) bad('id is used twice');
    ids.add(r.id);
    if (r.prompt.length < 1) bad('prompt has no tokens');
    for (const t of r.prompt) if (!Number.isInteger(t) || t < 0 || t >= config.vocabSize) bad(`prompt token ${t} is outside the vocabulary (0..${config.vocabSize - 1})`);
    if (!Number.isInteger(r.maxNewTokens) || r.maxNewTokens < 1) bad(`max_new_tokens must be an integer >= 1, got ${r.maxNewTokens}`);
    if (r.stopAfter !== undefined && (!Number.isInteger(r.stopAfter) || r.stopAfter < 1 || r.stopAfter > r.maxNewTokens)) {
      bad(`its forced output length ${r.stopAfter} must be in 1..max_new_tokens (${r.maxNewTokens})`);
    }
    if (!Number.isInteger(r.expectedNewTokens) || r.expectedNewTokens < 1) bad(`expected output length must be an integer >= 1, got ${r.expectedNewTokens}`);
    if (!(r.arrivalMs >= 0) || !Number.isFinite(r.arrivalMs)) bad(`arrival time must be a finite number >= 0, got ${r.arrivalMs}`);
    if (r.n !== undefined && (!Number.isInteger(r.n) || r.n < 1 || r.n > MAX_COMPLETIONS)) bad(`n (completions) must be an integer in 1..${MAX_COMPLETIONS}, got ${r.n}`);
    const positions = requestMaxPositions(r);
    if (positions > config.seqLen) bad(`prompt (${r.prompt.length} tokens) + max_new_tokens (${r.maxNewTokens}) - 1 exceeds the model's seq_len ${config.seqLen}: shorten the prompt or lower max_new_tokens`);
    if (positions > capacityTokens) bad(`needs up to ${positions} KV positions (prompt + max_new_tokens) but the pool holds ${capacityTokens}: raise the KV capacity to at least ${positions} tokens or shorten the request`);
  }
}
