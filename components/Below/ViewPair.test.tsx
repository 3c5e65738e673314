import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useApp } from '../../src/store/store';
import { renderWithStore } from '../shared/testing';
import { ViewPair, type PairItem } from './ViewPair';

const make = (): [PairItem, PairItem] => [
  { id: 'bound', label: 'Step time', topics: ['bound'], props: {}, node: <p>sweep view</p> },
  { id: 'traffic', label: 'Memory traffic', topics: ['traffic', 'quantization'], props: {}, node: <p>traffic view</p> },
];
const items = make();
/** Renders the pair with a new items array whenever anything it reads changes, as App does. */
function Host() {
  useApp((s) => s.selected);
  return <ViewPair items={make()} label="Step time or memory traffic" />;
}

describe('the step-time / memory-traffic pair', () => {
  it('keeps both views in the page and marks the one picked, memory traffic first', () => {
    const { container } = renderWithStore(<ViewPair items={items} label="Step time or memory traffic" />);
    expect(screen.getByText('sweep view')).toBeTruthy();
    expect(screen.getByText('traffic view')).toBeTruthy();
    expect(container.querySelector('.view-pair')!.getAttribute('data-pick')).toBe('traffic');
    expect(screen.getByTestId('pick-traffic').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByTestId('pick-bound'));
    expect(container.querySelector('.view-pair')!.getAttribute('data-pick')).toBe('bound');
    expect(screen.getByTestId('pick-bound').getAttribute('aria-pressed')).toBe('true');
  });

  it('shows the view a lesson picked in the teaching panel (and the tour) talks about, and a click holds until the next lesson', () => {
    const { container, store } = renderWithStore(<Host />);
    const pick = () => container.querySelector('.view-pair')!.getAttribute('data-pick');
    act(() => store.getState().setUi({ topic: 'bound' }));
    expect(pick()).toBe('bound');
    act(() => store.getState().setUi({ topic: 'quantization' }));
    expect(pick()).toBe('traffic');
    fireEvent.click(screen.getByTestId('pick-bound'));
    // Re-rendering (a new items array) must not switch back to the lesson's view.
    act(() => store.getState().setUi({ selected: 2 }));
    expect(pick()).toBe('bound');
    // A lesson about neither view leaves the pick alone.
    act(() => store.getState().setUi({ topic: 'grid' }));
    expect(pick()).toBe('bound');
  });
});
