import type { ModelConfig } from '../model/config';
import { expertWeightBytes } from '../model/weights';

/**
 * What one iteration did with a mixture-of-experts model's experts (IterationEvent.experts). Each
 * token of the step runs its top-k experts in every layer, and an expert's weights are read once
 * per step for all the tokens routed to it: so the bytes a step reads grow with the number of
 * distinct experts its tokens woke, up to all of them.
 */
export interface ExpertStep {
  nExperts: number;
  topK: number;
  nLayers: number;
  /** Tokens routed to each expert, (layer, expert) row-major; absent when simulated (the cost model routes nothing). */
  load?: Int32Array | number[];
  /** Distinct experts run, mean over layers (the expected value under even routing when simulated). */
  touched: number;
  /** Expert FFN weight bytes read this step, all layers (each touched expert's w1, w2, w3 once). */
  bytes: number;
  /** Most tokens on one expert over the mean per expert, averaged over layers (1 = perfectly even); absent when simulated. */
  imbalance?: number;
}

/** The record of a step from its measured routing, (layer, expert) token counts. */
export function expertStep(c: ModelConfig, load: Int32Array, bytesPerWeight = 4): ExpertStep {
  const E = c.moe!.nExperts;
  let touched = 0;
  let imbalance = 0;
  for (let l = 0; l < c.nLayers; l++) {
    let max = 0;
    let sum = 0;
    for (let e = 0; e < E; e++) {
      const n = load[l * E + e];
      if (n > 0) touched++;
      max = Math.max(max, n);
      sum += n;
    }
    imbalance += sum > 0 ? max / (sum / E) : 1;
  }
  return {
    nExperts: E,
    topK: c.moe!.topK,
    nLayers: c.nLayers,
    load: load.slice(),
    touched: touched / c.nLayers,
    bytes: touched * expertWeightBytes(c, bytesPerWeight),
    imbalance: imbalance / c.nLayers,
  };
}

/**
 * Expected distinct experts one layer runs for `tokens` tokens when each picks k of E uniformly
 * (without replacement): an expert is missed by one token with probability 1 - k/E, by all of
 * them with (1 - k/E)^tokens. Real routers are uneven, which touches fewer experts than this.
 */
export const expectedTouched = (E: number, k: number, tokens: number): number => (tokens <= 0 ? 0 : E * (1 - Math.pow(1 - k / E, tokens)));

/** The cost model's record for a step of `tokens` tokens: expected experts touched and bytes read. */
export function expectedExpertStep(c: ModelConfig, tokens: number, bytesPerWeight: number): ExpertStep {
  const { nExperts: E, topK: k } = c.moe!;
  const touched = expectedTouched(E, k, tokens);
  return { nExperts: E, topK: k, nLayers: c.nLayers, touched, bytes: c.nLayers * touched * expertWeightBytes(c, bytesPerWeight) };
}

/** Run means over the iterations so far that carry an expert record (the app's Numbers; run --json has the same). */
export interface ExpertSummary {
  nExperts: number;
  topK: number;
  nLayers: number;
  iterations: number;
  touched: number;
  /** null when simulated (no routing). */
  imbalance: number | null;
  bytes: number;
}

export function summarizeExperts(events: readonly { experts?: ExpertStep }[]): ExpertSummary | null {
  let first: ExpertStep | null = null;
  let n = 0;
  let touched = 0;
  let bytes = 0;
  let imbalance = 0;
  let imbalanceN = 0;
  for (const e of events) {
    const x = e.experts;
    if (!x) continue;
    first ??= x;
    n++;
    touched += x.touched;
    bytes += x.bytes;
    if (x.imbalance !== undefined) {
      imbalance += x.imbalance;
      imbalanceN++;
    }
  }
  if (!first) return null;
  return { nExperts: first.nExperts, topK: first.topK, nLayers: first.nLayers, iterations: n, touched: touched / n, imbalance: imbalanceN ? imbalance / imbalanceN : null, bytes: bytes / n };
}

/**
 * Weight bytes a decode step of a real model reads at float32: every attention matrix, the
 * router and the classifier once, plus the FFN: all of it for a dense model (the same at every
 * batch size), only the experts the step woke for an MoE (`experts`, from its routing record).
 */
export function stepWeightBytes(c: ModelConfig, experts?: ExpertStep): number {
  const kv = (c.dim * c.nKvHeads) / c.nHeads;
  const attention = c.nLayers * (c.dim * (c.dim + 2 * kv) + c.dim * c.dim);
  const router = c.moe ? c.nLayers * c.moe.nExperts * c.dim : 0;
  const ffn = c.moe ? (experts?.bytes ?? 0) : c.nLayers * expertWeightBytes(c);
  return 4 * (attention + router + c.vocabSize * c.dim) + ffn;
}
