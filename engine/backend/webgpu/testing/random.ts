/** Seeded random data and comparisons for tests; no Node or GPU imports, so browser pages use it too. */
import type { ModelConfig } from '../../../model/config';
import { weightShapes, type Model } from '../../../model/weights';

/** Values in ±[0.05, 1): random, and never zero, so a missing term always shows. */
export function randomArray(n: number, rand: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const v = 0.05 + 0.95 * rand();
    return (rand() < 0.5 ? -v : v) * scale;
  });
}

/** A seeded generator (mulberry32) so a failing case can be rerun. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Largest |a - b|; NaN (poison) must sit at the same places in both, else Infinity. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
      if (!(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return Infinity;
    } else m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}

/** A random model of shape `c` (dense or MoE): weights in ±[0.015, 0.3), norm gains in ±[0.05, 1), shared classifier. */
export function randomModel(c: ModelConfig, seed: number): Model {
  const rand = seeded(seed);
  const w = Object.fromEntries(weightShapes(c).map(([name, n]) => [name, randomArray(n, rand, name.startsWith('rms') ? 1 : 0.3)]));
  return { name: `random-${seed}`, config: c, weights: { ...w, wcls: w.tokenEmbedding } as Model['weights'] };
}
