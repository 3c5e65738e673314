import { format } from 'd3';

const si = format('~s');
const plain = format('~g');

/**
 * A tick label for a chart value. d3's SI format writes 0.8 as "800m", which a learner reads as
 * 800 million: small values are written plainly, only thousands and up get k, M, ...
 */
export const valueTick = (unit = '') => (v: number | { valueOf(): number }): string => {
  const n = Number(v);
  return `${Math.abs(n) >= 1000 ? si(n) : plain(n)}${unit}`;
};

/** Iteration numbers have no halves: whole-number ticks only (a 2-iteration axis read "1 1 1 2 2 2"). */
export const integerTicks = (ticks: readonly number[]): number[] => ticks.filter(Number.isInteger);

/**
 * Batch sizes 1, 2, 4, ... up to `max`, thinned so labels at least `minGapPx` apart fit in
 * `widthPx` (on a narrow chart 64, 128 and 256 ran into one another).
 */
export function powerOfTwoTicks(max: number, widthPx: number, minGapPx = 24): number[] {
  const all: number[] = [];
  for (let b = 1; b <= max; b *= 2) all.push(b);
  const every = Math.max(1, Math.ceil((minGapPx * Math.max(1, all.length - 1)) / Math.max(1, widthPx)));
  return all.filter((_, i) => i % every === 0);
}
