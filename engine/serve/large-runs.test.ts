import { describe, expect, it } from 'vitest';
import { ServingEngine } from './engine';
import { MetricsAccumulator } from './metrics';
import type { RequestRecord } from './request';
import { HashBackend } from './testing/hash-backend';
import { testRequest } from './testing/requests';

/** More items than a spread (`push(...xs)`, `Math.max(...xs)`) can pass as arguments. */
const N = 150_000;

describe('runs with more requests than a spread can take', () => {
  it('are accepted by the engine (push(...added) overflowed the stack at ~130,000)', async () => {
    const requests = Array.from({ length: N }, (_, id) => testRequest(id, 2, 1));
    const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 64, blockSize: 4 }), requests });
    expect(await engine.step()).not.toBeNull();
    expect(engine.records()).toHaveLength(N);
  });

  it('are summarised (the wall time took Math.max over every record)', () => {
    const records: RequestRecord[] = Array.from({ length: N }, (_, id) => ({ id, arrivalMs: 0, promptTokens: 2, state: 'finished', output: [5], tokenMs: [id + 1], firstScheduledMs: 0, finishMs: id + 1, preemptions: 0 }));
    const s = new MetricsAccumulator().summary(records, { strategy: 'continuous', backend: 'sim', kvManager: 'paged' });
    expect(s.wallSeconds).toBeCloseTo(N / 1000, 6);
    expect(s.completed).toBe(N);
  });
});
