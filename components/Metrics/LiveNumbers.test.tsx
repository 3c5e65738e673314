import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { loadRuns, renderWithStore } from '../shared/testing';
import { LiveNumbers, provenance } from './LiveNumbers';

describe('LiveNumbers', () => {
  it('shows measured tokens/s and the iteration count, and says where they come from', async () => {
    const { store } = renderWithStore(<LiveNumbers lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    await act(() => new Promise((r) => setTimeout(r, 250)));
    expect(Number(screen.getByTestId('tokens-per-second').textContent)).toBeGreaterThan(0);
    expect(screen.getByTestId('iteration-count').textContent).toBe(String(FIXTURES.continuousPaged.events.length));
    expect(screen.getByText('measured earlier · recorded run')).toBeTruthy();
  });

  it('counts preemptions and the tokens their recompute ran again', async () => {
    const { store } = renderWithStore(<LiveNumbers lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousTightKv }));
    await act(() => new Promise((r) => setTimeout(r, 250)));
    const evicted = FIXTURES.continuousTightKv.events.reduce((n, e) => n + e.preempted.length, 0);
    expect(evicted).toBeGreaterThan(0);
    const [count, tokens] = screen.getByTestId('preemptions').textContent!.split(' · ');
    expect(Number(count)).toBe(evicted);
    expect(parseInt(tokens)).toBeGreaterThan(0);
  });

  it('shows no figure after an engine error, whatever the log still holds (the recorded demo, say)', async () => {
    const { store } = renderWithStore(<LiveNumbers lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    await act(() => new Promise((r) => setTimeout(r, 250)));
    expect(Number(screen.getByTestId('tokens-per-second').textContent)).toBeGreaterThan(0);
    act(() => store.getState().setLane('a', { phase: 'error', message: 'The engine stopped: the pool holds 64' }));
    await act(() => new Promise((r) => setTimeout(r, 250)));
    for (const id of ['tokens-per-second', 'ttft', 'requests-done', 'iteration-count']) expect(screen.getByTestId(id).textContent, id).toBe('—');
    expect(screen.getByText('engine stopped: no figures')).toBeTruthy();
  });

  it('marks latency that depends on requests still waiting as a lower bound, with how many wait', async () => {
    const { store } = renderWithStore(<LiveNumbers lane="a" />);
    const run = FIXTURES.staticPaged;
    act(() => loadRuns(store, { a: { ...run, events: run.events.slice(0, 3) } }));
    await act(() => new Promise((r) => setTimeout(r, 250)));
    expect(screen.getByTestId('ttft').textContent).toMatch(/^≥ /);
    expect(screen.getByTestId('ttft-note').textContent).toMatch(/^≥: \d+ still waiting$/);
  });

  it('labels simulated numbers as simulated', () => {
    expect(provenance('simulated', 'live', 10)).toMatch(/simulated/);
    expect(provenance('measured', 'live', 10)).toBe('measured live');
    expect(provenance('measured', 'live', 0)).toBe('no data yet');
  });
});
