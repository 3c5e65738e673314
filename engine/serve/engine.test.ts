import { describe, expect, it } from 'vitest';
import { ServingEngine } from './engine';
import type { IterationEvent } from './events';
import { HashBackend, referenceOutput } from './testing/hash-backend';
import { drain, gridText, testRequest } from './testing/requests';

const backend = (numBlocks = 64, blockSize = 4) => new HashBackend({ numBlocks, blockSize });
const lengths = (lens: number[], maxNew = 8) => lens.map((len, id) => testRequest(id, 2, maxNew, { stopAfter: len }));

function expectAllFinished(engine: ServingEngine): void {
  for (const r of engine.records()) {
    expect(r.state).toBe('finished');
  }
  expect(engine.done).toBe(true);
}

describe('static batching', () => {
  it('runs a batch until its longest request ends, idling finished slots, then takes the next', async () => {
    const engine = new ServingEngine({ backend: backend(), requests: lengths([3, 1, 2, 2]), strategy: 'static', knobs: { maxNumSeqs: 2 } });
    const events = await drain(engine);
    expect(gridText(events)).toEqual(['PDEPE', 'E..PE']);
    expect(events[1].slots[1]).toMatchObject({ requestId: 1, kind: 'idle', idleReason: 'finished' });
    expect(events[2].queueLength).toBe(2);
  });
});

describe('continuous batching', () => {
  it('refills a freed slot in the next iteration', async () => {
    const engine = new ServingEngine({ backend: backend(), requests: lengths([3, 1, 2, 2]), strategy: 'continuous', knobs: { maxNumSeqs: 2 } });
    const events = await drain(engine);
    expect(gridText(events)).toEqual(['PDEPE', 'EPE..']);
    expect(events.map((e) => e.slots[1].requestId)).toEqual([1, 2, 2, null, null]);
  });

  it('prefills newcomers in the same step as running decodes (Orca), or alone with separatePrefill (TGI)', async () => {
    const mixed = await drain(new ServingEngine({ backend: backend(), requests: lengths([4, 1, 2]), knobs: { maxNumSeqs: 2 } }));
    expect(mixed[1]).toMatchObject({ prefillTokens: 2, decodeTokens: 1 });
    const separate = await drain(new ServingEngine({ backend: backend(), requests: lengths([4, 1, 2]), knobs: { maxNumSeqs: 2, separatePrefill: true } }));
    expect(separate[1]).toMatchObject({ prefillTokens: 2, decodeTokens: 0 });
    expect(separate[1].slots[0]).toMatchObject({ requestId: 0, kind: 'idle', idleReason: 'stalled' });
  });

  it('splits a long prompt under the token budget with chunked prefill while decodes go on', async () => {
    const requests = [testRequest(0, 2, 8, { stopAfter: 6 }), testRequest(1, 11, 8, { stopAfter: 2, arrivalMs: 0.5 })];
    const engine = new ServingEngine({ backend: backend(), requests, knobs: { maxNumSeqs: 2, maxNumBatchedTokens: 4, chunkedPrefill: true } });
    const events = await drain(engine);
    // Request 1 arrives after the first step: 11 prompt tokens in chunks of 3 (4 minus request 0's decode).
    expect(events.slice(1, 5).map((e) => e.slots[1].tokenCount)).toEqual([3, 3, 3, 2]);
    expect(events.slice(1, 5).map((e) => e.slots[0].kind)).toEqual(['decode', 'decode', 'decode', 'decode']);
    expect(events[3].slots[1].outputToken).toBe(-1); // a chunk short of the prompt's end samples nothing
    const rec = engine.records()[1];
    expect(rec.output).toEqual(referenceOutput(requests[1].prompt, 1, 8, 2));
  });

  it('waits for waiting_served_ratio of the batch to be admissible, or for max_waiting_tokens steps (TGI)', async () => {
    const requests = [...lengths([30, 30, 30, 30], 30), testRequest(4, 2, 8, { stopAfter: 2, arrivalMs: 1.5 })];
    const engine = new ServingEngine({ backend: backend(), requests, knobs: { maxNumSeqs: 5, waitingServedRatio: 0.5, maxWaitingTokens: 5 } });
    const events = await drain(engine);
    const admittedAt = events.findIndex((e) => e.slots[4].requestId === 4);
    // floor(4 * 0.5) = 2 newcomers needed and only 1 waits, so it waits for TGI's waiting_tokens:
    // 1 after the first batch's prefill (iteration 0), +1 per decode step (iterations 1-4), and at
    // 5 = max_waiting_tokens the ratio is waived.
    expect(events[admittedAt - 1].queueLength).toBe(1);
    expect(admittedAt).toBe(5);
  });
});

describe('KV memory', () => {
  it('preempts the newest request when paged KV runs out, and recomputes it with the same output', async () => {
    const requests = [0, 1, 2].map((id) => testRequest(id, 3, 12, { stopAfter: 12 }));
    const engine = new ServingEngine({ backend: backend(8, 4), requests, kvManager: 'paged', knobs: { maxNumSeqs: 3 } });
    const events = await drain(engine);
    const preemptedAt = events.findIndex((e) => e.preempted.length > 0);
    expect(events[preemptedAt].preempted).toEqual([2]);
    expect(events[preemptedAt].slots[2]).toMatchObject({ requestId: 2, kind: 'idle', idleReason: 'preempted' });
    const back = events.findIndex((e, i) => i > preemptedAt && e.slots.some((s) => s.requestId === 2 && s.kind === 'prefill'));
    const recompute = events[back].slots.find((s) => s.requestId === 2)!;
    expect(recompute.startPos).toBe(0);
    expect(recompute.tokenCount).toBeGreaterThan(3); // prompt + what it had generated
    for (const r of engine.records()) expect(r.output).toEqual(referenceOutput(requests[r.id].prompt, r.id, 12, 12));
    expect(engine.records()[2].preemptions).toBeGreaterThan(0);
  });

  it('admits under contiguous reservation only what fits first fit, and reports the gaps', async () => {
    // 16 blocks of 4: each request reserves prompt 2 + 20 - 1 = 21 positions = 6 blocks.
    const requests = [0, 1, 2, 3].map((id) => testRequest(id, 2, 20, { stopAfter: 3 + id }));
    const engine = new ServingEngine({ backend: backend(16, 4), requests, kvManager: 'contiguous', knobs: { maxNumSeqs: 4 } });
    const events = await drain(engine);
    expect(events[0].slots.filter((s) => s.kind !== 'idle')).toHaveLength(2);
    expect(events[0].kv).toMatchObject({ used: 4, external: 16 }); // 4 free blocks cannot hold 6
    expect(events[0].kv.reserved + events[0].kv.internal).toBe(2 * 24 - 4);
    expect(events.every((e) => e.preempted.length === 0)).toBe(true);
  });
});

describe('live changes', () => {
  const collect = async (engine: ServingEngine, at: number, change: () => void): Promise<IterationEvent[]> =>
    drain(engine, 1000, (e) => {
      if (e.index === at) change();
    });

  it('switching to static lets the running set drain before the next batch', async () => {
    const engine = new ServingEngine({ backend: backend(), requests: lengths([5, 1, 2, 2, 2]), knobs: { maxNumSeqs: 2 } });
    const events = await collect(engine, 1, () => engine.setStrategy('static'));
    // Request 2 joined continuously at iteration 1; from iteration 2 nothing joins until 0 and 2 are done.
    expect(gridText(events)).toEqual(['PDDDEPE', 'EPE..PE']);
    expect(events[2].strategy).toBe('static');
  });

  it('switching to continuous releases finished slots and refills them at once', async () => {
    const engine = new ServingEngine({ backend: backend(), requests: lengths([5, 1, 2]), strategy: 'static', knobs: { maxNumSeqs: 2 } });
    const events = await collect(engine, 1, () => engine.setStrategy('continuous'));
    expect(gridText(events)).toEqual(['PDDDE', 'E.PE.']);
  });

  it('switching contiguous to paged returns unused reservations to the pool', async () => {
    const engine = new ServingEngine({ backend: backend(16, 4), requests: lengths([6, 6], 20), kvManager: 'contiguous' });
    const before = (await engine.step())!;
    engine.setKvManager('paged');
    const after = (await engine.step())!;
    expect(before.kv.free + before.kv.external).toBe(64 - 2 * 24);
    expect(after.kv).toMatchObject({ manager: 'paged', internal: 0, external: 0 });
    expect(after.kv.free).toBeGreaterThan(before.kv.free);
    await drain(engine);
    expectAllFinished(engine);
  });

  it('refuses knobs that could leave a request stuck', () => {
    const engine = new ServingEngine({ backend: backend(), requests: [testRequest(0, 10, 20)] });
    expect(() => engine.setKnobs({ maxNumBatchedTokens: 16 })).toThrow(/below the longest request \(29 positions\)/);
    engine.setKnobs({ maxNumBatchedTokens: 16, chunkedPrefill: true });
    expect(engine.knobs.maxNumBatchedTokens).toBe(16);
  });
});

describe('requests', () => {
  it('rejects a request the pool or the model cannot hold', () => {
    expect(() => new ServingEngine({ backend: backend(4, 4), requests: [testRequest(0, 10, 10)] })).toThrow(/needs up to 19 KV positions \(prompt \+ max_new_tokens\) but the pool holds 16: raise the KV capacity to at least 19 tokens/);
    expect(() => new ServingEngine({ backend: backend(), requests: [testRequest(0, 2, 300)] })).toThrow(/exceeds the model's seq_len 256/);
  });

  it('jumps the clock over idle time to the next arrival', async () => {
    const requests = [testRequest(0, 2, 8, { stopAfter: 1 }), testRequest(1, 2, 8, { stopAfter: 1, arrivalMs: 100 })];
    const engine = new ServingEngine({ backend: backend(), requests });
    expect(engine.nextArrivalMs).toBe(0);
    const events = await drain(engine);
    expect(events.map((e) => e.startMs)).toEqual([0, 100]);
    expect(engine.nextArrivalMs).toBeNull();
  });
});
