import type { HatchKind } from '../shared/hatch';
import { canvasFont } from '../shared/type-scale';
import { mix, type Palette } from '../../src/theme/palette';
import type { CellHit, CellKind, GridLayout, GridRun } from './layout';
import { maxRowOffset, rowHeight, rowY, visibleColumns, xScale, type GridViewport } from './viewport';

export interface GridStyle {
  palette: Palette;
  hatches: Map<HatchKind, CanvasPattern | string>;
  /** One colour per kind, whatever the request: requests are told apart by the gap between them. */
  fills: Record<Exclude<CellKind, 'idle'>, string>;
  /** Axis and row labels, CSS px (the type scale's canvas size). */
  labelPx: number;
}

export function gridStyle(palette: Palette, hatches: Map<HatchKind, CanvasPattern | string>, labelPx = 12): GridStyle {
  return { palette, hatches, fills: { prefill: palette.prefill, decode: palette.decode, end: palette.end, cached: cachedFill(palette) }, labelPx };
}

/** Prompt cells no step computed: a pale prompt colour, outlined in the prompt colour (so it reads without colour too). */
export const cachedFill = (p: Palette): string => mix(p.prefill, p.background, 0.78);

/** Room for the row labels (S1..S64) and the column axis at a label size. */
export const axisRoom = (labelPx: number): { left: number; top: number } => ({ left: Math.ceil(labelPx * 2.4 + 8), top: Math.ceil(labelPx + 6) });

/** Width of the gap drawn where a new request takes over a slot, once cells are wide enough to show it. */
export const boundaryWidth = (cellW: number): number => (cellW >= 4 ? 2 : cellW >= 2 ? 1 : 0);

/** True where a run starts a request other than the one before it in the row (both doing work). */
export const startsNewRequest = (prev: GridRun | undefined, r: GridRun): boolean => !!prev && r.kind !== 'idle' && prev.kind !== 'idle' && prev.requestId !== r.requestId;

export interface GridOverlay {
  selected: number | null;
  hover: CellHit | null;
}

type Ctx = CanvasRenderingContext2D;

/**
 * Draws the visible part of the grid. Cost is one fillRect per visible run (a request's decode
 * streak is one run), plus one path of separators, so thousands of iterations stay cheap.
 */
export function drawGrid(ctx: Ctx, layout: GridLayout, v: GridViewport, style: GridStyle, overlay: GridOverlay): void {
  const { palette } = style;
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, v.width, v.height);
  const rh = rowHeight(v);
  const [c0, c1] = visibleColumns(v);
  const originX = v.left + v.offset;
  ctx.save();
  ctx.beginPath();
  ctx.rect(v.left, v.top, v.width - v.left, v.height - v.top);
  ctx.clip();
  const gap = boundaryWidth(v.cellW);
  const boundaries: number[] = [];
  const marks: GridRun[] = [];
  const markAt: number[] = [];
  for (let row = 0; row < layout.rows.length; row++) {
    const runs = layout.rows[row];
    const y = rowY(v, row);
    if (y + rh < v.top || y > v.height) continue;
    for (let i = layout.firstRunAfter(row, c0); i < runs.length && runs[i].col < c1; i++) {
      const r = runs[i];
      ctx.globalAlpha = overlay.selected !== null && r.requestId !== overlay.selected ? 0.3 : 1;
      fillRun(ctx, style, r, originX + r.col * v.cellW, y, r.len * v.cellW, rh);
      if (r.kind === 'prefill' || r.kind === 'end') marks.push(r), markAt.push(originX + r.col * v.cellW, y);
      if (gap && startsNewRequest(runs[i - 1], r)) boundaries.push(originX + r.col * v.cellW, y);
    }
  }
  ctx.globalAlpha = 1;
  drawMarks(ctx, marks, markAt, v.cellW, rh, style.palette);
  // Where one request hands its slot to the next: a gap in the background colour, so two requests
  // in a row read as two even where their cells share a colour.
  ctx.fillStyle = palette.background;
  for (let i = 0; i < boundaries.length; i += 2) ctx.fillRect(Math.round(boundaries[i]) - gap / 2, boundaries[i + 1], gap, rh);
  drawSeparators(ctx, v, rh, c0, Math.min(c1, layout.columns), layout.rows.length, palette.background);
  if (overlay.selected !== null) outlineRequest(ctx, layout, v, rh, overlay.selected, palette.highlight);
  if (overlay.hover) {
    ctx.strokeStyle = palette.highlight;
    ctx.lineWidth = 2;
    ctx.strokeRect(originX + overlay.hover.col * v.cellW, rowY(v, overlay.hover.row), Math.max(2, v.cellW), rh);
  }
  ctx.restore();
  drawAxes(ctx, layout, v, rh, palette, style.labelPx);
  drawRowScrollbar(ctx, v, rh, palette);
}

/**
 * Colour is never the only cue: prompt cells carry lines like lines of text, an end of sequence a
 * full stop, once cells are big enough to show them (the legend's swatches draw the same).
 */
function drawMarks(ctx: Ctx, runs: GridRun[], at: number[], cellW: number, rh: number, p: Palette): void {
  if (rh < 8 || cellW < 4) return;
  ctx.fillStyle = mix(p.prefill, '#000000', 0.3);
  const lineGap = Math.max(3, Math.round(rh / 3));
  for (let i = 0; i < runs.length; i++) {
    if (runs[i].kind !== 'prefill') continue;
    for (let ly = lineGap; ly < rh - 1; ly += lineGap) ctx.fillRect(at[2 * i], at[2 * i + 1] + ly, runs[i].len * cellW, 1);
  }
  ctx.fillStyle = p.background;
  const r = Math.max(1, Math.min(cellW, rh) / 6);
  ctx.beginPath();
  for (let i = 0; i < runs.length; i++) {
    if (runs[i].kind !== 'end') continue;
    const cx = at[2 * i] + (runs[i].len * cellW) / 2;
    const cy = at[2 * i + 1] + rh / 2;
    ctx.moveTo(cx + r, cy);
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
  }
  ctx.fill();
}

/** Legend swatches with the same marks as the cells. */
export const prefillSwatch = (p: Palette): string => `repeating-linear-gradient(180deg, ${p.prefill} 0 3px, ${mix(p.prefill, '#000000', 0.3)} 3px 4px)`;
export const endSwatch = (p: Palette): string => `radial-gradient(circle, ${p.background} 0 1.5px, ${p.end} 2px)`;

/** When the rows scroll, a thin bar on the right edge says which part of them is on screen. */
function drawRowScrollbar(ctx: Ctx, v: GridViewport, rh: number, p: Palette): void {
  const max = maxRowOffset(v);
  if (max <= 0) return;
  const track = v.height - v.top;
  const total = v.rows * rh;
  ctx.fillStyle = p.muted;
  ctx.globalAlpha = 0.6;
  ctx.fillRect(v.width - 4, v.top + ((v.rowOffset ?? 0) / total) * track, 3, Math.max(12, (track / total) * track));
  ctx.globalAlpha = 1;
}

function fillRun(ctx: Ctx, style: GridStyle, r: GridRun, x: number, y: number, w: number, h: number): void {
  if (r.kind === 'idle') {
    ctx.fillStyle = style.palette.idle;
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = style.hatches.get(r.idleReason ?? 'empty') ?? style.palette.hatch;
  } else ctx.fillStyle = style.fills[r.kind];
  ctx.fillRect(x, y, w, h);
  if (r.kind === 'cached' && w >= 3 && h >= 3) {
    ctx.strokeStyle = style.palette.prefill;
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  }
}

/** Gaps between cells, in the background colour, once cells are big enough to read one by one. */
function drawSeparators(ctx: Ctx, v: GridViewport, rh: number, c0: number, c1: number, rows: number, color: string): void {
  const bottom = Math.min(v.height, rowY(v, rows));
  ctx.beginPath();
  if (v.cellW >= 5) {
    for (let c = c0; c <= c1; c++) {
      const x = Math.round(v.left + v.offset + c * v.cellW) + 0.5;
      ctx.moveTo(x, v.top);
      ctx.lineTo(x, bottom);
    }
  }
  if (rh >= 5) {
    for (let r = 0; r <= rows; r++) {
      const y = Math.round(rowY(v, r)) + 0.5;
      ctx.moveTo(v.left, y);
      ctx.lineTo(v.width, y);
    }
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = color;
  ctx.stroke();
}

function outlineRequest(ctx: Ctx, layout: GridLayout, v: GridViewport, rh: number, id: number, color: string): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  for (const { row, run } of layout.runsOf(id)) {
    ctx.strokeRect(v.left + v.offset + run.col * v.cellW, rowY(v, row) + 0.75, run.len * v.cellW, rh - 1.5);
  }
}

function drawAxes(ctx: Ctx, layout: GridLayout, v: GridViewport, rh: number, pal: Palette, px: number): void {
  ctx.fillStyle = pal.background;
  ctx.fillRect(0, 0, v.left, v.height);
  ctx.fillRect(0, 0, v.width, v.top);
  ctx.fillStyle = pal.muted;
  ctx.font = canvasFont(px);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  // Label every row when there is room, else every k-th, always in Anyscale's S1.. naming.
  const every = Math.max(1, Math.ceil((px + 1) / rh));
  for (let row = 0; row < layout.rows.length; row += every) {
    // Only rows wholly on screen get a label: a half-scrolled one would sit over the column axis.
    const y = rowY(v, row);
    if (y >= v.top - 0.5 && y + rh <= v.height + 0.5) ctx.fillText(`S${row + 1}`, v.left - 4, y + rh / 2);
  }
  const x = xScale(v);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  const ticks = x.ticks(Math.max(2, Math.floor((v.width - v.left) / (px * 6)))).filter((t) => Number.isInteger(t) && t >= 0);
  // Token columns read T1..Tn as in Anyscale's figure; iteration columns count from 1 as well.
  const prefix = layout.mode === 'tokens' ? 'T' : '';
  for (const t of ticks) {
    const label = `${prefix}${t + 1}`;
    const half = ctx.measureText(label).width / 2;
    // A label the canvas edge would cut ("10" for 106) is left out rather than misread.
    if (x(t + 0.5) + half > v.width || x(t + 0.5) - half < v.left) continue;
    ctx.fillText(label, x(t + 0.5), v.top - 4);
  }
}
