import { useEffect, type ReactNode } from 'react';
import type { BelowPick, Topic } from '../../src/store/slices';
import { useApp, useAppStore } from '../../src/store/store';

export interface PairItem {
  id: BelowPick;
  label: string;
  /** Lessons about this view: picking one of them in the teaching panel shows it. */
  topics: readonly Topic[];
  /** Pointing at the view offers its lesson (App's topic props). */
  props: Record<string, unknown>;
  node: ReactNode;
}

/**
 * Two views that share one place in the row under the grid where the row is too narrow for both
 * (laptop widths): a segmented switch above them picks the one shown. Wider screens, the tablet
 * and phone layouts show both (CSS hides the switch there); so does the DOM, always, so a view's
 * size and state survive a switch. The lesson picked in the teaching panel, and the tour, show the
 * view they talk about.
 */
export function ViewPair({ items, label }: { items: readonly [PairItem, PairItem]; label: string }) {
  const store = useAppStore();
  const pick = useApp((s) => s.belowPick);
  const topic = useApp((s) => s.topic);
  // Only a new topic switches (items is a new array each render, with the same topics): a click on
  // the other view's button then holds until the next lesson is picked.
  useEffect(() => {
    const owner = items.find((it) => it.topics.includes(topic));
    if (owner && store.getState().belowPick !== owner.id) store.getState().setUi({ belowPick: owner.id });
  }, [topic, store]);
  return (
    <div className="view-pair presenter-hidden" data-pick={pick} data-testid="view-pair">
      <div className="segmented view-pair-switch" role="group" aria-label={label}>
        {items.map((it) => (
          <button key={it.id} aria-pressed={pick === it.id} data-testid={`pick-${it.id}`} onClick={() => store.getState().setUi({ belowPick: it.id })}>
            {it.label}
          </button>
        ))}
      </div>
      {items.map((it) => (
        <div key={it.id} className="view-pair-item" data-id={it.id} {...it.props}>
          {it.node}
        </div>
      ))}
    </div>
  );
}
