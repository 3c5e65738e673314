import { pcgHash } from '../model/rng';

/** A seeded stream of uniforms in [0, 1): counter-based like the sampler, so a seed fixes everything. */
export function seededRandom(seed: number): () => number {
  let counter = 0;
  const base = pcgHash(seed >>> 0);
  return () => pcgHash((base ^ pcgHash(counter++)) >>> 0) / 4294967296;
}

/** Token-length distributions (integers >= 1). */
export type LengthSpec =
  | { kind: 'fixed'; n: number }
  | { kind: 'uniform'; min: number; max: number }
  /** Anyscale's benchmark: exponential with this mean, keeping only draws <= cap to set the variance. */
  | { kind: 'capped-exponential'; mean: number; cap: number };

export function sampleLength(spec: LengthSpec, rng: () => number): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.n;
    case 'uniform':
      return spec.min + Math.floor(rng() * (spec.max - spec.min + 1));
    case 'capped-exponential':
      for (;;) {
        const n = Math.max(1, Math.round(-spec.mean * Math.log(1 - rng())));
        if (n <= spec.cap) return n;
      }
  }
}

export const maxLength = (spec: LengthSpec): number => (spec.kind === 'fixed' ? spec.n : spec.kind === 'uniform' ? spec.max : spec.cap);

/** Arrival processes. Rates are requests per second of the engine's clock. */
export type ArrivalSpec = { kind: 'burst' } | { kind: 'poisson'; rate: number } | { kind: 'bursts'; size: number; everyMs: number };

/** Arrival times (ms) of `count` requests. */
export function arrivalTimes(spec: ArrivalSpec, count: number, rng: () => number): number[] {
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    if (spec.kind === 'poisson' && i > 0) t += (-1000 / spec.rate) * Math.log(1 - rng());
    out.push(spec.kind === 'burst' ? 0 : spec.kind === 'bursts' ? Math.floor(i / spec.size) * spec.everyMs : t);
  }
  return out;
}
