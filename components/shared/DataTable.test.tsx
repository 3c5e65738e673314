import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { createAppStore } from '../../src/store/store';
import { BatchGrid } from '../BatchGrid/BatchGrid';
import { DataTableDialog } from './DataTable';
import { loadRuns, renderWithStore } from './testing';

describe('the grid and the KV map as tables', () => {
  it('opens from the grid’s Table button with both tables, and Escape closes it and gives focus back', () => {
    const store = createAppStore();
    loadRuns(store, { a: FIXTURES.continuousPaged });
    renderWithStore(
      <>
        <BatchGrid lane="a" title="Continuous batching" />
        <DataTableDialog />
      </>,
      store,
    );
    const button = screen.getByTestId('grid-table');
    button.focus();
    fireEvent.click(button);
    const dialog = screen.getByRole('dialog');
    const [slots, blocks] = within(dialog).getAllByRole('table');
    const last = FIXTURES.continuousPaged.events.at(-1)!;
    expect(within(slots).getAllByRole('row')).toHaveLength(1 + last.slots.length);
    expect(within(blocks).getAllByRole('rowheader').map((h) => h.textContent)).toContain('free');
    expect(screen.getByTestId('grid-summary').textContent).toMatch(new RegExp(`^Iteration ${last.index + 1}, continuous batching`));
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close the tables' }));
    act(() => void fireEvent.keyDown(window, { key: 'Escape' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('describes the grid canvas by its newest iteration for screen readers', () => {
    const store = createAppStore();
    loadRuns(store, { a: FIXTURES.staticPaged });
    renderWithStore(<BatchGrid lane="a" title="Static batching" />, store);
    const canvas = screen.getByRole('img');
    const description = document.getElementById(canvas.getAttribute('aria-describedby')!)!;
    expect(description.textContent).toMatch(/^Iteration \d+, static batching: \d+ slots? decoding/);
  });
});
