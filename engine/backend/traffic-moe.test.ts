import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../model/config';
import { expertWeightBytes } from '../model/weights';
import { expertStep, stepWeightBytes } from '../serve/experts';
import { stepTraffic } from './traffic';
import { simTrafficOptions, stepCost } from './sim/cost-model';
import { gpuPreset, simModelPreset } from './sim/backend';
import { expectedExpertStep } from '../serve/experts';
import { bytesPerWeight } from '../model/quant/formats';

/** tiny-moe's shape: batchscope-tiny with 8 experts of hidden 64, top 2. */
const moe: ModelConfig = { dim: 128, hiddenDim: 64, nLayers: 4, nHeads: 8, nKvHeads: 4, vocabSize: 1024, seqLen: 512, sharedClassifier: true, moe: { nExperts: 8, topK: 2 } };
const f32 = { weights: 'f32', kv: 'f32', attention: 'fused' } as const;
const decode = (n: number) => Array.from({ length: n }, () => ({ tokens: 1, startPos: 40, logitRows: 1 }));

describe('bytes per step of a mixture of experts', () => {
  it("counts the experts the step's routing record says it read: the sweep's figure plus the gathered embedding rows", () => {
    // Two decode tokens: layer 0 woke experts 0, 1, 2; layers 1-3 woke 2 each.
    const load = Int32Array.from([2, 1, 1, 0, 0, 0, 0, 0, ...[0, 2, 2, 0, 0, 0, 0, 0], ...[2, 0, 0, 2, 0, 0, 0, 0], ...[0, 0, 0, 0, 0, 0, 2, 2]]);
    const rec = expertStep(moe, load);
    expect(rec.bytes).toBe(9 * expertWeightBytes(moe));
    const t = stepTraffic(moe, f32, decode(2), { expertBytes: rec.bytes });
    expect(t.weights).toBe(stepWeightBytes(moe, rec) + 2 * 4 * moe.dim);
    expect(t.kernels.map((k) => k.kernel)).toEqual(['embed', 'qkv_rope', 'attention_out', 'moe_route', 'moe_up', 'moe_down', 'moe_combine', 'logits']);
    expect(t.kernels.reduce((n, k) => n + k.read + k.written, 0)).toBeCloseTo(t.total, 6);
    // One more expert woken is exactly one expert's w1, w2, w3 more.
    expect(stepTraffic(moe, f32, decode(2), { expertBytes: rec.bytes + expertWeightBytes(moe) }).weights - t.weights).toBe(expertWeightBytes(moe));
  });

  it('refuses to guess an MoE step without its routing record, and leaves dense models as they were', () => {
    expect(() => stepTraffic(moe, f32, decode(1))).toThrow(/routing record/);
    const dense = { ...moe, moe: undefined, hiddenDim: 320 };
    expect(stepTraffic(dense, f32, decode(1), { expertBytes: 123 }).weights).toBe(stepTraffic(dense, f32, decode(1)).weights);
  });

  it("the KV cache and the attention path change an MoE's KV and score bytes, not its weights", () => {
    const at = (kv: 'f32' | 'int8', attention: 'fused' | 'unfused') => stepTraffic(moe, { weights: 'f32', kv, attention }, decode(3), { expertBytes: 1000 });
    expect(at('int8', 'unfused').weights).toBe(at('f32', 'fused').weights);
    expect(at('int8', 'fused').kvRead).toBeLessThan(at('f32', 'fused').kvRead);
    expect(at('f32', 'unfused').scores).toBeGreaterThan(0);
  });

  it("the sim's step bytes count the experts it expects woken, in the weights' format, the same as its expert record", () => {
    const mixtral = simModelPreset('Mixtral-8x7B');
    const h100 = gpuPreset('2xH100');
    for (const weights of ['f16', 'int8'] as const) {
      const f = { weights, kv: 'f16', attention: 'fused' } as const;
      const seqs = Array.from({ length: 4 }, (_, i) => ({ tokens: [1], startPos: 100, blockTable: [i] }));
      const opts = simTrafficOptions(mixtral, f, 4);
      expect(opts.expertBytes).toBeCloseTo(expectedExpertStep(mixtral.config, 4, bytesPerWeight(weights)).bytes, 0);
      const withRecord = stepTraffic(mixtral.config, f, decode(4).map((s) => ({ ...s, startPos: 100, logitRows: 0 })), { ...simTrafficOptions(mixtral, f), expertBytes: opts.expertBytes });
      expect(stepCost(h100, mixtral, seqs, f).bytes).toBeCloseTo(withRecord.total, 0);
    }
    // More tokens wake more experts: the bytes grow with the batch.
    const one = simTrafficOptions(mixtral, { weights: 'f16', kv: 'f16', attention: 'fused' }, 1).expertBytes!;
    const many = simTrafficOptions(mixtral, { weights: 'f16', kv: 'f16', attention: 'fused' }, 16).expertBytes!;
    expect(many / one).toBeGreaterThan(3.5);
  });
});
