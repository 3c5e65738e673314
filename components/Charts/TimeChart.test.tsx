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
    // The empty state is HTML that wraps (SVG text was cut at the chart's edges).
    expect(container.querySelector('svg')!.textContent).toBe('');
    expect(screen.getByTestId('chart-batch-empty').hidden).toBe(false);
    expect(screen.getByTestId('chart-batch-empty').textContent).toBe('No iterations yet: press Play or Step');
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    await frame();
    expect(screen.getByTestId('chart-batch-empty').hidden).toBe(true);
    const unit = container.querySelector('svg .axis-unit')!;
    expect(unit.textContent).toBe('iteration →');
    // On the tick labels' line under the plot, not over the data.
    const axisY = Number(/translate\(0,([\d.]+)\)/.exec(container.querySelector('svg g')!.getAttribute('transform')!)![1]);
    expect(Number(unit.getAttribute('y'))).toBeGreaterThan(axisY);
  });

  it('tells its lines apart by dashes and its KV waste by hatching, not by colour alone', async () => {
    const { store, container } = renderWithStore(
      <>
        <TimeChart lanes={['a']} kind="batch" />
        <TimeChart lanes={['a']} kind="kv" />
      </>,
    );
    act(() => loadRuns(store, { a: FIXTURES.continuousContiguous }));
    await frame();
    const [batch, kv] = Array.from(container.querySelectorAll('svg'));
    const dashes = Array.from(batch.querySelectorAll('path[stroke]:not(.domain)')).map((l) => l.getAttribute('stroke-dasharray'));
    expect(dashes).toEqual([null, '6 3']);
    const fills = Array.from(kv.querySelectorAll(':scope > path')).map((a) => a.getAttribute('fill'));
    expect(fills.slice(1)).toEqual(['url(#chart-hatch-reserved)', 'url(#chart-hatch-internal)', 'url(#chart-hatch-external)']);
    expect(kv.querySelectorAll('pattern').length).toBe(3);
  });
});
