import { kvDim as kvDimOf, type ModelConfig } from '../model/config';
import { kvRowBytes, matrixBytes, type NumberFormats } from '../model/quant/formats';

/**
 * Bytes each kernel of a step reads and writes, computed from the shapes (never measured): every
 * tensor a kernel touches is counted once per kernel, the compulsory traffic an ideal cache would
 * still move to and from memory. A kernel that reads the same K/V rows for several query tokens of
 * one sequence counts them once (what FlashAttention's tiles achieve); the unfused path's score
 * matrix is written and read back between kernels, so it counts every time.
 */
export const TRAFFIC_CATEGORIES = ['weights', 'kvRead', 'kvWrite', 'activations', 'scores'] as const;
export type TrafficCategory = (typeof TRAFFIC_CATEGORIES)[number];

export interface KernelTraffic {
  /** The kernel (per layer kernels once per layer, summed). */
  kernel: string;
  read: number;
  written: number;
  /** Bytes by what they are. */
  bytes: Record<TrafficCategory, number>;
}

export interface StepTraffic extends Record<TrafficCategory, number> {
  /** Tokens the step ran (per-token figures divide by this). */
  tokens: number;
  total: number;
  kernels: KernelTraffic[];
}

/** One sequence of a step: its new tokens, where they start, and how many logits rows it asks for. */
export interface TrafficSeq {
  tokens: number;
  startPos: number;
  logitRows: number;
}

export interface TrafficOptions {
  /** Bytes of one activation value (float32 engines: 4; a production fp16 model: 2). */
  valueBytes?: number;
  /** The model's matmul weights in bytes when its shapes do not say it all (a simulated model's published size). */
  weightBytes?: number;
  /**
   * Mixture-of-experts models: the expert FFN bytes this step read, all layers, from its routing
   * record (each expert its tokens woke, once; IterationEvent.experts.bytes). Required for an MoE:
   * the shapes alone cannot say which experts a step touched.
   */
  expertBytes?: number;
}

const zero = (): Record<TrafficCategory, number> => ({ weights: 0, kvRead: 0, kvWrite: 0, activations: 0, scores: 0 });

export function stepTraffic(c: ModelConfig, f: NumberFormats, seqs: readonly TrafficSeq[], opts: TrafficOptions = {}): StepTraffic {
  const vb = opts.valueBytes ?? 4;
  const { dim, hiddenDim: hidden, nLayers: L, nHeads: H, vocabSize: V } = c;
  const kvDim = kvDimOf(c);
  const row = kvRowBytes(c, f.kv);
  const T = seqs.reduce((n, s) => n + s.tokens, 0);
  const R = seqs.reduce((n, s) => n + s.logitRows, 0);
  // Positions each sequence's attention reads (its cache and its new tokens), and score entries (one per token per position attended).
  const ctx = seqs.reduce((n, s) => n + (s.tokens > 0 ? s.startPos + s.tokens : 0), 0);
  const attended = seqs.reduce((n, s) => n + s.tokens * s.startPos + (s.tokens * (s.tokens + 1)) / 2, 0);
  const mat = (rows: number, n: number) => matrixBytes(rows, n, f.weights);
  // A published model size replaces the matrices' shapes, split over them in proportion.
  const shapeBytes = L * (mat(dim + 2 * kvDim, dim) + mat(dim, dim) + 2 * mat(hidden, dim) + mat(dim, hidden)) + mat(V, dim);
  // An MoE's published size counts every expert, not those a step reads: its shapes are used as they are.
  const scale = opts.weightBytes !== undefined && !c.moe ? opts.weightBytes / shapeBytes : 1;
  if (c.moe && opts.expertBytes === undefined) throw new Error('stepTraffic: an MoE step needs its routing record (expertBytes)');
  const w = (rows: number, n: number) => mat(rows, n) * scale;
  const act = (values: number) => values * vb;
  const kernels: KernelTraffic[] = [];
  const add = (kernel: string, times: number, read: Partial<Record<TrafficCategory, number>>, written: Partial<Record<TrafficCategory, number>>) => {
    const bytes = zero();
    let r = 0;
    let wr = 0;
    for (const [k, v] of Object.entries(read) as [TrafficCategory, number][]) (bytes[k] += v * times), (r += v * times);
    for (const [k, v] of Object.entries(written) as [TrafficCategory, number][]) (bytes[k] += v * times), (wr += v * times);
    kernels.push({ kernel, read: r, written: wr, bytes });
  };
  add('embed', 1, { weights: (T * w(V, dim)) / V }, { activations: act(T * dim) });
  const int8Kv = f.kv === 'int8';
  add('qkv_rope', L, { weights: w(dim + 2 * kvDim, dim), activations: act(T * dim) }, int8Kv ? { activations: act(T * (dim + 2 * kvDim)) } : { activations: act(T * dim), kvWrite: 2 * T * row });
  if (int8Kv) add('kv_quant', L, { activations: act(2 * T * kvDim) }, { kvWrite: 2 * T * row });
  if (f.attention === 'fused') {
    add('attention_out', L, { activations: act(2 * T * dim), kvRead: 2 * ctx * row, weights: w(dim, dim) }, { activations: act(T * dim) });
  } else {
    add('attn_scores', L, { activations: act(T * dim), kvRead: ctx * row }, { scores: act(H * attended) });
    add('attn_softmax', L, { scores: act(H * attended) }, { scores: act(H * attended) });
    add('attn_values', L, { scores: act(H * attended), kvRead: ctx * row }, { activations: act(T * dim) });
    add('wo', L, { activations: act(2 * T * dim), weights: w(dim, dim) }, { activations: act(T * dim) });
  }
  if (c.moe) {
    // Each token runs k experts; the experts' weights are what its routing record says were read
    // (w1 and w3 in moe_up, w2 in moe_down: a third of the bytes).
    const { nExperts: E, topK: K } = c.moe;
    const ex = opts.expertBytes!;
    add('moe_route', L, { activations: act(T * dim), weights: w(E, dim) }, { activations: act(2 * T * K) });
    add('moe_up', 1, { activations: act(L * T * K * dim), weights: (2 * ex) / 3 }, { activations: act(L * T * K * hidden) });
    add('moe_down', 1, { activations: act(L * T * K * hidden), weights: ex / 3 }, { activations: act(L * T * K * dim) });
    add('moe_combine', L, { activations: act(T * K * (dim + 1) + T * dim) }, { activations: act(T * dim) });
  } else {
    add('ffn_up', L, { activations: act(T * dim), weights: 2 * w(hidden, dim) }, { activations: act(T * hidden) });
    add('matmul_residual', L, { activations: act(T * (hidden + dim)), weights: w(dim, hidden) }, { activations: act(T * dim) });
  }
  if (R > 0) add('logits', 1, { activations: act(R * dim), weights: w(V, dim) }, { activations: act(R * V) });
  const totals = zero();
  for (const k of kernels) for (const cat of Object.keys(totals) as TrafficCategory[]) totals[cat] += k.bytes[cat];
  const total = Object.values(totals).reduce((a, b) => a + b, 0);
  return { ...totals, tokens: T, total, kernels };
}

/** The matmul weights' bytes of a model's shapes in a format (every layer, the classifier; the embedding is gathered per token). */
export function modelWeightBytes(c: ModelConfig, weights: NumberFormats['weights']): number {
  const kvDim = kvDimOf(c);
  const m = (rows: number, n: number) => matrixBytes(rows, n, weights);
  return c.nLayers * (m(c.dim + 2 * kvDim, c.dim) + m(c.dim, c.dim) + 2 * m(c.hiddenDim, c.dim) + m(c.dim, c.hiddenDim)) + m(c.vocabSize, c.dim);
}
