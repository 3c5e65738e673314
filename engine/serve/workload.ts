import { BatchscopeError } from '../errors';
import { LIMITS } from '../limits';
import type { SamplingParams } from '../model/sampler';
import { resumedTaskPromptSource } from '../model/resumed-tasks';
import { taskPromptSource } from '../model/tasks';
import type { Tokenizer } from '../model/tokenizer';
import { arrivalTimes, maxLength, sampleLength, seededRandom, type ArrivalSpec, type LengthSpec } from './distributions';
import type { PromptSource } from './prompts';
import type { Request } from './request';
import { withSharedPrefix } from './shared-prefix';

/** How to generate a workload. Every draw comes from `seed`. */
export interface WorkloadSpec {
  name: string;
  count: number;
  seed: number;
  arrival: ArrivalSpec;
  /** Prompt length (BOS included), for sources that can choose it (lengths, story openings). */
  promptTokens: LengthSpec;
  /** Answer length, EOS included. */
  outputTokens: LengthSpec;
  /** Every request's max_new_tokens: a number, or 'output' for each request's own length (Anyscale forced max_tokens). Default: the output distribution's maximum. */
  maxNewTokens?: number | 'output';
  temperature?: number;
  topP?: number;
  /** Completions per request (parallel sampling, vLLM's n); default 1. */
  completions?: LengthSpec;
  /** Tokens (BOS included) of one system prompt every request starts with (see shared-prefix.ts). */
  sharedPrefix?: number;
  /**
   * 'resumed': the built-in model's task prompts reach `promptTokens` by carrying the start of
   * their answer, which the model resumes (model/resumed-tasks.ts); other sources ignore it.
   */
  taskPrompts?: 'resumed';
}

/** One request of a saved workload: its prompt as text, token ids, or (for simulated models) a length. */
export interface WorkloadRequest {
  id: number;
  arrivalMs: number;
  prompt?: string;
  promptTokens?: number[];
  promptLength?: number;
  maxNewTokens: number;
  /** Forced answer length, EOS ignored (see Request.stopAfter). */
  stopAfter?: number;
  expectedNewTokens: number;
  sampling: SamplingParams;
  /** Completions to generate (default 1). */
  n?: number;
  /** With promptLength: how many of its tokens (BOS included) are the system prompt every such request shares. */
  prefixLength?: number;
}

export interface Workload {
  format: 'batchscope-workload';
  version: 1;
  name: string;
  seed: number;
  /** The prompt source's name. */
  prompts: string;
  requests: WorkloadRequest[];
}

export function generateWorkload(spec: WorkloadSpec, given: PromptSource): Workload {
  // Plain task prompts are a dozen tokens at most: a long-prompts workload gets resumed ones.
  const prompts: PromptSource = spec.taskPrompts === 'resumed' && given === taskPromptSource ? resumedTaskPromptSource : given;
  const rng = seededRandom(spec.seed);
  // Prompts draw from their own stream, so arrivals and lengths are the same whatever the source;
  // completions from a third, so asking for several leaves everything else as it was.
  const promptRng = seededRandom((spec.seed ^ 0x5bd1e995) >>> 0);
  const nRng = seededRandom((spec.seed ^ 0x27d4eb2f) >>> 0);
  const source = spec.sharedPrefix === undefined ? prompts : withSharedPrefix(prompts, spec.sharedPrefix);
  const arrivals = arrivalTimes(spec.arrival, spec.count, rng);
  const requests = arrivals.map((arrivalMs, id): WorkloadRequest => {
    const answer = sampleLength(spec.outputTokens, rng);
    const promptLen = sampleLength(spec.promptTokens, rng);
    const p = source.prompt(answer, promptRng, promptLen);
    const maxNew = spec.maxNewTokens === 'output' ? answer : (spec.maxNewTokens ?? maxLength(spec.outputTokens));
    const forced = 'length' in p || p.expectedNewTokens === undefined;
    const expected = forced ? Math.min(answer, maxNew) : p.expectedNewTokens!;
    const sampling = { temperature: spec.temperature ?? 0, topP: spec.topP ?? 1, seed: (spec.seed * 100_003 + id) >>> 0 };
    const r: WorkloadRequest = { id, arrivalMs, maxNewTokens: Math.max(maxNew, expected), expectedNewTokens: expected, sampling };
    if (spec.completions) {
      const n = sampleLength(spec.completions, nRng);
      if (n > 1) r.n = n;
    }
    if ('length' in p) {
      r.promptLength = p.length;
      if (p.prefix) r.prefixLength = p.prefix;
    } else {
      r.prompt = p.text;
      if (p.tokens) r.promptTokens = p.tokens;
    }
    if (forced) r.stopAfter = expected;
    return r;
  });
  return { format: 'batchscope-workload', version: 1, name: spec.name, seed: spec.seed, prompts: source.name, requests };
}

/**
 * Token ids for a length-only prompt (simulated models read no ids, but the prefix cache does):
 * BOS, the shared prefix's filler (the same for every request), then the request's own tokens,
 * which start with its id in base 60 so that no two requests share more than the prefix.
 */
export function fillerPrompt(id: number, length: number, prefixLength = 1): number[] {
  const prompt = [1];
  for (let i = 1; i < Math.min(prefixLength, length); i++) prompt.push(3 + (i % 60));
  const digits: number[] = [];
  for (let x = id; digits.length === 0 || x > 0; x = Math.floor(x / 60)) digits.push(3 + (x % 60));
  for (const d of digits) if (prompt.length < length) prompt.push(d);
  while (prompt.length < length) prompt.push(0);
  return prompt;
}

/**
 * Turns a workload into engine requests: text is encoded with the tokenizer (BOS included),
 * length-only prompts become filler ids (see fillerPrompt).
 */
export function materialize(w: Workload, tokenizer: Tokenizer | null, seqLen?: number): Request[] {
  return w.requests.map((r) => {
    // With the model known, a prompt it cannot hold is refused before its ids are built.
    const length = r.promptTokens?.length ?? (r.prompt === undefined ? r.promptLength : undefined);
    if (seqLen !== undefined && length !== undefined && length > seqLen) {
      throw new BatchscopeError('prompt-too-long', `request ${r.id}: its prompt (${length} tokens) is longer than the model's seq_len ${seqLen}: shorten it`);
    }
    let prompt: number[];
    if (r.promptTokens) prompt = r.promptTokens.slice();
    else if (r.prompt !== undefined) {
      if (!tokenizer) throw new BatchscopeError('bad-workload', `request ${r.id} has a text prompt but the backend has no tokenizer; use a workload with prompt lengths`);
      checkPromptText(r.prompt, r.id, tokenizer, seqLen);
      prompt = tokenizer.encode(r.prompt);
    } else prompt = fillerPrompt(r.id, r.promptLength ?? 1, r.prefixLength);
    const req: Request = { id: r.id, prompt, maxNewTokens: r.maxNewTokens, expectedNewTokens: r.expectedNewTokens, sampling: r.sampling, arrivalMs: r.arrivalMs };
    if (r.n !== undefined && r.n > 1) req.n = r.n;
    if (r.prompt !== undefined) req.promptText = r.prompt;
    if (r.stopAfter !== undefined) req.stopAfter = r.stopAfter;
    return req;
  });
}

/**
 * Refuses a text prompt that cannot fit before encoding it: encoding is quadratic in its length
 * (as in llama2.c), and every token holds at most maxTokenLength bytes, so more bytes than
 * seq_len x maxTokenLength can only give more than seq_len tokens.
 */
function checkPromptText(text: string, id: number, tokenizer: Tokenizer, seqLen = Infinity): void {
  const bytes = new TextEncoder().encode(text).length;
  const max = Math.min(LIMITS.promptBytes, seqLen * tokenizer.maxTokenLength);
  if (bytes > max) {
    const why = max === LIMITS.promptBytes ? `at most ${LIMITS.promptBytes} bytes per prompt` : `more than the model's seq_len ${seqLen} tokens`;
    throw new BatchscopeError('prompt-too-long', `request ${id}: its prompt is ${bytes} bytes of text, ${why}: shorten it`);
  }
}
