import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useCommands } from '../../src/run/commands';
import { TOUR } from '../../src/content/tour';
import { useApp, useAppStore } from '../../src/store/store';
import { placeCard, type Box } from './place';

/** The settings column is a drawer on narrow screens (fixed), closed unless the store says open. */
const inClosedDrawer = (el: Element, drawerOpen: boolean): boolean => {
  const drawer = el.closest('.controls');
  return !!drawer && getComputedStyle(drawer).position === 'fixed' && !drawerOpen;
};
const shown = (el: Element | null, drawerOpen: boolean): el is HTMLElement => !!el && el.getClientRects().length > 0 && !inClosedDrawer(el, drawerOpen) && (el as HTMLElement).checkVisibility?.({ checkVisibilityCSS: true }) !== false;

/**
 * The guided tour: a dialog that walks through one run, ringing the view it talks about. It
 * pauses whatever is playing (the recorded demo or a live run) so the view holds still, places its
 * card beside the view and never over it, and opens the settings drawer for a setting on a
 * narrow screen. Escape closes it, arrow keys move through it, focus stays inside it.
 */
export function Tour() {
  const store = useAppStore();
  const cmd = useCommands();
  const step = useApp((s) => s.tourStep);
  const dialog = useRef<HTMLDivElement>(null);
  const ring = useRef<HTMLDivElement>(null);
  const current = step === null ? null : TOUR[step];
  const open = step !== null;
  // A new viewport may be a new layout (a drawer instead of a column): the step is laid out again.
  const [layout, setLayout] = useState(0);
  useEffect(() => {
    if (!open) return;
    let t = 0;
    const onResize = () => {
      clearTimeout(t);
      t = window.setTimeout(() => setLayout((n) => n + 1), 100);
    };
    window.addEventListener('resize', onResize);
    return () => {
      clearTimeout(t);
      window.removeEventListener('resize', onResize);
    };
  }, [open]);

  useEffect(() => {
    if (open) cmd.pause();
  }, [open, cmd]);

  useLayoutEffect(() => {
    if (!current) return;
    if (current.topic) store.getState().setUi({ topic: current.topic });
    const find = () => (current.target ? document.querySelector(`[data-tour="${current.target}"]`) : null);
    // A setting on a narrow screen sits in the closed drawer: open it for this step, close it after.
    const s = store.getState();
    const first = find();
    const openedDrawer = !!first && !s.presenter && !s.settingsOpen && inClosedDrawer(first, false);
    if (openedDrawer) s.setUi({ settingsOpen: true });
    const place = () => {
      const el = find();
      const card = dialog.current;
      if (!card) return;
      const target = shown(el, store.getState().settingsOpen) ? el.getBoundingClientRect() : null;
      const r = ring.current;
      if (r) {
        r.hidden = !target;
        if (target) Object.assign(r.style, { left: `${target.left - 4}px`, top: `${target.top - 4}px`, width: `${target.width + 8}px`, height: `${target.height + 8}px` });
      }
      const size = { width: Math.min(360, innerWidth - 16), height: card.scrollHeight };
      const box = placeCard(target && ({ left: target.left - 4, top: target.top - 4, width: target.width + 8, height: target.height + 8 } satisfies Box), size, { width: innerWidth, height: innerHeight });
      Object.assign(card.style, { left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px` });
    };
    const settle = () => {
      const el = find();
      if (shown(el, store.getState().settingsOpen)) {
        // Room for the card under the view: bring the view near the top of the screen when it is off it.
        const r = el.getBoundingClientRect();
        if (r.top < 0 || r.bottom > innerHeight) el.scrollIntoView?.({ block: r.height + 240 < innerHeight ? 'center' : 'start' });
      }
      place();
      dialog.current?.focus();
    };
    // The drawer slides in first (unless motion is reduced): its settings have their place after it.
    const timer = window.setTimeout(settle, openedDrawer ? 220 : 20);
    place();
    const onMove = () => place();
    window.addEventListener('scroll', onMove, { capture: true, passive: true });
    return () => {
      clearTimeout(timer);
      window.removeEventListener('scroll', onMove, { capture: true });
      if (openedDrawer) store.getState().setUi({ settingsOpen: false });
    };
  }, [current, store, layout]);

  if (step === null || !current) return null;
  const go = (n: number | null) => store.getState().setUi({ tourStep: n === null || n < 0 || n >= TOUR.length ? null : n });
  const last = step === TOUR.length - 1;
  return (
    <div className="tour-layer">
      <div className="tour-ring" ref={ring} hidden />
      <div
        className="tour-card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="tour-title"
        tabIndex={-1}
        ref={dialog}
        data-testid="tour"
        data-target={current.target ?? ''}
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
