import { useEffect } from 'react';

/**
 * An SVG's drawing size is its on-screen size (so text is never stretched): charts read this
 * before drawing, and redraw when the box changes size.
 */
export function svgSize(el: SVGSVGElement, fallback = { width: 300, height: 120 }): { width: number; height: number } {
  const width = Math.round(el.clientWidth) || fallback.width;
  const height = Math.round(el.clientHeight) || fallback.height;
  el.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return { width, height };
}

export function useRedrawOnResize(el: { current: Element | null }, redraw: { current: () => void }): void {
  useEffect(() => {
    if (!el.current || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => redraw.current());
    ro.observe(el.current);
    return () => ro.disconnect();
  }, [el, redraw]);
}
