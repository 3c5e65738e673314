import { describe, expect, it } from 'vitest';
import { SimBackend, gpuPreset, simKvLayout, simModelPreset } from '../backend/sim/backend';
import { lengthOnlyPrompts } from '../serve/prompts';
import { generateWorkload, materialize } from '../serve/workload';
import { anyscalePlan, runAnyscale } from './anyscale';

describe('runAnyscale', () => {
  const gpu = gpuPreset('A100-40GB');
  const model = simModelPreset('OPT-13B');

  it('scales the setup to a model’s seq_len, and keeps Anyscale’s at full size', () => {
    expect(anyscalePlan(null)).toMatchObject({ scale: 1, requests: 1000, promptTokens: 512, meanOutput: 128, caps: [32, 128, 512, 1536], kvCapacity: null });
    expect(anyscalePlan(512, 8)).toMatchObject({ scale: 0.25, requests: 8, promptTokens: 128, meanOutput: 32, caps: [8, 32, 128, 384] });
    expect(anyscalePlan(512).kvCapacity! % 16).toBe(0);
  });

  it("predicts, for each run's own schedule, what the cost model would time: on the sim it is the sim's own figure", async () => {
    const plan = { ...anyscalePlan(null, 40), caps: [32, 512] };
    const r = await runAnyscale(new SimBackend(gpu, model, simKvLayout(gpu, model, 16)), plan, (spec) => materialize(generateWorkload(spec, lengthOnlyPrompts), null), { predictOn: { gpu, model } });
    expect(r.rows).toHaveLength(6);
    for (const row of r.rows) {
      expect(row.predictedTokensPerSecond!).toBeCloseTo(row.tokensPerSecond, 6);
      expect(row.predictedRatioToStatic!).toBeCloseTo(row.ratioToStatic, 6);
    }
  });
});
