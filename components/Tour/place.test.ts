import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overlap, placeCard } from './place';

const SCREENS = [
  { width: 390, height: 844 },
  { width: 1024, height: 576 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

describe('placeCard', () => {
  it('never covers a target that leaves room beside it, and stays on screen', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SCREENS), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 20, max: 500 }), fc.integer({ min: 20, max: 400 }), (view, fx, fy, w, h) => {
        const width = Math.min(w, view.width - 16);
        const height = Math.min(h, view.height - 16);
        const target = { left: 8 + fx * (view.width - 16 - width), top: 8 + fy * (view.height - 16 - height), width, height };
        const card = { width: 360, height: 200 };
        const box = placeCard(target, card, view);
        expect(box.left).toBeGreaterThanOrEqual(7.5);
        expect(box.top).toBeGreaterThanOrEqual(7.5);
        expect(box.left + box.width).toBeLessThanOrEqual(view.width - 7.5);
        // Room below or above the target for the card: it must not touch the target.
        const room = Math.max(view.height - (target.top + target.height), target.top) >= card.height + 20;
        if (room) expect(overlap(box, target)).toBe(0);
      }),
    );
  });

  it('puts the card beside a tall view on a zoomed projector (the grid at 1024x576)', () => {
    const grid = { left: 8, top: 90, width: 700, height: 470 };
    const box = placeCard(grid, { width: 360, height: 200 }, { width: 1024, height: 576 });
    expect(overlap(box, grid)).toBe(0);
    expect(box.left).toBeGreaterThanOrEqual(grid.left + grid.width);
  });

  it('fits a phone: full width, under or over the view', () => {
    const grid = { left: 6, top: 190, width: 378, height: 338 };
    const box = placeCard(grid, { width: 360, height: 220 }, { width: 390, height: 844 });
    expect(overlap(box, grid)).toBe(0);
    expect(box.top).toBeGreaterThanOrEqual(grid.top + grid.height);
  });
});
