import { describe, expect, it } from 'vitest';
import { groupByExpert, routeTokens } from '../../model/moe';
import { transposeFold } from './pack-weights';
import { poisoned, runKernel } from './testing/gpu';
import { maxAbsDiff, randomArray, seeded } from './testing/random';

/**
 * The two MoE kernels with no dense counterpart, each against its TypeScript twin
 * (engine/model/moe.ts, what the CPU engine runs) on random data: moe_route (RMSNorm, router
 * logits, top k, weights) and moe_group (the counting sort by expert, padded to the 4-row tile).
 * moe_up, moe_down and moe_combine are the dense kernels' arithmetic over grouped rows; they are
 * checked through the whole forward pass in moe.gpu.test.ts. Outputs are poisoned first, so an
 * element a kernel forgets to write fails.
 */

const NONE = 0xffffffff;
const u32 = (f: Float32Array) => Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));
const poisonedU32 = (n: number) => new Uint32Array(poisoned(n).buffer);

const CASES: [number, number, number, number][] = [
  // seed, E, K, tokens
  [1, 8, 2, 1],
  [2, 8, 2, 37],
  [3, 5, 3, 13],
  [4, 2, 1, 9],
  [5, 64, 8, 21],
  [6, 7, 7, 6],
];

/** Router logits as the CPU forward computes them: RMSNorm (gain folded) of x, then the router's rows. */
function routerLogits(x: Float32Array, T: number, dim: number, router: Float32Array, gain: Float32Array, E: number): Float32Array {
  const logits = new Float32Array(T * E);
  for (let t = 0; t < T; t++) {
    let ss = 0;
    for (let k = 0; k < dim; k++) ss += x[t * dim + k] ** 2;
    const inv = 1 / Math.sqrt(ss / dim + 1e-5);
    for (let e = 0; e < E; e++) {
      let acc = 0;
      for (let k = 0; k < dim; k++) acc += router[e * dim + k] * gain[k] * x[t * dim + k];
      logits[t * E + e] = acc * inv;
    }
  }
  return logits;
}

describe.each(CASES)('MoE kernels vs TypeScript twins, seed %i: %i experts, top %i, %i tokens', (seed, E, K, T) => {
  it('moe_route picks the twin’s experts in its order and gives their weights within 1e-5', async () => {
    const rand = seeded(seed);
    const dim = 4 * (1 + Math.floor(rand() * 6)) + 1; // odd: no vec4 alignment of a token's row
    const x = randomArray(T * dim, rand, 2);
    const router = randomArray(E * dim, rand);
    const gain = randomArray(dim, rand);
    const out = await runKernel(
      'moe_route',
      {
        constants: { DIM: dim, E, K, WG: 16 },
        buffers: { step: new Uint32Array([T, 0]), x, w: transposeFold(router, 0, E, dim, gain, 0), experts: poisonedU32(T * K), weights: poisoned(T * K) },
        workgroups: [Math.ceil(T / 16)],
      },
      ['experts', 'weights'],
    );
    const experts = new Int32Array(T * K);
    const weights = new Float32Array(T * K);
    routeTokens(routerLogits(x, T, dim, router, gain, E), T, E, K, experts, weights);
    expect(u32(out.experts)).toEqual(Array.from(experts));
    expect(maxAbsDiff(out.weights, weights)).toBeLessThanOrEqual(1e-5);
  });

  it('moe_group sorts the slots by expert in token order, pads each expert to the tile, and tags every tile', async () => {
    const rand = seeded(seed + 100);
    // Each token's K distinct experts, skewed towards the low ids so some experts get none.
    const experts = new Int32Array(T * K);
    for (let t = 0; t < T; t++) {
      const chosen = new Set<number>();
      while (chosen.size < K) chosen.add(Math.floor(E * rand() ** 2));
      [...chosen].forEach((e, j) => (experts[t * K + j] = e));
    }
    const tiles = Math.floor((T * K + 3 * E + 3) / 4);
    const out = await runKernel(
      'moe_group',
      {
        constants: { E, K },
        buffers: { step: new Uint32Array([T, 0]), experts: Uint32Array.from(experts), slots: poisonedU32(4 * tiles), row_of: poisonedU32(T * K), tile_expert: poisonedU32(tiles), load: poisonedU32(E) },
        workgroups: [1],
      },
      ['slots', 'row_of', 'tile_expert', 'load'],
    );
    // The twin's unpadded grouping, laid out as the kernel pads it: expert e from a multiple of 4.
    const offsets = new Int32Array(E + 1);
    const order = new Int32Array(T * K);
    groupByExpert(experts, T, K, E, offsets, order, new Int32Array(T * K));
    const slots: number[] = [];
    const tileExpert: number[] = [];
    for (let e = 0; e < E; e++) {
      const mine = Array.from(order.subarray(offsets[e], offsets[e + 1]));
      const padded = Math.ceil(mine.length / 4) * 4;
      slots.push(...mine, ...Array<number>(padded - mine.length).fill(NONE));
      tileExpert.push(...Array<number>(padded / 4).fill(e));
    }
    const rowOf = new Array<number>(T * K);
    slots.forEach((s, r) => s !== NONE && (rowOf[s] = r));
    expect(tileExpert.length).toBeLessThanOrEqual(tiles);
    expect(u32(out.slots).slice(0, slots.length)).toEqual(slots);
    expect(u32(out.row_of)).toEqual(rowOf);
    expect(u32(out.tile_expert)).toEqual([...tileExpert, ...Array<number>(tiles - tileExpert.length).fill(NONE)]);
    expect(u32(out.load)).toEqual(Array.from({ length: E }, (_, e) => offsets[e + 1] - offsets[e]));
  });
});
