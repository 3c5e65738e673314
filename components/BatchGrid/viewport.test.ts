import { describe, expect, it } from 'vitest';
import { DEFAULT_CELL, MAX_ROW_HEIGHT, clampOffset, fitCell, followOffset, pointToCell, rowHeight, visibleColumns, xScale, zoomAt, type GridViewport } from './viewport';

const v: GridViewport = { width: 540, height: 170, left: 40, top: 10, cellW: 10, offset: 0, rows: 4 };

describe('grid viewport', () => {
  it('fits every row and maps columns to pixels', () => {
    expect(rowHeight(v)).toBe(40);
    expect(rowHeight({ ...v, rows: 64 })).toBeCloseTo(160 / 64);
    expect(rowHeight({ ...v, height: 1000 })).toBe(MAX_ROW_HEIGHT);
    expect(xScale(v)(0)).toBe(40);
    expect(xScale(v)(3)).toBe(70);
  });

  it('follows the newest column once the content is wider than the plot', () => {
    expect(followOffset(v, 20)).toBe(0);
    expect(followOffset(v, 80)).toBe(500 - 800);
    const at = { ...v, offset: followOffset(v, 80) };
    expect(visibleColumns(at)).toEqual([30, 80]);
  });

  it('fills the width with bigger cells while a run is short, then settles at the default', () => {
    expect(fitCell(v, 10)).toBeCloseTo(500 / 24);
    expect(fitCell(v, 30)).toBeCloseTo(500 / 30);
    expect(fitCell(v, 1000)).toBe(DEFAULT_CELL);
  });

  it('keeps the column under the pointer in place when zooming', () => {
    const z = zoomAt({ ...v, offset: -100 }, 240, 2);
    const before = (240 - 40 + 100) / 10;
    expect((240 - 40 - z.offset) / z.cellW).toBeCloseTo(before);
  });

  it('clamps panning to the content and hit-tests cells', () => {
    expect(clampOffset(v, 80, 50)).toBe(0);
    expect(clampOffset(v, 80, -1000)).toBe(-300);
    expect(pointToCell(v, 75, 60)).toEqual({ col: 3, row: 1 }); // rows are 40 px from y = 10
    expect(pointToCell(v, 10, 40)).toBeNull();
    expect(pointToCell(v, 75, 400)).toBeNull();
  });
});
