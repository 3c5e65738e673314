import { BUILT_IN_MODELS, GPU_PRESETS, SIM_MODEL_PRESETS, WORKLOAD_PRESETS, gpuPreset, kvBytesPerToken, simKvLayout, simModelPreset } from '../../engine';
import { DEFAULT_CONFIG } from '../store/config';

/**
 * Choices the controls offer, taken from the engine so the two never disagree. GPUs go by their
 * ids ("A100-40GB"), which fit the sidebar's selects; full names are in the backend's status line.
 */
export const GPU_OPTIONS = GPU_PRESETS.map((g) => ({ value: g.id, label: g.id }));
export const SIM_MODEL_OPTIONS = SIM_MODEL_PRESETS.map((m) => ({ value: m.id, label: m.name }));
/** The real models shipped with the app (public/models/): the dense one and two mixtures of experts. */
export const MODEL_OPTIONS = BUILT_IN_MODELS.map((m) => ({ value: m.name, label: m.name }));
export const modelSummary = (name: string): string => BUILT_IN_MODELS.find((m) => m.name === name)?.summary ?? '';

/** KV block sizes the memory controls offer (and the only ones a link may set). */
export const BLOCK_SIZES: readonly number[] = [1, 2, 4, 8, 16, 32];

/** Presets sized for production models (512-token prompts): only the simulated backend can serve them. */
export const SIM_ONLY_WORKLOADS: readonly string[] = ['anyscale'];

export function workloadOptions(backend: string): { value: string; label: string }[] {
  return Object.entries(WORKLOAD_PRESETS)
    .filter(([id]) => backend === 'sim' || !SIM_ONLY_WORKLOADS.includes(id))
    .map(([id]) => ({ value: id, label: id }));
}

/** A preset's description, shown under its (short) name in the sidebar. */
export const workloadDescription = (id: string): string => WORKLOAD_PRESETS[id]?.description ?? '';

/** What choosing a preset sets in the other workload fields: its request count and arrival rate. */
export function presetDefaults(id: string): { requests: number; rate: number; kvCapacity: number } {
  const preset = WORKLOAD_PRESETS[id];
  if (!preset) return { requests: 32, rate: 0, kvCapacity: DEFAULT_CONFIG.kvCapacity };
  const { spec } = preset;
  // long-prompts needs a bigger pool than the default, which is sized to show contiguous reservation capping the batch.
  return { requests: spec.count, rate: spec.arrival.kind === 'poisson' ? spec.arrival.rate : 0, kvCapacity: preset.kvCapacity ?? DEFAULT_CONFIG.kvCapacity };
}

/** The simulated KV pool of a sim configuration: what the GPU holds after the weights, in tokens and bytes. */
export function simPool(c: { gpu: string; simModel: string; blockSize: number }): { tokens: number; bytes: number } {
  const model = simModelPreset(c.simModel);
  const kv = simKvLayout(gpuPreset(c.gpu), model, c.blockSize);
  const tokens = kv.numBlocks * kv.blockSize;
  return { tokens, bytes: tokens * kvBytesPerToken(model) };
}
