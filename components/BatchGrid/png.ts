import { palettes, type ThemeName } from '../../src/theme/palette';
import { makeHatches } from '../shared/hatch';
import { canvasFont } from '../shared/type-scale';
import { axisRoom, drawGrid, gridStyle } from './draw';
import type { GridLayout } from './layout';
import { EXPORT_LEGEND } from './svg';
import { MIN_ROW_HEIGHT } from './viewport';

const TITLE_H = 24;
const LEGEND_H = 24;

/**
 * The whole grid (not just the visible window) as a PNG, at up to 4,000 px wide, with its title
 * and legend: a picture pasted into slides must still say what its colours and hatching mean.
 */
export function gridToPng(layout: GridLayout, theme: ThemeName, title: string): Promise<Blob> {
  const p = palettes[theme];
  const cell = Math.max(1, Math.min(14, 4000 / Math.max(1, layout.columns)));
  const { left, top } = axisRoom(12);
  const rows = Math.max(1, layout.rows.length);
  const rowH = Math.max(MIN_ROW_HEIGHT, Math.min(18, 1200 / rows));
  const width = Math.max(560, Math.ceil(left + layout.columns * cell + 4));
  const gridH = Math.ceil(top + rows * rowH + 4);
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = (TITLE_H + gridH + LEGEND_H) * 2;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('this browser cannot draw to a canvas'));
  const style = gridStyle(p, makeHatches(ctx, p, 2));
  ctx.setTransform(2, 0, 0, 2, 0, 0);
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, width, TITLE_H + gridH + LEGEND_H);
  ctx.font = canvasFont(14, 600);
  ctx.fillStyle = p.text;
  ctx.fillText(title, left, 17);
  ctx.translate(0, TITLE_H);
  drawGrid(ctx, layout, { width, height: gridH, left, top, cellW: cell, offset: 0, rows }, style, { selected: null, hover: null });
  ctx.translate(0, gridH);
  // drawGrid leaves its axis labels' alignment behind.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.font = canvasFont(12);
  let x = left;
  for (const [label, kind] of EXPORT_LEGEND) {
    const swatch = kind === 'prefill' || kind === 'decode' || kind === 'end' ? p[kind] : style.hatches.get(kind) ?? p.hatch;
    ctx.fillStyle = p.idle;
    ctx.fillRect(x, 6, 12, 10);
    ctx.fillStyle = swatch;
    ctx.fillRect(x, 6, 12, 10);
    ctx.strokeStyle = p.gridLine;
    ctx.strokeRect(x + 0.5, 6.5, 11, 9);
    ctx.fillStyle = p.muted;
    ctx.fillText(label, x + 16, 15);
    x += 24 + ctx.measureText(label).width;
  }
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the grid could not be encoded as PNG'))), 'image/png'));
}
