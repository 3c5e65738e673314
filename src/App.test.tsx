import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { loadRuns, renderWithStore } from '../components/shared/testing';
import { FIXTURES } from '../stories/fixtures';
import { TOUR } from './content/tour';
import { App } from './App';
import { createAppStore } from './store/store';

const IDS = ['play', 'pause', 'step', 'reset', 'strategy', 'kv-manager', 'backend', 'backend-status', 'grid', 'kv-map', 'tokens-per-second', 'iteration-count', 'export-trace', 'compare'];

describe('App', () => {
  it('has every stable test id, a legend on every view, and says the run is recorded', () => {
    const store = createAppStore();
    loadRuns(store, { a: FIXTURES.continuousPaged });
    renderWithStore(<App />, store);
    for (const id of IDS) expect(screen.getAllByTestId(id).length, id).toBeGreaterThan(0);
    expect(screen.getByTestId('source-banner').textContent).toMatch(/Recorded run/);
    expect(screen.getAllByRole('list', { name: /legend/ }).length).toBeGreaterThanOrEqual(6);
  });

  it("titles the grid by the run on screen (an imported trace's strategy), not by the setting for the live engine", () => {
    const store = createAppStore();
    act(() => store.getState().setConfig({ strategy: 'static' }));
    loadRuns(store, { a: FIXTURES.continuousPaged });
    renderWithStore(<App />, store);
    expect(screen.getByRole('heading', { name: /batching: slots/ }).textContent).toMatch(/^Continuous batching/);
  });

  it('has every view the guided tour rings, in both layouts, so no step floats over the wrong view', () => {
    const { container, store } = renderWithStore(<App />);
    for (const compare of [false, true]) {
      act(() => store.getState().setUi({ compare }));
      for (const step of TOUR) if (step.target) expect(container.querySelector(`[data-tour="${step.target}"]`), `${step.target}, compare ${compare}`).not.toBeNull();
    }
  });

  it('splits the stage into a static and a continuous lane in compare mode, with the ratio', () => {
    const store = createAppStore();
    loadRuns(store, { a: FIXTURES.staticPaged, b: FIXTURES.continuousPaged });
    renderWithStore(<App />, store);
    fireEvent.click(screen.getByTestId('compare'));
    expect(screen.getByTestId('grid')).toBeTruthy();
    expect(screen.getByTestId('grid-b')).toBeTruthy();
    expect(screen.getByText('Static batching')).toBeTruthy();
    expect(screen.getByText('Continuous batching')).toBeTruthy();
    expect(screen.getByTestId('compare-ratio')).toBeTruthy();
    // Both fixtures are whole runs: every ratio is up.
    expect(screen.getByTestId('ratio-iterations').textContent).toMatch(/^\d+(\.\d+)?× fewer$/);
    expect(screen.getByTestId('ratio-latency').textContent).toMatch(/× (lower|higher)$/);
    // The lanes are stacked, and the settings say so.
    expect(screen.getByText(/static on top and continuous below/)).toBeTruthy();
  });

  it('says when the whole-workload ratios will come, mid-run, instead of showing dots', () => {
    const store = createAppStore();
    const half = (r: typeof FIXTURES.staticPaged) => ({ ...r, events: r.events.slice(0, 10) });
    loadRuns(store, { a: half(FIXTURES.staticPaged), b: half(FIXTURES.continuousPaged) });
    renderWithStore(<App />, store);
    fireEvent.click(screen.getByTestId('compare'));
    expect(screen.getByTestId('ratio-latency').textContent).toBe('once both finish');
    expect(screen.getByTestId('ratio-iterations').textContent).toBe('once both finish');
  });

  it('answers keyboard shortcuts outside form fields', () => {
    const store = createAppStore();
    const { commands } = renderWithStore(<App />, store);
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(commands.play).toHaveBeenCalled();
    fireEvent.keyDown(document.body, { key: 's' });
    expect(commands.step).toHaveBeenCalled();
    fireEvent.keyDown(document.body, { key: 'c' });
    expect(store.getState().compare).toBe(true);
    // After clicking a button (focus stays on it) letters still work; Space is the button's own.
    fireEvent.keyDown(screen.getByTestId('compare'), { key: 'r' });
    expect(commands.reset).toHaveBeenCalled();
    fireEvent.keyDown(screen.getByTestId('compare'), { key: ' ' });
    expect(commands.play).toHaveBeenCalledOnce();
  });

  it('keeps the topic the visitor picked while they point at views, and offers the view’s lesson as a link', () => {
    const store = createAppStore();
    renderWithStore(<App />, store);
    fireEvent.change(screen.getByTestId('topic'), { target: { value: 'kv-waste' } });
    for (const el of [screen.getByTestId('grid'), screen.getByTestId('kv-map'), screen.getByTestId('explain').previousElementSibling!]) {
      fireEvent.pointerEnter(el.closest('.grid-area, .side-kv, .below > div') ?? el);
    }
    fireEvent.click(screen.getByTestId('compare'));
    fireEvent.click(screen.getByTestId('compare'));
    expect(store.getState().topic).toBe('kv-waste');
    expect(screen.getByTestId('lesson').textContent).toContain('External fragmentation');
    // The last view pointed at is offered, one click away.
    fireEvent.pointerEnter(screen.getByTestId('kv-map').closest('.side-kv')!);
    expect(store.getState().suggestedTopic).toBe('paged');
    fireEvent.click(within(screen.getByTestId('topic-suggestion')).getByRole('button'));
    expect(store.getState().topic).toBe('paged');
  });

  it('opens the lesson in a reading view, and Esc closes it', () => {
    const store = createAppStore();
    renderWithStore(<App />, store);
    fireEvent.click(screen.getByTestId('read-lesson'));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain(screen.getByTestId('lesson').textContent!.slice(0, 60));
    fireEvent.click(within(dialog).getByRole('button', { name: /→/ }));
    expect(store.getState().topic).toBe('grid');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows a notice and lets it be dismissed', () => {
    const store = createAppStore();
    renderWithStore(<App />, store);
    act(() => store.getState().setNotice('max_num_batched_tokens must be at least the longest prompt'));
    expect(screen.getByTestId('notice').textContent).toContain('max_num_batched_tokens');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('notice')).toBeNull();
  });
});
