import { SimBackend, devicePoolPositions, gpuPreset, runSweep, simModelPreset, type Backend, type SweepResult } from '../../engine';
import { kvDim } from '../../engine/model/config';
import type { RunConfig } from '../store/config';
import { createBackend, type LoadedModel } from './setup';

/** A device sweep stops after this long: an emulated GPU is slow. */
const DEVICE_BUDGET_MS = 20_000;
const DEVICE_SLOWDOWN = 4;

export interface MeasuredSweep {
  result: SweepResult;
  /** Where it ran, as the chart names it. */
  adapter: string;
  backend: RunConfig['backend'];
}

/**
 * The engine's sweep (engine/experiments/sweep.ts) on the configured backend, with a pool of its
 * own (the running engines' KV caches are untouched): the sim to 2,048 tokens per step, a device
 * until a step takes 4x the 1-token step, 20 s, or a 256 MiB pool. The same sweep as
 * `npx batchscope sweep`.
 */
export async function measureSweep(c: RunConfig, loaded: LoadedModel): Promise<MeasuredSweep> {
  if (c.backend === 'sim') {
    const gpu = gpuPreset(c.gpu);
    const m = simModelPreset(c.simModel);
    const result = await runSweep((kv) => new SimBackend(gpu, m, kv), { maxTokens: 2048 });
    return { result, adapter: `${m.name} on ${gpu.name}`, backend: 'sim' };
  }
  let adapter = 'the CPU engine';
  let backend: RunConfig['backend'] = 'cpu';
  const make = async (kv: { numBlocks: number; blockSize: number }): Promise<Backend> => {
    const created = await createBackend({ ...c, blockSize: kv.blockSize, kvCapacity: kv.numBlocks * kv.blockSize }, loaded);
    backend = created.info.kind;
    if (created.info.kind === 'webgpu') adapter = created.info.description;
    return created.backend;
  };
  const bytesPerPosition = 2 * loaded.model.config.nLayers * kvDim(loaded.model.config) * 4;
  const result = await runSweep(make, { maxTokens: 2048, repeats: 5, rounds: 3, slowdown: DEVICE_SLOWDOWN, timeBudgetMs: DEVICE_BUDGET_MS, maxPoolPositions: devicePoolPositions(bytesPerPosition) });
  return { result, adapter, backend };
}
