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
  for (let i = 0; i < c.nLayers * E; i++) if (load[i] > 0) touched++;
  return {
    nExperts: E,
    topK: c.moe!.topK,
    nLayers: c.nLayers,
    load: load.slice(),
    touched: touched / c.nLayers,
    bytes: touched * expertWeightBytes(c, bytesPerWeight),
    imbalance: loadImbalance(load.subarray(0, c.nLayers * E), E),
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

/** Run figures over the iterations so far that carry an expert record (the app's Numbers; run --json has the same). */
export interface ExpertSummary {
  nExperts: number;
  topK: number;
  nLayers: number;
  iterations: number;
  /** Distinct experts per layer per iteration, run mean. */
  touched: number;
  /**
   * Tokens on the busiest expert over the mean per expert, counting every token routed so far,
   * averaged over layers (1 = even); null when simulated (no routing). Counted over the run rather
   * than averaged per iteration: a one-token step always reads k/E, so a per-step mean measures the
   * batch sizes the schedule happened to make as much as the router.
   */
  imbalance: number | null;
  /** Expert weight bytes read per iteration, run mean. */
  bytes: number;
}

/** Accumulates expert records one iteration at a time (the engine's summary and the app's Numbers share it). */
export class ExpertTally {
  private first: ExpertStep | null = null;
  private n = 0;
  private touched = 0;
  private bytes = 0;
  private load: Float64Array | null = null;

  add(x: ExpertStep | undefined): void {
    if (!x) return;
    this.first ??= x;
    this.n++;
    this.touched += x.touched;
    this.bytes += x.bytes;
    if (x.load) {
      const total = (this.load ??= new Float64Array(x.load.length));
      for (let i = 0; i < total.length; i++) total[i] += x.load[i];
    }
  }

  summary(): ExpertSummary | null {
    const f = this.first;
    if (!f) return null;
    return { nExperts: f.nExperts, topK: f.topK, nLayers: f.nLayers, iterations: this.n, touched: this.touched / this.n, imbalance: this.load ? loadImbalance(this.load, f.nExperts) : null, bytes: this.bytes / this.n };
  }
}

/** Max over mean tokens per expert for each layer of a (layer, expert) load, averaged over layers; an empty layer counts as even. */
export function loadImbalance(load: ArrayLike<number>, nExperts: number): number {
  const layers = load.length / nExperts;
  let sum = 0;
  for (let l = 0; l < layers; l++) {
    let max = 0;
    let total = 0;
    for (let e = 0; e < nExperts; e++) {
      const v = load[l * nExperts + e];
      max = Math.max(max, v);
      total += v;
    }
    sum += total > 0 ? max / (total / nExperts) : 1;
  }
  return sum / layers;
}

export function summarizeExperts(events: readonly { experts?: ExpertStep }[]): ExpertSummary | null {
  const tally = new ExpertTally();
  for (const e of events) tally.add(e.experts);
  return tally.summary();
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
