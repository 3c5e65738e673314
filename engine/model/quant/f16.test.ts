import { describe, expect, it } from 'vitest';
import { f16Bits, f16Value, roundF16 } from './f16';

describe('binary16 by hand', () => {
  it('round-trips every finite half exactly', () => {
    for (let h = 0; h < 65536; h++) {
      const v = f16Value(h);
      if (!Number.isFinite(v)) continue;
      const back = f16Bits(v);
      // +0 and -0 keep their sign bit
      expect(back, `bits ${h.toString(16)}`).toBe(h);
    }
  });

  it('rounds to nearest, ties to even, and knows the edges', () => {
    expect(f16Bits(1)).toBe(0x3c00);
    expect(f16Bits(65504)).toBe(0x7bff);
    expect(f16Bits(65520)).toBe(0x7c00); // halfway to the next power: rounds to infinity
    expect(f16Bits(-2)).toBe(0xc000);
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1).
    expect(roundF16(1 + 2 ** -11)).toBe(1);
    // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 and 1 + 2^-9: ties to even (1 + 2^-9).
    expect(roundF16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    expect(roundF16(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10);
    expect(roundF16(2 ** -24)).toBe(2 ** -24); // smallest subnormal
    expect(roundF16(2 ** -26)).toBe(0);
    expect(roundF16(3 * 2 ** -26)).toBe(2 ** -24);
    expect(roundF16(0.1)).toBeCloseTo(0.0999755859375, 12);
  });

  it('is within half an ulp of random values', () => {
    let s = 7;
    for (let i = 0; i < 10000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const x = (s / 2 ** 32 - 0.5) * 2 ** ((s % 30) - 14);
      const r = roundF16(x);
      const ulp = 2 ** (Math.max(-14, Math.floor(Math.log2(Math.abs(x)))) - 10);
      expect(Math.abs(r - x)).toBeLessThanOrEqual(ulp / 2 + 1e-30);
    }
  });
});
