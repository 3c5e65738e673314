import { useEffect, useRef, useState } from 'react';
import type { LaneId } from '../../src/store/slices';
import { useApp, useAppStore } from '../../src/store/store';
import { gridRows, gridSummary, kvRows, kvSummary } from './text-alternative';
import { useDialogFocus } from './dialog-focus';
import { throttled } from './throttle';

/**
 * The text alternative of the grid and the KV map, on demand: the newest iteration as summaries
 * and tables, in a dialog that follows the run (twice a second) and closes with Escape.
 */
export function DataTableDialog() {
  const store = useAppStore();
  const lane = useApp((s) => s.dataTable);
  const compare = useApp((s) => s.compare);
  const strategy = useApp((s) => (lane ? s.lanes[lane].strategy : null));
  const closeButton = useRef<HTMLButtonElement>(null);
  const close = () => store.getState().setUi({ dataTable: null });
  useDialogFocus(!!lane, () => closeButton.current, close);
  if (!lane) return null;
  return (
    <div className="reading-layer" onClick={close}>
      <section className="reading data-table" role="dialog" aria-modal="true" aria-labelledby="data-table-title" data-testid="data-table" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2 id="data-table-title">The newest iteration{compare && strategy ? ` (${strategy} batching)` : ''}, as tables</h2>
          <button ref={closeButton} onClick={close} aria-label="Close the tables" title="Close (Esc)">
            ✕
          </button>
        </header>
        <Tables lane={lane} />
      </section>
    </div>
  );
}

function Tables({ lane }: { lane: LaneId }) {
  const log = useApp((s) => s.logs[lane]);
  const [, tick] = useState(0);
  useEffect(() => {
    const t = throttled(() => tick((n) => n + 1), 500);
    const un = log.subscribe(t.request);
    return () => {
      un();
      t.cancel();
    };
  }, [log]);
  return (
    <>
      <h3>Batch slots</h3>
      <p data-testid="grid-summary">{gridSummary(log)}</p>
      <TextTable label="Batch slots table" head={['Slot', 'Request', 'This iteration', 'Positions', 'Generated']} rows={gridRows(log).map((r) => [r.slot, r.request, r.state, r.position, r.generated])} />
      <h3>KV cache memory</h3>
      <p data-testid="kv-summary">{kvSummary(log.lastEvent)}</p>
      <TextTable label="KV blocks table" head={['Held by', 'Blocks', 'Slots written', 'Reserved', 'Internal']} rows={kvRows(log).map((r) => [r.request, r.blocks, r.used, r.reserved, r.internal])} />
    </>
  );
}

/** A table whose first column names each row; it scrolls sideways inside itself on a narrow screen. */
function TextTable({ label, head, rows }: { label: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([first, ...rest]) => (
            <tr key={first}>
              <th scope="row">{first}</th>
              {rest.map((c, i) => (
                <td key={i}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The canvas's description for screen readers: the newest iteration in one sentence, kept up to
 * date about once a second (not announced as it changes: that would talk over everything).
 */
export function useSummary(log: { subscribe: (fn: () => void) => () => void }, describe: () => string): { current: HTMLParagraphElement | null } {
  const el = useRef<HTMLParagraphElement>(null);
  const latest = useRef(describe);
  latest.current = describe;
  useEffect(() => {
    const update = () => {
      if (el.current) el.current.textContent = latest.current();
    };
    const t = throttled(update, 1000);
    update();
    const un = log.subscribe(t.request);
    return () => {
      un();
      t.cancel();
    };
  }, [log]);
  return el;
}
