import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ServingEngine } from './engine';
import { HashBackend } from './testing/hash-backend';
import { drain, testRequest } from './testing/requests';
import type { KvManagerKind } from '../kv/policy';
import type { Strategy } from './sched/knobs';

const requests = (n: number) => Array.from({ length: n }, (_, id) => testRequest(id, 2 + (id % 5), 12, { arrivalMs: id * 0.7 }));

async function outputs(strategy: Strategy, kv: KvManagerKind, switchAt: number | null, to: HashBackend) {
  const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 64, blockSize: 4 }), requests: requests(7), strategy, kvManager: kv, knobs: { maxNumSeqs: 3 } });
  const events = await drain(engine, 10_000, (e) => {
    if (e.index === switchAt) engine.setBackend(to);
  });
  return { engine, events, out: engine.records().map((r) => r.output) };
}

describe('moving a run to another backend between iterations', () => {
  it('keeps every answer and recomputes the running requests in their slots', async () => {
    for (const strategy of ['static', 'continuous'] as const) {
      for (const kv of ['paged', 'contiguous'] as const) {
        const base = await outputs(strategy, kv, null, new HashBackend({ numBlocks: 64, blockSize: 4 }));
        const moved = await outputs(strategy, kv, 3, new HashBackend({ numBlocks: 40, blockSize: 2 }));
        expect(moved.out).toEqual(base.out);
        expect(moved.engine.records().every((r) => r.state === 'finished')).toBe(true);
        // The iteration after the move prefills again whoever was running.
        const before = moved.events[3].slots.filter((s) => s.requestId !== null && !s.finished && s.kind !== 'idle');
        const after = moved.events[4].slots;
        for (const s of before) expect(after[s.slot]).toMatchObject({ requestId: s.requestId, kind: 'prefill', startPos: 0 });
        expect(moved.events[4].kv).toMatchObject({ blockSize: 2, numBlocks: 40 });
      }
    }
  });

  it('sends requests the smaller pool cannot hold back to the queue, and still finishes them all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.constantFrom<KvManagerKind>('paged', 'contiguous'), fc.constantFrom<Strategy>('static', 'continuous'), async (at, kv, strategy) => {
        const base = await outputs(strategy, kv, null, new HashBackend({ numBlocks: 64, blockSize: 4 }));
        const moved = await outputs(strategy, kv, at, new HashBackend({ numBlocks: 9, blockSize: 2 }));
        expect(moved.out).toEqual(base.out);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a backend serving another model, or a pool too small for a waiting request', () => {
    const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 64, blockSize: 4 }), requests: requests(3) });
    expect(() => engine.setBackend(new HashBackend({ numBlocks: 64, blockSize: 4 }, 128))).toThrow(/do not serve the same model/);
    expect(() => engine.setBackend(new HashBackend({ numBlocks: 2, blockSize: 4 }))).toThrow(/needs up to \d+ KV positions but the new pool holds 8: keep the KV capacity/);
    const same = engine.backend;
    expect(engine.backend).toBe(same);
  });
});
