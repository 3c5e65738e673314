import { describe, expect, it } from 'vitest';
import type { AnyscaleRow } from '../../engine';
import { anyscaleLayout } from './anyscale-layout';

const row = (cap: number, strategy: 'static' | 'continuous', kv: 'contiguous' | 'paged', tps: number, ratio: number): AnyscaleRow => ({ cap, strategy, kv, maxNumSeqs: 8, tokensPerSecond: tps, ratioToStatic: ratio, p50E2eSeconds: 1, occupancy: 50, preemptions: 0, timeSource: 'simulated' });

describe('anyscaleLayout', () => {
  const area = { left: 40, top: 10, width: 400, height: 200 };
  it('groups bars by cap in arm order, heights proportional to tokens/s, on a shared baseline', () => {
    const rows = [row(32, 'static', 'contiguous', 100, 1), row(32, 'continuous', 'contiguous', 200, 2), row(32, 'continuous', 'paged', 250, 2.5), row(128, 'static', 'contiguous', 120, 1)];
    const l = anyscaleLayout(rows, [32, 128, 512, 1536], area);
    expect(l.groups.map((g) => g.cap)).toEqual([32, 128, 512, 1536]);
    expect(l.bars.map((b) => b.arm)).toEqual(['static-contiguous', 'continuous-contiguous', 'continuous-paged', 'static-contiguous']);
    const [a, b, c, d] = l.bars;
    expect(b.height / a.height).toBeCloseTo(2, 6);
    expect(c.height / a.height).toBeCloseTo(2.5, 6);
    for (const bar of l.bars) expect(bar.y + bar.height).toBeCloseTo(area.top + area.height, 6);
    expect(a.x).toBeLessThan(b.x);
    expect(b.x).toBeLessThan(c.x);
    expect(d.x).toBeGreaterThanOrEqual(l.groups[1].x);
    expect(c.x + c.width).toBeLessThanOrEqual(l.groups[0].x + l.groups[0].width);
    expect(l.yMax).toBeGreaterThan(250);
  });

  it('keeps groups in place before any row arrives', () => {
    const l = anyscaleLayout([], [8, 32], area);
    expect(l.bars).toEqual([]);
    expect(l.groups[1].x).toBeCloseTo(240, 6);
  });
});
