import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../src/content';
import { ORDER } from './Explain';

describe('the teaching panel', () => {
  it('offers every lesson in its topic list, once', () => {
    expect([...ORDER].sort()).toEqual(Object.keys(LESSONS).sort());
  });
});
