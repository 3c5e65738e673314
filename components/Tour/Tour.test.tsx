import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TOUR } from '../../src/content/tour';
import { renderWithStore } from '../shared/testing';
import { Tour } from './Tour';

describe('Tour', () => {
  it('walks through every step and closes with Escape', () => {
    const { store } = renderWithStore(<Tour />);
    expect(screen.queryByTestId('tour')).toBeNull();
    act(() => store.getState().setUi({ tourStep: 0 }));
    expect(screen.getByRole('dialog').textContent).toContain(TOUR[0].title);
    for (let i = 1; i < TOUR.length; i++) {
      fireEvent.click(screen.getByRole('button', { name: 'Next' }));
      expect(screen.getByRole('dialog').textContent).toContain(TOUR[i].title);
    }
    expect(screen.getByRole('button', { name: 'Done' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(store.getState().tourStep).toBe(TOUR.length - 2);
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('turns the explanation to the topic of each step', () => {
    const { store } = renderWithStore(<Tour />);
    const i = TOUR.findIndex((s) => s.topic === 'kv-waste');
    act(() => store.getState().setUi({ tourStep: i }));
    expect(store.getState().topic).toBe('kv-waste');
  });

  it('pauses whatever is playing when it starts', () => {
    const { store, commands } = renderWithStore(<Tour />);
    expect(commands.pause).not.toHaveBeenCalled();
    act(() => store.getState().setUi({ tourStep: 0 }));
    expect(commands.pause).toHaveBeenCalledTimes(1);
    // Moving through the steps does not pause again (the visitor may have pressed Play on purpose).
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(commands.pause).toHaveBeenCalledTimes(1);
  });

  it('covers the token view, chunked prefill and preemption', () => {
    const targets = TOUR.map((s) => s.target);
    for (const t of ['grid-mode', 'chunked-prefill', 'preemptions']) expect(targets).toContain(t);
  });
});
