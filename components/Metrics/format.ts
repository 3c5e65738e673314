import type { BoundedValue } from '../../src/run/latency';
import type { Percentiles } from '../../src/run/metrics';

/** Numbers as a learner reads them: few digits, units that fit the size. */
export function fmtRate(x: number): string {
  if (!Number.isFinite(x) || x <= 0) return '0';
  if (x >= 10000) return `${(x / 1000).toFixed(1)}k`;
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/** Several times in one unit: "152 · 300 · 320 ms" or "1.20 · 2.41 s". */
export function fmtMsList(values: readonly (number | undefined)[]): string {
  return fmtBoundedList(values.map((ms) => (ms === undefined ? undefined : { ms, lowerBound: false })));
}

/** The same, with "≥" before each figure that is only a lower bound so far: "≥ 5.03 · ≥ 11.7 s". */
export function fmtBoundedList(values: readonly (BoundedValue | undefined)[]): string {
  const ok = values.filter((v): v is BoundedValue => v !== undefined && Number.isFinite(v.ms));
  if (ok.length !== values.length || ok.length === 0) return '—';
  const inSeconds = Math.max(...ok.map((v) => v.ms)) >= 1000;
  const one = (v: number) => (inSeconds ? (v / 1000).toFixed(v >= 10000 ? 1 : 2) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  return `${ok.map((v) => `${v.lowerBound ? '≥ ' : ''}${one(v.ms)}`).join(' · ')} ${inSeconds ? 's' : 'ms'}`;
}

export const fmtPct = (x: number): string => `${x.toFixed(x > 0 && x < 10 ? 1 : 0)}%`;

export const fmtP = (p: Percentiles | null, key: 'p50' | 'p90' | 'p99' | 'mean'): string => fmtMs(p?.[key]);

/** "2.4x" between a and b, or a dash when either is missing. */
export function fmtRatio(a: number, b: number): string {
  if (!(a > 0) || !(b > 0)) return '—';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(r >= 2 ? 1 : 2)}×`;
}
