import { LESSONS } from '../../src/content';
import type { Topic } from '../../src/store/slices';
import { useApp, useAppStore } from '../../src/store/store';

const ORDER: Topic[] = ['overview', 'grid', 'prefill-decode', 'static-idle', 'kv-waste', 'paged', 'bound', 'knobs', 'compare'];

/** A short explanation that follows what the visitor points at, with every topic one choice away. */
export function Explain() {
  const store = useAppStore();
  const topic = useApp((s) => s.topic);
  const lesson = LESSONS[topic];
  const go = (t: Topic) => store.getState().setUi({ topic: t });
  const next = ORDER[(ORDER.indexOf(topic) + 1) % ORDER.length];
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
      </div>
      <div className="lesson" aria-live="polite">
        {lesson.body.map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
    </aside>
  );
}
