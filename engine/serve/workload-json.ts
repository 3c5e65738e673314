import { arrayOf, complain, describe, intIn, intsOf, isObject, numberIn, stringOf } from '../input';
import { CHECKPOINT_HEADER, LIMITS } from '../limits';
import { parseJsonText } from '../text';
import type { Workload, WorkloadRequest } from './workload';

/** A workload as JSON text (what `batchscope run --workload FILE` and the app's export read). */
export function serializeWorkload(w: Workload): string {
  return JSON.stringify(w, null, 1);
}

/**
 * Parses and checks a workload JSON file; every problem is a one-line 'bad-workload' error. Every
 * field is checked against engine/limits.ts here, before anything sized by it is built (a prompt
 * of 10^9 tokens is refused, not allocated).
 */
export function parseWorkload(text: string, source = 'workload'): Workload {
  const bad = complain('bad-workload', source);
  const w = parseJsonText(text, source, 'bad-workload', 'a batchscope workload (JSON)');
  if (!isObject(w)) return bad(`is not a batchscope workload: expected a JSON object, got ${describe(w)}`);
  if (w.format !== 'batchscope-workload') bad(`is not a batchscope workload: "format" must be "batchscope-workload", got ${describe(w.format)}`);
  if (w.version !== 1) bad(`unsupported version ${describe(w.version)} (this build reads version 1)`);
  const raw = arrayOf(w.requests, '"requests"', 1, LIMITS.requestsPerWorkload, bad);
  let promptTokens = 0;
  const requests: WorkloadRequest[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = readRequest(raw[i], `requests[${i}]`, bad);
    promptTokens += r.promptTokens?.length ?? r.promptLength ?? r.prompt!.length;
    if (promptTokens > LIMITS.promptTokensPerWorkload) bad(`its prompts hold more than ${LIMITS.promptTokensPerWorkload} tokens in all (the limit per workload)`);
    requests.push(r);
  }
  return {
    format: 'batchscope-workload',
    version: 1,
    name: typeof w.name === 'string' && w.name.length <= 200 ? w.name : source,
    seed: Number.isInteger(w.seed) && (w.seed as number) >= 0 && (w.seed as number) <= LIMITS.seed ? (w.seed as number) : 0,
    prompts: typeof w.prompts === 'string' && w.prompts.length <= 200 ? w.prompts : 'file',
    requests,
  };
}

function readRequest(raw: unknown, at: string, bad: (why: string) => never): WorkloadRequest {
  if (!isObject(raw)) bad(`${at} must be an object, got ${describe(raw)}`);
  const r = raw as Record<string, unknown>;
  const id = intIn(r.id, `${at}.id`, 0, Number.MAX_SAFE_INTEGER, bad);
  const arrivalMs = numberIn(r.arrivalMs, `${at}.arrivalMs`, 0, LIMITS.arrivalMs, bad);
  if (r.prompt === undefined && r.promptTokens === undefined && r.promptLength === undefined) bad(`${at} needs one of prompt (text), promptTokens (ids) or promptLength`);
  const maxTokens = LIMITS.tokensPerRequest;
  const maxNewTokens = intIn(r.maxNewTokens, `${at}.maxNewTokens`, 1, maxTokens, bad);
  const out: WorkloadRequest = { id, arrivalMs, maxNewTokens, expectedNewTokens: 0, sampling: readSampling(r.sampling, id, `${at}.sampling`, bad) };
  if (r.prompt !== undefined) out.prompt = stringOf(r.prompt, `${at}.prompt`, LIMITS.promptBytes, bad);
  if (r.promptTokens !== undefined) out.promptTokens = intsOf(r.promptTokens, `${at}.promptTokens`, 1, maxTokens, 0, CHECKPOINT_HEADER.vocabSize - 1, bad).slice();
  if (r.promptLength !== undefined) out.promptLength = intIn(r.promptLength, `${at}.promptLength`, 1, maxTokens, bad);
  if (r.stopAfter !== undefined) out.stopAfter = intIn(r.stopAfter, `${at}.stopAfter`, 1, maxNewTokens, bad);
  out.expectedNewTokens = intIn(r.expectedNewTokens ?? r.stopAfter ?? maxNewTokens, `${at}.expectedNewTokens`, 1, maxNewTokens, bad);
  if (r.n !== undefined) out.n = intIn(r.n, `${at}.n`, 1, LIMITS.completions, bad);
  if (r.prefixLength !== undefined) {
    if (out.promptLength === undefined) bad(`${at}.prefixLength (the shared system prompt's length) needs promptLength`);
    out.prefixLength = intIn(r.prefixLength, `${at}.prefixLength`, 1, out.promptLength!, bad);
  }
  return out;
}

function readSampling(raw: unknown, id: number, at: string, bad: (why: string) => never): WorkloadRequest['sampling'] {
  if (raw !== undefined && !isObject(raw)) bad(`${at} must be an object, got ${describe(raw)}`);
  const s = (raw ?? {}) as Record<string, unknown>;
  return {
    temperature: numberIn(s.temperature ?? 0, `${at}.temperature`, 0, LIMITS.temperature, bad),
    topP: numberIn(s.topP ?? 1, `${at}.topP`, 0, 1, bad),
    seed: intIn(s.seed ?? id % (LIMITS.seed + 1), `${at}.seed`, 0, LIMITS.seed, bad),
  };
}
