import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { createAppStore } from './store';

describe('app store', () => {
  it('starts from the given configuration and theme, with every lane loading a recording', () => {
    const s = createAppStore({ config: { ...DEFAULT_CONFIG, strategy: 'static' }, theme: 'dark' }).getState();
    expect(s.config.strategy).toBe('static');
    expect(s.theme).toBe('dark');
    expect(s.lanes.a).toMatchObject({ phase: 'loading', source: 'recorded', backend: null });
    expect(s.compare).toBe(false);
    expect(s.selected).toBeNull();
  });

  it('merges configuration patches into a new object, so subscribers see a change', () => {
    const store = createAppStore();
    const before = store.getState().config;
    store.getState().setConfig({ maxNumSeqs: 16 });
    const after = store.getState().config;
    expect(after).not.toBe(before);
    expect(after).toEqual({ ...before, maxNumSeqs: 16 });
  });

  it('updates one lane without touching the other', () => {
    const store = createAppStore();
    const b = store.getState().lanes.b;
    store.getState().setLane('a', { phase: 'running', source: 'live' });
    expect(store.getState().lanes.a).toMatchObject({ phase: 'running', source: 'live' });
    expect(store.getState().lanes.b).toBe(b);
  });

  it('keeps the run logs stable objects: iterations never go through store updates', () => {
    const store = createAppStore();
    const logs = store.getState().logs;
    let updates = 0;
    store.subscribe(() => updates++);
    logs.a.append([]);
    expect(updates).toBe(0);
    store.getState().setUi({ selected: 3 });
    expect(store.getState().logs).toBe(logs);
    expect(updates).toBe(1);
  });

  it('gives each store its own state', () => {
    const one = createAppStore();
    const two = createAppStore();
    one.getState().setUi({ compare: true });
    expect(two.getState().compare).toBe(false);
    expect(one.getState().logs.a).not.toBe(two.getState().logs.a);
  });

  it('holds sweep results and passing notices', () => {
    const store = createAppStore();
    store.getState().setSweep({ running: true });
    const measured = { adapter: 'gpu', backend: 'webgpu' as const, result: { points: [{ tokens: 1, stepMs: 2 }], verdict: 'flat-throughout' as const, knee: null, flatMs: 2, slopeMs: null, rule: 'r', stoppedBy: 'time' as const, timeSource: 'measured' as const } };
    store.getState().setSweep({ running: false, measured });
    expect(store.getState().sweep).toEqual({ running: false, measured, error: null });
    store.getState().setNotice('refused');
    expect(store.getState().notice).toBe('refused');
  });
});
