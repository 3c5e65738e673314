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
});
