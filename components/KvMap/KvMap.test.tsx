import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { loadRuns, renderWithStore } from '../shared/testing';
import { describeBlock, KvMap } from './KvMap';

const frame = () => act(() => new Promise((r) => setTimeout(r, 40)));

describe('KvMap', () => {
  it('states the manager, the pool size and the waste of the newest iteration', async () => {
    const { store } = renderWithStore(<KvMap lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousContiguous }));
    // Stop mid-run, where memory is in use.
    const log = store.getState().logs.a;
    const events = FIXTURES.continuousContiguous.events.slice(0, 30);
    act(() => {
      log.clear();
      log.append(events);
    });
    await frame();
    const map = screen.getByTestId('kv-map');
    expect(map.getAttribute('data-manager')).toBe('contiguous');
    const kv = events[29].kv;
    expect(screen.getByText(new RegExp(`Contiguous · ${kv.numBlocks} blocks × ${kv.blockSize} tokens`))).toBeTruthy();
    expect(screen.getByText('internal fragmentation')).toBeTruthy();
  });

  it('clears the pool bar when the run is reset, instead of keeping the last run’s shares', async () => {
    const { store, container } = renderWithStore(<KvMap lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    await frame();
    const segs = () => Array.from(container.querySelectorAll<HTMLElement>('.kv-seg')).map((s) => s.style.flexBasis);
    expect(segs().some((b) => b !== '' && b !== '0%')).toBe(true);
    act(() => store.getState().logs.a.clear());
    await frame();
    expect(screen.getByText('No iterations yet.')).toBeTruthy();
    expect(segs().every((b) => b === '' || b === '0%')).toBe(true);
  });

  it('colours by owner on request, with its own legend', () => {
    const { store } = renderWithStore(<KvMap lane="a" />);
    fireEvent.click(screen.getByRole('radio', { name: 'Owner' }));
    expect(store.getState().kvView).toBe('owner');
    expect(screen.getByText('written by a request (one hue each)')).toBeTruthy();
  });

  it('is inspected by keyboard: arrows name a block, Enter selects its request, Escape clears', async () => {
    const { store } = renderWithStore(<KvMap lane="a" />);
    act(() => loadRuns(store, { a: FIXTURES.continuousPaged }));
    const log = store.getState().logs.a;
    act(() => {
      log.clear();
      log.append(FIXTURES.continuousPaged.events.slice(0, 20));
    });
    await frame();
    const canvas = screen.getByRole('img', { name: /Physical KV blocks/ });
    expect(canvas.tabIndex).toBe(0);
    const tip = screen.getByTestId('kv-map').querySelector('.tooltip') as HTMLElement;
    fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toMatch(/^Blocks? 0/);
    fireEvent.keyDown(canvas, { key: 'End' });
    // jsdom gives the canvas no size, so the pool may be one square: End stays within it.
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toMatch(/^Blocks? \d/);
    fireEvent.keyDown(canvas, { key: 'Home' });
    fireEvent.keyDown(canvas, { key: 'Enter' });
    const owner = /request R(\d+)/.exec(tip.textContent ?? '')?.[1];
    expect(store.getState().selected).toBe(owner === undefined ? null : Number(owner));
    fireEvent.keyDown(canvas, { key: 'Escape' });
    expect(tip.hidden).toBe(true);
    expect(store.getState().selected).toBeNull();
  });

  it('describes blocks in the paper’s words', () => {
    const block = { index: 3, owner: 7, used: 5, reserved: 2, internal: 9, external: 0, free: 0, refs: 1, cached: false, holders: [7] };
    expect(describeBlock(block, 16)).toBe('Block 3 · request R7 · 5/16 written · 2 reserved · 9 never used (internal)');
    expect(describeBlock({ ...block, owner: -1, used: 0, reserved: 0, internal: 0, external: 16, refs: 0, holders: [] }, 16)).toMatch(/external fragmentation/);
    expect(describeBlock({ ...block, used: 16, reserved: 0, internal: 0, refs: 3, holders: [2, 7] }, 16)).toBe('Block 3 · shared by 3 sequences of requests R2, R7 (stored once) · 16/16 written');
    expect(describeBlock({ ...block, owner: -1, used: 0, reserved: 0, internal: 0, free: 16, refs: 0, cached: true, holders: [] }, 16)).toMatch(/^Block 3: free, still holding a cached prefix/);
  });
});

describe('KvMap legend', () => {
  it('explains shared and cached blocks in a comparison of prefix caching, though the configuration says off', () => {
    const { store } = renderWithStore(<KvMap lane="b" compact />);
    expect(screen.queryByText('shared')).toBeNull();
    act(() => store.getState().setUi({ compare: true, compareBy: 'prefixCaching' }));
    expect(store.getState().config.prefixCaching).toBe(false);
    expect(screen.getByText('shared')).toBeTruthy();
    expect(screen.getByText('cached')).toBeTruthy();
  });
});
