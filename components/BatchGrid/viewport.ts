import { scaleLinear, type ScaleLinear } from 'd3';

/**
 * Where the grid's columns and rows land on the canvas. Pure: the zoom state (cell width and the
 * pixel offset of column 0) plus the canvas size in, d3 scales out.
 */
export interface GridViewport {
  width: number;
  height: number;
  /** Room for row labels and the column axis. */
  left: number;
  top: number;
  /** Width of one column in CSS px (zoom). */
  cellW: number;
  /** Screen x of column 0, relative to `left` (pan). */
  offset: number;
  rows: number;
  /** Rows scrolled off the top, in CSS px, when they do not all fit at the minimum row height. */
  rowOffset?: number;
  /** Thinnest row before the rows scroll (MIN_ROW_HEIGHT, more in presenter mode). */
  minRow?: number;
}

export const MIN_CELL = 0.05;
export const MAX_CELL = 48;
export const DEFAULT_CELL = 14;

export const plotWidth = (v: GridViewport): number => Math.max(1, v.width - v.left);

/** Tall enough that 8 slots fill the grid panel on a 1080p screen; more would turn rows into slabs. */
export const MAX_ROW_HEIGHT = 80;
/** Thinner rows stop reading as rows (64 slots in a compare lane): the grid scrolls vertically instead. */
export const MIN_ROW_HEIGHT = 6;
/** Row height: every slot fits the height while rows stay at least the minimum, up to MAX_ROW_HEIGHT. */
export const rowHeight = (v: GridViewport): number => Math.max(v.minRow ?? MIN_ROW_HEIGHT, Math.min(MAX_ROW_HEIGHT, (v.height - v.top) / Math.max(1, v.rows)));

/** How far the rows can scroll: 0 when they all fit. */
export const maxRowOffset = (v: GridViewport): number => Math.max(0, v.rows * rowHeight(v) - (v.height - v.top));

export const clampRowOffset = (v: GridViewport, offset: number): number => Math.max(0, Math.min(maxRowOffset(v), offset));

/** Screen y of the top of a row. */
export const rowY = (v: GridViewport, row: number): number => v.top + row * rowHeight(v) - (v.rowOffset ?? 0);

export function xScale(v: GridViewport): ScaleLinear<number, number> {
  const first = -v.offset / v.cellW;
  return scaleLinear()
    .domain([first, first + plotWidth(v) / v.cellW])
    .range([v.left, v.left + plotWidth(v)]);
}

/** The columns at least partly on screen. */
export function visibleColumns(v: GridViewport): [number, number] {
  const first = Math.floor(-v.offset / v.cellW);
  return [Math.max(0, first), Math.ceil((plotWidth(v) - v.offset) / v.cellW)];
}

/**
 * Cell width before the visitor zooms: short runs fill the width with big cells (at least 24
 * columns' worth, so the first iterations are not slabs), long runs use the default and scroll.
 */
export function fitCell(v: GridViewport, columns: number): number {
  return Math.max(DEFAULT_CELL, Math.min(MAX_CELL, plotWidth(v) / Math.max(24, columns)));
}

/** Offset that puts the newest column at the right edge (or column 0 at the left while it all fits). */
export function followOffset(v: GridViewport, columns: number): number {
  return Math.min(0, plotWidth(v) - columns * v.cellW);
}

/** Offset clamped so the content can't be dragged out of view. */
export function clampOffset(v: GridViewport, columns: number, offset: number): number {
  const min = Math.min(0, plotWidth(v) - columns * v.cellW);
  return Math.max(min, Math.min(0, offset));
}

/** Zooms about a screen x so the column under the pointer stays put. */
export function zoomAt(v: GridViewport, screenX: number, factor: number): Pick<GridViewport, 'cellW' | 'offset'> {
  const cellW = Math.max(MIN_CELL, Math.min(MAX_CELL, v.cellW * factor));
  const col = (screenX - v.left - v.offset) / v.cellW;
  return { cellW, offset: screenX - v.left - col * cellW };
}

/** Column and row under a canvas point, or null outside the plot. */
export function pointToCell(v: GridViewport, x: number, y: number): { col: number; row: number } | null {
  if (x < v.left || y < v.top) return null;
  const col = Math.floor((x - v.left - v.offset) / v.cellW);
  const row = Math.floor((y - v.top + (v.rowOffset ?? 0)) / rowHeight(v));
  return row < v.rows && col >= 0 ? { col, row } : null;
}
