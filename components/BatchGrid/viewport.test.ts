import { describe, expect, it } from 'vitest';
import { DEFAULT_CELL, MAX_ROW_HEIGHT, MIN_ROW_HEIGHT, clampOffset, clampRowOffset, fitCell, followOffset, maxRowOffset, pointToCell, rowHeight, rowY, type GridViewport, visibleColumns, xScale, zoomAt } from './viewport';

const v: GridViewport = { width: 540, height: 170, left: 40, top: 10, cellW: 10, offset: 0, rows: 4 };

describe('grid viewport', () => {
  it('fits every row and maps columns to pixels', () => {
    expect(rowHeight(v)).toBe(40);
    expect(rowHeight({ ...v, rows: 16 })).toBeCloseTo(160 / 16);
    expect(rowHeight({ ...v, rows: 64 })).toBe(MIN_ROW_HEIGHT);
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

describe('rows that do not fit', () => {
  // A compare lane at 1280x720 has about 150 px for its rows.
  const lane = { width: 500, height: 166, left: 34, top: 16, cellW: 14, offset: 0, rows: 64 };

  it('keep a legible height and scroll instead of shrinking to a pixel or two', () => {
    expect(rowHeight(lane)).toBe(MIN_ROW_HEIGHT);
    expect(maxRowOffset(lane)).toBe(64 * MIN_ROW_HEIGHT - 150);
    expect(clampRowOffset(lane, 1e9)).toBe(maxRowOffset(lane));
    expect(clampRowOffset(lane, -5)).toBe(0);
    // Eight slots still fill the height, with no scrolling.
    expect(maxRowOffset({ ...lane, rows: 8 })).toBe(0);
  });

  it('hit-test and place rows where they are drawn after scrolling', () => {
    const v = { ...lane, rowOffset: 60 };
    expect(pointToCell(v, 40, 16)).toMatchObject({ row: 10 });
    expect(rowY(v, 10)).toBe(16);
  });
});
