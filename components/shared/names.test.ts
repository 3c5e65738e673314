import { describe, expect, it } from 'vitest';
import { shortenAtWord } from './names';

describe('shortenAtWord', () => {
  it('keeps what fits and cuts longer names at a word boundary, never inside a word', () => {
    expect(shortenAtWord('batchscope-tiny', 20)).toBe('batchscope-tiny');
    expect(shortenAtWord('Simulated: OPT-13B on NVIDIA A100 40GB (times are predicted)', 30)).toBe('Simulated: OPT-13B on NVIDIA…');
    for (const n of [8, 12, 17, 25]) {
      const s = shortenAtWord('Llama 2 13B on NVIDIA H100 SXM 80GB', n);
      const kept = s.replace(/…$/, '').split(' ');
      expect('Llama 2 13B on NVIDIA H100 SXM 80GB'.split(' ').slice(0, kept.length)).toEqual(kept);
    }
  });
});
