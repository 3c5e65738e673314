import { headSize, kvDim as kvDimOf, type ModelConfig } from '../config';
import type { Model } from '../weights';
import type { BlockCopy, KvLayout, SequenceStep } from '../../backend/types';
import { copyPoolBlocks } from '../forward-cpu';
import type { ForwardPass } from '../forward-pass';
import { instantiateKernels, type WasmKernels } from './kernels';
import { addLoad, groupByExpert, routeTokens } from '../moe';
import { packWeights, type PackedLayer, type PackedMatrix, type PackedWeights } from './pack';
import { KV_DTYPES, kvRowBytes, weightsProblem, type WeightDtype } from '../quant/formats';
import { KvBytes } from '../quant/kv-codec';
import { quantizeModel, type Q8Weights } from '../quant/model-q8';
import { dequantRow } from '../quant/q8';

const PAGE = 65536;
/** engine/model/wasm/assembly/shape.ts's MAX_HEADS: its per-head tables for f16/int8 pools are static. */
export const MAX_QUANT_HEADS = 256;
const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Byte offsets of one step's scratch buffers (after the weights and the KV pool). */
interface Scratch {
  tokens: number; // capacity in tokens (and logits rows) and block-table entries
  tableInts: number;
  x: number; // (T, dim) residual stream
  xb: number; // (T, dim)
  q: number; // (T, dim)
  k: number; // (T, kv_dim)
  v: number; // (T, kv_dim)
  hb: number; // (T, max(hidden, dim))
  hb2: number; // (T, hidden)
  logits: number; // (T, vocab) rows asked for
  meta: number; // (T, 2) i32: position, byte pointer to the sequence's block table
  slots: number; // (T) i32 byte offset of the token's K/V row within a layer
  tables: number; // i32 block tables of the step's sequences
  att: number; // (seq_len + 2, heads rounded up to 4) scores of one token, then their max and sum
  rows: number; // (seq_len) i32 K/V row offsets of one token's positions
  work: number; // attention's scratch for an f16/int8 pool: one token's int16 query and scales, or one K row as float32
  // MoE models only (0-sized otherwise):
  router: number; // (T, E) router logits
  order: number; // (T * k) i32 routing slots grouped by expert
  rowOf: number; // (T, k) i32 row of each slot in the grouped order
  weights: number; // (T, k) routing weights
  ye: number; // (T * k, dim) expert outputs in grouped order
  end: number;
}

/**
 * The CPU engine's fast path: the reference forward pass (forward-cpu.ts) step for step, with
 * every hot loop in WebAssembly SIMD (assembly/). Weights, the paged KV pool and the step's
 * activations all live in one WebAssembly memory owned by this object. Sums run in float32, as
 * run.c's do (the reference accumulates in float64), in an order that never depends on the batch:
 * a token's logits are bit-identical alone or in any step.
 */
export class WasmForward implements ForwardPass {
  readonly config: ModelConfig;
  readonly kv: KvLayout;
  private readonly k: WasmKernels;
  private readonly memory: WebAssembly.Memory;
  private readonly w: PackedWeights;
  private readonly embedding: Float32Array;
  private readonly q8: Q8Weights | null;
  private readonly base: number; // byte offset of the weight image
  private readonly keys: number; // (layer, block, blockSize, kv_dim)
  private readonly values: number;
  private readonly layerBytes: number;
  private readonly scratchAt: number;
  private s: Scratch;
  private f32: Float32Array;
  private i32: Int32Array;
  /** MoE models: tokens routed to each expert in the last step, (layer, expert); null for a dense model. */
  readonly expertLoad: Int32Array | null;
  private route: ReturnType<typeof routeBuffers>;

  constructor(model: Model, kv: KvLayout, module: WebAssembly.Module, weights: WeightDtype = 'f32') {
    const c = (this.config = model.config);
    const problem = weightsProblem(c, weights);
    if (problem) throw new Error(problem);
    this.kv = kv;
    this.w = packWeights(model, weights === 'int8' ? 'int8' : 'f32');
    this.embedding = model.weights.tokenEmbedding;
    this.q8 = weights === 'int8' ? quantizeModel(model) : null;
    const dtype = kv.dtype ?? 'f32';
    if (dtype !== 'f32' && c.nHeads > MAX_QUANT_HEADS) throw new Error(`an ${dtype} KV cache on the WebAssembly kernels takes at most ${MAX_QUANT_HEADS} query heads (this model has ${c.nHeads}); use --kv-dtype f32`);
    this.layerBytes = kv.numBlocks * kv.blockSize * kvRowBytes(c, dtype);
    // The module's constants come first (its data segment is written when it is instantiated),
    // then the weights, the KV pool and the step's scratch, which grows.
    this.memory = new WebAssembly.Memory({ initial: 1 });
    this.k = instantiateKernels(module, this.memory);
    this.base = align(this.k.heapBase());
    this.keys = align(this.base + this.w.image.byteLength);
    this.values = this.keys + c.nLayers * this.layerBytes;
    this.scratchAt = this.values + c.nLayers * this.layerBytes;
    this.s = this.layout(1, 64);
    // Throws RangeError past WebAssembly's 4 GiB, which the backend reports as a pool too large.
    this.memory.grow(Math.ceil(this.s.end / PAGE) - 1);
    this.k.configureAttention(c.dim, c.nHeads, c.nKvHeads, kv.blockSize, KV_DTYPES.indexOf(dtype), kvRowBytes(c, dtype));
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    new Uint8Array(this.memory.buffer).set(this.w.image, this.base);
    this.expertLoad = c.moe ? new Int32Array(c.nLayers * c.moe.nExperts) : null;
    this.route = routeBuffers(c, this.s.tokens);
  }

  /**
   * (layer, block, blockSize, kv_dim) float32. An f32 pool: a fresh view into the kernels' memory,
   * which may grow (and move) during a step. An f16 or int8 pool: a decoded copy.
   */
  get keyCache(): Float32Array {
    return this.view(this.keys);
  }

  get valueCache(): Float32Array {
    return this.view(this.values);
  }

  copyBlocks(copies: readonly BlockCopy[]): void {
    const bytes = new Uint8Array(this.memory.buffer);
    const blockBytes = this.layerBytes / this.kv.numBlocks;
    for (const base of [this.keys, this.values]) copyPoolBlocks(bytes, base, this.layerBytes, blockBytes, this.config.nLayers, copies);
  }

  forward(seqs: readonly SequenceStep[]): (Float32Array | null)[] {
    const c = this.config;
    const { dim, vocabSize: vocab } = c;
    const kvDim = kvDimOf(c);
    const bs = this.kv.blockSize;
    const rowBytes = kvRowBytes(c, this.kv.dtype ?? 'f32');
    let T = 0;
    let tableInts = 0;
    let rows = 0;
    for (const q of seqs) {
      T += q.tokens.length;
      tableInts += q.blockTable.length;
      const mode = q.logits ?? 'last';
      rows += mode === 'all' ? q.tokens.length : mode === 'last' ? 1 : 0;
    }
    const s = this.ensure(T, tableInts);
    const { f32, i32, k } = this;
    this.expertLoad?.fill(0);

    // Per token: position, block table, K/V slot, embedding row.
    let t = 0;
    let table = s.tables;
    for (const sq of seqs) {
      for (let b = 0; b < sq.blockTable.length; b++) i32[table / 4 + b] = sq.blockTable[b];
      for (let j = 0; j < sq.tokens.length; j++, t++) {
        const p = sq.startPos + j;
        i32[s.meta / 4 + 2 * t] = p;
        i32[s.meta / 4 + 2 * t + 1] = table;
        i32[s.slots / 4 + t] = (sq.blockTable[Math.floor(p / bs)] * bs + (p % bs)) * rowBytes;
        if (this.q8) dequantRow(this.q8.embedding, sq.tokens[j], f32, s.x / 4 + t * dim);
        else {
          const e = sq.tokens[j] * dim;
          f32.set(this.embedding.subarray(e, e + dim), s.x / 4 + t * dim);
        }
      }
      table += sq.blockTable.length * 4;
    }

    const hs = headSize(c);
    const rope = this.base + this.w.rope;
    for (let l = 0; l < c.nLayers; l++) {
      const L = this.w.layers[l];
      const kLayer = this.keys + l * this.layerBytes;
      const vLayer = this.values + l * this.layerBytes;
      k.rmsnorm(s.xb, s.x, this.base + L.rmsAtt, T, dim);
      this.matmul(s.q, s.xb, L.wq, T);
      this.matmul(s.k, s.xb, L.wk, T);
      this.matmul(s.v, s.xb, L.wv, T);
      k.rope(s.q, s.meta, T, dim, hs, rope);
      k.rope(s.k, s.meta, T, kvDim, hs, rope);
      k.storeKv(kLayer, vLayer, s.k, s.v, s.slots, T);
      k.attention(s.xb, s.q, kLayer, vLayer, s.meta, T, s.att, s.rows, s.work);
      this.matmul(s.hb, s.xb, L.wo, T);
      k.addInPlace(s.x, s.hb, T * dim);
      if (L.experts) this.moeFfn(l, L, s, T);
      else this.ffn(L, s, T);
    }

    // Classifier on the rows asked for, gathered into one batch: (rows, dim) -> (rows, vocab).
    let r = 0;
    t = 0;
    for (const sq of seqs) {
      const n = sq.tokens.length;
      const mode = sq.logits ?? 'last';
      const from = mode === 'all' ? t : t + n - 1;
      if (mode !== 'none') for (let i = from; i < t + n; i++, r++) f32.copyWithin(s.hb / 4 + r * dim, s.x / 4 + i * dim, s.x / 4 + (i + 1) * dim);
      t += n;
    }
    if (rows > 0) {
      k.rmsnorm(s.xb, s.hb, this.base + this.w.rmsFinal, rows, dim);
      this.matmul(s.logits, s.xb, this.w.wcls, rows);
    }
    const out: (Float32Array | null)[] = [];
    r = 0;
    for (const sq of seqs) {
      const mode = sq.logits ?? 'last';
      const n = mode === 'all' ? sq.tokens.length : mode === 'last' ? 1 : 0;
      out.push(n === 0 ? null : f32.slice(s.logits / 4 + r * vocab, s.logits / 4 + (r + n) * vocab));
      r += n;
    }
    return out;
  }

  private ffn(L: PackedLayer, s: Scratch, T: number): void {
    const { dim, hiddenDim: hidden } = this.config;
    this.k.rmsnorm(s.xb, s.x, this.base + L.rmsFfn, T, dim);
    this.matmul(s.hb, s.xb, L.w1, T);
    this.matmul(s.hb2, s.xb, L.w3, T);
    this.k.siluMul(s.hb, s.hb2, T * hidden);
    this.matmul(s.xb, s.hb, L.w2, T);
    this.k.addInPlace(s.x, s.xb, T * dim);
  }

  /**
   * The mixture-of-experts FFN, as the reference computes it (forward-cpu.ts moeFfn): router
   * logits by the matmul kernel, top-k and the grouping by expert in TypeScript (a few comparisons
   * per token, on T x E numbers), then per expert a gather of its tokens and its three matmuls over
   * just them, and one combine kernel that adds each token's weighted outputs to the residual.
   */
  private moeFfn(l: number, L: PackedLayer, s: Scratch, T: number): void {
    const { dim, hiddenDim: hidden } = this.config;
    const { nExperts: E, topK: k } = this.config.moe!;
    const r = this.route;
    this.k.rmsnorm(s.xb, s.x, this.base + L.rmsFfn, T, dim);
    this.matmul(s.router, s.xb, L.router!, T);
    routeTokens(this.f32.subarray(s.router / 4, s.router / 4 + T * E), T, E, k, r.experts, r.weights);
    groupByExpert(r.experts, T, k, E, r.offsets, r.order, r.rowOf);
    addLoad(this.expertLoad!, l * E, r.offsets, E);
    this.i32.set(r.order.subarray(0, T * k), s.order / 4);
    this.i32.set(r.rowOf.subarray(0, T * k), s.rowOf / 4);
    this.f32.set(r.weights.subarray(0, T * k), s.weights / 4);
    L.experts!.forEach((ex, e) => {
      const from = r.offsets[e];
      const n = r.offsets[e + 1] - from;
      if (n === 0) return;
      this.k.gatherRows(s.q, s.xb, s.order + from * 4, n, k, dim); // q is free scratch here
      this.matmul(s.hb, s.q, ex.w1, n);
      this.matmul(s.hb2, s.q, ex.w3, n);
      this.k.siluMul(s.hb, s.hb2, n * hidden);
      this.matmul(s.ye + from * dim * 4, s.hb, ex.w2, n);
    });
    this.k.combineExperts(s.x, s.ye, s.rowOf, s.weights, T, k, dim);
  }

  /** out (T, d) = x (T, n) @ W^T with the kernel for W's format. */
  private matmul(out: number, x: number, m: PackedMatrix, T: number): void {
    switch (m.format) {
      case 'f32':
        this.k.matmul(out, x, this.base + m.offset, T, m.n, m.d);
        return;
      case 'int8':
        this.k.matmulQ8(out, x, this.base + m.offset, this.base + m.scales, T, m.n, m.d);
    }
  }

  private view(at: number): Float32Array {
    const dtype = this.kv.dtype ?? 'f32';
    const bytes = this.layerBytes * this.config.nLayers;
    if (dtype === 'f32') return new Float32Array(this.memory.buffer, at, bytes / 4);
    const copy = new Uint8Array(this.memory.buffer, at, bytes).slice();
    return new KvBytes(this.config, dtype, bytes / kvRowBytes(this.config, dtype), copy.buffer).readAll();
  }

  /** Lays out scratch for a step, growing the memory when the step needs more than it has. */
  private ensure(tokens: number, tableInts: number): Scratch {
    if (this.s.tokens >= tokens && this.s.tableInts >= tableInts) return this.s;
    const s = this.layout(Math.max(tokens, 2 * this.s.tokens), Math.max(tableInts, 2 * this.s.tableInts));
    this.route = routeBuffers(this.config, s.tokens);
    const have = this.memory.buffer.byteLength;
    if (s.end > have) {
      this.memory.grow(Math.ceil((s.end - have) / PAGE));
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
    return (this.s = s);
  }

  private layout(tokens: number, tableInts: number): Scratch {
    const c = this.config;
    const kvDim = kvDimOf(c);
    const heads = Math.ceil(c.nHeads / 4) * 4;
    let at = align(this.scratchAt);
    const take = (floats: number) => {
      const p = at;
      at += align(floats * 4);
      return p;
    };
    return {
      tokens,
      tableInts,
      x: take(tokens * c.dim),
      xb: take(tokens * c.dim),
      q: take(tokens * c.dim),
      k: take(tokens * kvDim),
      v: take(tokens * kvDim),
      hb: take(tokens * Math.max(c.hiddenDim, c.dim)),
      hb2: take(tokens * c.hiddenDim),
      logits: take(tokens * c.vocabSize),
      meta: take(tokens * 2),
      slots: take(tokens),
      tables: take(tableInts),
      att: take((c.seqLen + 2) * heads),
      rows: take(c.seqLen),
      // int8: (heads, head_size) int16 padded to 16 bytes, then a float32 per head; f16: kv_dim float32.
      work: take(Math.max(Math.ceil((heads * headSize(c) * 2 + 15) / 16) * 4 + heads, kvDim)),
      router: take(tokens * (c.moe?.nExperts ?? 0)),
      order: take(tokens * (c.moe?.topK ?? 0)),
      rowOf: take(tokens * (c.moe?.topK ?? 0)),
      weights: take(tokens * (c.moe?.topK ?? 0)),
      ye: take(tokens * (c.moe?.topK ?? 0) * c.dim),
      end: at,
    };
  }
}

/** Routing results of a step of up to `tokens` tokens, on the JavaScript side (moe.ts fills them). */
function routeBuffers(c: ModelConfig, tokens: number) {
  const slots = tokens * (c.moe?.topK ?? 0);
  return {
    experts: new Int32Array(slots),
    weights: new Float32Array(slots),
    offsets: new Int32Array((c.moe?.nExperts ?? 0) + 1),
    order: new Int32Array(slots),
    rowOf: new Int32Array(slots),
  };
}
