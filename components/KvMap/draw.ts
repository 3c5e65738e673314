import type { HatchKind } from '../shared/hatch';
import { canvasFont, canvasType } from '../shared/type-scale';
import type { Palette } from '../../src/theme/palette';
import { mix } from '../../src/theme/palette';
import type { KvBlock } from './layout';

export type KvView = 'owner' | 'waste';

export interface KvDrawStyle {
  palette: Palette;
  hatches: Map<HatchKind, CanvasPattern | string>;
}

type Ctx = CanvasRenderingContext2D;

/**
 * Draws the pool: one square per physical block in index order, filled left to right by its
 * categories ('waste' view) or in its owner's hue with the unwritten part faded ('owner' view).
 */
export function drawKv(ctx: Ctx, blocks: readonly KvBlock[], grid: { cols: number; size: number }, view: KvView, style: KvDrawStyle, opts: { selected: number | null; hover: number | null; blockSize: number }): void {
  const { palette: p } = style;
  const { width, height } = ctx.canvas;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, width, height);
  ctx.restore();
  const s = grid.size;
  // The type scale's floor (higher in presenter mode): a reader count is drawn only where it fits at that size.
  const labelPx = canvasType(null).labelPx;
  for (const b of blocks) {
    const x = (b.index % grid.cols) * (s + 1);
    const y = Math.floor(b.index / grid.cols) * (s + 1);
    ctx.globalAlpha = opts.selected !== null && !b.holders.includes(opts.selected) ? 0.35 : 1;
    if (view === 'owner') drawOwner(ctx, b, x, y, s, opts.blockSize, p);
    else drawWaste(ctx, b, x, y, s, opts.blockSize, style);
    drawSharing(ctx, b, x, y, s, p, labelPx);
  }
  ctx.globalAlpha = 1;
  if (opts.hover !== null && blocks[opts.hover]) {
    const b = blocks[opts.hover];
    ctx.strokeStyle = p.highlight;
    ctx.lineWidth = 2;
    ctx.strokeRect((b.index % grid.cols) * (s + 1), Math.floor(b.index / grid.cols) * (s + 1), s, s);
  }
}

/**
 * Sharing on top of either view: a block several sequences read gets a thick inner frame (and its
 * reader count when the square has room for it at the type scale's size); a free block still holding a cached prefix a dashed one.
 * Frames, not colours, so both read in either view and without colour.
 */
function drawSharing(ctx: Ctx, b: KvBlock, x: number, y: number, s: number, p: Palette, labelPx: number): void {
  if (b.refs <= 1 && !b.cached) return;
  const w = s >= 8 ? 2 : 1;
  ctx.save();
  ctx.strokeStyle = p.kvShared;
  ctx.lineWidth = w;
  if (b.refs <= 1) ctx.setLineDash([Math.max(1, s / 5), Math.max(1, s / 5)]);
  ctx.strokeRect(x + w / 2, y + w / 2, s - w, s - w);
  if (b.refs > 1 && s >= labelPx + 2 * w + 4) {
    ctx.setLineDash([]);
    ctx.font = canvasFont(labelPx, 600);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 3;
    ctx.strokeStyle = p.background;
    ctx.strokeText(String(b.refs), x + s / 2, y + s / 2 + 0.5);
    ctx.fillStyle = p.text;
    ctx.fillText(String(b.refs), x + s / 2, y + s / 2 + 0.5);
  }
  ctx.restore();
}

function drawOwner(ctx: Ctx, b: KvBlock, x: number, y: number, s: number, bs: number, p: Palette): void {
  if (b.owner < 0) {
    ctx.fillStyle = p.kvFree;
    ctx.fillRect(x, y, s, s);
    return;
  }
  const hue = p.owners[b.owner % p.owners.length];
  ctx.fillStyle = mix(hue, p.background, 0.65);
  ctx.fillRect(x, y, s, s);
  ctx.fillStyle = hue;
  ctx.fillRect(x, y, (s * b.used) / bs, s);
}

function drawWaste(ctx: Ctx, b: KvBlock, x: number, y: number, s: number, bs: number, style: KvDrawStyle): void {
  const p = style.palette;
  ctx.fillStyle = p.kvFree;
  ctx.fillRect(x, y, s, s);
  let at = x;
  const part = (n: number, fill: string | CanvasPattern) => {
    if (n <= 0) return;
    const w = (s * n) / bs;
    ctx.fillStyle = fill;
    ctx.fillRect(at, y, w, s);
    at += w;
  };
  part(b.used, p.kvUsed);
  // Waste is hatched on a tint of its colour so it reads without colour too.
  for (const kind of ['reserved', 'internal', 'external'] as const) {
    const n = b[kind];
    if (n <= 0) continue;
    const start = at;
    part(n, mix(p[kind === 'reserved' ? 'kvReserved' : kind === 'internal' ? 'kvInternal' : 'kvExternal'], p.background, 0.7));
    at = start;
    part(n, style.hatches.get(kind) ?? p.hatch);
  }
}
