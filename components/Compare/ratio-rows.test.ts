import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/run/metrics';
import { PENDING, ratioCells, type LaneFigures } from './ratio-rows';

const p = (v: number) => ({ mean: v, p50: v, p90: v, p99: v, count: 1 });
const b = (v: number) => ({ value: { ms: v, lowerBound: false } }).value;
const bounded = (v: number) => ({ mean: b(v), p50: b(v), p90: b(v), p99: b(v), count: 1, pending: 0 });
function lane(patch: Partial<RunSummary>, completed = 4): LaneFigures {
  const summary: RunSummary = {
    iterations: 10, generatedTokens: 100, promptTokens: 10, completed, seconds: 1, tokensPerSecond: 100, liveTokensPerSecond: 100, requestsPerSecond: 1,
    ttft: bounded(100), tpot: p(10), e2e: bounded(500), queue: bounded(1), preemptions: 0, recomputedTokens: 0, occupancy: 0.5, wastePct: 10, timeSource: 'measured', prefixCache: null, sharedSlots: 0, sharedPct: 0, ...patch,
  };
  return { summary, total: 4, slots: 8 };
}

describe('ratioCells', () => {
  it('names KV figures as run averages, first run to second, with raw values', () => {
    const cells = ratioCells('kv', lane({ wastePct: 88, occupancy: 0.36, tokensPerSecond: 100 }), lane({ wastePct: 2, occupancy: 0.82, tokensPerSecond: 150 }));
    expect(cells.map((c) => c.label)).toEqual(['throughput', 'KV waste (run average)', 'busy slots (run average)']);
    expect(cells[0].text).toBe('1.50×');
    expect(cells[1]).toMatchObject({ text: '88% → 2.0%', a: 88, b: 2 });
    expect(cells[2].text).toBe('2.9 → 6.6 of 8');
  });

  it('holds whole-workload figures back until both runs finish, so none inverts at the end', () => {
    const mid = ratioCells('chunkedPrefill', lane({}, 2), lane({ tpot: p(5) }));
    expect(mid.filter((c) => c.pending).map((c) => c.text)).toEqual([PENDING, PENDING]);
    const end = ratioCells('chunkedPrefill', lane({ tpot: p(20) }), lane({ tpot: p(8) }));
    expect(end.find((c) => c.key === 'tpot')).toMatchObject({ pending: false, a: 20, b: 8 });
    const strategy = ratioCells('strategy', lane({ e2e: bounded(900), iterations: 30 }), lane({ e2e: bounded(300), iterations: 12 }));
    expect(strategy.map((c) => c.text)).toEqual(['1.00×', '3.0× lower', '2.5× fewer']);
  });

  it('compares KV formats by how many requests the same bytes let run and how many were evicted', () => {
    const cells = ratioCells('kvDtype', lane({ occupancy: 0.2, preemptions: 117, tokensPerSecond: 100 }), lane({ occupancy: 0.55, preemptions: 72, tokensPerSecond: 140 }));
    expect(cells.map((c) => c.label)).toEqual(['throughput', 'busy slots (run average)', 'preemptions']);
    expect(cells.map((c) => c.text)).toEqual(['1.40×', '1.6 → 4.4 of 8', '117 → 72']);
    expect(ratioCells('weights', lane({ e2e: bounded(800) }), lane({ e2e: bounded(400) })).map((c) => c.text)).toEqual(['1.00×', '2.0× lower']);
  });
});
