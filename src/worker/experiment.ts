import {
  SimBackend,
  anyscalePlan,
  generateWorkload,
  gpuPreset,
  lengthOnlyPrompts,
  materialize,
  runAnyscale,
  simKvLayout,
  simModelPreset,
  storyPrompts,
  type AnyscalePlan,
  type AnyscaleRow,
  type Backend,
} from '../../engine';
import type { RunConfig } from '../store/config';
import { createBackend, type LoadedModel } from './setup';

/** Where the experiment runs: the simulated GPU at full size, or this device, scaled to the model. */
export type ExperimentTarget = 'sim' | 'device';

export interface ExperimentSetup {
  on: ExperimentTarget;
  plan: AnyscalePlan;
  /** What serves it, as the view names it. */
  description: string;
  timeSource: 'measured' | 'simulated';
}

/**
 * Anyscale's experiment (engine/experiments/anyscale.ts) as `npx batchscope experiment anyscale`
 * runs it: on the sim with the configured GPU and model at full size, or on this device's engine
 * (WebGPU or CPU) scaled to the model's seq_len with story prompts of forced length. `between`
 * runs after every row (the host lets messages in there, so a cancel can land).
 */
export async function runExperiment(
  c: RunConfig,
  loaded: LoadedModel,
  on: ExperimentTarget,
  hooks: { start(s: ExperimentSetup): void; row(r: AnyscaleRow): void; between(): Promise<void> },
): Promise<void> {
  let backend: Backend;
  let plan: AnyscalePlan;
  let description: string;
  let requestsFor: Parameters<typeof runAnyscale>[2];
  if (on === 'sim') {
    const gpu = gpuPreset(c.gpu);
    const m = simModelPreset(c.simModel);
    backend = new SimBackend(gpu, m, simKvLayout(gpu, m, 16));
    plan = anyscalePlan(null);
    description = `${m.name} on ${gpu.name}`;
    requestsFor = (spec) => materialize(generateWorkload(spec, lengthOnlyPrompts), null);
  } else {
    plan = anyscalePlan(loaded.model.config.seqLen);
    const created = await createBackend({ ...c, backend: c.backend === 'sim' ? 'webgpu' : c.backend, blockSize: 16, kvCapacity: plan.kvCapacity! }, loaded);
    backend = created.backend;
    description = created.info.kind === 'webgpu' ? `${loaded.name} on ${created.info.description}` : `${loaded.name} on the CPU engine`;
    const source = storyPrompts(loaded.tokenizer);
    requestsFor = (spec) => materialize(generateWorkload(spec, source), loaded.tokenizer);
  }
  try {
    hooks.start({ on, plan, description, timeSource: on === 'sim' ? 'simulated' : 'measured' });
    const pending: AnyscaleRow[] = [];
    // A measured run gets, beside each figure, the cost model's for its very schedule on the configured GPU.
    const predictOn = on === 'device' ? { gpu: gpuPreset(c.gpu), model: simModelPreset(c.simModel) } : undefined;
    await runAnyscale(backend, plan, requestsFor, { predictOn, onRow: (r) => pending.push(r), between: async () => {
      for (const r of pending.splice(0)) hooks.row(r);
      await hooks.between();
    } });
    for (const r of pending.splice(0)) hooks.row(r);
  } finally {
    backend.dispose();
  }
}
