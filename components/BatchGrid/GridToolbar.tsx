import type { ReactNode } from 'react';
import { useApp, useAppStore } from '../../src/store/store';
import type { GridMode } from './layout';

/** Column meaning, zoom and "follow the newest iteration", for one grid. */
export function GridToolbar({ title, onFollow, onZoom, onTable, tour, compact }: { title?: ReactNode; onFollow: () => void; onZoom: (factor: number) => void; onTable: () => void; tour?: boolean; compact?: boolean }) {
  const store = useAppStore();
  const mode = useApp((s) => s.gridMode);
  const setMode = (m: GridMode) => store.getState().setUi({ gridMode: m });
  return (
    <div className="view-toolbar">
      <h2 className="view-title">{title ?? 'Batch slots over time'}</h2>
      <div className="segmented presenter-hidden" role="radiogroup" aria-label="Grid columns" data-tour={tour ? 'grid-mode' : undefined}>
        <button role="radio" aria-checked={mode === 'iterations'} onClick={() => setMode('iterations')} title="One column per engine iteration">
          Iterations
        </button>
        <button role="radio" aria-checked={mode === 'tokens'} onClick={() => setMode('tokens')} title="Columns are token positions T1..Tn, as in Anyscale's figure">
          {compact ? 'Tokens' : 'Tokens T1..Tn'}
        </button>
      </div>
      <div className="button-row presenter-hidden">
        <button onClick={() => onZoom(0.5)} aria-label="Zoom out" title="Zoom out (-)">
          −
        </button>
        <button onClick={() => onZoom(2)} aria-label="Zoom in" title="Zoom in (+)">
          +
        </button>
        <button onClick={onFollow} title="Follow the newest iteration (End)">
          Newest ⇥
        </button>
        <button onClick={onTable} aria-label="Table: the newest iteration in words" title="The grid and the KV map of the newest iteration as tables (text alternative)" data-testid="grid-table">
          Table
        </button>
      </div>
    </div>
  );
}
