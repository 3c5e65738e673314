import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ANYSCALE_SIM } from '../../stories/fixtures';
import { createAppStore } from '../../src/store/store';
import { renderWithStore } from '../shared/testing';
import { ExperimentsView } from './ExperimentsView';

describe('ExperimentsView', () => {
  it('starts the simulated experiment on first open, and never again once it has rows', () => {
    const { commands } = renderWithStore(<ExperimentsView />);
    expect(commands.runExperiment).toHaveBeenCalledWith('sim');
    const store = createAppStore();
    store.getState().setExperiment({ setup: ANYSCALE_SIM.setup, rows: ANYSCALE_SIM.rows });
    const again = renderWithStore(<ExperimentsView />, store);
    expect(again.commands.runExperiment).not.toHaveBeenCalled();
  });

  it('shows every figure with its ratio to static, says it is simulated, and what differs from Anyscale', () => {
    const store = createAppStore();
    store.getState().setExperiment({ setup: ANYSCALE_SIM.setup, rows: ANYSCALE_SIM.rows });
    renderWithStore(<ExperimentsView />, store);
    const paged = ANYSCALE_SIM.rows.find((r) => r.cap === 1536 && r.kv === 'paged')!;
    const cell = screen.getByTestId('exp-1536-continuous-paged');
    expect(Number(cell.dataset.ratio)).toBeCloseTo(paged.ratioToStatic, 6);
    expect(cell.textContent).toContain(`${paged.ratioToStatic.toFixed(2)}×`);
    expect(screen.getByTestId('exp-provenance').textContent).toBe('simulated (cost model)');
    expect(screen.getByTestId('anyscale-table').textContent).toContain('tokens/s (simulated)');
    expect(screen.getByTestId('exp-differences').textContent).toMatch(/naive implementation.*same kernels/);
    expect(screen.getByTestId('exp-status').textContent).toBe('All 12 runs done.');
  });

  it('puts the cost model’s ratio for the same schedule beside a ratio measured on a compute-bound device', () => {
    const store = createAppStore();
    const setup = { ...ANYSCALE_SIM.setup, on: 'device' as const, timeSource: 'measured' as const, description: 'batchscope-tiny on the CPU engine' };
    const rows = ANYSCALE_SIM.rows.map((r) => ({ ...r, timeSource: 'measured' as const, ratioToStatic: 1.02, predictedTokensPerSecond: 1, predictedRatioToStatic: 2.31 }));
    store.getState().setExperiment({ setup, rows });
    store.getState().setLane('a', { backend: { kind: 'cpu', description: 'JavaScript reference engine' } });
    renderWithStore(<ExperimentsView />, store);
    expect(screen.getByTestId('exp-provenance').textContent).toBe('measured here');
    expect(screen.getByTestId('exp-32-continuous-paged').textContent).toBe(`${rows[2].tokensPerSecond.toFixed(0)} · 1.02× GPU: 2.31×`);
    expect(screen.getByTestId('exp-device-note').textContent).toMatch(/compute-bound.*NVIDIA A100 40GB \(OPT-13B cost model\)/);
  });

  it('runs on the device or stops on request, and goes back to the run', () => {
    const store = createAppStore();
    store.getState().setExperiment({ running: true, setup: ANYSCALE_SIM.setup, rows: ANYSCALE_SIM.rows.slice(0, 4) });
    const { commands } = renderWithStore(<ExperimentsView />, store);
    expect(screen.getByTestId('exp-status').textContent).toBe('Serving: 4 of 12 runs done.');
    expect((screen.getByTestId('exp-run-device') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('exp-stop'));
    expect(commands.cancelExperiment).toHaveBeenCalled();
    act(() => store.getState().setExperiment({ running: false }));
    fireEvent.click(screen.getByTestId('exp-run-device'));
    expect(commands.runExperiment).toHaveBeenCalledWith('device');
    act(() => store.getState().setUi({ view: 'experiments' }));
    fireEvent.click(screen.getByTestId('exp-close'));
    expect(store.getState().view).toBe('run');
  });
});
