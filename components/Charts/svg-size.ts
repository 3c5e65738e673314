import { useEffect } from 'react';
import { tokenPx } from '../shared/type-scale';

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * A chart's margins for its tick labels at the type scale's size (larger on full HD and in
 * presenter mode), with `yChars` characters of room for the y axis's labels.
 */
export function chartMargins(el: Element, yChars: number): Margins & { fontPx: number } {
  const fontPx = tokenPx(el, '--fs-xs', 12);
  return { fontPx, top: Math.ceil(fontPx / 2), right: 8, bottom: Math.ceil(fontPx + 12), left: Math.ceil(fontPx * 0.62 * yChars + 10) };
}

/** As many y ticks as fit the plot's height with a label's height between them (2 to 5). */
export const yTickCount = (plotHeight: number, fontPx: number): number => Math.max(2, Math.min(5, Math.floor(plotHeight / (fontPx * 2))));

/**
 * The x axis's unit ("iteration →") at the right end of the tick labels' line, never over the
 * data; tick labels it would touch are left out.
 */
export function axisUnit(root: SVGGElement | SVGSVGElement, axis: SVGGElement, text: string, x: number, y: number, fontPx: number, color: string): void {
  const NS = 'http://www.w3.org/2000/svg';
  const unit = document.createElementNS(NS, 'text');
  Object.entries({ class: 'axis-unit', x: String(x), y: String(y), dy: '0.71em', 'text-anchor': 'end', fill: color }).forEach(([k, v]) => unit.setAttribute(k, v));
  unit.textContent = text;
  root.appendChild(unit);
  const width = (t: SVGTextElement) => {
    try {
      return t.getComputedTextLength() || t.textContent!.length * fontPx * 0.6;
    } catch {
      return t.textContent!.length * fontPx * 0.6; // jsdom
    }
  };
  const left = x - width(unit) - 6;
  for (const tick of Array.from(axis.querySelectorAll<SVGGElement>('.tick'))) {
    const tx = Number(/translate\(([-\d.e]+)/.exec(tick.getAttribute('transform') ?? '')?.[1] ?? NaN);
    const label = tick.querySelector('text');
    if (label && tx + width(label) / 2 > left) label.remove();
  }
}

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
