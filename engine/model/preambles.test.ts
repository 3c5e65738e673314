import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOWN_PREAMBLE_MISSES, PREAMBLES, nearestPreamble, preambleTaskSource } from './preambles';

describe('preambles', () => {
  it('embeds tools/data/preambles.txt unchanged, one paragraph each', () => {
    const text = readFileSync(new URL('../../tools/data/preambles.txt', import.meta.url), 'utf8');
    expect(PREAMBLES).toEqual(text.split('\n\n').filter((p) => p.trim()).map((p) => p.split(/\s+/).filter(Boolean).join(' ')));
  });

  it('picks the preamble nearest a length, asks capitals and count-downs after it, and never returns a known miss', () => {
    expect([0, 101, 150, 186, 240, 300, 1000].map(nearestPreamble)).toEqual([0, 0, 1, 1, 2, 2, 2]);
    PREAMBLES.forEach((p, k) => {
      let seed = 7;
      const rng = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const questions = new Set<string>();
      for (let i = 0; i < 40; i++) {
        for (const want of [2, 5, 9, 60]) {
          const text = preambleTaskSource(k).prompt(want, rng).text;
          expect(text).toMatch(new RegExp(`^${p.replace(/[.?]/g, '\\$&')} (What is the capital of [A-Za-z ]+|Count down from \\d+):$`));
          questions.add(text.slice(p.length + 1).startsWith('Count') ? 'count_down' : 'capital');
        }
      }
      expect([...questions].sort()).toEqual(['capital', 'count_down']);
    });
    for (const [k, question] of KNOWN_PREAMBLE_MISSES) {
      const src = preambleTaskSource(k);
      let seed = 1;
      const rng = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      for (let i = 0; i < 200; i++) expect(src.prompt(201, rng).text).not.toBe(`${PREAMBLES[k]} ${question}`);
    }
  });
});
