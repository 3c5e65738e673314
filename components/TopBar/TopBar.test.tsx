import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderWithStore } from '../shared/testing';
import { TopBar } from './TopBar';

describe('TopBar', () => {
  it('exports a trace in one click and the other formats from its menu', () => {
    const { commands } = renderWithStore(<TopBar />);
    fireEvent.click(screen.getByTestId('export-trace'));
    expect(commands.exportFile).toHaveBeenCalledWith('trace');
    fireEvent.click(screen.getByTestId('export-more'));
    fireEvent.click(screen.getByTestId('export-csv'));
    expect(commands.exportFile).toHaveBeenCalledWith('csv');
    fireEvent.click(screen.getByTestId('export-more'));
    fireEvent.click(screen.getByTestId('export-svg'));
    expect(commands.exportFile).toHaveBeenCalledWith('svg');
  });

  it('copies a link that holds the settings', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.assign(navigator, { clipboard: { writeText } });
    const { store } = renderWithStore(<TopBar />);
    fireEvent.click(screen.getByTestId('export-more'));
    fireEvent.click(screen.getByTestId('copy-link'));
    expect(writeText).toHaveBeenCalledWith(location.href);
    await vi.waitFor(() => expect(store.getState().notice).toMatch(/Link copied/));
  });

  it('imports a trace file', () => {
    const { commands } = renderWithStore(<TopBar />);
    fireEvent.click(screen.getByTestId('export-more'));
    const file = new File(['{}'], 'run.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('import-trace'), { target: { files: [file] } });
    expect(commands.importTrace).toHaveBeenCalledWith(file);
  });

  it('toggles compare mode, the theme and the tour', () => {
    const { store } = renderWithStore(<TopBar />);
    fireEvent.click(screen.getByTestId('compare'));
    expect(store.getState().compare).toBe(true);
    expect(screen.getByTestId('compare').getAttribute('aria-pressed')).toBe('true');
    const theme = store.getState().theme;
    fireEvent.click(screen.getByTestId('theme'));
    expect(store.getState().theme).not.toBe(theme);
    fireEvent.click(screen.getByTestId('tour-start'));
    expect(store.getState().tourStep).toBe(0);
  });
});
