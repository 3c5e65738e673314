import { describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { createAppStore } from '../store/store';
import type { FromWorker, ToWorker } from '../worker/protocol';
import { Controller, type EngineChannel } from './controller';
import { exportTrace } from './trace-io';
import { RunLog } from './run-log';

function fakeEngine() {
  const sent: ToWorker[] = [];
  let listener: (m: FromWorker) => void = () => undefined;
  const channel: EngineChannel = { post: (m) => sent.push(m), onMessage: (fn) => (listener = fn), dispose: vi.fn() };
  return { channel, sent, emit: (m: FromWorker) => listener(m) };
}

const model = { name: 'tiny', checkpoint: '/m.bin', tokenizer: '/t.bin' };
const recorded = async () => ({ static: FIXTURES.staticPaged, continuous: FIXTURES.continuousPaged });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Controller', () => {
  it('replays the recording while the model loads, then serves live from the first iteration on Play', async () => {
    const store = createAppStore();
    const engine = fakeEngine();
    const c = new Controller({ store, engine: engine.channel, model, recorded });
    c.start();
    expect(engine.sent[0]).toMatchObject({ type: 'init', lanes: [{ id: 'a', strategy: 'continuous' }], model });
    await tick();
    expect(store.getState().lanes.a.source).toBe('recorded');
    c.play(); // not ready yet: remembered
    engine.emit({ type: 'ready', backend: { kind: 'webgpu', description: 'swiftshader' }, modelName: 'tiny', vocab: ['a', 'b'] });
    engine.emit({ type: 'requests', lane: 'a', requests: FIXTURES.continuousPaged.requests });
    expect(engine.sent.map((m) => m.type)).toContain('play');
    expect(store.getState().lanes.a).toMatchObject({ source: 'live', backend: { kind: 'webgpu' } });
    const log = store.getState().logs.a;
    expect(log.events).toHaveLength(0);
    engine.emit({ type: 'events', lane: 'a', events: FIXTURES.continuousPaged.events.slice(0, 3) });
    expect(log.events).toHaveLength(3);
    engine.emit({ type: 'playing', playing: true });
    expect(store.getState().lanes.a.phase).toBe('running');
    c.dispose();
  });

  it('says the second lane is live when compare is switched on during a live run', async () => {
    const store = createAppStore();
    const engine = fakeEngine();
    const c = new Controller({ store, engine: engine.channel, model, recorded });
    c.start();
    await tick();
    engine.emit({ type: 'ready', backend: { kind: 'cpu', description: 'js' }, modelName: 'tiny', vocab: [] });
    c.play();
    expect(store.getState().lanes.b.source).toBe('recorded');
    store.getState().setUi({ compare: true });
    expect(store.getState().lanes.b).toMatchObject({ source: 'live', sourceNote: null, backend: { kind: 'cpu' }, strategy: 'continuous' });
    c.dispose();
  });

  it('keeps an engine error on screen while the recording plays on, until the engine is ready again', async () => {
    const store = createAppStore();
    const engine = fakeEngine();
    const c = new Controller({ store, engine: engine.channel, model, recorded });
    c.start();
    await tick();
    engine.emit({ type: 'error', message: 'request 0: needs up to 197 KV positions but the pool holds 64' });
    expect(store.getState().lanes.a.phase).toBe('error');
    // The recording pausing (or looping) must not paint over the error.
    c.pause();
    c.play();
    expect(store.getState().lanes.a).toMatchObject({ phase: 'error', message: expect.stringMatching(/pool holds 64/) });
    engine.emit({ type: 'ready', backend: { kind: 'cpu', description: 'js' }, modelName: 'tiny', vocab: [] });
    expect(store.getState().lanes.a.phase).not.toBe('error');
    c.dispose();
  });

  it('keeps the error up when Play or Step is pressed on a run the settings cannot build', async () => {
    const store = createAppStore();
    const engine = fakeEngine();
    const c = new Controller({ store, engine: engine.channel, model, recorded });
    c.start();
    await tick();
    engine.emit({ type: 'ready', backend: { kind: 'cpu', description: 'js' }, modelName: 'tiny', vocab: [] });
    engine.emit({ type: 'error', message: 'request 0: needs up to 197 KV positions' });
    const sent = engine.sent.length;
    c.play();
    c.step();
    expect(store.getState().lanes.a).toMatchObject({ phase: 'error', message: expect.stringMatching(/197 KV positions/) });
    expect(store.getState().notice).toMatch(/change the setting that the message above the grid names/);
    expect(engine.sent.slice(sent).map((m) => m.type)).toEqual([]);
    // A setting that builds a run clears it, and Play serves again.
    engine.emit({ type: 'ready', backend: { kind: 'cpu', description: 'js' }, modelName: 'tiny', vocab: [] });
    c.play();
    expect(engine.sent.slice(sent).map((m) => m.type)).toContain('play');
    c.dispose();
  });

  it('shows the recording of whichever strategy is chosen until the visitor goes live', async () => {
    const store = createAppStore();
    const c = new Controller({ store, engine: fakeEngine().channel, model, recorded });
    c.start();
    await tick();
    store.getState().setConfig({ strategy: 'static' });
    expect(store.getState().lanes.a).toMatchObject({ source: 'recorded', strategy: 'static' });
    await vi.waitFor(() => expect(store.getState().logs.a.events.length).toBeGreaterThan(0));
    expect(store.getState().logs.a.events[0].strategy).toBe('static');
    c.dispose();
  });

  it('plays the demo story (static, then continuous with contiguous KV, then paged) with a caption for each scene', async () => {
    vi.useFakeTimers();
    try {
      const store = createAppStore();
      const story = async () => ({ static: FIXTURES.staticPaged, continuous: FIXTURES.continuousPaged, contiguous: FIXTURES.continuousContiguous });
      const c = new Controller({ store, engine: fakeEngine().channel, model, recorded: story, alternateDemo: true });
      c.start();
      await vi.advanceTimersByTimeAsync(1);
      const seen: string[] = [];
      for (let scene = 0; scene < 4; scene++) {
        const lane = store.getState().lanes.a;
        const kv = store.getState().logs.a.events[0]?.kv.manager;
        seen.push(`${lane.strategy} ${kv}: ${lane.demoScene?.title} -> ${lane.demoScene?.next}`);
        expect(lane.demoScene?.caption.length).toBeGreaterThan(40);
        const run = store.getState().logs.a.runId;
        for (let t = 0; t < 60_000 && (store.getState().logs.a.runId === run || store.getState().logs.a.events.length === 0); t += 100) await vi.advanceTimersByTimeAsync(100);
      }
      expect(seen).toEqual([
        'static paged: static batching -> continuous batching, contiguous KV',
        'continuous contiguous: continuous batching, contiguous KV -> continuous batching, paged KV',
        'continuous paged: continuous batching, paged KV -> static batching',
        'static paged: static batching -> continuous batching, contiguous KV',
      ]);
      // The settings never moved: Play serves what the left side says.
      expect(store.getState().config).toMatchObject({ strategy: 'continuous', kv: 'paged' });
      c.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('alternates the demo between the strategies without touching the settings, until the visitor touches anything; Play runs the settings', async () => {
    vi.useFakeTimers();
    try {
      const store = createAppStore();
      const engine = fakeEngine();
      const c = new Controller({ store, engine: engine.channel, model, recorded, alternateDemo: true });
      c.start();
      const lane = () => store.getState().lanes.a;
      const shown = () => store.getState().logs.a.events[0]?.strategy;
      await vi.advanceTimersByTimeAsync(1);
      // Until the recording on screen has ended and the demo has started over (or a minute has passed).
      const loop = async () => {
        const run = store.getState().logs.a.runId;
        for (let t = 0; t < 60_000; t += 100) {
          await vi.advanceTimersByTimeAsync(100);
          if (store.getState().logs.a.runId !== run && store.getState().logs.a.events.length > 0) return;
        }
      };
      // The story starts with static batching (a demo file without the contiguous scene skips it).
      expect(lane()).toMatchObject({ source: 'recorded', strategy: 'static', demoAlternates: true });
      await loop();
      expect(lane()).toMatchObject({ source: 'recorded', strategy: 'continuous', demoAlternates: true });
      await loop();
      expect(lane()).toMatchObject({ strategy: 'static', demoAlternates: true });
      expect(shown()).toBe('static');
      // The demo shows static; the settings on the left still say continuous, and nothing was sent.
      expect(store.getState().config.strategy).toBe('continuous');
      expect(engine.sent.filter((m) => m.type === 'configure')).toEqual([]);
      // Any touch (a click on the grid, say) stops the alternation; the demo keeps what it shows.
      c.visitorActed();
      expect(lane().demoAlternates).toBe(false);
      await loop();
      expect(shown()).toBe('static');
      // Play serves what the settings say, not what the demo showed.
      engine.emit({ type: 'ready', backend: { kind: 'cpu', description: 'js' }, modelName: 'tiny', vocab: [] });
      c.play();
      expect(engine.sent.at(-1)).toEqual({ type: 'play' });
      expect(engine.sent[0]).toMatchObject({ type: 'init', config: { strategy: 'continuous' }, lanes: [{ id: 'a', strategy: 'continuous' }] });
      expect(lane()).toMatchObject({ source: 'live', strategy: 'continuous' });
      c.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the recording of the strategy the visitor picks while the demo plays', async () => {
    vi.useFakeTimers();
    try {
      const store = createAppStore();
      const c = new Controller({ store, engine: fakeEngine().channel, model, recorded, alternateDemo: true });
      c.start();
      await vi.advanceTimersByTimeAsync(1);
      store.getState().setConfig({ strategy: 'static' });
      await vi.advanceTimersByTimeAsync(1000);
      expect(store.getState().lanes.a).toMatchObject({ source: 'recorded', strategy: 'static', demoAlternates: false });
      expect(store.getState().logs.a.events[0]?.strategy).toBe('static');
      c.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the demo on one strategy when the link chose it', async () => {
    vi.useFakeTimers();
    try {
      const store = createAppStore();
      const c = new Controller({ store, engine: fakeEngine().channel, model, recorded });
      c.start();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(store.getState().config.strategy).toBe('continuous');
      expect(store.getState().lanes.a.demoAlternates).toBe(false);
      c.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends live changes to the worker, with compare mode as two lanes', async () => {
    const store = createAppStore();
    const engine = fakeEngine();
    new Controller({ store, engine: engine.channel, model }).start();
    store.getState().setConfig({ strategy: 'static' });
    expect(engine.sent.pop()).toMatchObject({ type: 'configure', config: { strategy: 'static' }, lanes: [{ id: 'a', strategy: 'static' }] });
    store.getState().setUi({ compare: true });
    expect(engine.sent.pop()).toMatchObject({ type: 'configure', lanes: [{ id: 'a', strategy: 'static' }, { id: 'b', strategy: 'continuous' }] });
    expect(store.getState().lanes.b.strategy).toBe('continuous');
  });

  it('replays an imported trace, and Reset goes back to the live engine', async () => {
    const store = createAppStore();
    const engine = fakeEngine();
    const c = new Controller({ store, engine: engine.channel, model });
    c.start();
    engine.emit({ type: 'ready', backend: { kind: 'cpu', description: 'js' }, modelName: 'tiny', vocab: [] });
    const log = new RunLog();
    log.addRequests(FIXTURES.staticPaged.requests);
    log.append(FIXTURES.staticPaged.events);
    const text = exportTrace([{ name: 'static batching', log, backend: 'cpu' }]);
    c.importTrace(new File([text], 'run.json'));
    await vi.waitFor(() => expect(store.getState().lanes.a.source).toBe('replay'));
    expect(store.getState().logs.a.events).toHaveLength(FIXTURES.staticPaged.events.length);
    expect(store.getState().lanes.a.sourceNote).toContain('run.json');
    c.reset();
    expect(store.getState().lanes.a.source).toBe('live');
    expect(engine.sent.pop()).toEqual({ type: 'reset' });
  });

  it('reports a trace it cannot read instead of failing', async () => {
    const store = createAppStore();
    const c = new Controller({ store, engine: fakeEngine().channel, model });
    c.start();
    c.importTrace(new File(['{"traceEvents": []}'], 'other.json'));
    await vi.waitFor(() => expect(store.getState().notice).toMatch(/Could not replay other.json/));
  });
});
