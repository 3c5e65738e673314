import { useEffect, useRef } from 'react';

/**
 * Coalesces any number of "something changed" calls into one draw per animation frame. Views use
 * it to redraw canvases imperatively from store subscriptions, never through React renders.
 */
export function frameScheduler(draw: () => void): { request: () => void; cancel: () => void } {
  let id: number | null = null;
  const raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (f: FrameRequestCallback) => setTimeout(() => f(0), 16) as unknown as number;
  const caf = typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame : (h: number) => clearTimeout(h);
  return {
    request() {
      if (id !== null) return;
      id = raf(() => {
        id = null;
        draw();
      });
    },
    cancel() {
      if (id !== null) caf(id);
      id = null;
    },
  };
}

/** Keeps the latest value in a ref, so long-lived subscriptions read current props without resubscribing. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

/** Canvas sized to its container in CSS px, with a backing store at the device pixel ratio. */
export function useCanvasSize(canvas: { current: HTMLCanvasElement | null }, onResize: (w: number, h: number, dpr: number) => void): void {
  const latest = useLatest(onResize);
  useEffect(() => {
    const el = canvas.current;
    const parent = el?.parentElement;
    if (!el || !parent) return;
    const apply = () => {
      const dpr = Math.min(3, window.devicePixelRatio || 1);
      const w = Math.max(1, Math.floor(parent.clientWidth));
      const h = Math.max(1, Math.floor(parent.clientHeight));
      if (el.width !== Math.round(w * dpr) || el.height !== Math.round(h * dpr)) {
        el.width = Math.round(w * dpr);
        el.height = Math.round(h * dpr);
      }
      el.style.width = `${w}px`;
      el.style.height = `${h}px`;
      latest.current(w, h, dpr);
    };
    apply();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(apply);
    ro.observe(parent);
    return () => ro.disconnect();
  }, [canvas, latest]);
}
