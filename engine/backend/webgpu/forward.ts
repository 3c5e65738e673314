import { kvDim as kvDimOf, type ModelConfig } from '../../model/config';
import type { KvLayout } from '../types';
import { bindKernel, createKernel, type Kernel } from './kernels';
import { layerSlice, type ModelBuffers } from './model-buffers';
import { DENSE_SHADERS, MOE_SHADERS, type ShaderName, type ShaderSources } from './shaders';
import { LOAD_STRIDE, moeTiles, type StepBuffers } from './step-buffers';

/**
 * The forward pass as a list of dispatches, all in one compute pass of one command buffer:
 *   embed; per layer: qkv_rope, attention_out, ffn_up, matmul_residual (w2); logits; sample.
 * That is 4 x n_layers + 3 dispatches, the last two only when the step needs logits or samples.
 * A mixture-of-experts layer runs moe_route, moe_group, moe_up, moe_down, moe_combine in place of
 * the last two (7 x n_layers + 3): the routing is grouped by expert on the GPU, and the expert
 * kernels are dispatched for the most tiles a step can need, so nothing is read back mid-step.
 */

/** Invocations per workgroup of the kernels without barriers (the matmuls), their WG override. */
export const WG = 64;

/**
 * Kernels with workgroup barriers (attention_out, sample) get small workgroups on CPU emulations:
 * SwiftShader runs each invocation of such a workgroup as a coroutine, and a 64-wide one costs
 * more to start than the work in it. GPUs keep 64.
 */
const barrierWorkgroup = (emulated: boolean): number => (emulated ? 16 : 64);

/** The kernels a model needs: a dense model has no moe_* kernels, an MoE no ffn_up or matmul_residual. */
export type Kernels = Partial<Record<ShaderName, Kernel>>;

export async function createKernels(device: GPUDevice, shaders: ShaderSources, c: ModelConfig, kv: KvLayout, emulated: boolean): Promise<Kernels> {
  const DIM = c.dim;
  const KV_DIM = kvDimOf(c);
  const HEAD_SIZE = c.dim / c.nHeads;
  const E = c.moe?.nExperts ?? 0;
  const K = c.moe?.topK ?? 0;
  const constants: Record<ShaderName, Record<string, number>> = {
    embed: { DIM },
    qkv_rope: { DIM, KV_DIM, HEAD_SIZE },
    attention_out: { DIM, KV_DIM, HEAD_SIZE, BLOCK_SIZE: kv.blockSize },
    ffn_up: { DIM, HIDDEN: c.hiddenDim },
    matmul_residual: { IN: c.hiddenDim, OUT: DIM },
    logits: { DIM, VOCAB: c.vocabSize },
    sample: { VOCAB: c.vocabSize },
    moe_route: { DIM, E, K },
    moe_group: { E, K },
    moe_up: { DIM, HIDDEN: c.hiddenDim, K },
    moe_down: { IN: c.hiddenDim, OUT: DIM },
    moe_combine: { DIM, K },
  };
  // moe_group is one workgroup of E invocations (its own size); the others take WG.
  const wg = (n: ShaderName): Record<string, number> => (n === 'moe_group' ? {} : { WG: n === 'attention_out' || n === 'sample' ? barrierWorkgroup(emulated) : WG });
  const names: ShaderName[] = c.moe ? DENSE_SHADERS.filter((n) => n !== 'ffn_up' && n !== 'matmul_residual') : [...DENSE_SHADERS];
  if (c.moe) names.push(...MOE_SHADERS);
  const built = await Promise.all(names.map((n) => createKernel(device, shaders, n, { ...constants[n], ...wg(n) })));
  return Object.fromEntries(names.map((n, i) => [n, built[i]])) as Kernels;
}

export interface BindGroups {
  embed: GPUBindGroup;
  /** ffn: ffn_up and matmul_residual's, or the five MoE kernels' in order. */
  layers: { qkv: GPUBindGroup; attention: GPUBindGroup; ffn: GPUBindGroup[] }[];
  logits: GPUBindGroup;
  sample: GPUBindGroup;
}

/** Made when the backend starts and again whenever the step buffers grow. */
export function bindGroups(device: GPUDevice, k: Kernels, nLayers: number, m: ModelBuffers, s: StepBuffers): BindGroups {
  const layers = Array.from({ length: nLayers }, (_, l) => {
    const kc = layerSlice(m.keyCache, l);
    const vc = layerSlice(m.valueCache, l);
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
      qkv: bindKernel(device, k.qkv_rope!, { step: s.step, tokens: s.tokens, x: s.x, w: layerSlice(m.qkv, l), rope: m.rope, q: s.q, key_cache: kc, value_cache: vc }, `qkv_rope L${l}`),
      attention: bindKernel(device, k.attention_out!, { step: s.step, tokens: s.tokens, tables: s.tables, q: s.q, key_cache: kc, value_cache: vc, w: layerSlice(m.wo, l), x: s.x }, `attention_out L${l}`),
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

/** Records the step's dispatches; returns how many. */
export function encodeForward(pass: GPUComputePassEncoder, k: Kernels, g: BindGroups, c: ModelConfig, T: number, rows: number, samples: number): number {
  const kvDim = kvDimOf(c);
  let dispatches = 0;
  const run = (kernel: Kernel, group: GPUBindGroup, x: number, y = 1): void => {
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
    run(k.attention_out!, layer.attention, groups(T, k.attention_out!.tile));
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
