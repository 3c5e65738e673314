import { stepTraffic, TRAFFIC_CATEGORIES, type KernelTraffic, type TrafficCategory, type TrafficOptions, type TrafficSeq } from '../../engine/backend/traffic';
import type { ModelConfig } from '../../engine/model/config';
import { bytesPerWeight, kvRowBytes, type NumberFormats } from '../../engine/model/quant/formats';
import type { IterationEvent, StepBytes } from '../../engine/serve/events';

/** What the view shows for a lane: the latest step, the run so far, and what each technique saves. */
export interface TrafficSummary {
  latest: {
    index: number;
    bytes: StepBytes;
    total: number;
    tokens: number;
    stepMs: number;
    timeSource: 'measured' | 'simulated';
    formats: NumberFormats | null;
  } | null;
  run: { bytes: StepBytes; total: number; tokens: number; busyMs: number; iterations: number };
  /** Per technique, for the latest step: on or off, and the bytes it saves (or would save) there. */
  techniques: Technique[];
  /** The latest step kernel by kernel (per-layer kernels summed over layers), when the model's shape is known. */
  kernels: KernelTraffic[];
}

export interface Technique {
  id: 'weights' | 'kv' | 'attention';
  label: string;
  on: boolean;
  /** Bytes of the latest step it removes (on) or would remove (off). */
  saves: number;
  /** What it is measured against ("vs f32"). */
  against: string;
}

export const CATEGORY_LABELS: Record<TrafficCategory, string> = {
  weights: 'weights',
  kvRead: 'KV read',
  kvWrite: 'KV written',
  activations: 'activations',
  scores: 'attention scores',
};

const zero = (): StepBytes => ({ weights: 0, kvRead: 0, kvWrite: 0, activations: 0, scores: 0 });
const sum = (b: StepBytes) => TRAFFIC_CATEGORIES.reduce((n, k) => n + b[k], 0);

/** The step's sequences, read back from its slots (what the backend ran). */
export const stepSeqs = (e: IterationEvent): TrafficSeq[] =>
  e.slots.filter((s) => s.kind !== 'idle' && s.tokenCount > 0).map((s) => ({ tokens: s.tokenCount, startPos: s.startPos ?? 0, logitRows: s.outputToken >= 0 ? 1 : 0 }));

/**
 * Folds a lane's events. `config` (the model's shape, from the backend) lets it say what each
 * technique saves on the latest step; without it (an old recording) only the bytes are shown.
 */
export function summarizeTraffic(events: readonly IterationEvent[], config?: ModelConfig, options?: TrafficOptions): TrafficSummary {
  const run = { bytes: zero(), total: 0, tokens: 0, busyMs: 0, iterations: 0 };
  let last: IterationEvent | null = null;
  for (const e of events) {
    if (!e.traffic) continue;
    for (const k of TRAFFIC_CATEGORIES) run.bytes[k] += e.traffic[k];
    run.tokens += e.prefillTokens + e.decodeTokens;
    run.busyMs += e.backendMs;
    run.iterations++;
    last = e;
  }
  run.total = sum(run.bytes);
  if (!last) return { latest: null, run, techniques: [], kernels: [] };
  const latest = { index: last.index, bytes: last.traffic!, total: sum(last.traffic!), tokens: last.prefillTokens + last.decodeTokens, stepMs: last.backendMs, timeSource: last.timeSource, formats: last.formats ?? null };
  // An MoE step's expert bytes are its routing record's; a step without one gets no breakdown.
  const known = config && latest.formats && (!config.moe || last.experts);
  const opts = { ...options, ...(last.experts ? { expertBytes: last.experts.bytes } : {}) };
  return {
    latest,
    run,
    techniques: known ? techniques(last, latest.formats!, config, opts.expertBytes) : [],
    kernels: known ? stepTraffic(config, latest.formats!, stepSeqs(last), opts).kernels : [],
  };
}

function techniques(e: IterationEvent, f: NumberFormats, c: ModelConfig, expertBytes?: number): Technique[] {
  const b = e.traffic!;
  const sim = e.timeSource === 'simulated';
  const full = sim ? 'f16' : 'f32';
  const wRatio = bytesPerWeight(full) / bytesPerWeight('int8');
  const kvRatio = (dtype: NumberFormats['kv']) => kvRowBytes(c, full) / kvRowBytes(c, dtype);
  const kvBytes = b.kvRead + b.kvWrite;
  const unfused = f.attention === 'unfused' ? b.scores : stepTraffic(c, { ...f, attention: 'unfused' }, stepSeqs(e), { valueBytes: sim ? 2 : 4, expertBytes }).scores;
  const bestKv = 'int8' as const;
  // The real engines have no int8 expert kernels (weightsProblem): no saving is offered that no engine here can run.
  const weights: Technique[] = c.moe && !sim ? [] : [
    f.weights === 'int8'
      ? { id: 'weights', label: 'int8 weights', on: true, saves: b.weights * (wRatio - 1), against: `vs ${full}` }
      : { id: 'weights', label: 'int8 weights', on: false, saves: b.weights * (1 - 1 / wRatio), against: `vs ${full}` },
  ];
  return [
    ...weights,
    f.kv !== full
      ? { id: 'kv', label: `${f.kv} KV cache`, on: true, saves: kvBytes * (kvRatio(f.kv) - 1), against: `vs ${full}` }
      : { id: 'kv', label: `${bestKv} KV cache`, on: false, saves: kvBytes * (1 - 1 / kvRatio(bestKv)), against: `vs ${full}` },
    { id: 'attention', label: 'fused attention', on: f.attention === 'fused', saves: unfused, against: 'vs unfused' },
  ];
}

/** Segments of a stacked bar `width` wide for one step's bytes (categories with no bytes are left out). */
export function barSegments(bytes: StepBytes, width: number, scaleTotal = sum(bytes)): { category: TrafficCategory; x: number; width: number; bytes: number }[] {
  let x = 0;
  const out: { category: TrafficCategory; x: number; width: number; bytes: number }[] = [];
  if (scaleTotal <= 0) return out;
  for (const category of TRAFFIC_CATEGORIES) {
    const w = (bytes[category] / scaleTotal) * width;
    if (bytes[category] <= 0) continue;
    out.push({ category, x, width: w, bytes: bytes[category] });
    x += w;
  }
  return out;
}
