import { uniformAt } from './rng';

/** How a request picks its next token. temperature 0 means greedy. */
export interface SamplingParams {
  temperature: number;
  /** Nucleus sampling threshold in (0, 1); 0 or >= 1 disables it. */
  topP: number;
  /** The request's own seed; see rng.ts. */
  seed: number;
}

export const GREEDY: SamplingParams = { temperature: 0, topP: 1, seed: 0 };

/** First index of the maximum, as llama2.c's sample_argmax. */
export function argmax(logits: ArrayLike<number>, offset = 0, n = logits.length - offset): number {
  let best = 0;
  let bestV = logits[offset];
  for (let i = 1; i < n; i++) {
    if (logits[offset + i] > bestV) {
      bestV = logits[offset + i];
      best = i;
    }
  }
  return best;
}

/**
 * Samples the token for position `pos` from one row of logits. With temperature > 0 the logits are
 * scaled, softmaxed, and sampled with the uniform number for (seed, pos); with 0 < topP < 1 only
 * the smallest set of most likely tokens whose mass exceeds topP is kept (llama2.c's sample_topp,
 * including its cutoff that drops tokens below (1 - topP) / (n - 1) before sorting).
 */
export function sampleToken(logits: Float32Array, params: SamplingParams, pos: number): number {
  if (params.temperature <= 0) return argmax(logits);
  const n = logits.length;
  const probs = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i] / params.temperature);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += probs[i] = Math.exp(logits[i] / params.temperature - max);
  for (let i = 0; i < n; i++) probs[i] /= sum;
  const coin = uniformAt(params.seed, pos);
  if (params.topP <= 0 || params.topP >= 1) return sampleMultinomial(probs, coin);
  return sampleTopP(probs, params.topP, coin);
}

function sampleMultinomial(probs: Float64Array, coin: number): number {
  let cdf = 0;
  for (let i = 0; i < probs.length; i++) {
    cdf += probs[i];
    if (coin < cdf) return i;
  }
  return probs.length - 1; // rounding
}

function sampleTopP(probs: Float64Array, topP: number, coin: number): number {
  const cutoff = (1 - topP) / (probs.length - 1);
  const ids: number[] = [];
  for (let i = 0; i < probs.length; i++) if (probs[i] >= cutoff) ids.push(i);
  // Ties broken by id so the order (and the sample) is deterministic everywhere.
  ids.sort((a, b) => probs[b] - probs[a] || a - b);
  let cum = 0;
  let last = ids.length - 1;
  for (let i = 0; i < ids.length; i++) {
    cum += probs[ids[i]];
    if (cum > topP) {
      last = i;
      break;
    }
  }
  const r = coin * cum;
  let acc = 0;
  for (let i = 0; i <= last; i++) {
    acc += probs[ids[i]];
    if (r < acc) return ids[i];
  }
  return ids[last];
}
