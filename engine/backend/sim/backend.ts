import { BatchscopeError } from '../../errors';
import type { ModelConfig } from '../../model/config';
import { stepTokens, validateCopies, type Backend, type BlockCopy, type KvLayout, type SequenceStep, type StepResult } from '../types';
import { validateStep } from '../validate-step';
import { bytesPerWeight, type NumberFormats } from '../../model/quant/formats';
import type { TrafficOptions } from '../traffic';
import { simTrafficOptions, stepCost } from './cost-model';
import { GPU_MEMORY_UTILIZATION, GPU_PRESETS, SIM_DEFAULT_FORMATS, SIM_MODEL_PRESETS, kvBytesPerToken, weightBytes, type GpuPreset, type SimModelPreset } from './presets';
import { expectedExpertStep } from '../../serve/experts';

/** The token a simulated model "samples": it computes nothing, so it has no text to give. */
export const SIM_TOKEN = 0;

/**
 * The cost-model backend: it runs no model, it predicts how long each ragged step would take on a
 * production GPU (cost-model.ts) and reports that as a simulated time. The serving engine drives
 * it exactly like a real backend, so schedules, KV maps and metrics come out the same way, at a
 * scale no browser could run; everything it reports is labelled simulated.
 */
export class SimBackend implements Backend {
  readonly kind = 'sim' as const;
  readonly description: string;
  readonly config: ModelConfig;
  readonly kv: KvLayout;
  readonly gpu: GpuPreset;
  readonly model: SimModelPreset;
  readonly formats: NumberFormats;
  readonly trafficOptions: TrafficOptions;
  private disposed = false;

  /** formats: weights f16 (default) or int8, attention fused (default) or unfused; the KV cache's format is kv.dtype (default f16). */
  constructor(gpu: GpuPreset, model: SimModelPreset, kv: KvLayout, formats: Partial<Pick<NumberFormats, 'weights' | 'attention'>> = {}) {
    this.gpu = gpu;
    this.model = model;
    this.config = model.config;
    this.kv = kv;
    this.formats = { ...SIM_DEFAULT_FORMATS, ...formats, kv: kv.dtype ?? SIM_DEFAULT_FORMATS.kv };
    this.trafficOptions = simTrafficOptions(model, this.formats);
    const f = this.formats;
    const isDefault = f.weights === 'f16' && f.kv === 'f16' && f.attention === 'fused';
    this.description = `simulated ${model.name}${isDefault ? '' : ` (weights ${f.weights}, KV ${f.kv}, ${f.attention} attention)`} on ${gpu.name} (cost model, nothing runs)`;
  }

  async step(seqs: readonly SequenceStep[]): Promise<StepResult> {
    if (this.disposed) throw new Error('SimBackend used after dispose()');
    validateStep(seqs, this.config, this.kv);
    const sampled = new Int32Array(seqs.length).fill(-1);
    seqs.forEach((s, i) => {
      if (s.sample) sampled[i] = SIM_TOKEN;
    });
    const cost = stepCost(this.gpu, this.model, seqs, this.formats);
    const tokens = stepTokens(seqs);
    const experts = this.config.moe ? expectedExpertStep(this.config, tokens, bytesPerWeight(this.formats.weights)) : undefined;
    return { logits: seqs.map(() => null), sampled, timing: { wallMs: cost.ms, source: 'simulated', tokens, sequences: seqs.length }, ...(experts ? { experts } : {}) };
  }

  /**
   * Nothing to copy: no K/V exists. A copy-on-write moves one block (OPT-13B, 16 tokens: about 13 MB
   * read and written, some 20 us of an A100's bandwidth) against a decode step of tens of ms, so it
   * is not charged.
   */
  async copyBlocks(copies: readonly BlockCopy[]): Promise<void> {
    validateCopies(copies, this.kv);
  }

  dispose(): void {
    this.disposed = true;
  }
}

export function gpuPreset(id: string): GpuPreset {
  const p = GPU_PRESETS.find((g) => g.id.toLowerCase() === id.toLowerCase());
  if (!p) throw new BatchscopeError('bad-argument', `unknown GPU preset "${id}" (one of ${GPU_PRESETS.map((g) => g.id).join(', ')})`);
  return p;
}

export function simModelPreset(id: string): SimModelPreset {
  const p = SIM_MODEL_PRESETS.find((m) => m.id.toLowerCase() === id.toLowerCase());
  if (!p) throw new BatchscopeError('bad-argument', `unknown simulated model "${id}" (one of ${SIM_MODEL_PRESETS.map((m) => m.id).join(', ')})`);
  return p;
}

/** Weights and KV formats that decide how much of a GPU the KV cache gets. */
export type SimMemoryFormats = Partial<Pick<NumberFormats, 'weights' | 'kv'>>;

/**
 * KV tokens left on the GPU after the weights, at vLLM's default memory utilisation: int8 weights
 * leave more memory for KV, and int8 KV fits more tokens into it.
 */
export function simKvCapacityTokens(gpu: GpuPreset, model: SimModelPreset, f: SimMemoryFormats = {}): number {
  const weights = weightBytes(model, f.weights ?? 'f16');
  const free = gpu.memoryBytes * GPU_MEMORY_UTILIZATION - weights;
  if (free <= 0) {
    const gb = (b: number) => (b / 1024 ** 3).toFixed(1);
    const int8Fits = (f.weights ?? 'f16') !== 'int8' && weightBytes(model, 'int8') < gpu.memoryBytes * GPU_MEMORY_UTILIZATION;
    throw new BatchscopeError('model-too-large', `${model.name} needs ${gb(weights)} GiB of ${f.weights ?? 'f16'} weights but ${gpu.name} has ${gb(gpu.memoryBytes * GPU_MEMORY_UTILIZATION)} GiB usable${int8Fits ? ` (in int8 it needs ${gb(weightBytes(model, 'int8'))} GiB: --weights int8)` : ''}`);
  }
  return Math.floor(free / kvBytesPerToken(model, f.kv ?? 'f16'));
}

/** The pool a sim backend gets: `capacityTokens` (default: what the GPU holds) in blocks, in the KV format asked for (default f16). */
export function simKvLayout(gpu: GpuPreset, model: SimModelPreset, blockSize: number, capacityTokens?: number, f: SimMemoryFormats = {}): KvLayout {
  const holds = simKvCapacityTokens(gpu, model, f);
  if (capacityTokens !== undefined && capacityTokens > holds) {
    throw new BatchscopeError('model-too-large', `a KV pool of ${capacityTokens} tokens does not fit: ${gpu.name} holds ${holds} tokens of ${model.name} K/V after the weights`);
  }
  const tokens = capacityTokens ?? holds;
  return { numBlocks: Math.max(1, Math.floor(tokens / blockSize)), blockSize, dtype: f.kv ?? 'f16' };
}
