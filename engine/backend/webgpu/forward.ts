import { kvDim as kvDimOf, type ModelConfig } from '../../model/config';
import { kvRowBytes, type NumberFormats } from '../../model/quant/formats';
import type { KvLayout } from '../types';
import { bindKernel, createKernel, type Kernel, type Resource } from './kernels';
import { layerSlice, type ModelBuffers } from './model-buffers';
import type { PackedQ8Model } from './pack-q8';
import { MOE_SHADERS, kernelSource, type ShaderName, type ShaderSources } from './shaders';
import { LOAD_STRIDE, moeTiles, type StepBuffers } from './step-buffers';

/**
 * The forward pass as a list of dispatches, all in one compute pass of one command buffer:
 *   embed; per layer: qkv_rope, [kv_quant], attention, ffn_up, matmul_residual (w2); logits; sample.
 * Attention is attention_out (fused: online softmax, then wo and the residual) or, unfused,
 * attn_scores, attn_softmax, attn_values and wo as a matmul_residual. With f32 KV and fused
 * attention that is 4 x n_layers + 3 dispatches, the last two only when the step needs logits or
 * samples; an int8 cache adds kv_quant per layer, the unfused path three more per layer.
 * A mixture-of-experts layer runs moe_route, moe_group, moe_up, moe_down, moe_combine in place of
 * ffn_up and matmul_residual: the routing is grouped by expert on the GPU, and the expert kernels
 * are dispatched for the most tiles a step can need, so nothing is read back mid-step. The expert
 * kernels read float32 weights only (an MoE model with int8 weights is refused before this).
 */

/** Invocations per workgroup of the kernels without barriers (the matmuls), their WG override. */
export const WG = 64;

/**
 * Kernels with workgroup barriers (attention_out, sample) get small workgroups on CPU emulations:
 * SwiftShader runs each invocation of such a workgroup as a coroutine, and a 64-wide one costs
 * more to start than the work in it. GPUs keep 64.
 */
const barrierWorkgroup = (emulated: boolean): number => (emulated ? 16 : 64);

/**
 * The compiled kernels: every shader by name, plus wo as a matmul_residual for the unfused path. A
 * dense model has no moe_* kernels, an MoE no ffn_up or matmul_residual.
 */
export type Kernels = Partial<Record<ShaderName | 'wo', Kernel>>;

/** The kernels a model and format need. */
function kernelNames(c: ModelConfig, f: NumberFormats): (ShaderName | 'wo')[] {
  const attention: (ShaderName | 'wo')[] = f.attention === 'fused' ? ['attention_out'] : ['attn_scores', 'attn_softmax', 'attn_values', 'wo'];
  const ffn: ShaderName[] = c.moe ? [...MOE_SHADERS] : ['ffn_up', 'matmul_residual'];
  return ['embed', 'qkv_rope', ...(f.kv === 'int8' ? (['kv_quant'] as const) : []), ...attention, ...ffn, 'logits', 'sample'];
}

export async function createKernels(device: GPUDevice, shaders: ShaderSources, c: ModelConfig, kv: KvLayout, emulated: boolean, f: NumberFormats, q8: PackedQ8Model | null): Promise<Kernels> {
  const DIM = c.dim;
  const KV_DIM = kvDimOf(c);
  const HEAD_SIZE = c.dim / c.nHeads;
  const E = c.moe?.nExperts ?? 0;
  const K = c.moe?.topK ?? 0;
  const int8 = f.weights === 'int8';
  // Weight layout constants (shaders/weights.wgsl); float32 needs none.
  const w = (t?: { scales: number; gain: number }): Record<string, number> => (int8 && t ? { GROUP: 32, SCALES: t.scales, ...(t.gain ? { GAIN: t.gain } : {}) } : {});
  const kvRow: Record<string, number> = f.kv === 'int8' ? { ROW_WORDS: kvRowBytes(c, 'int8') / 4 } : {};
  const attn = { DIM, KV_DIM, HEAD_SIZE, BLOCK_SIZE: kv.blockSize, ...kvRow };
  const constants: Record<ShaderName | 'wo', Record<string, number>> = {
    embed: int8 && q8 ? { DIM, SCALES: q8.embeddingScales, SCALE_WORDS: q8.embeddingScaleWords } : { DIM },
    qkv_rope: { DIM, KV_DIM, HEAD_SIZE, ...w(q8?.qkv) },
    kv_quant: { KV_DIM, HEAD_SIZE, ...kvRow },
    attention_out: { ...attn, ...w(q8?.wo) },
    attn_scores: { ...attn, SEQ_LEN: c.seqLen },
    attn_softmax: { N_HEADS: c.nHeads, SEQ_LEN: c.seqLen },
    attn_values: { ...attn, SEQ_LEN: c.seqLen },
    wo: { IN: DIM, OUT: DIM, ...w(q8?.wo) },
    ffn_up: { DIM, HIDDEN: c.hiddenDim, ...w(q8?.ffnUp) },
    matmul_residual: { IN: c.hiddenDim, OUT: DIM, ...w(q8?.w2) },
    logits: { DIM, VOCAB: c.vocabSize, ...w(q8?.classifier) },
    sample: { VOCAB: c.vocabSize },
    moe_route: { DIM, E, K },
    moe_group: { E, K },
    moe_up: { DIM, HIDDEN: c.hiddenDim, K },
    moe_down: { IN: c.hiddenDim, OUT: DIM },
    moe_combine: { DIM, K },
  };
  // moe_group is one workgroup of E invocations (its own size); the others take WG.
  const wg = (n: ShaderName | 'wo'): Record<string, number> => (n === 'moe_group' ? {} : { WG: n === 'attention_out' || n === 'sample' ? barrierWorkgroup(emulated) : WG });
  const names = kernelNames(c, f);
  const built = await Promise.all(
    names.map((n) => {
      const shader: ShaderName = n === 'wo' ? 'matmul_residual' : n;
      return createKernel(device, kernelSource(shaders, shader, f), shader, { ...constants[n], ...wg(n) }, n === 'wo' ? 'wo (matmul_residual)' : shader);
    }),
  );
  return Object.fromEntries(names.map((n, i) => [n, built[i]])) as Kernels;
}

export interface LayerGroups {
  qkv: GPUBindGroup;
  kvQuant?: GPUBindGroup;
  attention?: GPUBindGroup;
  scores?: GPUBindGroup;
  softmax?: GPUBindGroup;
  values?: GPUBindGroup;
  wo?: GPUBindGroup;
  /** ffn_up and matmul_residual's, or the five MoE kernels' in order. */
  ffn: GPUBindGroup[];
}

export interface BindGroups {
  embed: GPUBindGroup;
  layers: LayerGroups[];
  logits: GPUBindGroup;
  sample: GPUBindGroup;
}

/** Made when the backend starts and again whenever the step buffers grow. */
export function bindGroups(device: GPUDevice, k: Kernels, nLayers: number, m: ModelBuffers, s: StepBuffers): BindGroups {
  const bind = (kernel: Kernel | undefined, resources: Parameters<typeof bindKernel>[2], label: string) => (kernel ? bindKernel(device, kernel, resources, label) : undefined);
  const layers = Array.from({ length: nLayers }, (_, l): LayerGroups => {
    const kc = layerSlice(m.keyCache, l);
    const vc = layerSlice(m.valueCache, l);
    const cacheOut: Record<string, Resource> = k.kv_quant ? { kv_new: s.kvNew } : { key_cache: kc, value_cache: vc };
    const up = layerSlice(m.ffnUp, l);
    const down = layerSlice(m.w2, l);
    const ffn = m.router
      ? [
          bindKernel(device, k.moe_route!, { step: s.step, x: s.x, w: layerSlice(m.router, l), experts: s.experts, weights: s.weights }, `moe_route L${l}`),
          bindKernel(device, k.moe_group!, { step: s.step, experts: s.experts, slots: s.slots, row_of: s.rowOf, tile_expert: s.tileExpert, load: { buffer: s.load, offset: l * LOAD_STRIDE, size: LOAD_STRIDE } }, `moe_group L${l}`),
          bindKernel(device, k.moe_up!, { step: s.step, x: s.x, w: up, slots: s.slots, tile_expert: s.tileExpert, h: s.h }, `moe_up L${l}`),
          bindKernel(device, k.moe_down!, { step: s.step, h: s.h, w: down, slots: s.slots, tile_expert: s.tileExpert, ye: s.ye }, `moe_down L${l}`),
          bindKernel(device, k.moe_combine!, { step: s.step, ye: s.ye, row_of: s.rowOf, weights: s.weights, x: s.x }, `moe_combine L${l}`),
        ]
      : [
          bindKernel(device, k.ffn_up!, { step: s.step, x: s.x, w: up, h: s.h }, `ffn_up L${l}`),
          bindKernel(device, k.matmul_residual!, { step: s.step, a: s.h, w: down, x: s.x }, `ffn_down L${l}`),
        ];
    return {
      qkv: bindKernel(device, k.qkv_rope!, { step: s.step, tokens: s.tokens, x: s.x, w: layerSlice(m.qkv, l), rope: m.rope, q: s.q, ...cacheOut }, `qkv_rope L${l}`),
      kvQuant: bind(k.kv_quant, { step: s.step, tokens: s.tokens, kv_new: s.kvNew, key_cache: kc, value_cache: vc }, `kv_quant L${l}`),
      attention: bind(k.attention_out, { step: s.step, tokens: s.tokens, tables: s.tables, q: s.q, key_cache: kc, value_cache: vc, w: layerSlice(m.wo, l), x: s.x }, `attention_out L${l}`),
      scores: bind(k.attn_scores, { step: s.step, tokens: s.tokens, tables: s.tables, q: s.q, key_cache: kc, scores: s.scores }, `attn_scores L${l}`),
      softmax: bind(k.attn_softmax, { step: s.step, tokens: s.tokens, scores: s.scores }, `attn_softmax L${l}`),
      values: bind(k.attn_values, { step: s.step, tokens: s.tokens, tables: s.tables, scores: s.scores, value_cache: vc, out: s.att }, `attn_values L${l}`),
      wo: bind(k.wo, { step: s.step, a: s.att, w: layerSlice(m.wo, l), x: s.x }, `wo L${l}`),
      ffn,
    };
  });
  return {
    embed: bindKernel(device, k.embed!, { step: s.step, tokens: s.tokens, embedding: m.embedding, x: s.x }, 'embed'),
    layers,
    logits: bindKernel(device, k.logits!, { step: s.step, rows: s.rows, x: s.x, w: m.classifier, logits: s.logits }, 'logits'),
    sample: bindKernel(device, k.sample!, { jobs: s.jobs, logits: s.logits, scratch: s.scratch, sampled: s.sampled }, 'sample'),
  };
}

const groups = (n: number, per: number): number => Math.ceil(n / per);

/** What one step's dispatch sizes depend on. */
export interface StepShape {
  tokens: number;
  rows: number;
  samples: number;
  /** Longest context in the step (largest position + 1): the unfused score kernel's width. */
  context: number;
}

/** Records the step's dispatches; returns how many. */
export function encodeForward(pass: GPUComputePassEncoder, k: Kernels, g: BindGroups, c: ModelConfig, step: StepShape): number {
  const { tokens: T, rows, samples } = step;
  const kvDim = kvDimOf(c);
  let dispatches = 0;
  const run = (kernel: Kernel | undefined, group: GPUBindGroup | undefined, x: number, y = 1): void => {
    if (!kernel || !group) throw new Error('a kernel of this format was not built');
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y);
    dispatches++;
  };
  const hidden4 = Math.ceil(c.hiddenDim / 4);
  const dim4 = Math.ceil(c.dim / 4);
  run(k.embed!, g.embed, groups(c.dim, WG), T);
  for (const layer of g.layers) {
    run(k.qkv_rope!, layer.qkv, groups(Math.ceil((c.dim + 2 * kvDim) / 4), WG), groups(T, k.qkv_rope!.tile));
    if (k.kv_quant) run(k.kv_quant, layer.kvQuant, groups(2 * T, WG));
    if (k.attention_out) run(k.attention_out, layer.attention, groups(T, k.attention_out.tile));
    else {
      run(k.attn_scores, layer.scores, groups(step.context, WG), T * c.nHeads);
      run(k.attn_softmax, layer.softmax, groups(T * c.nHeads, WG));
      run(k.attn_values, layer.values, groups((T * c.dim) / 4, WG));
      run(k.wo, layer.wo, groups(c.dim / 4, WG), groups(T, k.wo!.tile));
    }
    if (c.moe) {
      const tiles = moeTiles(c, T);
      const [route, group, up, down, combine] = layer.ffn;
      run(k.moe_route!, route, groups(T, WG));
      run(k.moe_group!, group, 1);
      run(k.moe_up!, up, groups(hidden4, WG), tiles);
      run(k.moe_down!, down, groups(dim4, WG), tiles);
      run(k.moe_combine!, combine, groups(dim4, WG), T);
    } else {
      run(k.ffn_up!, layer.ffn[0], groups(hidden4, WG), groups(T, k.ffn_up!.tile));
      run(k.matmul_residual!, layer.ffn[1], groups(dim4, WG), groups(T, k.matmul_residual!.tile));
    }
  }
  if (rows > 0) run(k.logits!, g.logits, groups(Math.ceil(c.vocabSize / 4), WG), groups(rows, k.logits!.tile));
  if (samples > 0) run(k.sample!, g.sample, samples);
  return dispatches;
}
