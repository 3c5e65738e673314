import { describe, expect, it } from 'vitest';
import { ServingEngine } from './engine';
import { iterationsCsv, ITERATION_CSV_COLUMNS } from './csv';
import { exportChromeTrace, sparseVocab, type TraceEvent, type TraceRun } from './trace';
import { parseTrace, TraceReplay } from './trace-import';
import { HashBackend } from './testing/hash-backend';
import { drain, testRequest } from './testing/requests';

async function recordRun(strategy: 'static' | 'continuous'): Promise<TraceRun> {
  // A small pool forces a preemption, so the spans include a second queue and a recompute.
  const requests = [0, 1, 2, 3].map((id) => testRequest(id, 3, 14, { stopAfter: 5 + 3 * id, arrivalMs: id === 3 ? 3 : 0 }));
  const engine = new ServingEngine({ backend: new HashBackend({ numBlocks: 6, blockSize: 4 }), requests, strategy, knobs: { maxNumSeqs: 3 } });
  const events = await drain(engine);
  return { label: `${strategy} · paged · hash`, strategy, backend: 'cpu', kvManager: 'paged', events, requests: engine.records() };
}

describe('Chrome trace export', async () => {
  const runs = [await recordRun('continuous'), await recordRun('static')];
  const text = exportChromeTrace(runs);
  const trace = JSON.parse(text) as { traceEvents: TraceEvent[]; displayTimeUnit: string };

  it('is the JSON object form with the fields every phase needs', () => {
    expect(trace.displayTimeUnit).toBe('ms');
    for (const t of trace.traceEvents) {
      expect(['X', 'b', 'e', 'C', 'M']).toContain(t.ph);
      expect(typeof t.name).toBe('string');
      expect(Number.isInteger(t.pid)).toBe(true);
      if (t.ph !== 'M') expect(t.ts).toBeGreaterThanOrEqual(0);
      if (t.ph === 'X') expect(t.dur).toBeGreaterThanOrEqual(0);
      if (t.ph === 'b' || t.ph === 'e') expect(t).toMatchObject({ cat: 'request', id2: { local: expect.any(String) } });
      if (t.ph === 'C') for (const v of Object.values(t.args!)) expect(typeof v).toBe('number');
      if (t.ph === 'M') expect(['process_name', 'process_sort_index', 'thread_name', 'thread_sort_index']).toContain(t.name);
    }
    expect(trace.traceEvents.some((t) => t.ph === 'M' && t.name === 'thread_name' && t.args!.name === 'slot 2')).toBe(true);
  });

  it('counts KV blocks by what holds them, adding up to the pool every iteration', () => {
    const blocks = trace.traceEvents.filter((t) => t.ph === 'C' && t.name === 'KV cache (blocks)');
    expect(blocks.length).toBe(runs[0].events.length + runs[1].events.length);
    for (const b of blocks) {
      const { allocated, external, free } = b.args as Record<string, number>;
      expect(allocated + external + free).toBe(6);
    }
    expect(blocks.some((b) => (b.args as Record<string, number>).allocated > 0)).toBe(true);
  });

  it('puts ts before any array in every event and the replay payload after traceEvents (Perfetto tokenizer)', () => {
    const lines = text.split('\n').filter((l) => l.startsWith('{"name"'));
    for (const l of lines) {
      const bracket = l.indexOf('[');
      if (bracket >= 0) expect(l.indexOf('"ts"')).toBeLessThan(bracket);
    }
    expect(text.indexOf('"traceEvents"')).toBeLessThan(text.indexOf('"batchscope"'));
  });

  it('keeps complete events on a thread from overlapping', () => {
    const byThread = new Map<string, TraceEvent[]>();
    for (const t of trace.traceEvents.filter((t) => t.ph === 'X')) {
      const k = `${t.pid}/${t.tid}`;
      byThread.set(k, [...(byThread.get(k) ?? []), t]);
    }
    for (const xs of byThread.values()) {
      xs.sort((a, b) => a.ts! - b.ts!);
      for (let i = 1; i < xs.length; i++) expect(xs[i].ts!).toBeGreaterThanOrEqual(xs[i - 1].ts! + xs[i - 1].dur!);
    }
  });

  it('nests every request span properly on the async track Perfetto gives it: matching names, all closed', () => {
    // Perfetto's JSON importer sorts events by ts (ties in file order) and keys a plain `id`
    // globally by (cat, id), an `id2.local` by (pid, cat, id): replay that, both runs in one trace.
    const track = (t: TraceEvent) => (t.id2 ? `${t.pid}/${t.cat}/${t.id2.local}` : `${t.cat}/${(t as { id?: unknown }).id}`);
    const ordered = trace.traceEvents.map((t, i) => ({ t, i })).filter(({ t }) => t.ph === 'b' || t.ph === 'e');
    ordered.sort((a, b) => a.t.ts! - b.t.ts! || a.i - b.i);
    const stacks = new Map<string, { name: string; ts: number }[]>();
    const spans = new Map<string, string[]>();
    for (const { t } of ordered) {
      const k = track(t);
      const stack = stacks.get(k) ?? [];
      stacks.set(k, stack);
      if (t.ph === 'b') {
        if (stack.length) expect(t.ts!).toBeGreaterThanOrEqual(stack[stack.length - 1].ts);
        stack.push({ name: t.name, ts: t.ts! });
        if (stack.length === 2) spans.set(k, [...(spans.get(k) ?? []), t.name]);
      } else {
        const open = stack.pop()!;
        expect(open.name).toBe(t.name);
        expect(t.ts!).toBeGreaterThanOrEqual(open.ts);
      }
    }
    for (const s of stacks.values()) expect(s).toEqual([]);
    expect(stacks.size).toBe(8);
    // The paged pool (24 slots) cannot hold three growing requests: the newest is preempted and recomputed.
    const preempted = runs[0].requests.find((r) => r.preemptions > 0)!;
    expect(spans.get(`1/request/${preempted.id}`)).toEqual(expect.arrayContaining(['queued', 'prefill', 'decode']));
    expect(spans.get(`1/request/${preempted.id}`)!.filter((p) => p === 'prefill').length).toBe(preempted.preemptions + 1);
  });

  it('reads back its own runs for replay, KV arrays included', async () => {
    const back = parseTrace(text);
    expect(back).toHaveLength(2);
    expect(back[0].events).toEqual(runs[0].events);
    expect(back[0].events[0].kv.owner).toBeInstanceOf(Int32Array);
    const replay = new TraceReplay(back[1]);
    const replayed = [];
    for (let e = await replay.step(); e; e = await replay.step()) replayed.push(e);
    expect(replayed).toEqual(runs[1].events);
    expect(replay.records()).toEqual(runs[1].requests);
    expect(() => parseTrace('{"traceEvents":[]}')).toThrow(/only traces exported by batchscope can be replayed/);
    expect(() => parseTrace('nope')).toThrow(/trace: is not valid JSON/);
  });

  it('refuses malformed runs with a bad-trace error, never a TypeError', () => {
    const payload = JSON.parse(text) as { batchscope: { runs: Record<string, unknown>[] } };
    const withRun = (run: unknown) => JSON.stringify({ batchscope: { ...payload.batchscope, runs: [run] } });
    const good = payload.batchscope.runs[0] as { events: Record<string, unknown>[] };
    const badEvent = (patch: Record<string, unknown>) => withRun({ ...good, events: [{ ...good.events[0], ...patch }] });
    for (const t of [
      withRun(null),
      withRun({ ...good, requests: [null] }),
      badEvent({ endMs: undefined }),
      badEvent({ slots: [null] }),
      badEvent({ kv: { ...(good.events[0].kv as object), owner: [] } }),
    ]) {
      expect(() => parseTrace(t)).toThrow(expect.objectContaining({ code: 'bad-trace' }));
    }
  });

  it('carries model name, prompts and a vocab of only the ids used, and leaves them out of runs without', () => {
    const withText: TraceRun = { ...runs[0], modelName: 'm', prompts: runs[0].requests.map((r) => ({ id: r.id, prompt: [1, 40 + r.id], promptText: `p${r.id}` })) };
    withText.vocab = sparseVocab(withText, (id) => (id === 41 ? undefined : `t${id}`));
    const used = new Set([...withText.requests.flatMap((r) => r.output), ...withText.prompts!.flatMap((p) => p.prompt)]);
    used.delete(41);
    expect(Object.keys(withText.vocab).map(Number)).toEqual([...used].sort((a, b) => a - b));
    const [back, old] = parseTrace(exportChromeTrace([withText, runs[1]]));
    expect(back).toMatchObject({ modelName: 'm', vocab: withText.vocab, prompts: withText.prompts });
    expect(old).not.toHaveProperty('vocab');
    expect(old).not.toHaveProperty('prompts');
    expect(old).not.toHaveProperty('modelName');
  });

  it('writes one CSV row per iteration', () => {
    const csv = iterationsCsv(runs[0].events).trim().split('\n');
    expect(csv[0].split(',')).toEqual([...ITERATION_CSV_COLUMNS]);
    expect(csv).toHaveLength(runs[0].events.length + 1);
    const row = csv[1].split(',');
    const col = (name: string) => row[ITERATION_CSV_COLUMNS.indexOf(name as (typeof ITERATION_CSV_COLUMNS)[number])];
    expect(col('strategy')).toBe('continuous');
    expect(Number(col('kv_used')) + Number(col('kv_reserved')) + Number(col('kv_internal')) + Number(col('kv_external')) + Number(col('kv_free'))).toBe(24);
  });
});
