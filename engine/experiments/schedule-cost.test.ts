import { describe, expect, it } from 'vitest';
import { SimBackend, gpuPreset, simKvLayout, simModelPreset } from '../backend/sim/backend';
import { loadModelFiles } from '../cli/files';
import { taskPromptSource } from '../model/tasks';
import { ServingEngine } from '../serve/engine';
import { serveToEnd } from '../serve/serve-run';
import { generateWorkload, materialize } from '../serve/workload';
import { workloadPreset } from '../serve/workload-presets';
import { scheduleOnGpu } from './schedule-cost';

describe('scheduleOnGpu', () => {
  it("reproduces the sim's own clock and throughput from a run's events", async () => {
    const gpu = gpuPreset('A100-40GB');
    const m = simModelPreset('OPT-13B');
    const { tokenizer } = loadModelFiles();
    const requests = materialize(generateWorkload(workloadPreset('high-variance', 1), taskPromptSource), tokenizer);
    for (const strategy of ['static', 'continuous'] as const) {
      const r = await serveToEnd(new ServingEngine({ backend: new SimBackend(gpu, m, simKvLayout(gpu, m, 16, 4096)), requests, strategy, kvManager: 'paged' }), { keepEvents: true });
      const predicted = scheduleOnGpu(r.events, gpu, m);
      const busy = r.events.reduce((s, e) => s + e.backendMs, 0) / 1000;
      expect(predicted.seconds).toBeCloseTo(busy, 6);
      expect(predicted.generatedTokens).toBe(r.summary.generatedTokens);
    }
  });
});
