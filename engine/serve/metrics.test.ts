import { describe, expect, it } from 'vitest';
import { ServingEngine } from './engine';
import { MetricsAccumulator, latencyStats, percentile } from './metrics';
import { HashBackend } from './testing/hash-backend';
import { drain, testRequest } from './testing/requests';

describe('latency statistics', () => {
  it('interpolate percentiles linearly as numpy does', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7);
    expect(latencyStats([2, 1, 3])).toEqual({ mean: 2, p50: 2, p90: 2.8, p99: 2.98 });
    expect(latencyStats([])).toEqual({ mean: null, p50: null, p90: null, p99: null });
  });
});

describe('run summary', () => {
  it('names and measures what vLLM does, on a run whose times are known', async () => {
    // The hash backend's step takes 1 ms + 0.01 ms per token.
    const requests = [testRequest(0, 2, 8, { stopAfter: 3 }), testRequest(1, 2, 8, { stopAfter: 1 })];
    const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 16, blockSize: 4 }), requests, knobs: { maxNumSeqs: 2 } });
    const acc = new MetricsAccumulator();
    await drain(engine, 100, (e) => acc.add(e));
    const s = acc.summary(engine.records(), { strategy: 'continuous', backend: 'cpu', kvManager: 'paged' }, { e2elMs: 2 });
    expect(s).toMatchObject({ requests: 2, completed: 2, generatedTokens: 4, iterations: 3, preemptions: 0, timeSource: 'simulated' });
    expect(s.wallSeconds).toBeCloseTo(0.00306, 8);
    expect(s.tokensPerSecond).toBeCloseTo(4 / 0.00306, 3);
    expect(s.ttft.p50).toBeCloseTo(0.00104, 8);
    expect(s.tpot).toMatchObject({ mean: expect.closeTo(0.00101, 8), p99: expect.closeTo(0.00101, 8) });
    expect(s.e2e.mean).toBeCloseTo((0.00306 + 0.00104) / 2, 8);
    expect(s.itl.mean).toBeCloseTo(0.00101, 8);
    expect(s.occupancy).toBeCloseTo((100 * (1 + 0.5 + 0.5)) / 3, 6);
    expect(s.prefillTokensPerSecond).toBeCloseTo(4 / 0.00306, 3);
    expect(s.goodput).toBeCloseTo(1 / 0.00306, 3); // only request 1 ends within 2 ms
    const kv = s.kv;
    expect(kv.usedPct + kv.reservedPct + kv.internalPct + kv.externalPct + kv.freePct).toBeCloseTo(100, 8);
  });
});
