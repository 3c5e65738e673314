import type { IterationEvent } from '../../engine/serve/events';
import type { GridStyle } from './draw';
import { GridLayout, type CellHit, type GridMode } from './layout';
import { MAX_CELL, MIN_CELL, clampOffset, clampRowOffset, followOffset, plotWidth, rowHeight, rowY, type GridViewport } from './viewport';

/** What the grid keeps between frames (outside React: it changes every frame). */
export interface GridState {
  layout: GridLayout;
  vp: GridViewport;
  follow: boolean;
  /** Until the visitor zooms, short runs are drawn with bigger cells that fill the width. */
  autoZoom: boolean;
  hover: CellHit | null;
  style: GridStyle | null;
  dpr: number;
  /** The RunLog's runId the layout was built from. */
  runId: number;
}

const reducedMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * While following, the view glides towards the newest column over a few frames instead of
 * jumping one column per iteration; far jumps (a whole run loaded at once) and reduced motion snap.
 */
export function followStep(v: GridViewport, columns: number): { offset: number; moving: boolean } {
  const target = followOffset(v, columns);
  const gap = target - v.offset;
  if (reducedMotion || Math.abs(gap) < 0.5 || Math.abs(gap) > plotWidth(v)) return { offset: target, moving: false };
  return { offset: v.offset + gap * 0.35, moving: true };
}

/** Rebuilds the layout when the log was cleared, else appends only the new iterations. */
export function syncLayout(s: GridState, events: readonly IterationEvent[], mode: GridMode, runId = s.runId): void {
  if (s.layout.mode !== mode || events.length < s.layout.iterations || runId !== s.runId) {
    s.layout = new GridLayout(mode);
    s.hover = null;
    s.runId = runId;
  }
  for (let i = s.layout.iterations; i < events.length; i++) s.layout.append(events[i]);
}

/** Keyboard: arrows move the inspected cell, +/- zoom, Home/End jump, Enter selects, Escape clears. */
export function gridKey(key: string, s: GridState, select: (id: number | null) => void, show: (hit: CellHit | null) => void): boolean {
  const cur = s.hover ?? { row: 0, col: Math.max(0, s.layout.columns - 1) };
  const move = (row: number, col: number) => {
    const r = Math.max(0, Math.min(s.layout.rows.length - 1, row));
    const c = Math.max(0, Math.min(s.layout.columns - 1, col));
    const hit = s.layout.hit(r, c);
    show(hit);
    // Keep the inspected cell on screen.
    const x = s.vp.offset + c * s.vp.cellW;
    if (x < 0 || x > plotWidth(s.vp) - s.vp.cellW) {
      s.follow = false;
      s.vp.offset = clampOffset(s.vp, s.layout.columns, plotWidth(s.vp) / 2 - c * s.vp.cellW);
    }
    // And its row, when the rows scroll.
    const y = rowY(s.vp, r);
    const rh = rowHeight(s.vp);
    if (y < s.vp.top) s.vp.rowOffset = clampRowOffset(s.vp, r * rh);
    else if (y + rh > s.vp.height) s.vp.rowOffset = clampRowOffset(s.vp, (r + 1) * rh - (s.vp.height - s.vp.top));
  };
  switch (key) {
    case 'ArrowLeft':
      move(cur.row, cur.col - 1);
      return true;
    case 'ArrowRight':
      move(cur.row, cur.col + 1);
      return true;
    case 'ArrowUp':
      move(cur.row - 1, cur.col);
      return true;
    case 'ArrowDown':
      move(cur.row + 1, cur.col);
      return true;
    case 'Home':
      s.follow = false;
      s.vp.offset = 0;
      move(cur.row, 0);
      return true;
    case 'End':
      move(cur.row, s.layout.columns - 1);
      s.follow = true;
      return true;
    case '+':
    case '=':
    case '-': {
      s.autoZoom = false;
      const f = key === '-' ? 0.5 : 2;
      s.vp.cellW = Math.max(MIN_CELL, Math.min(MAX_CELL, s.vp.cellW * f));
      return true;
    }
    case 'Enter':
    case ' ':
      select(s.hover?.run.requestId ?? null);
      return true;
    case 'Escape':
      select(null);
      show(null);
      return true;
  }
  return false;
}
