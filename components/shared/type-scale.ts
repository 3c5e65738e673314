/**
 * The type scale for canvas drawing. Canvas text cannot inherit CSS, so views read the scale's
 * tokens (src/theme/tokens.css) from the computed style once per layout change (a resize, the
 * theme, presenter mode) and draw with `canvasFont`. Sizes are CSS px: the views draw under a
 * devicePixelRatio transform, so labels stay sharp and the same size on every screen.
 */

/** The smallest text the page shows, in CSS px: in presenter mode the floor is higher. */
export const TYPE_FLOOR = { page: 12, presenter: 14 } as const;

export const CANVAS_FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** A token's value in px, from an element's computed style (jsdom and unknown tokens give the fallback). */
export function tokenPx(el: Element | null, token: string, fallback: number): number {
  if (!el || typeof getComputedStyle !== 'function') return fallback;
  const v = parseFloat(getComputedStyle(el).getPropertyValue(token));
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export interface CanvasType {
  /** Axis and row labels. */
  labelPx: number;
  /** Thinnest row of the grid before its rows scroll. */
  minRowPx: number;
}

/** The canvas type for the element's place in the page, never below the floor of its mode. */
export function canvasType(el: Element | null): CanvasType {
  const presenter = typeof document !== 'undefined' && document.documentElement.hasAttribute('data-presenter');
  const floor = presenter ? TYPE_FLOOR.presenter : TYPE_FLOOR.page;
  return { labelPx: Math.max(floor, tokenPx(el, '--fs-canvas', floor)), minRowPx: tokenPx(el, '--grid-min-row', 6) };
}

export const canvasFont = (px: number, weight: 400 | 600 = 400): string => `${weight} ${px}px ${CANVAS_FONT_FAMILY}`;
