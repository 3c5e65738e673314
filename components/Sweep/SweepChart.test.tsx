import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { createAppStore } from '../../src/store/store';
import { loadRuns, renderWithStore } from '../shared/testing';
import { SweepChart } from './SweepChart';

const points = [1, 2, 4, 8].map((batch) => ({ batch, stepMs: 30 + batch }));

describe('SweepChart', () => {
  it('never calls a simulated sweep measured, whatever run is on screen', () => {
    const store = createAppStore();
    // A measured run on screen (the recorded CPU demo) and a sweep of the simulator.
    loadRuns(store, { a: FIXTURES.continuousPaged });
    renderWithStore(<SweepChart />, store);
    act(() => store.getState().setSweep({ points, adapter: 'OPT-13B on NVIDIA A100 40GB', simulated: true }));
    expect(screen.getByTestId('sweep-result').textContent).toMatch(/^Simulated \(cost model\) for OPT-13B on NVIDIA A100 40GB/);
    expect(screen.getByTestId('sweep-result').textContent).not.toMatch(/measured/i);
    act(() => store.getState().setSweep({ points, adapter: 'google swiftshader', simulated: false }));
    expect(screen.getByTestId('sweep-result').textContent).toMatch(/^Measured on google swiftshader/);
  });
});
