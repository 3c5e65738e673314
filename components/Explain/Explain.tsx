import { useEffect, useRef } from 'react';
import { LESSONS } from '../../src/content';
import type { Topic } from '../../src/store/slices';
import { useApp, useAppStore } from '../../src/store/store';

export const ORDER: Topic[] = ['overview', 'grid', 'prefill-decode', 'static-idle', 'kv-waste', 'paged', 'block-size', 'prefix-caching', 'bound', 'experts', 'traffic', 'quantization', 'flash-attention', 'device-ratio', 'chunked-prefill', 'knobs', 'compare', 'anyscale'];

/**
 * The explanation panel. The topic is the visitor's choice and stays until they pick another:
 * pointing at a view only offers that view's lesson as a link. The panel is small, so a lesson
 * opens in a reading view where it fits whole.
 */
export function Explain() {
  const store = useAppStore();
  const topic = useApp((s) => s.topic);
  const suggested = useApp((s) => s.suggestedTopic);
  const reading = useApp((s) => s.reading);
  const lesson = LESSONS[topic];
  const go = (t: Topic) => store.getState().setUi({ topic: t });
  const next = ORDER[(ORDER.indexOf(topic) + 1) % ORDER.length];
  const offer = suggested && suggested !== topic ? suggested : null;
  return (
    <aside className="explain" aria-label="Explanation" data-testid="explain">
      <div className="explain-head">
        <select aria-label="Topic" value={topic} onChange={(e) => go(e.target.value as Topic)} data-testid="topic">
          {ORDER.map((t) => (
            <option key={t} value={t}>
              {LESSONS[t].title}
            </option>
          ))}
        </select>
        <button onClick={() => go(next)} title={`Next: ${LESSONS[next].title}`} aria-label="Next topic">
          →
        </button>
        <button onClick={() => store.getState().setUi({ reading: true })} title="Read the whole lesson" aria-label="Read the whole lesson" data-testid="read-lesson">
          ⤢
        </button>
      </div>
      <p className="suggestion" data-testid="topic-suggestion">
        {offer && (
          <button className="link" onClick={() => go(offer)} title="The lesson about the view you pointed at" aria-label={`Read about what you pointed at: ${LESSONS[offer].title}`}>
            ↳ {LESSONS[offer].title}
          </button>
        )}
      </p>
      <div className="lesson" data-testid="lesson">
        {lesson.body.map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
      {reading && <ReadingView topic={topic} go={go} close={() => store.getState().setUi({ reading: false })} />}
    </aside>
  );
}

/** The lesson at full size over the page: every paragraph visible, topics one click away, Esc closes. */
function ReadingView({ topic, go, close }: { topic: Topic; go: (t: Topic) => void; close: () => void }) {
  const lesson = LESSONS[topic];
  const i = ORDER.indexOf(topic);
  const prev = ORDER[(i + ORDER.length - 1) % ORDER.length];
  const next = ORDER[(i + 1) % ORDER.length];
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
      else if (e.key === 'ArrowRight') go(next);
      else if (e.key === 'ArrowLeft') go(prev);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close, go, next, prev]);
  return (
    <div className="reading-layer" onClick={close}>
      <section className="reading" role="dialog" aria-modal="true" aria-labelledby="reading-title" data-testid="reading-view" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2 id="reading-title">{lesson.title}</h2>
          <button ref={closeButton} onClick={close} aria-label="Close the reading view" title="Close (Esc)">
            ✕
          </button>
        </header>
        <div className="reading-body">
          {lesson.body.map((p, k) => (
            <p key={k}>{p}</p>
          ))}
        </div>
        <footer>
          <button onClick={() => go(prev)}>← {LESSONS[prev].title}</button>
          <span className="fineprint">
            {i + 1} of {ORDER.length}
          </span>
          <button onClick={() => go(next)}>{LESSONS[next].title} →</button>
        </footer>
      </section>
    </div>
  );
}
