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

  it('labels simulated numbers as simulated', () => {
    expect(provenance('simulated', 'live', 10)).toMatch(/simulated/);
    expect(provenance('measured', 'live', 10)).toBe('measured live');
    expect(provenance('measured', 'live', 0)).toBe('no data yet');
  });
});
