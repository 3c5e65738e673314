import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../stories/fixtures';
import { palettes } from '../../src/theme/palette';
import { axisRoom, drawGrid, gridStyle, startsNewRequest } from './draw';
import { GridLayout } from './layout';
import type { GridViewport } from './viewport';

/** A canvas context that records the colour of every filled rectangle. */
function recordingContext() {
  const fills: { style: string; x: number; y: number; w: number; h: number }[] = [];
  const texts: { text: string; font: string }[] = [];
  const arcs: { x: number; y: number; style: string }[] = [];
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
    fillText(text: string) {
      texts.push({ text, font: this.font });
    },
    arc(x: number, y: number) {
      arcs.push({ x, y, style: String(this.fillStyle) });
    },
    fill() {},
    measureText: (t: string) => ({ width: t.length * 6 }),
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, fills, texts, arcs };
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

  it('marks prompt cells with lines and each end of sequence with a dot: colour is not the only cue', () => {
    const { ctx, fills, arcs } = recordingContext();
    drawGrid(ctx, layout, vp, gridStyle(p, new Map()), { selected: null, hover: null });
    const ends = layout.rows.flat().filter((r) => r.kind === 'end').length;
    expect(ends).toBeGreaterThan(0);
    expect(arcs).toHaveLength(ends);
    expect(arcs.every((a) => a.style === p.background)).toBe(true);
    expect(fills.filter((f) => f.h === 1 && f.style !== p.background).length).toBeGreaterThanOrEqual(layout.rows.flat().filter((r) => r.kind === 'prefill').length);
  });

  it('draws its labels at the type scale size it is given, with room for them', () => {
    for (const px of [12, 14, 17]) {
      const { ctx, texts } = recordingContext();
      drawGrid(ctx, layout, { ...vp, ...axisRoom(px) }, gridStyle(p, new Map(), px), { selected: null, hover: null });
      expect(texts.length).toBeGreaterThan(0);
      for (const t of texts) expect(t.font).toMatch(new RegExp(`\\b${px}px\\b`));
      expect(axisRoom(px).top).toBeGreaterThanOrEqual(px + 4);
    }
  });
});
