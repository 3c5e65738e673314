import { useEffect, useRef, useState } from 'react';
import type { LaneId } from '../../src/store/slices';
import { useApp, useAppStore } from '../../src/store/store';
import { gridRows, gridSummary, kvRows, kvSummary } from './text-alternative';
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
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!lane) return;
    const opener = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && store.getState().setUi({ dataTable: null });
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      opener?.focus?.();
    };
  }, [lane, store]);
  if (!lane) return null;
  return (
    <div className="reading-layer" onClick={() => store.getState().setUi({ dataTable: null })}>
      <section className="reading data-table" role="dialog" aria-modal="true" aria-labelledby="data-table-title" data-testid="data-table" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2 id="data-table-title">The newest iteration{compare && strategy ? ` (${strategy} batching)` : ''}, as tables</h2>
          <button ref={close} onClick={() => store.getState().setUi({ dataTable: null })} aria-label="Close the tables" title="Close (Esc)">
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
  const slots = gridRows(log);
  const blocks = kvRows(log);
  return (
    <>
      <h3>Batch slots</h3>
      <p data-testid="grid-summary">{gridSummary(log)}</p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Batch slots table">
        <table>
          <thead>
            <tr>
              <th scope="col">Slot</th>
              <th scope="col">Request</th>
              <th scope="col">This iteration</th>
              <th scope="col">Positions</th>
              <th scope="col">Generated</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((r) => (
              <tr key={r.slot}>
                <th scope="row">{r.slot}</th>
                <td>{r.request}</td>
                <td>{r.state}</td>
                <td>{r.position}</td>
                <td>{r.generated}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>KV cache memory</h3>
      <p data-testid="kv-summary">{kvSummary(log.lastEvent)}</p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="KV blocks table">
        <table>
          <thead>
            <tr>
              <th scope="col">Held by</th>
              <th scope="col">Blocks</th>
              <th scope="col">Slots written</th>
              <th scope="col">Reserved</th>
              <th scope="col">Internal</th>
            </tr>
          </thead>
          <tbody>
            {blocks.map((r) => (
              <tr key={r.request}>
                <th scope="row">{r.request}</th>
                <td>{r.blocks}</td>
                <td>{r.used}</td>
                <td>{r.reserved}</td>
                <td>{r.internal}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
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
