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
  const probs = scratchFloats(n);
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

/**
 * llama2.c's sample_topp, in its order (probability descending, ties by id) without sorting every
 * candidate: a binary heap hands out the likeliest candidates one at a time until their mass
 * exceeds topP, usually after a few dozen of several hundred. Same order, same sums, same token as
 * a full sort (sampler.test.ts checks it against one); a top-p draw on stories260K went from 88 to
 * 50 us (the softmax's 512 exps are most of the rest).
 */
function sampleTopP(probs: Float64Array, topP: number, coin: number): number {
  const cutoff = (1 - topP) / (probs.length - 1);
  const heap = scratchInts(probs.length);
  let size = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] >= cutoff) heap[size++] = i;
  // Ties broken by id so the order (and the sample) is deterministic everywhere.
  const before = (a: number, b: number) => probs[a] > probs[b] || (probs[a] === probs[b] && a < b);
  const siftDown = (i: number, n: number) => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const c = l + 1 < n && before(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!before(heap[c], heap[i])) return;
      const t = heap[i];
      heap[i] = heap[c];
      heap[c] = t;
      i = c;
    }
  };
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i, size);
  // Popping moves each candidate, in order, to the end of the shrinking heap: the prefix taken so
  // far is heap[size - 1], heap[size - 2], ... (the order a full sort would give).
  if (size === 0) return argmax(probs); // topP below 1/n on a flat distribution: nothing passes the cutoff
  const total = size;
  let cum = 0;
  let taken = 0;
  while (taken < total) {
    const n = total - taken;
    const top = heap[0];
    heap[0] = heap[n - 1];
    heap[n - 1] = top;
    siftDown(0, n - 1);
    taken++;
    cum += probs[top];
    if (cum > topP) break;
  }
  const r = coin * cum;
  let acc = 0;
  for (let k = 0; k < taken; k++) {
    const id = heap[total - 1 - k];
    acc += probs[id];
    if (r < acc) return id;
  }
  return heap[total - taken];
}

// Scratch reused across draws (sampling is synchronous): a draw allocates nothing.
let ints = new Int32Array(0);
let floats = new Float64Array(0);
function scratchInts(n: number): Int32Array {
  if (ints.length < n) ints = new Int32Array(n);
  return ints;
}
function scratchFloats(n: number): Float64Array {
  if (floats.length < n) floats = new Float64Array(n);
  return floats.subarray(0, n);
}
