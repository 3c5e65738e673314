import { describe, expect, it } from 'vitest';
import { SimBackend, gpuPreset, simKvCapacityTokens, simKvLayout, simModelPreset, SIM_TOKEN } from './backend';
import { stepCost } from './cost-model';
import { kvBytesPerToken } from './presets';

const a100 = gpuPreset('A100-40GB');
const opt = simModelPreset('opt-13b');
const decode = (n: number, ctx: number) =>
  Array.from({ length: n }, (_, i) => ({ tokens: [5], startPos: ctx, blockTable: Array.from({ length: 200 }, (_, b) => i * 200 + b) }));

describe('sim presets', () => {
  it('give the KV sizes the papers quote', () => {
    expect(kvBytesPerToken(opt)).toBe(800 * 1024); // vLLM paper: 800 KB per token for OPT-13B
    expect(kvBytesPerToken(simModelPreset('Llama-2-7B'))).toBe(512 * 1024);
    // Anyscale: about 14k tokens of KV on an A100-40GB next to a 13B model.
    expect(simKvCapacityTokens(a100, opt)).toBeGreaterThan(12_000);
    expect(simKvCapacityTokens(a100, opt)).toBeLessThan(17_000);
  });

  it('refuse a model that does not fit the GPU', () => {
    expect(() => simKvCapacityTokens(gpuPreset('T4'), opt)).toThrow(/needs 23\.9 GiB of weights/);
    expect(() => gpuPreset('V100')).toThrow(/unknown GPU preset "V100"/);
  });
});

describe('cost model', () => {
  it('keeps decode steps nearly flat in batch size until compute catches up (the memory wall)', () => {
    const one = stepCost(a100, opt, decode(1, 512));
    const sixteen = stepCost(a100, opt, decode(16, 512));
    expect(one.bound).toBe('memory');
    expect(sixteen.ms / one.ms).toBeLessThan(1.5);
    // A 2,048-token prefill is compute bound and far slower than one decode step.
    const prefill = stepCost(a100, opt, [{ tokens: new Array(2048).fill(5), startPos: 0, blockTable: Array.from({ length: 128 }, (_, b) => b) }]);
    expect(prefill.bound).toBe('compute');
    expect(prefill.ms).toBeGreaterThan(5 * one.ms);
  });

  it('charges the weights once per step: roughly weight bytes / bandwidth for one decode', () => {
    const c = stepCost(a100, opt, decode(1, 0));
    expect(c.ms).toBeCloseTo((opt.params * 2) / a100.bandwidth * 1000 + a100.overheadMs, 0);
  });
});

describe('SimBackend', () => {
  it('returns a placeholder token where sampling was asked and a simulated time', async () => {
    const be = new SimBackend(a100, opt, simKvLayout(a100, opt, 16));
    const r = await be.step([
      { tokens: [1, 2, 3], startPos: 0, blockTable: [0], sample: { temperature: 0, topP: 1, seed: 0 } },
      { tokens: [4], startPos: 0, blockTable: [1] },
    ]);
    expect(Array.from(r.sampled)).toEqual([SIM_TOKEN, -1]);
    expect(r.timing.source).toBe('simulated');
    expect(r.timing.wallMs).toBeGreaterThan(16);
    await expect(be.step([{ tokens: [1], startPos: 0, blockTable: [be.kv.numBlocks] }])).rejects.toThrow(/not a block of the pool/);
  });
});
