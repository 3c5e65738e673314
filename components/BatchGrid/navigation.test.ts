import { describe, expect, it, vi } from 'vitest';
import { anyscaleStatic } from '../../stories/fixtures/hand-made';
import { GridLayout } from './layout';
import { followStep, gridKey, syncLayout, type GridState } from './navigation';
import { followOffset, type GridViewport } from './viewport';

const vp = (over: Partial<GridViewport> = {}): GridViewport => ({ width: 540, height: 200, left: 40, top: 10, cellW: 10, offset: 0, rows: 4, ...over });

function state(): GridState {
  const s: GridState = { layout: new GridLayout('iterations'), vp: vp(), follow: true, autoZoom: false, hover: null, style: null, dpr: 1, runId: 0 };
  syncLayout(s, anyscaleStatic(), 'iterations');
  return s;
}

describe('grid navigation', () => {
  it('glides towards the newest column, and snaps when the jump is far', () => {
    const v = vp({ offset: -100 });
    const target = followOffset(v, 70);
    const step = followStep(v, 70);
    expect(step.moving).toBe(true);
    expect(Math.abs(target - step.offset)).toBeLessThan(Math.abs(target - v.offset));
    expect(followStep(vp({ offset: 0 }), 5000)).toEqual({ offset: followOffset(vp(), 5000), moving: false });
  });

  it('rebuilds the layout when the log was cleared or the column meaning changed', () => {
    const s = state();
    expect(s.layout.iterations).toBe(6);
    syncLayout(s, anyscaleStatic().slice(0, 2), 'iterations');
    expect(s.layout.iterations).toBe(2);
    syncLayout(s, anyscaleStatic(), 'tokens');
    expect(s.layout.mode).toBe('tokens');
  });

  it('starts over when the log was cleared and refilled with a longer run between two frames', () => {
    const s = state();
    const before = s.layout;
    const longer = [...anyscaleStatic(), ...anyscaleStatic().map((e, i) => ({ ...e, index: 6 + i }))];
    syncLayout(s, longer, 'iterations', 1);
    expect(s.layout).not.toBe(before);
    expect(s.layout.iterations).toBe(longer.length);
  });

  it('moves the inspected cell with the arrows and selects its request with Enter', () => {
    const s = state();
    const show = vi.fn((hit) => (s.hover = hit));
    const select = vi.fn();
    expect(gridKey('Home', s, select, show)).toBe(true);
    expect(s.hover).toMatchObject({ row: 0, col: 0, run: { requestId: 1 } });
    gridKey('ArrowDown', s, select, show);
    gridKey('ArrowRight', s, select, show);
    expect(s.hover).toMatchObject({ row: 1, col: 1, run: { kind: 'decode', requestId: 2 } });
    gridKey('Enter', s, select, show);
    expect(select).toHaveBeenLastCalledWith(2);
    gridKey('Escape', s, select, show);
    expect(select).toHaveBeenLastCalledWith(null);
    expect(gridKey('x', s, select, show)).toBe(false);
  });

  it('zooms with + and - and stops following the newest column on Home', () => {
    const s = state();
    gridKey('+', s, vi.fn(), vi.fn());
    expect(s.vp.cellW).toBe(20);
    gridKey('-', s, vi.fn(), vi.fn());
    expect(s.vp.cellW).toBe(10);
    gridKey('Home', s, vi.fn(), vi.fn());
    expect(s.follow).toBe(false);
    gridKey('End', s, vi.fn(), vi.fn());
    expect(s.follow).toBe(true);
  });
});
