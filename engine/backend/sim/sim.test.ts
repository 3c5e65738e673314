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
    expect(() => simKvCapacityTokens(gpuPreset('T4'), opt)).toThrow(/needs 23\.9 GiB of f16 weights/);
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

describe('number formats on the simulator', () => {
  it('int8 weights free memory for KV and int8 KV fits ~2x the tokens of fp16 in it', () => {
    const f16 = simKvCapacityTokens(a100, opt);
    const int8Weights = simKvCapacityTokens(a100, opt, { weights: 'int8' });
    const both = simKvCapacityTokens(a100, opt, { weights: 'int8', kv: 'int8' });
    expect(int8Weights / f16).toBeGreaterThan(1.8); // 36 GiB usable: 23.9 GiB of fp16 weights vs 12.7 of int8
    expect(both / int8Weights).toBeCloseTo((2 * 5120) / (5120 + 80), 2); // one fp16 scale per head vector
    // OPT-13B does not fit a T4 in fp16; in int8 it does, with room for some KV.
    expect(simKvCapacityTokens(gpuPreset('T4'), opt, { weights: 'int8' })).toBeGreaterThan(500);
    expect(simKvLayout(a100, opt, 16, undefined, { kv: 'int8' }).dtype).toBe('int8');
  });

  it('int8 weights make a memory-bound decode step cheaper; compute-bound prefill is unchanged', () => {
    const kv = simKvLayout(a100, opt, 16);
    const f16 = new SimBackend(a100, opt, kv);
    const int8 = new SimBackend(a100, opt, kv, { weights: 'int8' });
    expect(int8.formats).toEqual({ weights: 'int8', kv: 'f16', attention: 'fused' });
    expect(int8.description).toMatch(/weights int8/);
    const one = decode(1, 512);
    expect(stepCost(a100, opt, one, int8.formats).ms / stepCost(a100, opt, one, f16.formats).ms).toBeLessThan(0.6);
    const prefill = [{ tokens: new Array(2048).fill(5), startPos: 0, blockTable: Array.from({ length: 128 }, (_, b) => b) }];
    expect(stepCost(a100, opt, prefill, int8.formats).ms).toBeCloseTo(stepCost(a100, opt, prefill, f16.formats).ms, 0);
  });

  it('unfused attention adds a score matrix that grows with the context squared', () => {
    const unfused = { weights: 'f16' as const, kv: 'f16' as const, attention: 'unfused' as const };
    const fused = { ...unfused, attention: 'fused' as const };
    const prefill = (n: number) => [{ tokens: new Array(n).fill(5), startPos: 0, blockTable: Array.from({ length: Math.ceil(n / 16) }, (_, b) => b) }];
    const extra = (n: number) => stepCost(a100, opt, prefill(n), unfused).bytes - stepCost(a100, opt, prefill(n), fused).bytes;
    // Doubling the context: the n x n scores 4x, the extra activation pass (linear) 2x.
    expect(extra(2048) / extra(1024)).toBeGreaterThan(3.7);
    expect(extra(2048) / extra(1024)).toBeLessThan(4);
  });
});
