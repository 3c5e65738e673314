import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { TOUR } from '../../src/content/tour';
import { useApp, useAppStore } from '../../src/store/store';

/**
 * The guided tour: a dialog that walks through one run, ringing the view it talks about.
 * Escape closes it, arrow keys move through it, and focus stays inside it while it is open.
 */
export function Tour() {
  const store = useAppStore();
  const step = useApp((s) => s.tourStep);
  const dialog = useRef<HTMLDivElement>(null);
  const [ring, setRing] = useState<DOMRect | null>(null);
  const current = step === null ? null : TOUR[step];

  useLayoutEffect(() => {
    if (!current) return;
    const el = current.target ? document.querySelector(`[data-tour="${current.target}"]`) : null;
    el?.scrollIntoView?.({ block: 'nearest' });
    setRing(el ? el.getBoundingClientRect() : null);
    if (current.topic) store.getState().setUi({ topic: current.topic });
    dialog.current?.focus();
  }, [current, store]);

  useEffect(() => {
    if (step === null) return;
    const onResize = () => setRing((r) => (r ? (document.querySelector(`[data-tour="${TOUR[step].target}"]`)?.getBoundingClientRect() ?? null) : null));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [step]);

  if (step === null || !current) return null;
  const go = (n: number | null) => store.getState().setUi({ tourStep: n === null || n < 0 || n >= TOUR.length ? null : n });
  const last = step === TOUR.length - 1;
  return (
    <div className="tour-layer">
      {ring && <div className="tour-ring" style={{ left: ring.left - 4, top: ring.top - 4, width: ring.width + 8, height: ring.height + 8 }} />}
      <div
        className="tour-card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="tour-title"
        tabIndex={-1}
        ref={dialog}
        data-testid="tour"
        style={placeCard(ring)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') go(null);
          if (e.key === 'ArrowRight') go(step + 1);
          if (e.key === 'ArrowLeft') go(Math.max(0, step - 1));
        }}
      >
        <p className="fineprint">
          Step {step + 1} of {TOUR.length}
        </p>
        <h2 id="tour-title">{current.title}</h2>
        <p>{current.text}</p>
        <div className="button-row">
          <button onClick={() => go(null)}>Close</button>
          <button onClick={() => go(step - 1)} disabled={step === 0}>
            Back
          </button>
          <button className="primary" onClick={() => go(last ? null : step + 1)} autoFocus>
            {last ? 'Done' : 'Next'}
          </button>
        </div>
      </div>
    </div>
  );
}

/** Beside the ringed view when there is room, else centred. */
function placeCard(r: DOMRect | null): React.CSSProperties {
  if (!r) return { left: '50%', top: '30%', transform: 'translateX(-50%)' };
  const below = r.bottom + 12;
  const top = below + 200 < window.innerHeight ? below : Math.max(8, r.top - 212);
  return { left: Math.max(8, Math.min(r.left, window.innerWidth - 380)), top };
}
