import { describe, expect, it } from 'vitest';
import { SimBackend, gpuPreset, simKvCapacityTokens, simKvLayout, simModelPreset, SIM_TOKEN } from './backend';
import { stepCost } from './cost-model';
import { activeParams, kvBytesPerToken } from './presets';
import { decodeKnee, decodePoint } from './decode-roofline';
import { expectedTouched } from '../../serve/experts';

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

describe('cost model: mixture-of-experts presets', () => {
  const mixtral = simModelPreset('Mixtral-8x7B');
  const llama13 = simModelPreset('Llama-2-13B');
  const h100x2 = gpuPreset('2xH100');

  it('counts 12.9 B active of Mixtral 8x7B\'s 46.7 B parameters, and 1.3 B of OLMoE\'s 6.9 B', () => {
    expect(activeParams(mixtral) / 1e9).toBeCloseTo(12.9, 1);
    expect(activeParams(simModelPreset('OLMoE-1B-7B')) / 1e9).toBeCloseTo(1.28, 1);
  });

  it('expects top-2 of 8 to wake 2 experts for one token, 3.5 for two, nearly all 8 by 16', () => {
    expect(expectedTouched(8, 2, 1)).toBe(2);
    expect(expectedTouched(8, 2, 2)).toBeCloseTo(3.5, 10);
    expect(expectedTouched(8, 2, 16)).toBeGreaterThan(7.9);
    expect(expectedTouched(8, 2, 0)).toBe(0);
  });

  it('reads more weight bytes per decode step as the batch grows, up to every expert; a dense model reads the same', () => {
    const bytes = [1, 2, 4, 8, 16, 64].map((b) => decodePoint(h100x2, mixtral, b).weightBytes);
    for (let i = 1; i < bytes.length; i++) expect(bytes[i]).toBeGreaterThan(bytes[i - 1]);
    expect(bytes[bytes.length - 1] / (mixtral.params * 2)).toBeCloseTo(1, 3);
    expect(bytes[0] / (activeParams(mixtral) * 2)).toBeCloseTo(1, 6); // one token: just its experts
    const dense = [1, 64].map((b) => decodePoint(h100x2, llama13, b).weightBytes);
    expect(dense[0]).toBe(dense[1]);
  });

  it('moves the knee right of a dense model with the same active parameters', () => {
    const moeKnee = decodeKnee(h100x2, mixtral)!;
    const denseKnee = decodeKnee(h100x2, llama13)!;
    expect(denseKnee).toBeGreaterThan(100);
    expect(moeKnee).toBeGreaterThan(2 * denseKnee);
    // at batch 8 the MoE step is far slower than the dense one, at batch 1 about level
    const ratio = (b: number) => decodePoint(h100x2, mixtral, b).ms / decodePoint(h100x2, llama13, b).ms;
    expect(ratio(1)).toBeLessThan(1.3);
    expect(ratio(8)).toBeGreaterThan(2.2);
  });

  it('reports the expected experts as a simulated record, and refuses Mixtral on one A100-40GB', async () => {
    const b = new SimBackend(h100x2, mixtral, simKvLayout(h100x2, mixtral, 16, 4096));
    const r = await b.step([{ tokens: [0, 0, 0, 0], startPos: 0, blockTable: [0] }]);
    expect(r.experts).toMatchObject({ nExperts: 8, topK: 2, nLayers: 32 });
    expect(r.experts!.touched).toBeCloseTo(expectedTouched(8, 2, 4), 10);
    expect(r.experts!.load).toBeUndefined();
    expect(() => simKvLayout(gpuPreset('A100-40GB'), mixtral, 16)).toThrow(/needs 87\.0 GiB of weights/);
  });
});
