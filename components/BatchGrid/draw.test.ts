import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { palettes } from '../../src/theme/palette';
import { drawGrid, gridStyle, startsNewRequest } from './draw';
import { GridLayout } from './layout';
import type { GridViewport } from './viewport';

/** A canvas context that records the colour of every filled rectangle. */
function recordingContext() {
  const fills: { style: string; x: number; y: number; w: number; h: number }[] = [];
  const ctx = {
    fillStyle: '' as unknown,
    strokeStyle: '',
    globalAlpha: 1,
    lineWidth: 1,
    font: '',
    textAlign: '',
    textBaseline: '',
    fillRect(x: number, y: number, w: number, h: number) {
      fills.push({ style: String(this.fillStyle), x, y, w, h });
    },
    save() {},
    restore() {},
    beginPath() {},
    rect() {},
    clip() {},
    moveTo() {},
    lineTo() {},
    stroke() {},
    strokeRect() {},
    fillText() {},
    measureText: (t: string) => ({ width: t.length * 6 }),
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, fills };
}

describe('drawGrid colours', () => {
  const p = palettes.light;
  const layout = GridLayout.from('iterations', FIXTURES.continuousPaged.events);
  const vp: GridViewport = { width: 2000, height: 200, left: 34, top: 16, cellW: 14, offset: 0, rows: layout.rows.length };

  it('paints every request’s prompt one yellow and every end one red: no per-request shades', () => {
    const { ctx, fills } = recordingContext();
    drawGrid(ctx, layout, vp, gridStyle(p, new Map()), { selected: null, hover: null });
    const rh = (vp.height - vp.top) / layout.rows.length;
    const cellFills = fills.filter((f) => f.h === rh && f.w >= vp.cellW - 0.01);
    const colours = new Set(cellFills.map((f) => f.style));
    expect(colours.has(p.prefill) && colours.has(p.decode) && colours.has(p.end)).toBe(true);
    // Only the kinds' colours, the idle background and its hatch: nothing in between.
    for (const c of colours) expect([p.prefill, p.decode, p.end, p.idle, p.hatch, p.background]).toContain(c);
  });

  it('draws a gap where a new request takes over a slot', () => {
    const { ctx, fills } = recordingContext();
    drawGrid(ctx, layout, vp, gridStyle(p, new Map()), { selected: null, hover: null });
    const handovers = layout.rows.flatMap((runs) => runs.filter((r, i) => startsNewRequest(runs[i - 1], r)));
    expect(handovers.length).toBeGreaterThan(0);
    const gaps = fills.filter((f) => f.style === p.background && f.w === 2);
    expect(gaps).toHaveLength(handovers.length);
  });
});
