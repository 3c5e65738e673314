import { BatchscopeError } from '../errors';
import { MAX_COMPLETIONS } from './request';
import type { Workload, WorkloadRequest } from './workload';

/** A workload as JSON text (what `batchscope run --workload FILE` and the app's export read). */
export function serializeWorkload(w: Workload): string {
  return JSON.stringify(w, null, 1);
}

/** Parses and checks a workload JSON file; every problem is a one-line 'bad-workload' error. */
export function parseWorkload(text: string, source = 'workload'): Workload {
  const bad = (why: string): never => {
    throw new BatchscopeError('bad-workload', `${source}: ${why}`);
  };
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return bad(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof j !== 'object' || j === null) return bad('not a JSON object');
  const w = j as Record<string, unknown>;
  if (w.format !== 'batchscope-workload') bad('"format" must be "batchscope-workload"');
  if (w.version !== 1) bad(`unsupported version ${JSON.stringify(w.version)} (this build reads version 1)`);
  if (!Array.isArray(w.requests) || w.requests.length === 0) bad('"requests" must be a non-empty array');
  const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
  const requests = (w.requests as unknown[]).map((raw, i): WorkloadRequest => {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const at = `requests[${i}]`;
    if (!isInt(r.id, 0)) bad(`${at}.id must be an integer >= 0`);
    // JSON reads 1e999 as Infinity: a request that never arrives would leave the run without an end.
    if (typeof r.arrivalMs !== 'number' || !(r.arrivalMs >= 0) || !Number.isFinite(r.arrivalMs)) bad(`${at}.arrivalMs must be a finite number >= 0`);
    const kinds = ['prompt', 'promptTokens', 'promptLength'].filter((k) => r[k] !== undefined);
    if (kinds.length === 0) bad(`${at} needs one of prompt (text), promptTokens (ids) or promptLength`);
    if (r.prompt !== undefined && typeof r.prompt !== 'string') bad(`${at}.prompt must be a string`);
    if (r.promptTokens !== undefined && (!Array.isArray(r.promptTokens) || r.promptTokens.length === 0 || !r.promptTokens.every((t) => isInt(t, 0)))) {
      bad(`${at}.promptTokens must be a non-empty array of token ids`);
    }
    if (r.promptLength !== undefined && !isInt(r.promptLength, 1)) bad(`${at}.promptLength must be an integer >= 1`);
    if (!isInt(r.maxNewTokens, 1)) bad(`${at}.maxNewTokens must be an integer >= 1`);
    if (r.stopAfter !== undefined && !isInt(r.stopAfter, 1)) bad(`${at}.stopAfter must be an integer >= 1`);
    const expected = r.expectedNewTokens ?? r.stopAfter ?? r.maxNewTokens;
    if (!isInt(expected, 1)) bad(`${at}.expectedNewTokens must be an integer >= 1`);
    const s = (typeof r.sampling === 'object' && r.sampling !== null ? r.sampling : {}) as Record<string, unknown>;
    const sampling = { temperature: s.temperature ?? 0, topP: s.topP ?? 1, seed: s.seed ?? r.id };
    // The CLI's own limit: 1e999 parses as Infinity, which would flatten every distribution.
    if (typeof sampling.temperature !== 'number' || !(sampling.temperature >= 0 && sampling.temperature <= 100)) bad(`${at}.sampling.temperature must be a number in [0, 100]`);
    if (typeof sampling.topP !== 'number' || sampling.topP < 0 || sampling.topP > 1) bad(`${at}.sampling.topP must be in [0, 1]`);
    if (!isInt(sampling.seed, 0)) bad(`${at}.sampling.seed must be an integer >= 0`);
    if (r.n !== undefined && (!isInt(r.n, 1) || (r.n as number) > MAX_COMPLETIONS)) bad(`${at}.n must be an integer in 1..${MAX_COMPLETIONS} (completions of the request)`);
    if (r.prefixLength !== undefined && (!isInt(r.prefixLength, 1) || r.promptLength === undefined || (r.prefixLength as number) > (r.promptLength as number))) {
      bad(`${at}.prefixLength must be an integer in 1..promptLength, with promptLength`);
    }
    const out = { ...r, expectedNewTokens: expected, sampling } as unknown as WorkloadRequest;
    return out;
  });
  return {
    format: 'batchscope-workload',
    version: 1,
    name: typeof w.name === 'string' ? w.name : source,
    seed: isInt(w.seed, 0) ? (w.seed as number) : 0,
    prompts: typeof w.prompts === 'string' ? w.prompts : 'file',
    requests,
  };
}
