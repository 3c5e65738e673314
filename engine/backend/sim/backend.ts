import { BatchscopeError } from '../../errors';
import type { ModelConfig } from '../../model/config';
import { stepTokens, validateCopies, type Backend, type BlockCopy, type KvLayout, type SequenceStep, type StepResult } from '../types';
import { validateStep } from '../validate-step';
import { stepCost } from './cost-model';
import { expectedExpertStep } from '../../serve/experts';
import { GPU_MEMORY_UTILIZATION, GPU_PRESETS, SIM_MODEL_PRESETS, kvBytesPerToken, weightBytes, type GpuPreset, type SimModelPreset } from './presets';

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
  private disposed = false;

  constructor(gpu: GpuPreset, model: SimModelPreset, kv: KvLayout) {
    this.gpu = gpu;
    this.model = model;
    this.config = model.config;
    this.kv = kv;
    this.description = `simulated ${model.name} on ${gpu.name} (cost model, nothing runs)`;
  }

  async step(seqs: readonly SequenceStep[]): Promise<StepResult> {
    if (this.disposed) throw new Error('SimBackend used after dispose()');
    validateStep(seqs, this.config, this.kv);
    const sampled = new Int32Array(seqs.length).fill(-1);
    seqs.forEach((s, i) => {
      if (s.sample) sampled[i] = SIM_TOKEN;
    });
    const cost = stepCost(this.gpu, this.model, seqs);
    const tokens = stepTokens(seqs);
    const experts = this.config.moe ? expectedExpertStep(this.config, tokens, this.model.bytesPerValue) : undefined;
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

/** KV tokens left on the GPU after the weights, at vLLM's default memory utilisation. */
export function simKvCapacityTokens(gpu: GpuPreset, model: SimModelPreset): number {
  const free = gpu.memoryBytes * GPU_MEMORY_UTILIZATION - weightBytes(model);
  if (free <= 0) {
    const gb = (b: number) => (b / 1024 ** 3).toFixed(1);
    throw new BatchscopeError('model-too-large', `${model.name} needs ${gb(weightBytes(model))} GiB of weights but ${gpu.name} has ${gb(gpu.memoryBytes * GPU_MEMORY_UTILIZATION)} GiB usable`);
  }
  return Math.floor(free / kvBytesPerToken(model));
}

/** The pool a sim backend gets: `capacityTokens` (default: what the GPU holds) in blocks. */
export function simKvLayout(gpu: GpuPreset, model: SimModelPreset, blockSize: number, capacityTokens?: number): KvLayout {
  const holds = simKvCapacityTokens(gpu, model);
  if (capacityTokens !== undefined && capacityTokens > holds) {
    throw new BatchscopeError('model-too-large', `a KV pool of ${capacityTokens} tokens does not fit: ${gpu.name} holds ${holds} tokens of ${model.name} K/V after the weights`);
  }
  const tokens = capacityTokens ?? holds;
  return { numBlocks: Math.max(1, Math.floor(tokens / blockSize)), blockSize };
}
