import { palettes, type ThemeName } from '../../src/theme/palette';
import { makeHatches } from '../shared/hatch';
import { drawGrid, gridStyle } from './draw';
import type { GridLayout } from './layout';

/** The whole grid (not just the visible window) as a PNG, at up to 4,000 px wide. */
export function gridToPng(layout: GridLayout, theme: ThemeName): Promise<Blob> {
  const p = palettes[theme];
  const cell = Math.max(1, Math.min(14, 4000 / Math.max(1, layout.columns)));
  const left = 34;
  const top = 16;
  const rows = Math.max(1, layout.rows.length);
  const rowH = Math.max(4, Math.min(18, 1200 / rows));
  const width = Math.ceil(left + layout.columns * cell + 4);
  const height = Math.ceil(top + rows * rowH + 4);
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('this browser cannot draw to a canvas'));
  ctx.setTransform(2, 0, 0, 2, 0, 0);
  drawGrid(ctx, layout, { width, height, left, top, cellW: cell, offset: 0, rows }, gridStyle(p, makeHatches(ctx, p, 2)), { selected: null, hover: null });
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the grid could not be encoded as PNG'))), 'image/png'));
}
