import type { Backend } from '../../backend/types';
import { completionSeed } from '../../model/rng';
import type { SamplingParams } from '../../model/sampler';
import type { Tokenizer } from '../../model/tokenizer';
import { ServingEngine } from '../engine';
import type { Request } from '../request';
import { drain } from './requests';

/**
 * Output-identity checks for shared KV blocks on a real model (CPU and WebGPU): requests that
 * share a story opening, served with prefix caching off and on, and requests asking for several
 * completions, whose completion c must equal the same request served alone with completion c's seed.
 */
export const OPENING = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her';
export const ENDINGS = [' dog.', ' friends.', ' big red ball.', ' mom and dad.', ' cat Tom.', ' toys.'];

export function sharedPrefixRequests(tok: Tokenizer, sampling: SamplingParams, n = 1): Request[] {
  return ENDINGS.map((e, id) => ({
    id,
    prompt: tok.encode(OPENING + e),
    maxNewTokens: 24,
    stopAfter: 24,
    expectedNewTokens: 24,
    sampling: { ...sampling, seed: sampling.seed + id },
    arrivalMs: 0,
    ...(n > 1 ? { n } : {}),
  }));
}

/** Each request's completions' tokens, and what the cache served. */
export async function serveAll(backend: Backend, requests: readonly Request[], prefixCaching: boolean, maxNumSeqs = 3): Promise<{ outputs: number[][][]; hits: number; copies: number }> {
  const engine = new ServingEngine({ backend, requests, prefixCaching, knobs: { maxNumSeqs } });
  const events = await drain(engine);
  const outputs = engine.records().map((r) => r.completions?.map((c) => c.output) ?? [r.output]);
  return { outputs, hits: events.reduce((n, e) => n + (e.prefixCache?.hits ?? 0), 0), copies: events.reduce((n, e) => n + (e.blockCopies ?? 0), 0) };
}

/** The requests again, one per completion, each alone with that completion's seed. */
export function soloCompletions(requests: readonly Request[]): Request[] {
  return requests.flatMap((r) => Array.from({ length: r.n ?? 1 }, (_, c) => ({ ...r, id: r.id * 100 + c, n: 1, sampling: { ...r.sampling, seed: completionSeed(r.sampling.seed, c) } })));
}
