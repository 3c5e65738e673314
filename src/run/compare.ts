import { gpuPreset, proposeTokenBudget, simModelPreset, simSweep } from '../../engine';
import type { ModelConfig } from '../../engine/model/config';
import type { RunConfig } from '../store/config';
import { FORMAT_AXES, formatAxisAvailable, formatSides, type FormatAxis } from './compare-formats';
import type { BackendInfo } from './types';
import { isMoeModel } from './model-formats';

/** The one thing compare mode changes between its two runs. */
export type CompareAxis = 'strategy' | 'kv' | 'blockSize' | 'chunkedPrefill' | 'maxNumSeqs' | 'kvCapacity' | 'prefixCaching' | 'model' | FormatAxis;

export const COMPARE_AXES: readonly { axis: CompareAxis; label: string }[] = [
  { axis: 'strategy', label: 'batching strategy' },
  { axis: 'kv', label: 'KV manager' },
  { axis: 'blockSize', label: 'block size' },
  { axis: 'chunkedPrefill', label: 'chunked prefill' },
  { axis: 'maxNumSeqs', label: 'max_num_seqs' },
  { axis: 'kvCapacity', label: 'KV capacity' },
  { axis: 'prefixCaching', label: 'prefix caching' },
  { axis: 'model', label: 'model (experts)' },
  ...FORMAT_AXES,
];

/** One side of a comparison: the settings it overrides and what the page calls it. */
export interface CompareSide {
  patch: Partial<RunConfig>;
  label: string;
}

/**
 * The token budget proposed with chunked prefill: the cost model's knee on the sim, else what a
 * measured sweep of this device suggests, else (nothing measured yet) a small budget, right for a
 * compute-bound device and never wrong by much on a GPU.
 */
export function proposedBudget(c: RunConfig, measured?: Parameters<typeof proposeTokenBudget>[0] & { points: { tokens: number }[] }): number {
  if (c.backend === 'sim') {
    const k = simSweep(gpuPreset(c.gpu), simModelPreset(c.simModel));
    return proposeTokenBudget(k, c.maxNumSeqs, 2048).budget;
  }
  if (measured) return proposeTokenBudget(measured, c.maxNumSeqs, Math.max(1, ...measured.points.map((p) => p.tokens))).budget;
  return 2 * c.maxNumSeqs;
}

/**
 * The two runs of a comparison, baseline first (top), the lesson's improvement second: their ratio
 * is second over first. Everything not named here is the configuration's, identical on both.
 * `model` (the real model's shape) lets a KV-format comparison give both sides the same bytes.
 */
export function compareSides(axis: CompareAxis, c: RunConfig, budget = proposedBudget(c), model?: ModelConfig): [CompareSide, CompareSide] {
  switch (axis) {
    case 'weights':
    case 'kvDtype':
    case 'attention':
      return formatSides(axis, c, model);
    case 'strategy':
      return [
        { patch: { strategy: 'static' }, label: 'Static batching' },
        { patch: { strategy: 'continuous' }, label: 'Continuous batching' },
      ];
    case 'kv':
      return [
        { patch: { kv: 'contiguous' }, label: 'Contiguous KV' },
        { patch: { kv: 'paged' }, label: 'Paged KV' },
      ];
    case 'blockSize': {
      const small = c.blockSize === 16 ? 2 : c.blockSize;
      return [
        { patch: { blockSize: 16 }, label: "16-token blocks (vLLM's default)" },
        { patch: { blockSize: small }, label: `${small}-token blocks` },
      ];
    }
    case 'chunkedPrefill':
      return [
        { patch: { chunkedPrefill: false, maxNumBatchedTokens: Math.max(c.maxNumBatchedTokens, 2048) }, label: 'Whole prompts' },
        { patch: { chunkedPrefill: true, maxNumBatchedTokens: budget }, label: `Chunked prefill, budget ${budget}` },
      ];
    case 'maxNumSeqs': {
      const half = Math.max(1, Math.floor(c.maxNumSeqs / 2));
      return [
        { patch: { maxNumSeqs: half }, label: `max_num_seqs ${half}` },
        { patch: { maxNumSeqs: c.maxNumSeqs }, label: `max_num_seqs ${c.maxNumSeqs}` },
      ];
    }
    case 'kvCapacity': {
      const half = Math.max(64, Math.floor(c.kvCapacity / 2 / c.blockSize) * c.blockSize);
      return [
        { patch: { kvCapacity: half }, label: `KV capacity ${half}` },
        { patch: { kvCapacity: c.kvCapacity }, label: `KV capacity ${c.kvCapacity}` },
      ];
    }
    case 'prefixCaching':
      // Only paged KV can share blocks: both sides run paged, so caching is the one difference.
      return [
        { patch: { prefixCaching: false, kv: 'paged' }, label: 'Prefix caching off' },
        { patch: { prefixCaching: true, kv: 'paged' }, label: 'Prefix caching on' },
      ];
    case 'model':
      // A mixture of experts chosen: balanced against unbalanced routing; the dense model chosen: dense against MoE.
      return c.model.startsWith('tiny-moe')
        ? [
            { patch: { model: 'tiny-moe-unbalanced' }, label: 'tiny-moe-unbalanced (no balancing loss)' },
            { patch: { model: 'tiny-moe' }, label: 'tiny-moe (balanced experts)' },
          ]
        : [
            { patch: { model: c.model }, label: `${c.model} (dense)` },
            { patch: { model: 'tiny-moe' }, label: 'tiny-moe (8 experts, top 2)' },
          ];
  }
}

/**
 * Axes the configuration can compare: the sim's pool is what its GPU holds, so its capacity is
 * fixed; the sim runs no real model; the CPU engine has one attention path; and a real mixture of
 * experts has no int8 weights (model-formats.ts), so neither the weight format of an MoE nor, with
 * int8 weights, a model comparison that would bring one in.
 */
export const axisAvailable = (axis: CompareAxis, c: RunConfig): boolean => {
  if ((axis === 'kvCapacity' || axis === 'model') && c.backend === 'sim') return false;
  if (axis === 'model') return c.weights !== 'int8';
  if (axis === 'weights' && isMoeModel(c.model) && c.backend !== 'sim') return false;
  return axis !== 'weights' && axis !== 'kvDtype' && axis !== 'attention' ? true : formatAxisAvailable(axis, c);
};

/**
 * A device where a step's time grows with its tokens from the first one: the CPU engine, or a GPU
 * emulated in software. There batching buys little, so a measured ratio needs the GPU's beside it.
 */
export const isComputeBound = (b: BackendInfo | null): boolean =>
  !!b && (b.kind === 'cpu' || (b.kind === 'webgpu' && /swiftshader|llvmpipe|lavapipe|software|basic render/i.test(b.description)));
