import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { createAppStore } from '../../src/store/store';
import { loadRuns, renderWithStore } from '../shared/testing';
import { RatioBar } from './RatioBar';

function kvCompare(backend: 'cpu' | 'sim') {
  const store = createAppStore();
  store.getState().setUi({ compare: true, compareBy: 'kv' });
  loadRuns(store, { a: FIXTURES.continuousContiguous, b: FIXTURES.continuousPaged });
  store.getState().setLane('a', { label: 'Contiguous KV', backend: backend === 'cpu' ? { kind: 'cpu', description: 'CPU engine' } : { kind: 'sim', description: 'OPT-13B on A100' } });
  store.getState().setLane('b', { label: 'Paged KV' });
  return store;
}

describe('RatioBar', () => {
  it('names what differs and shows run-average waste and busy slots, first run to second', () => {
    renderWithStore(<RatioBar />, kvCompare('cpu'));
    expect(screen.getByTestId('ratio-title').textContent).toBe('Paged KV vs Contiguous KV:');
    const waste = screen.getByTestId('ratio-waste');
    expect(Number(waste.dataset.a)).toBeGreaterThan(Number(waste.dataset.b));
    expect(screen.getByText('KV waste (run average)')).toBeTruthy();
    expect(screen.getByTestId('ratio-busy').textContent).toMatch(/→ .* of \d+/);
  });

  it('puts the cost model’s ratio for the same schedule on a GPU beside a compute-bound measurement, with why and a link to the sweep', () => {
    const { store } = renderWithStore(<RatioBar />, kvCompare('cpu'));
    const note = screen.getByTestId('device-ratio-note');
    expect(note.textContent).toMatch(/measured here: \d.*×; this schedule on an NVIDIA A100 40GB \(OPT-13B, cost model\): \d.*×\. This device is compute-bound/);
    fireEvent.click(screen.getByTestId('device-ratio-sweep'));
    expect(store.getState().topic).toBe('bound');
  });

  it('says nothing of the kind when the run is already simulated, and lets the comparison change', () => {
    const { store } = renderWithStore(<RatioBar />, kvCompare('sim'));
    expect(screen.queryByTestId('device-ratio-note')).toBeNull();
    fireEvent.change(screen.getByTestId('compare-by'), { target: { value: 'chunkedPrefill' } });
    expect(store.getState().compareBy).toBe('chunkedPrefill');
    act(() => undefined);
    expect(screen.getByTestId('ratio-tpot')).toBeTruthy();
  });

  it('keeps the busy-slots note out of a chunked-prefill comparison, whose budget is fitted to this device', () => {
    const store = kvCompare('cpu');
    store.getState().setUi({ compareBy: 'chunkedPrefill' });
    renderWithStore(<RatioBar />, store);
    expect(screen.queryByTestId('device-ratio-note')).toBeNull();
  });

  it('keeps the busy-slots note out of a comparison of two models, which the cost model (one model) cannot tell apart', () => {
    const store = kvCompare('cpu');
    store.getState().setUi({ compareBy: 'model' });
    renderWithStore(<RatioBar />, store);
    expect(screen.queryByTestId('device-ratio-note')).toBeNull();
  });
});
