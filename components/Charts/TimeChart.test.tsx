import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { loadRuns, renderWithStore } from '../shared/testing';
import { TimeChart } from './TimeChart';

const frame = () => act(() => new Promise((r) => setTimeout(r, 300)));

describe('TimeChart', () => {
  it('says by what clock its tokens/s were timed: recorded, measured live or simulated', async () => {
    const { store } = renderWithStore(<TimeChart lanes={['a']} kind="throughput" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    await frame();
    const clock = screen.getByTestId('chart-throughput-clock');
    expect(clock.textContent).toBe('recorded');
    act(() => store.getState().setLane('a', { source: 'live' }));
    await frame();
    expect(clock.textContent).toBe('measured');
    const sim = FIXTURES.continuousPaged.events.map((e) => ({ ...e, timeSource: 'simulated' as const }));
    act(() => {
      store.getState().logs.a.clear();
      store.getState().logs.a.append(sim);
    });
    await frame();
    expect(clock.textContent).toBe('simulated');
  });

  it('names its x axis, and draws no made-up axes before the first iteration', async () => {
    const { store, container } = renderWithStore(<TimeChart lanes={['a']} kind="batch" />);
    await frame();
    expect(container.querySelector('svg')!.textContent).toBe('No iterations yet: press Play or Step');
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    await frame();
    expect(container.querySelector('svg .axis-unit')!.textContent).toBe('iteration →');
  });
});
