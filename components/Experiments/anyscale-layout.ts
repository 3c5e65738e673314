import type { AnyscaleRow } from '../../engine';

/** The three setups, in the order bars stand in each group. */
export const ARMS = [
  { key: 'static-contiguous', label: 'static batching (8 slots)' },
  { key: 'continuous-contiguous', label: 'continuous, contiguous KV' },
  { key: 'continuous-paged', label: 'continuous, paged KV' },
] as const;
export type ArmKey = (typeof ARMS)[number]['key'];

export const armKey = (r: Pick<AnyscaleRow, 'strategy' | 'kv'>): ArmKey => `${r.strategy}-${r.kv}` as ArmKey;

export interface Bar {
  cap: number;
  arm: ArmKey;
  armIndex: number;
  x: number;
  y: number;
  width: number;
  height: number;
  tokensPerSecond: number;
  ratioToStatic: number;
}

export interface AnyscaleLayout {
  /** One group per cap, left to right, each with its centre for the axis label. */
  groups: { cap: number; x: number; width: number; centre: number }[];
  bars: Bar[];
  /** Top of the value axis (tokens/s). */
  yMax: number;
}

/**
 * Anyscale's chart: throughput (tokens/s) per output-length cap, one bar per setup, grouped by
 * cap. Caps not served yet keep their (empty) group, so bars never move as rows arrive.
 */
export function anyscaleLayout(rows: readonly AnyscaleRow[], caps: readonly number[], area: { left: number; top: number; width: number; height: number }, yMax?: number): AnyscaleLayout {
  const top = yMax ?? Math.max(1, ...rows.map((r) => r.tokensPerSecond)) * 1.12;
  const groupWidth = area.width / Math.max(1, caps.length);
  const pad = Math.min(18, groupWidth * 0.15);
  const barWidth = (groupWidth - 2 * pad) / ARMS.length;
  const groups = caps.map((cap, i) => ({ cap, x: area.left + i * groupWidth, width: groupWidth, centre: area.left + (i + 0.5) * groupWidth }));
  const bars: Bar[] = [];
  for (const r of rows) {
    const g = caps.indexOf(r.cap);
    const armIndex = ARMS.findIndex((a) => a.key === armKey(r));
    if (g < 0 || armIndex < 0) continue;
    const height = (r.tokensPerSecond / top) * area.height;
    bars.push({ cap: r.cap, arm: armKey(r), armIndex, x: groups[g].x + pad + armIndex * barWidth, y: area.top + area.height - height, width: barWidth * 0.9, height, tokensPerSecond: r.tokensPerSecond, ratioToStatic: r.ratioToStatic });
  }
  return { groups, bars, yMax: top };
}
