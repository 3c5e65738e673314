import { useEffect, useRef } from 'react';
import { useApp, useAppStore } from '../../src/store/store';
import type { LaneId } from '../../src/store/slices';
import { throttled } from '../shared/throttle';
import { describeRequest } from './describe';

/**
 * The clicked request: its prompt and its generated text as it streams, written into the DOM from
 * a log subscription so streaming never re-renders the page.
 */
export function RequestPanel({ lane }: { lane: LaneId }) {
  const store = useAppStore();
  const log = useApp((s) => s.logs[lane]);
  const selected = useApp((s) => s.selected);
  const title = useRef<HTMLHeadingElement>(null);
  const status = useRef<HTMLSpanElement>(null);
  const prompt = useRef<HTMLSpanElement>(null);
  const output = useRef<HTMLSpanElement>(null);
  const facts = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (selected === null) return;
    const update = () => {
      const v = describeRequest(log, selected);
      if (title.current) title.current.textContent = `Request R${selected}`;
      if (status.current) status.current.textContent = v?.status ?? 'not in this run';
      if (prompt.current) prompt.current.textContent = v?.prompt ?? '';
      if (output.current) output.current.textContent = v?.output ?? '';
      facts.current?.replaceChildren(...(v?.facts ?? []).map((f) => Object.assign(document.createElement('li'), { textContent: f })));
    };
    const t = throttled(update, 100);
    update();
    const un = log.subscribe(t.request);
    return () => {
      un();
      t.cancel();
    };
  }, [log, selected]);

  if (selected === null) return null;
  return (
    <section className="request-panel" aria-label="Selected request" data-testid="request-panel">
      <div className="view-toolbar">
        <h2 className="view-title" ref={title} />
        <span className="badge" ref={status} />
        <button onClick={() => store.getState().setUi({ selected: null })} aria-label="Clear selection">
          ✕
        </button>
      </div>
      <p className="request-text">
        <span className="prompt-text" ref={prompt} />
        <span className="output-text" ref={output} />
      </p>
      <ul className="facts" ref={facts} />
    </section>
  );
}
