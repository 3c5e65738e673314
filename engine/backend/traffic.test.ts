import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../model/config';
import { kvBytesPerToken } from '../model/quant/formats';
import { modelWeightBytes, stepTraffic } from './traffic';

const tiny: ModelConfig = { dim: 128, hiddenDim: 320, nLayers: 4, nHeads: 8, nKvHeads: 4, vocabSize: 1024, seqLen: 512, sharedClassifier: true };
const f32 = { weights: 'f32', kv: 'f32', attention: 'fused' } as const;
const decode = (n: number, ctx: number) => Array.from({ length: n }, () => ({ tokens: 1, startPos: ctx, logitRows: 1 }));

describe('bytes per step from the shapes', () => {
  it('reads every matmul weight once per step, however many tokens share it', () => {
    const one = stepTraffic(tiny, f32, decode(1, 100));
    const many = stepTraffic(tiny, f32, decode(16, 100));
    const embedRow = 4 * tiny.dim;
    expect(one.weights).toBe(modelWeightBytes(tiny, 'f32') + embedRow);
    expect(many.weights).toBe(modelWeightBytes(tiny, 'f32') + 16 * embedRow);
    expect(one.total).toBe(one.weights + one.kvRead + one.kvWrite + one.activations + one.scores);
    expect(one.kernels.reduce((n, k) => n + k.read + k.written, 0)).toBeCloseTo(one.total, 6);
  });

  it('int8 weights move ~3.8x fewer bytes (34 per 32 weights) and int8 KV ~3.6x fewer K/V bytes', () => {
    const a = stepTraffic(tiny, f32, decode(8, 300));
    const b = stepTraffic(tiny, { weights: 'int8', kv: 'int8', attention: 'fused' }, decode(8, 300));
    expect(a.weights / b.weights).toBeGreaterThan(3.7);
    expect(a.kvRead / b.kvRead).toBeCloseTo(kvBytesPerToken(tiny, 'f32') / kvBytesPerToken(tiny, 'int8'), 6);
    expect(a.kvRead).toBe(8 * 301 * kvBytesPerToken(tiny, 'f32'));
    expect(a.kvWrite).toBe(8 * kvBytesPerToken(tiny, 'f32'));
  });

  it('unfused attention writes and reads a score matrix that grows with the context squared; fused writes none', () => {
    const prefill = (n: number) => [{ tokens: n, startPos: 0, logitRows: 1 }];
    const unfused = { ...f32, attention: 'unfused' } as const;
    for (const n of [64, 128, 256]) {
      expect(stepTraffic(tiny, f32, prefill(n)).scores).toBe(0);
      // Written by attn_scores, read and written by attn_softmax, read by attn_values: 4 passes.
      expect(stepTraffic(tiny, unfused, prefill(n)).scores).toBe(4 * 4 * tiny.nLayers * tiny.nHeads * ((n * (n + 1)) / 2));
    }
    const fusedKv = (n: number) => stepTraffic(tiny, f32, prefill(n)).kvRead;
    expect(fusedKv(256) / fusedKv(128)).toBe(2);
    // A decode step at context c: scores grow linearly in c, for one token.
    expect(stepTraffic(tiny, unfused, decode(1, 399)).scores).toBe(4 * 4 * tiny.nLayers * tiny.nHeads * 400);
  });

  it('scales the weights to a published size for simulated models', () => {
    const t = stepTraffic(tiny, f32, decode(1, 0), { weightBytes: 1e9, valueBytes: 2 });
    expect(t.weights).toBeCloseTo(1e9 + (4 * tiny.dim * 1e9) / modelWeightBytes(tiny, 'f32') / 1, -3);
  });
});
