import { act, fireEvent, screen } from '@testing-library/react';
import { Profiler } from 'react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { loadRuns, renderWithStore } from '../shared/testing';
import { BatchGrid } from './BatchGrid';

const frame = () => act(() => new Promise((r) => setTimeout(r, 40)));

describe('BatchGrid', () => {
  it('lays out every iteration of the lane and shows its legend', async () => {
    const { store } = renderWithStore(<BatchGrid lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    await frame();
    const grid = screen.getByTestId('grid');
    expect(grid.getAttribute('data-iterations')).toBe(String(FIXTURES.continuousPaged.events.length));
    expect(screen.getByText('prompt (prefill)')).toBeTruthy();
    expect(screen.getByText('end of sequence')).toBeTruthy();
  });

  it("keys the finished-but-held hatching to static batching, which alone shows it", () => {
    const { store } = renderWithStore(<BatchGrid lane="a" />);
    act(() => store.getState().setLane('a', { strategy: 'continuous' }));
    expect(screen.getByText('idle: finished (static batching only)')).toBeTruthy();
    act(() => store.getState().setLane('a', { strategy: 'static' }));
    expect(screen.getByText('idle: finished, held by static batch')).toBeTruthy();
  });

  it('switches to token-position columns (Anyscale) from its toolbar, and its title says so', async () => {
    const { store } = renderWithStore(<BatchGrid lane="a" title="Static batching" />);
    expect(screen.getByRole('heading').textContent).toBe('Static batching: slots × iterations');
    act(() => loadRuns(store, { a: FIXTURES.staticPaged }));
    fireEvent.click(screen.getByRole('radio', { name: /Tokens/ }));
    expect(store.getState().gridMode).toBe('tokens');
    await frame();
    const cols = Number(screen.getByTestId('grid').getAttribute('data-columns'));
    expect(cols).toBeGreaterThan(FIXTURES.staticPaged.events.length);
    expect(screen.getByRole('heading').textContent).toBe('Static batching: slots × token positions');
    expect(screen.getByRole('img', { name: /columns are token positions/ })).toBeTruthy();
  });

  it('is keyboard operable: arrows inspect a cell, Enter selects its request, Escape clears', async () => {
    const { store } = renderWithStore(<BatchGrid lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    await frame();
    const canvas = screen.getByRole('img', { name: /Batching grid/ });
    fireEvent.keyDown(canvas, { key: 'Home' });
    fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    const tip = screen.getByRole('status');
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toMatch(/Request R\d+ in slot S1/);
    expect(tip.textContent).toMatch(/ms measured/);
    fireEvent.keyDown(canvas, { key: 'Enter' });
    expect(store.getState().selected).not.toBeNull();
    fireEvent.keyDown(canvas, { key: 'Escape' });
    expect(store.getState().selected).toBeNull();
  });

  it('draws new iterations without re-rendering React', async () => {
    let commits = 0;
    const { store } = renderWithStore(
      <Profiler id="grid" onRender={() => commits++}>
        <BatchGrid lane="a" />
      </Profiler>,
    );
    const run = FIXTURES.continuousPaged;
    const log = store.getState().logs.a;
    log.setVocab(run.vocab);
    log.addRequests(run.requests);
    await frame();
    const before = commits;
    for (let i = 0; i < 50; i++) log.append([run.events[i]]);
    await frame();
    expect(commits).toBe(before);
    expect(screen.getByTestId('grid').getAttribute('data-iterations')).toBe('50');
  });
});
