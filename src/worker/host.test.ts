import { describe, expect, it, vi } from 'vitest';
import { loadStories } from '../../tools/testing/stories260k';
import { DEFAULT_CONFIG, type RunConfig } from '../store/config';
import { PACE_RATE, paceIntervalMs, waitAfterStepMs } from '../run/pace';
import { summarize } from '../run/metrics';
import { RunLog } from '../run/run-log';
import type { RequestMeta } from '../run/types';
import { EngineHost } from './host';
import type { FromWorker, LaneSpec } from './protocol';

// A GPU backend takes real time to start; tests that need that window set a delay here.
const slowStart = vi.hoisted(() => ({ ms: 0 }));
vi.mock('./setup', async (importOriginal) => {
  const real = await importOriginal<typeof import('./setup')>();
  return { ...real, createBackend: async (...args: Parameters<typeof real.createBackend>) => (await new Promise((r) => setTimeout(r, slowStart.ms)), real.createBackend(...args)) };
});

// As fast as the device: these tests are about the engine, not the display pace (tested below).
const config: RunConfig = { ...DEFAULT_CONFIG, backend: 'cpu', requests: 6, maxNumSeqs: 3, kvCapacity: 1024, speed: 'max' };
const lanes: LaneSpec[] = [{ id: 'a', strategy: 'continuous' }];

function harness(sleep?: (ms: number) => Promise<void>) {
  const messages: FromWorker[] = [];
  const { model, tok512 } = loadStories();
  const host = new EngineHost((m) => messages.push(m), async () => ({ name: 'stories260K', model, tokenizer: tok512 }), sleep);
  const events = (lane = 'a') => messages.flatMap((m) => (m.type === 'events' && m.lane === lane ? m.events : []));
  const until = async (pred: () => boolean, ms = 30_000) => {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > ms) throw new Error('timed out waiting for the engine');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { host, messages, events, until };
}

/** Every request must finish exactly once: the "no request lost or duplicated" check. */
function finishedOnce(evs: { slots: { requestId: number | null; finished: boolean }[] }[]): number[] {
  return evs.flatMap((e) => e.slots.filter((s) => s.finished).map((s) => s.requestId!)).sort((a, b) => a - b);
}

describe('EngineHost (the worker side)', () => {
  it('loads, announces the backend and the requests, and steps one iteration at a time', async () => {
    const { host, messages, events } = harness();
    await host.handle({ type: 'init', config, lanes, model: { name: 'stories260K', checkpoint: '', tokenizer: '' } });
    const ready = messages.find((m) => m.type === 'ready');
    expect(ready).toMatchObject({ backend: { kind: 'cpu' }, modelName: 'stories260K' });
    expect(messages.find((m) => m.type === 'requests')).toMatchObject({ lane: 'a', requests: { length: 6 } });
    await host.handle({ type: 'step' });
    await host.handle({ type: 'step' });
    expect(events().map((e) => e.index)).toEqual([0, 1]);
  });

  it('switches static <-> continuous and the KV manager live without losing a request', async () => {
    const { host, messages, events, until } = harness();
    await host.handle({ type: 'init', config, lanes, model: { name: 's', checkpoint: '', tokenizer: '' } });
    await host.handle({ type: 'play' });
    await until(() => events().length >= 5);
    await host.handle({ type: 'configure', config: { ...config, strategy: 'static', kv: 'contiguous' }, lanes: [{ id: 'a', strategy: 'static' }] });
    const switchedAt = events().length;
    await until(() => events().length >= switchedAt + 5);
    await host.handle({ type: 'configure', config: { ...config, strategy: 'continuous' }, lanes });
    await until(() => messages.some((m) => m.type === 'done'));
    const evs = events();
    expect(evs.map((e) => e.index)).toEqual(evs.map((_, i) => i));
    expect(new Set(evs.map((e) => e.strategy))).toEqual(new Set(['static', 'continuous']));
    expect(evs.some((e) => e.kv.manager === 'contiguous')).toBe(true);
    expect(finishedOnce(evs)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('moves the run to a new backend and pool live (block size, capacity), recomputing the KV cache, with no request lost', async () => {
    const { host, messages, events, until } = harness();
    await host.handle({ type: 'init', config, lanes, model: { name: 's', checkpoint: '', tokenizer: '' } });
    await host.handle({ type: 'play' });
    await until(() => events().length >= 4);
    await host.handle({ type: 'configure', config: { ...config, blockSize: 4, kvCapacity: 512 }, lanes });
    await until(() => messages.some((m) => m.type === 'done'));
    const evs = events();
    // One run: iteration indices go on without a restart, and the pool changed under it.
    expect(evs.map((e) => e.index)).toEqual(evs.map((_, i) => i));
    expect(evs[0].kv).toMatchObject({ blockSize: config.blockSize });
    expect(evs.at(-1)!.kv).toMatchObject({ blockSize: 4, numBlocks: 128 });
    expect(messages.filter((m) => m.type === 'reset')).toHaveLength(1);
    const moved = evs.findIndex((e) => e.kv.blockSize === 4);
    expect(evs[moved].slots.some((s) => s.kind === 'prefill' && s.startPos === 0 && (s.inputTokens?.length ?? 0) > 1)).toBe(true);
    expect(finishedOnce(evs)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('restarts instead when the new pool cannot hold a request, and says why', async () => {
    const { host, messages, until } = harness();
    await host.handle({ type: 'init', config, lanes, model: { name: 's', checkpoint: '', tokenizer: '' } });
    await host.handle({ type: 'step' });
    await host.handle({ type: 'configure', config: { ...config, kvCapacity: 16 }, lanes });
    await until(() => messages.some((m) => m.type === 'notice' || m.type === 'error'));
    // The run cannot start over on that pool either: one error that names the fix, no notice
    // claiming a restart that never happens.
    expect(messages.find((m) => m.type === 'notice' || m.type === 'error')).toMatchObject({ type: 'error', message: expect.stringMatching(/raise the KV capacity to at least/) });
    expect(messages.some((m) => m.type === 'notice')).toBe(false);
  });

  it('recovers from a pool too small to start the run once the setting is fixed', async () => {
    const { host, messages, events, until } = harness();
    await host.handle({ type: 'init', config: { ...config, kvCapacity: 64 }, lanes, model: { name: 's', checkpoint: '', tokenizer: '' } });
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringMatching(/KV positions/) });
    // The backend is announced before the run fails, so the page names it instead of "loading".
    expect(messages.findIndex((m) => m.type === 'ready')).toBeLessThan(messages.findIndex((m) => m.type === 'error'));
    expect(messages.findIndex((m) => m.type === 'ready')).toBeGreaterThanOrEqual(0);
    const failedAt = messages.length;
    await host.handle({ type: 'configure', config, lanes });
    expect(messages.slice(failedAt).find((m) => m.type === 'error')).toBeUndefined();
    expect(messages.slice(failedAt).some((m) => m.type === 'ready')).toBe(true);
    await host.handle({ type: 'play' });
    await until(() => messages.some((m) => m.type === 'done'));
    expect(finishedOnce(events())).toEqual([0, 1, 2, 3, 4, 5]);
    // The same after a run: the failed one leaves nothing of the old run behind to resume.
    await host.handle({ type: 'configure', config: { ...config, requests: 4, kvCapacity: 64 }, lanes });
    const failedAgain = messages.length;
    await host.handle({ type: 'configure', config: { ...config, requests: 4 }, lanes });
    expect(messages.slice(failedAgain).find((m) => m.type === 'error')).toBeUndefined();
    expect(messages.filter((m) => m.type === 'requests').at(-1)).toMatchObject({ requests: { length: 4 } });
  });

  it('runs two lanes on the same workload in compare mode, keeping their clocks together', async () => {
    const { host, messages, events, until } = harness();
    const both: LaneSpec[] = [
      { id: 'a', strategy: 'static' },
      { id: 'b', strategy: 'continuous' },
    ];
    await host.handle({ type: 'init', config, lanes: both, model: { name: 's', checkpoint: '', tokenizer: '' } });
    await host.handle({ type: 'play' });
    await until(() => messages.filter((m) => m.type === 'done').length === 2);
    expect(finishedOnce(events('a'))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(finishedOnce(events('b'))).toEqual([0, 1, 2, 3, 4, 5]);
    // The same workload: continuous needs fewer iterations for it than static.
    expect(events('b').length).toBeLessThan(events('a').length);
  });

  it('turns compare mode on mid-run without the old run stepping into the new one', async () => {
    const { host, messages, until } = harness();
    const both: LaneSpec[] = [
      { id: 'a', strategy: 'static' },
      { id: 'b', strategy: 'continuous' },
    ];
    await host.handle({ type: 'init', config, lanes, model: { name: 's', checkpoint: '', tokenizer: '' } });
    await host.handle({ type: 'play' });
    await until(() => messages.some((m) => m.type === 'events'));
    slowStart.ms = 30;
    await host.handle({ type: 'configure', config, lanes: both }).finally(() => (slowStart.ms = 0));
    const rebuiltAt = messages.length;
    await until(() => messages.slice(rebuiltAt).filter((m) => m.type === 'done').length === 2);
    expect(messages.find((m) => m.type === 'error')).toBeUndefined();
    // Only the new lanes' iterations follow the rebuild, each lane counting from 0.
    const after = (lane: string) => messages.slice(rebuiltAt).flatMap((m) => (m.type === 'events' && m.lane === lane ? m.events : []));
    for (const lane of ['a', 'b']) {
      expect(after(lane).map((e) => e.index)).toEqual(after(lane).map((_, i) => i));
      expect(finishedOnce(after(lane))).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('restarts the run when the workload changes, and pauses on request', async () => {
    const { host, messages, events } = harness();
    await host.handle({ type: 'init', config, lanes, model: { name: 's', checkpoint: '', tokenizer: '' } });
    await host.handle({ type: 'step' });
    await host.handle({ type: 'configure', config: { ...config, requests: 4 }, lanes });
    expect(messages.filter((m) => m.type === 'reset')).toHaveLength(2);
    expect(messages.filter((m) => m.type === 'requests').pop()).toMatchObject({ requests: { length: 4 } });
    await host.handle({ type: 'play' });
    await host.handle({ type: 'pause' });
    // The iteration in flight when pause arrives still completes; nothing runs after it.
    await new Promise((r) => setTimeout(r, 50));
    const n = events().length;
    await new Promise((r) => setTimeout(r, 50));
    expect(events().length).toBe(n);
    // After each (re)build the host states whether it plays; then play and pause.
    expect(messages.filter((m) => m.type === 'playing').map((m) => (m as { playing: boolean }).playing)).toEqual([false, false, true, false]);
  });

  it('stops playing when the speed becomes step by step, then runs one iteration per Play', async () => {
    const { host, messages, events, until } = harness();
    await host.handle({ type: 'init', config, lanes, model: { name: 's', checkpoint: '', tokenizer: '' } });
    await host.handle({ type: 'play' });
    await until(() => events().length >= 2);
    await host.handle({ type: 'configure', config: { ...config, speed: 'step' }, lanes });
    expect(messages.filter((m) => m.type === 'playing').at(-1)).toMatchObject({ playing: false });
    await new Promise((r) => setTimeout(r, 50));
    const n = events().length;
    await new Promise((r) => setTimeout(r, 50));
    expect(events().length).toBe(n);
    await host.handle({ type: 'play' });
    expect(events().length).toBe(n + 1);
  });

  it('waits in real time for requests that have not arrived yet, instead of jumping the gap', async () => {
    const { host, messages, until } = harness();
    await host.handle({ type: 'init', config: { ...config, requests: 3, rate: 8, maxNumSeqs: 3 }, lanes, model: { name: 's', checkpoint: '', tokenizer: '' } });
    const metas = (messages.find((m) => m.type === 'requests') as { requests: { arrivalMs: number }[] }).requests;
    const lastArrival = Math.max(...metas.map((r) => r.arrivalMs));
    const t0 = Date.now();
    await host.handle({ type: 'play' });
    await until(() => messages.some((m) => m.type === 'done'));
    // The CPU engine serves these few tokens in far less time than the arrivals span.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(Math.min(lastArrival, 2000) * 0.8);
  });

  describe('the display pace', () => {
    const model = { name: 's', checkpoint: '', tokenizer: '' };
    /** A whole run at one pace; waits are recorded (and skipped, or kept short) instead of taken. */
    async function runAt(c: RunConfig, realWaitMs?: number) {
      const waits: number[] = [];
      const sleep = (ms: number) => (waits.push(ms), new Promise<void>((r) => setTimeout(r, realWaitMs ?? 0)));
      const { host, messages, events, until } = harness(sleep);
      await host.handle({ type: 'init', config: c, lanes, model });
      const metas = (messages.find((m) => m.type === 'requests') as { requests: RequestMeta[] }).requests;
      const t0 = performance.now();
      await host.handle({ type: 'play' });
      await until(() => messages.some((m) => m.type === 'done'), 60_000);
      const log = new RunLog();
      log.addRequests(metas);
      log.append(events());
      return { events: events(), summary: summarize(log), waits, wallMs: performance.now() - t0 };
    }

    it('changes when iterations are shown, never the figures: the same seeded sim run at two paces measures the same', async () => {
      const sim: RunConfig = { ...config, backend: 'sim', gpu: 'A100-40GB', simModel: 'OPT-13B', requests: 8, maxNumSeqs: 4 };
      const teach = await runAt({ ...sim, speed: 'teach' });
      const fast = await runAt({ ...sim, speed: 'max' });
      expect(teach.events.length).toBeGreaterThan(10);
      expect(teach.summary).toEqual(fast.summary);
      expect(teach.events.map((e) => [e.startMs, e.endMs])).toEqual(fast.events.map((e) => [e.startMs, e.endMs]));
      // Teaching pace waited out 1 / PACE_RATE.teach per iteration; full speed only the simulated step times.
      const perIteration = 1000 / PACE_RATE.teach;
      expect(teach.waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.9 * perIteration * teach.events.length);
      expect(fast.waits.reduce((a, b) => a + b, 0)).toBeLessThan(0.5 * teach.waits.reduce((a, b) => a + b, 0));
    });

    it('keeps a real backend on busy time: the run clock has no gaps for the waits between iterations', async () => {
      const paced = await runAt({ ...config, speed: 'teach' }, 15);
      // Every iteration but the last waits out the pace; after the last, the run is done at once
      // (a Reset then must not find the host still playing the old run).
      expect(paced.waits.length).toBe(paced.events.length - 1);
      // Each iteration starts where the last one ended (all requests arrived at once): no wait is counted.
      paced.events.slice(1).forEach((e, i) => expect(e.startMs).toBe(paced.events[i].endMs));
      expect(paced.events.at(-1)!.endMs).toBeLessThan(paced.wallMs - 0.9 * 15 * paced.waits.length);
    });

    it('halves the wait per step with two lanes, so each lane keeps the pace', () => {
      expect(paceIntervalMs('teach', 2)).toBeCloseTo(paceIntervalMs('teach', 1) / 2);
      expect(waitAfterStepMs('max', 1, 3)).toBe(0);
      expect(waitAfterStepMs('teach', 1, 1000)).toBe(0);
      // A simulated GPU runs in real time at any pace.
      expect(waitAfterStepMs('max', 1, 5, 40)).toBe(35);
    });
  });
});
