import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { createAppStore } from '../../src/store/store';
import { loadRuns, renderWithStore } from '../shared/testing';
import { KNEE_RULE, findKnee } from '../../engine';
import type { MeasuredSweep } from '../../src/worker/sweep';
import { SweepChart } from './SweepChart';

const points = [1, 2, 4, 8].map((tokens) => ({ tokens, stepMs: 30 + tokens }));
const sweep = (adapter: string, simulated: boolean): MeasuredSweep => ({ adapter, backend: simulated ? 'sim' : 'webgpu', result: { points, ...findKnee(points), rule: KNEE_RULE, stoppedBy: 'time', timeSource: simulated ? 'simulated' : 'measured' } });

describe('SweepChart', () => {
  it('never calls a simulated sweep measured, whatever run is on screen', () => {
    const store = createAppStore();
    // A measured run on screen (the recorded CPU demo) and a sweep of the simulator.
    loadRuns(store, { a: FIXTURES.continuousPaged });
    renderWithStore(<SweepChart />, store);
    act(() => store.getState().setSweep({ measured: sweep('OPT-13B on NVIDIA A100 40GB', true) }));
    expect(screen.getByTestId('sweep-result').textContent).toMatch(/^Simulated \(cost model\) for OPT-13B on NVIDIA A100 40GB/);
    expect(screen.getByTestId('sweep-result').textContent).not.toMatch(/measured/i);
    act(() => store.getState().setSweep({ measured: sweep('google swiftshader', false) }));
    expect(screen.getByTestId('sweep-result').textContent).toMatch(/^Measured on google swiftshader/);
  });
});
