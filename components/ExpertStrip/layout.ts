import type { IterationEvent } from '../../engine/serve/events';

/** One column of the heat strip: an iteration's tokens per expert, for one layer or all layers summed. */
export interface StripColumn {
  /** The event index (0-based; the page shows it 1-based, as the grid does). */
  iteration: number;
  /** Tokens routed to each expert (E values). */
  load: number[];
  touched: number;
  /** max / mean of `load` (1 = even). */
  imbalance: number;
}

export interface StripLayout {
  nExperts: number;
  nLayers: number;
  columns: StripColumn[];
}

/** 'all' sums every layer: a token then counts once per layer it was routed in. */
export type StripLayer = number | 'all';

/**
 * The newest `maxColumns` iterations that carry a routing record (simulated runs have none: the
 * cost model routes nothing), as columns of per-expert loads for `layer`.
 */
export function stripLayout(events: readonly IterationEvent[], layer: StripLayer, maxColumns: number): StripLayout | null {
  const columns: StripColumn[] = [];
  let shape: { nExperts: number; nLayers: number } | null = null;
  for (let i = events.length - 1; i >= 0 && columns.length < maxColumns; i--) {
    const x = events[i].experts;
    if (!x?.load) continue;
    shape ??= { nExperts: x.nExperts, nLayers: x.nLayers };
    const E = x.nExperts;
    const load = new Array<number>(E).fill(0);
    for (let l = 0; l < x.nLayers; l++) {
      if (layer !== 'all' && l !== layer) continue;
      for (let e = 0; e < E; e++) load[e] += x.load[l * E + e];
    }
    const sum = load.reduce((a, b) => a + b, 0);
    const max = Math.max(...load);
    columns.push({ iteration: events[i].index, load, touched: load.filter((v) => v > 0).length, imbalance: sum > 0 ? max / (sum / E) : 1 });
  }
  if (!shape) return null;
  columns.reverse();
  return { ...shape, columns };
}
