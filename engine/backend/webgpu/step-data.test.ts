import { describe, expect, it } from 'vitest';
import { GREEDY } from '../../model/sampler';
import { structLayout } from './reflect';
import { loadShaders } from './shaders';
import { packStep } from './step-data';

describe('packStep', () => {
  it('flattens a ragged step into token records, tables, logits rows and sampler jobs', async () => {
    const job = structLayout((await loadShaders()).sample, 'Job');
    const d = packStep(
      [
        { tokens: [5, 6, 7], startPos: 0, blockTable: [9, 2], logits: 'all' },
        { tokens: [8], startPos: 5, blockTable: [4, 1], logits: 'none', sample: { temperature: 0.5, topP: 0.9, seed: 3 } },
        { tokens: [11, 12], startPos: 3, blockTable: [0, 6], sample: GREEDY },
      ],
      { numBlocks: 10, blockSize: 4 },
      job,
    );
    expect(d.tokens).toBe(6);
    // {token, pos, slot = block * 4 + pos % 4, table offset}
    expect(Array.from(d.tokenInfo)).toEqual([5, 0, 36, 0, 6, 1, 37, 0, 7, 2, 38, 0, 8, 5, 5, 2, 11, 3, 3, 4, 12, 4, 24, 4]);
    expect(Array.from(d.tables)).toEqual([9, 2, 4, 1, 0, 6]);
    // All rows of the first; the last row of the second (it samples) and of the third.
    expect(Array.from(d.rows)).toEqual([0, 1, 2, 3, 5]);
    expect(d.logitRows).toEqual([{ first: 0, count: 3 }, { first: 3, count: 0 }, { first: 4, count: 1 }]);
    expect(Array.from(d.jobOf)).toEqual([-1, 0, 1]);
    const v = new DataView(d.jobs);
    // Job {row, seed, pos, temperature, top_p}; the token sampled follows the last new one.
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true), v.getFloat32(12, true), v.getFloat32(16, true)]).toEqual([3, 3, 6, 0.5, Math.fround(0.9)]);
    expect([v.getUint32(20, true), v.getUint32(28, true), v.getFloat32(32, true)]).toEqual([4, 5, 0]);
  });
});
