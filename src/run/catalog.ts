import { GPU_PRESETS, SIM_MODEL_PRESETS } from '../../engine/backend/sim/presets';

/** Choices the controls offer, taken from the engine so the two never disagree. */
export const GPU_OPTIONS = GPU_PRESETS.map((g) => ({ value: g.id, label: g.name }));
export const SIM_MODEL_OPTIONS = SIM_MODEL_PRESETS.map((m) => ({ value: m.id, label: m.name }));

export const WORKLOAD_OPTIONS = [
  { value: 'high-variance', label: 'High variance (Anyscale-style)' },
  { value: 'uniform', label: 'Uniform lengths' },
];
