import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/store/store';
import { renderWithStore } from '../shared/testing';
import { BackendStatus, headline } from './BackendStatus';
import { simPool } from '../../src/run/catalog';
import { ConfigPanel } from './ConfigPanel';
import { TopBar } from '../TopBar/TopBar';
import { Transport } from './Transport';

describe('ConfigPanel', () => {
  it('offers the strategies, KV managers and backends under their stable test ids', () => {
    renderWithStore(<ConfigPanel />);
    const options = (id: string) => within(screen.getByTestId(id)).getAllByRole('option').map((o) => (o as HTMLOptionElement).value);
    expect(options('strategy')).toEqual(['static', 'continuous']);
    expect(options('kv-manager')).toEqual(['paged', 'contiguous']);
    expect(options('backend')).toEqual(['webgpu', 'cpu', 'sim']);
  });

  it('explains every knob on click or keyboard, not only on hover', () => {
    renderWithStore(<ConfigPanel />);
    const knobs = ['strategy', 'max-num-seqs', 'token-budget', 'chunked-prefill', 'separate-prefill', 'waiting-served-ratio', 'max-waiting-tokens', 'kv-manager', 'block-size', 'kv-capacity', 'workload', 'rate', 'backend'];
    for (const id of knobs) {
      const control = screen.getByTestId(id);
      const field = control.closest('.field') as HTMLElement;
      const hint = document.getElementById(control.getAttribute('aria-describedby')!.split(' ').pop()!)!;
      expect(hint.textContent, id).toBe(field.title);
      expect(hint.hidden).toBe(true);
      const toggle = within(field).getByRole('button', { name: 'Explain this setting' });
      fireEvent.click(toggle);
      expect(hint.hidden).toBe(false);
      expect(toggle.getAttribute('aria-expanded')).toBe('true');
    }
  });

  it('shows the simulated pool (tokens and GiB) on the simulator, not the real backends’ capacity', () => {
    const store = createAppStore();
    store.getState().setConfig({ backend: 'sim', gpu: 'A100-40GB', simModel: 'OPT-13B', kvCapacity: 1024 });
    renderWithStore(<ConfigPanel />, store);
    const pool = simPool(store.getState().config);
    expect(pool.tokens).toBeGreaterThan(10_000);
    const shown = screen.getByTestId('kv-capacity').textContent!;
    expect(shown).toBe(`${pool.tokens.toLocaleString('en-US')} tokens · ${(pool.bytes / 2 ** 30).toFixed(1)} GiB`);
    expect(shown).not.toContain('1024');
  });

  it('writes changes to the store, and greys out knobs the strategy ignores', () => {
    const { store } = renderWithStore(<ConfigPanel />);
    fireEvent.change(screen.getByTestId('strategy'), { target: { value: 'static' } });
    expect(store.getState().config.strategy).toBe('static');
    expect((screen.getByTestId('waiting-served-ratio') as HTMLInputElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('kv-manager'), { target: { value: 'contiguous' } });
    expect(store.getState().config.kv).toBe('contiguous');
  });

  it('names presets briefly and describes the chosen one beneath, following the choice', () => {
    renderWithStore(<ConfigPanel />);
    const select = screen.getByTestId('workload') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toContain('uniform');
    fireEvent.change(select, { target: { value: 'uniform' } });
    expect(screen.getByTestId('workload-description').textContent).toMatch(/every answer 64 tokens/);
  });

  it("greys out TGI's admission knobs under chunked prefill, which TGI (and the scheduler) ignore them with", () => {
    renderWithStore(<ConfigPanel />);
    const ratio = screen.getByTestId('waiting-served-ratio') as HTMLInputElement;
    expect(ratio.disabled).toBe(false);
    fireEvent.click(screen.getByTestId('chunked-prefill'));
    expect(ratio.disabled).toBe(true);
    expect((screen.getByTestId('max-waiting-tokens') as HTMLInputElement).disabled).toBe(true);
  });

  it('turns the KV capacity from a knob into a readout on the simulator, whose pool is the simulated GPU’s memory', () => {
    const { store } = renderWithStore(<ConfigPanel />);
    expect((screen.getByTestId('kv-capacity') as HTMLInputElement).disabled).toBe(false);
    fireEvent.change(screen.getByTestId('backend'), { target: { value: 'sim' } });
    expect(store.getState().config.backend).toBe('sim');
    expect(screen.getByTestId('kv-capacity').tagName).toBe('OUTPUT');
  });

  it('commits numbers on Enter, clamped to their range', () => {
    const { store } = renderWithStore(<ConfigPanel />);
    const seqs = screen.getByTestId('max-num-seqs');
    fireEvent.change(seqs, { target: { value: '999' } });
    expect(store.getState().config.maxNumSeqs).toBe(8);
    fireEvent.keyDown(seqs, { key: 'Enter' });
    expect(store.getState().config.maxNumSeqs).toBe(64);
    expect(screen.getByRole('status').textContent).toBe('Allowed: 1 to 64; set to 64.');
    fireEvent.change(seqs, { target: { value: '12' } });
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('puts the value back when a number field is left empty, instead of taking it as 0', () => {
    const { store } = renderWithStore(<ConfigPanel />);
    const requests = screen.getByTestId('requests');
    const before = store.getState().config.requests;
    fireEvent.change(requests, { target: { value: '' } });
    fireEvent.blur(requests);
    expect(store.getState().config.requests).toBe(before);
    expect((requests as HTMLInputElement).value).toBe(String(before));
    expect(screen.getByRole('status').textContent).toBe(`Not a number: kept ${before}.`);
  });

  it('fits a fallback into the top bar as its headline, the whole reason on hover', () => {
    const store = createAppStore();
    const reason = 'WebGPU could not start here: WebGPU is present but offered no GPU adapter (the GPU may be blocklisted). The model runs on the CPU instead.';
    store.getState().setLane('a', { phase: 'ready', backend: { kind: 'cpu', description: 'JavaScript', fallbackReason: reason } });
    renderWithStore(<BackendStatus chip />, store);
    const status = screen.getByTestId('backend-status');
    expect(status.querySelector('.status-text')!.textContent).toBe('CPU engine: WebGPU could not start here');
    expect(status.getAttribute('title')).toBe(`CPU engine: ${reason}`);
    expect(headline('The GPU was lost mid-run (device lost). The run goes on on the CPU.')).toBe('The GPU was lost mid-run');
  });

  it('names the CPU engine kernels beside a fallback (on hover in the top bar), and in the chip without one', () => {
    const store = createAppStore();
    store.getState().setLane('a', { phase: 'ready', backend: { kind: 'cpu', description: 'WebAssembly SIMD', cpuKernels: 'wasm', fallbackReason: 'WebGPU could not start here: no adapter.' } });
    renderWithStore(<BackendStatus chip />, store);
    const chip = screen.getByTestId('backend-status');
    expect(chip.querySelector('.status-text')!.textContent).toBe('CPU engine: WebGPU could not start here');
    expect(chip.getAttribute('title')).toBe('CPU engine (WebAssembly SIMD): WebGPU could not start here: no adapter.');
    const chosen = createAppStore();
    chosen.getState().setLane('a', { phase: 'ready', backend: { kind: 'cpu', description: 'WebAssembly SIMD', cpuKernels: 'wasm' } });
    renderWithStore(<BackendStatus chip />, chosen);
    expect(screen.getAllByTestId('backend-status')[1].querySelector('.status-text')!.textContent).toBe('CPU engine: WebAssembly SIMD');
  });

  it('labels the sim backend as simulated in its status line: whole words in the chip, the full name on hover', () => {
    const store = createAppStore();
    store.getState().setLane('a', { phase: 'ready', backend: { kind: 'sim', description: 'OPT-13B on NVIDIA A100 40GB', short: 'OPT-13B on A100-40GB' }, modelName: 'OPT-13B on NVIDIA A100 40GB' });
    renderWithStore(<TopBar />, store);
    const chip = screen.getByTestId('backend-status');
    expect(chip.textContent).toBe('Simulated: cost model');
    expect(chip.title).toBe('Simulated: OPT-13B on NVIDIA A100 40GB (times are predicted, not measured)');
    const name = document.querySelector('.brand small') as HTMLElement;
    expect(name.textContent).toBe('OPT-13B on A100-40GB');
    expect(name.title).toBe('OPT-13B on NVIDIA A100 40GB');
  });

  it('says plainly when WebGPU fell back to the CPU, with a way to enable it', () => {
    const store = createAppStore();
    store.getState().setLane('a', { phase: 'ready', backend: { kind: 'cpu', description: 'JavaScript', fallbackReason: 'WebGPU is not available here' } });
    renderWithStore(<BackendStatus chip />, store);
    const status = screen.getByTestId('backend-status');
    expect(status.textContent).toMatch(/CPU engine: WebGPU is not available here/);
    expect(within(status).getByRole('link', { name: /enable WebGPU/ }).getAttribute('href')).toMatch(/^https:/);
  });
});

describe('Transport', () => {
  it('sends play, step and reset, and enables pause only while running live', () => {
    const { commands, store } = renderWithStore(<Transport />);
    fireEvent.click(screen.getByTestId('play'));
    fireEvent.click(screen.getByTestId('step'));
    fireEvent.click(screen.getByTestId('reset'));
    expect(commands.play).toHaveBeenCalledOnce();
    expect(commands.step).toHaveBeenCalledOnce();
    expect(commands.reset).toHaveBeenCalledOnce();
    expect((screen.getByTestId('pause') as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps Play enabled over a playing recording (it means: run it live)', () => {
    const store = createAppStore();
    store.getState().setLane('a', { phase: 'running', source: 'recorded' });
    renderWithStore(<Transport />, store);
    expect((screen.getByTestId('play') as HTMLButtonElement).disabled).toBe(false);
    store.getState().setLane('a', { source: 'live' });
  });
});
