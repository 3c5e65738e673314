import { describe, expect, it } from 'vitest';
import { integerTicks, powerOfTwoTicks, valueTick } from './ticks';

describe('chart ticks', () => {
  it('never writes a small value with an SI "milli" suffix', () => {
    expect([0, 0.2, 0.8, 15].map(valueTick())).toEqual(['0', '0.2', '0.8', '15']);
    expect([1500, 2000].map(valueTick())).toEqual(['1.5k', '2k']);
    expect(valueTick('%')(40)).toBe('40%');
  });

  it('keeps only whole iteration numbers', () => {
    expect(integerTicks([1, 1.2, 1.4, 1.6, 1.8, 2])).toEqual([1, 2]);
  });

  it('thins batch sizes so their labels fit the axis', () => {
    expect(powerOfTwoTicks(256, 600)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(powerOfTwoTicks(256, 130)).toEqual([1, 4, 16, 64, 256]);
    expect(powerOfTwoTicks(2, 130)).toEqual([1, 2]);
  });
});
