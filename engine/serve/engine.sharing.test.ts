import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { completionSeed } from '../model/rng';
import type { KvManagerKind } from '../kv/policy';
import { ServingEngine } from './engine';
import type { IterationEvent } from './events';
import type { Request } from './request';
import type { SchedulerKnobs, Strategy } from './sched/knobs';
import { HashBackend, referenceOutput } from './testing/hash-backend';
import { drain } from './testing/requests';

/** Prompts from a few families: a shared prefix (a "system prompt") then a request's own tokens. */
const requestArb = fc.record({
  family: fc.integer({ min: 0, max: 2 }),
  prefixLen: fc.integer({ min: 0, max: 14 }),
  ownLen: fc.integer({ min: 1, max: 5 }),
  maxNew: fc.integer({ min: 1, max: 14 }),
  forced: fc.option(fc.integer({ min: 1, max: 14 })),
  n: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 3 })),
  arrivalMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 })),
});
const workloadArb = fc.array(requestArb, { minLength: 1, maxLength: 8 }).map((rs) =>
  rs.map((r, id): Request => {
    const prefix = Array.from({ length: r.prefixLen }, (_, i) => 3 + ((r.family * 11 + i * 5) % 60));
    const own = Array.from({ length: r.ownLen }, (_, i) => 3 + ((id * 13 + i * 7) % 60));
    const stopAfter = r.forced === null ? undefined : Math.min(r.forced, r.maxNew);
    return { id, prompt: [1, ...prefix, ...own], maxNewTokens: r.maxNew, stopAfter, expectedNewTokens: stopAfter ?? r.maxNew, sampling: { temperature: 0, topP: 1, seed: id * 3 }, arrivalMs: r.arrivalMs, n: r.n };
  }),
);
const changeArb = fc.record({
  at: fc.integer({ min: 0, max: 30 }),
  strategy: fc.option(fc.constantFrom<Strategy>('static', 'continuous')),
  kv: fc.option(fc.constantFrom<KvManagerKind>('paged', 'contiguous')),
  caching: fc.option(fc.boolean()),
  chunked: fc.option(fc.boolean()),
});

const longest = (rs: Request[]) => Math.max(...rs.map((r) => r.prompt.length + r.maxNewTokens - 1));
const mostN = (rs: Request[]) => Math.max(...rs.map((r) => r.n ?? 1));

function checkEvent(e: IterationEvent, capacity: number): void {
  const { used, reserved, internal, external, free, shared, cached } = e.kv;
  expect(used + reserved + internal + external + free).toBe(capacity);
  for (const v of [used, reserved, internal, external, free, shared!, cached!]) expect(v).toBeGreaterThanOrEqual(0);
  expect(cached!).toBeLessThanOrEqual(free + external);
  for (let b = 0; b < e.kv.numBlocks; b++) {
    expect(e.kv.refs![b] > 0).toBe(e.kv.owner[b] >= 0);
    expect(e.kv.filled[b] + e.kv.reservedSlots![b]).toBeLessThanOrEqual(e.kv.refs![b] > 0 ? e.kv.blockSize : 0);
  }
  const inSlots = e.slots.filter((s) => s.requestId !== null && s.idleReason !== 'preempted').map((s) => `${s.requestId}:${s.completion ?? 0}`);
  expect(new Set(inSlots).size).toBe(inSlots.length);
  if (e.prefixCache) expect(e.prefixCache.hits).toBeLessThanOrEqual(e.prefixCache.queries);
}

/** Every completion's output, checked against the hash model serving it alone with its stream's seed. */
function expectSoloOutputs(engine: ServingEngine, requests: Request[]): void {
  const records = engine.records();
  expect(records).toHaveLength(requests.length);
  for (const r of records) {
    const q = requests[r.id];
    expect(r.state).toBe('finished');
    const outs = r.completions?.map((c) => c.output) ?? [r.output];
    expect(outs).toHaveLength(q.n ?? 1);
    outs.forEach((o, c) => expect(o).toEqual(referenceOutput(q.prompt, completionSeed(q.sampling.seed, c), q.maxNewTokens, q.stopAfter)));
  }
}

describe('shared KV blocks in the serving engine', () => {
  it('serves every completion of every request exactly once, as alone, with caching, forks, preemption and live changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        workloadArb,
        fc.constantFrom<Strategy>('static', 'continuous'),
        fc.constantFrom<KvManagerKind>('paged', 'contiguous'),
        fc.boolean(),
        fc.boolean(),
        fc.array(changeArb, { maxLength: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 3 }),
        async (requests, strategy, kvManager, prefixCaching, chunkedPrefill, changes, blockSize, spareBlocks, extraSlots) => {
          const numBlocks = Math.ceil(longest(requests) / blockSize) + spareBlocks;
          const knobs = (chunked: boolean): Partial<SchedulerKnobs> => ({ chunkedPrefill: chunked, maxNumBatchedTokens: chunked ? 3 : longest(requests), maxNumSeqs: mostN(requests) + extraSlots });
          const engine = new ServingEngine({ backend: new HashBackend({ numBlocks, blockSize }), requests, strategy, kvManager, prefixCaching, knobs: knobs(chunkedPrefill) });
          await drain(engine, 5000, (e) => {
            engine.assertConsistent();
            checkEvent(e, numBlocks * blockSize);
            for (const c of changes.filter((c) => c.at === e.index)) {
              if (c.strategy) engine.setStrategy(c.strategy);
              if (c.kv) engine.setKvManager(c.kv);
              if (c.caching !== null) engine.setPrefixCaching(c.caching);
              if (c.chunked !== null) engine.setKnobs(knobs(c.chunked));
            }
          });
          expectSoloOutputs(engine, requests);
        },
      ),
      { numRuns: 200, endOnFailure: true },
    );
  });

  it('prefills a shared prefix once with caching on, and a prompt once for all its completions', async () => {
    const preamble = Array.from({ length: 24 }, (_, i) => 3 + i);
    const requests: Request[] = Array.from({ length: 6 }, (_, id) => ({
      id,
      prompt: [1, ...preamble, 40 + id, 41 + id],
      maxNewTokens: 4,
      stopAfter: 4,
      expectedNewTokens: 4,
      sampling: { temperature: 0, topP: 1, seed: id },
      arrivalMs: id * 10,
    }));
    const prefill = async (rs: Request[], prefixCaching: boolean) => {
      const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 64, blockSize: 4 }), requests: rs, prefixCaching, knobs: { maxNumSeqs: 8 } });
      const events = await drain(engine);
      expectSoloOutputs(engine, rs);
      return { tokens: events.reduce((n, e) => n + e.prefillTokens, 0), hits: events.reduce((n, e) => n + (e.prefixCache?.hits ?? 0), 0), shared: Math.max(...events.map((e) => e.kv.shared!)) };
    };
    const off = await prefill(requests, false);
    const on = await prefill(requests, true);
    expect(off.tokens).toBe(6 * 27);
    expect(on.hits).toBe(5 * 24); // 25 prompt positions up to the last token's block: 6 full blocks of 4
    expect(on.tokens).toBe(off.tokens - on.hits);
    const one = [{ ...requests[0], n: 5, arrivalMs: 0 }];
    const forked = await prefill(one, false);
    expect(forked.tokens).toBe(26 + 5); // the prompt but its last token once, then that token per completion
    // After the fork step every completion has copied the shared last block (positions 24-25) on its first write.
    expect(forked.shared).toBe(4 * 24);
  });

  it('refuses more completions than batch slots', () => {
    const r: Request = { id: 0, prompt: [1, 5], maxNewTokens: 2, expectedNewTokens: 2, sampling: { temperature: 0, topP: 1, seed: 0 }, arrivalMs: 0, n: 5 };
    expect(() => new ServingEngine({ backend: new HashBackend({ numBlocks: 8, blockSize: 4 }), requests: [r], knobs: { maxNumSeqs: 4 } })).toThrow(/5 completions but max_num_seqs is 4/);
  });
});
