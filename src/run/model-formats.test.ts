import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../store/config';
import { createAppStore } from '../store/store';
import { configToQuery, readQuery } from '../store/url';
import { axisAvailable } from './compare';
import { isMoeModel, moeInt8, withoutMoeInt8 } from './model-formats';

/** The app never offers a mixture of experts with int8 weights (no expert kernel reads int8). */
describe('MoE models and int8 weights in the app', () => {
  it('knows the built-in MoE models and the refused pair; the simulator is not concerned', () => {
    expect(isMoeModel('tiny-moe')).toBe(true);
    expect(isMoeModel('tiny-moe-unbalanced')).toBe(true);
    expect(isMoeModel('batchscope-tiny')).toBe(false);
    expect(moeInt8({ backend: 'cpu', model: 'tiny-moe', weights: 'int8' })).toBe(true);
    expect(moeInt8({ backend: 'webgpu', model: 'tiny-moe', weights: 'f32' })).toBe(false);
    expect(moeInt8({ backend: 'sim', model: 'tiny-moe', weights: 'int8' })).toBe(false);
    expect(withoutMoeInt8({ ...DEFAULT_CONFIG, weights: 'int8' }).notice).toBeNull();
  });

  it('a link asking for the pair gets f32 weights and says so, as other invalid link states do', () => {
    const r = readQuery('?model=tiny-moe&weights=int8&kv_dtype=int8');
    expect(r.config).toMatchObject({ model: 'tiny-moe', weights: 'f32', kvDtype: 'int8' });
    expect(r.problems).toEqual([expect.stringMatching(/^weights=int8 with model=tiny-moe: int8 weights are not available for tiny-moe .*so f32 weights are used$/)]);
    expect(readQuery(configToQuery(r.config))).toEqual({ config: r.config, problems: [] });
    // The dense model and the simulator keep int8 weights.
    expect(readQuery('?weights=int8').config.weights).toBe('int8');
    expect(readQuery('?backend=sim&model=tiny-moe&weights=int8')).toMatchObject({ config: { weights: 'int8' }, problems: [] });
  });

  it('picking an MoE model (or leaving the sim) with int8 weights switches the weights to f32 with a notice', () => {
    const store = createAppStore({ config: { ...DEFAULT_CONFIG, weights: 'int8' } });
    store.getState().setConfig({ model: 'tiny-moe' });
    expect(store.getState().config).toMatchObject({ model: 'tiny-moe', weights: 'f32' });
    expect(store.getState().notice).toMatch(/int8 weights are not available for tiny-moe/);
    const sim = createAppStore({ config: { ...DEFAULT_CONFIG, backend: 'sim', model: 'tiny-moe', weights: 'int8' } });
    sim.getState().setConfig({ backend: 'cpu' });
    expect(sim.getState().config.weights).toBe('f32');
    // Other patches pass untouched, notice and all.
    const plain = createAppStore();
    plain.getState().setConfig({ weights: 'int8', kvDtype: 'f16' });
    expect(plain.getState().config).toMatchObject({ weights: 'int8', kvDtype: 'f16' });
    expect(plain.getState().notice).toBeNull();
  });

  it('compare offers no axis that would pair them: no weight format for an MoE, no model axis with int8 weights', () => {
    const moe = { ...DEFAULT_CONFIG, backend: 'cpu' as const, model: 'tiny-moe' };
    expect(axisAvailable('weights', moe)).toBe(false);
    expect(axisAvailable('kvDtype', moe)).toBe(true);
    expect(axisAvailable('model', moe)).toBe(true);
    expect(axisAvailable('model', { ...DEFAULT_CONFIG, backend: 'cpu', weights: 'int8' })).toBe(false);
    expect(axisAvailable('weights', { ...DEFAULT_CONFIG, backend: 'cpu' })).toBe(true);
    expect(axisAvailable('weights', { ...moe, backend: 'sim' })).toBe(true);
  });
});
