import { describe, expect, it } from 'vitest';
import { cli } from './testing';

/** Number formats on the shipped mixture of experts from the command line. */

describe('batchscope on tiny-moe with number formats', () => {
  it.each([
    ['run', '--workload', 'uniform', '--requests', '2'],
    ['run', '--workload', 'uniform', '--requests', '2', '--backend', 'webgpu'],
    ['generate', '--prompt', 'The capital of France is'],
  ])('refuses int8 weights with one line (%s %s %s ...), before any engine starts', async (...args) => {
    const r = await cli(...args, '--model', 'tiny-moe', '--weights', 'int8');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/int8 weights are not available for mixture-of-experts models \(the expert kernels read float32\); use --weights f32$/)]);
  });

  it('serves every request with an f16 or int8 KV cache, the routing unchanged by the cache format on this workload', async () => {
    const run = async (kv: string) => {
      const r = await cli('run', '--model', 'tiny-moe', '--workload', 'high-variance', '--requests', '6', '--max-batch', '3', '--seed', '3', '--kv-dtype', kv, '--json');
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const f32 = await run('f32');
    for (const kv of ['f16', 'int8']) {
      const j = await run(kv);
      expect(j).toMatchObject({ completed: 6, weights: 'f32', kv: { dtype: kv } });
      expect(j.kv.bytesPerToken).toBeLessThan(f32.kv.bytesPerToken);
      // Same tokens generated, same experts woken: the quantized cache changed no greedy token here.
      expect(j.generatedTokens).toBe(f32.generatedTokens);
      expect(j.experts.touchedPerStep).toBeCloseTo(f32.experts.touchedPerStep, 12);
      expect(j.traffic.weights).toBe(f32.traffic.weights);
      expect(j.traffic.kvRead).toBeLessThan(f32.traffic.kvRead);
    }
  });
});
