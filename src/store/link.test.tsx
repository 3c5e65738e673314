import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConfigPanel } from '../../components/Controls/ConfigPanel';
import { Notice } from '../../components/TopBar/Notice';
import { renderWithStore } from '../../components/shared/testing';
import { DEFAULT_CONFIG } from './config';
import { storeFromLink } from './link';

describe('a shared link the page cannot take as written', () => {
  it('shows what runs in every control, and says what it changed', () => {
    const store = storeFromLink('?block_size=3&max_num_seqs=2.5&gpu=TPU&kv_capacity=', 'light');
    renderWithStore(
      <>
        <Notice />
        <ConfigPanel />
      </>,
      store,
    );
    const c = store.getState().config;
    expect((screen.getByTestId('block-size') as HTMLSelectElement).value).toBe(String(c.blockSize));
    expect(c.blockSize).toBe(DEFAULT_CONFIG.blockSize);
    expect((screen.getByTestId('sim-gpu') as HTMLSelectElement).value).toBe(c.gpu);
    expect((screen.getByTestId('max-num-seqs') as HTMLInputElement).value).toBe('3');
    expect((screen.getByTestId('kv-capacity') as HTMLInputElement).value).toBe(String(c.kvCapacity));
    const notice = screen.getByTestId('notice').textContent!;
    expect(notice).toMatch(/^This link's settings were adjusted: /);
    expect(notice).toContain(`block_size=3 is not offered (1, 2, 4, 8, 16, 32), so ${DEFAULT_CONFIG.blockSize} is used`);
    expect(notice).toContain('max_num_seqs=2.5 is not a whole number, so 3 is used');
    expect(notice).toContain('gpu=TPU is not offered');
    expect(notice).not.toContain('kv_capacity');
  });

  it('opens quietly when every value is usable', () => {
    const store = storeFromLink('?strategy=static&block_size=8', 'light');
    expect(store.getState().notice).toBeNull();
    expect(store.getState().config).toMatchObject({ strategy: 'static', blockSize: 8 });
  });
});
