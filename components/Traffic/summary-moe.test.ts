import { describe, expect, it } from 'vitest';
import { stepTraffic } from '../../engine/backend/traffic';
import type { ModelConfig } from '../../engine/model/config';
import { expectedExpertStep } from '../../engine/serve/experts';
import { contextCurve } from './context-curve';
import { summarizeTraffic } from './summary';
import { TINY, trafficEvent } from './testing';

/** tiny-moe's shape. */
const MOE: ModelConfig = { ...TINY, hiddenDim: 64, moe: { nExperts: 8, topK: 2 } };
const f32 = { weights: 'f32', kv: 'int8', attention: 'fused' } as const;

describe('the memory-traffic view on a mixture of experts', () => {
  it("breaks the latest step down with the experts its routing record says it read, and offers no int8 weights a real MoE cannot run", () => {
    const e = { ...trafficEvent(0, f32, [40, 50]), experts: { nExperts: 8, topK: 2, nLayers: 4, touched: 3, bytes: 12 * 3 * 128 * 64 * 4 } };
    const s = summarizeTraffic([e], MOE);
    const moeKernels = s.kernels.filter((k) => k.kernel.startsWith('moe_'));
    expect(moeKernels.map((k) => k.kernel)).toEqual(['moe_route', 'moe_up', 'moe_down', 'moe_combine']);
    const expertWeights = s.kernels.filter((k) => k.kernel === 'moe_up' || k.kernel === 'moe_down').reduce((n, k) => n + k.bytes.weights, 0);
    expect(expertWeights).toBeCloseTo(e.experts.bytes, 6);
    expect(s.techniques.map((t) => t.id)).toEqual(['kv', 'attention']);
  });

  it('shows no breakdown for an MoE step without a routing record, rather than a wrong one', () => {
    const s = summarizeTraffic([trafficEvent(0, f32, [40])], MOE);
    expect(s.kernels).toEqual([]);
    expect(s.techniques).toEqual([]);
    expect(s.latest).not.toBeNull(); // the recorded bytes themselves are still shown
  });

  it("draws an MoE's prefill curve with the experts n tokens are expected to wake", () => {
    const [p] = contextCurve(MOE, f32, 64, undefined, 1);
    const expected = stepTraffic(MOE, f32, [{ tokens: 64, startPos: 0, logitRows: 1 }], { expertBytes: expectedExpertStep(MOE, 64, 4).bytes }).total;
    expect(p).toMatchObject({ n: 64, fused: expected });
    expect(p.unfused).toBeGreaterThan(p.fused);
  });
});
