import { randomArray, seeded } from '../../backend/webgpu/testing/random';
import type { ModelConfig } from '../config';
import { weightShapes, type Model } from '../weights';

/** A model of the given shape with seeded random weights (gains near 1 in size, matrices 0.3). */
export function randomModel(c: ModelConfig, seed: number): Model {
  const rand = seeded(seed);
  const w = Object.fromEntries(weightShapes(c).map(([name, n]) => [name, randomArray(n, rand, name.startsWith('rms') ? 1 : 0.3)]));
  return { name: `random-${seed}`, config: c, weights: { ...w, wcls: w.tokenEmbedding } as Model['weights'] };
}
