import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ServingEngine } from './engine';
import type { IterationEvent } from './events';
import type { Request } from './request';
import type { SchedulerKnobs, Strategy } from './sched/knobs';
import type { KvManagerKind } from '../kv/policy';
import { HashBackend, referenceOutput } from './testing/hash-backend';
import { drain, testRequest } from './testing/requests';

const requestArb = fc.record({
  promptLen: fc.integer({ min: 1, max: 12 }),
  maxNew: fc.integer({ min: 1, max: 20 }),
  forced: fc.option(fc.integer({ min: 1, max: 20 })),
  arrivalMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 })),
});
const workloadArb = fc.array(requestArb, { minLength: 1, maxLength: 10 }).map((rs) =>
  rs.map((r, id): Request => testRequest(id, r.promptLen, r.maxNew, { arrivalMs: r.arrivalMs, stopAfter: r.forced === null ? undefined : Math.min(r.forced, r.maxNew) })),
);
const knobsArb = fc.record({
  maxNumSeqs: fc.integer({ min: 1, max: 6 }),
  chunkedPrefill: fc.boolean(),
  separatePrefill: fc.boolean(),
  waitingServedRatio: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1.5, noNaN: true })),
  maxWaitingTokens: fc.integer({ min: 0, max: 8 }),
  budgetExtra: fc.integer({ min: 0, max: 40 }),
});
const changeArb = fc.record({
  at: fc.integer({ min: 0, max: 40 }),
  strategy: fc.option(fc.constantFrom<Strategy>('static', 'continuous')),
  kv: fc.option(fc.constantFrom<KvManagerKind>('paged', 'contiguous')),
  knobs: fc.option(knobsArb),
});

const longest = (rs: Request[]) => Math.max(...rs.map((r) => r.prompt.length + r.maxNewTokens - 1));
type KnobsDraw = typeof knobsArb extends fc.Arbitrary<infer T> ? T : never;
function toKnobs(k: KnobsDraw, rs: Request[]): Partial<SchedulerKnobs> {
  const { budgetExtra, ...rest } = k;
  // Without chunked prefill the budget must hold the longest request (the engine refuses less).
  return { ...rest, maxNumBatchedTokens: (k.chunkedPrefill ? 1 : longest(rs)) + budgetExtra };
}

/** Invariants every iteration must keep, whatever the policy. */
function checkEvent(e: IterationEvent, prev: IterationEvent | undefined, capacity: number): void {
  const { used, reserved, internal, external, free } = e.kv;
  expect(used + reserved + internal + external + free).toBe(capacity);
  for (const v of [used, reserved, internal, external, free]) expect(v).toBeGreaterThanOrEqual(0);
  // Per block: owned slots split into filled + reserved + internal, and the reserved ones add up.
  const perBlock = e.kv.reservedSlots!;
  let reservedSum = 0;
  for (let b = 0; b < e.kv.numBlocks; b++) {
    expect(perBlock[b]).toBeGreaterThanOrEqual(0);
    expect(e.kv.filled[b] + perBlock[b]).toBeLessThanOrEqual(e.kv.owner[b] >= 0 ? e.kv.blockSize : 0);
    reservedSum += perBlock[b];
  }
  expect(reservedSum).toBe(reserved);
  const inSlots = e.slots.filter((s) => s.requestId !== null && s.idleReason !== 'preempted').map((s) => s.requestId);
  expect(new Set(inSlots).size).toBe(inSlots.length);
  const running = new Set(e.slots.filter((s) => s.requestId !== null && !s.finished && (s.kind !== 'idle' || s.idleReason === 'stalled')).map((s) => s.requestId));
  for (const owner of e.kv.owner) if (owner >= 0) expect(running.has(owner)).toBe(true);
  if (e.strategy === 'static' && prev) {
    const before = new Set(prev.slots.filter((s) => s.requestId !== null && s.idleReason !== 'preempted').map((s) => s.requestId));
    const joined = inSlots.filter((id) => !before.has(id));
    const prevRunning = prev.slots.some((s) => s.requestId !== null && !s.finished && (s.kind !== 'idle' || s.idleReason === 'stalled'));
    if (joined.length > 0) expect(prevRunning).toBe(false);
  }
}

describe('serving engine properties', () => {
  it('serves every request exactly once with its solo output, under any policy and live changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        workloadArb,
        fc.constantFrom<Strategy>('static', 'continuous'),
        fc.constantFrom<KvManagerKind>('paged', 'contiguous'),
        knobsArb,
        fc.array(changeArb, { maxLength: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 12 }),
        async (requests, strategy, kvManager, knobs, changes, blockSize, spareBlocks) => {
          const numBlocks = Math.ceil(longest(requests) / blockSize) + spareBlocks;
          const engine = new ServingEngine({ backend: new HashBackend({ numBlocks, blockSize }), requests, strategy, kvManager, knobs: toKnobs(knobs, requests) });
          let prev: IterationEvent | undefined;
          await drain(engine, 5000, (e) => {
            checkEvent(e, prev, numBlocks * blockSize);
            prev = e;
            for (const c of changes.filter((c) => c.at === e.index)) {
              if (c.strategy) engine.setStrategy(c.strategy);
              if (c.kv) engine.setKvManager(c.kv);
              if (c.knobs) engine.setKnobs(toKnobs(c.knobs, requests));
            }
          });
          const records = engine.records();
          expect(records).toHaveLength(requests.length);
          for (const r of records) {
            const q = requests[r.id];
            expect(r.state).toBe('finished');
            expect(r.output).toEqual(referenceOutput(q.prompt, q.sampling.seed, q.maxNewTokens, q.stopAfter));
            expect(r.tokenMs).toHaveLength(r.output.length);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('continuous batching fills a free slot within one iteration when work waits and memory allows', async () => {
    await fc.assert(
      fc.asyncProperty(workloadArb, fc.integer({ min: 1, max: 5 }), fc.boolean(), async (requests, maxNumSeqs, chunkedPrefill) => {
        const positions = requests.reduce((n, r) => n + r.prompt.length + r.maxNewTokens, 0);
        const engine = new ServingEngine({
          backend: new HashBackend({ numBlocks: positions, blockSize: 1 }),
          requests,
          kvManager: 'contiguous',
          knobs: { maxNumSeqs, chunkedPrefill, maxNumBatchedTokens: positions },
        });
        const events = await drain(engine);
        for (const e of events) {
          const empty = e.slots.slice(0, maxNumSeqs).filter((s) => s.idleReason === 'empty');
          if (e.queueLength > 0) expect(empty).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });
});
