import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { configFromQuery, configToQuery } from './url';

describe('configuration in the URL', () => {
  it('writes nothing for the defaults', () => {
    expect(configToQuery(DEFAULT_CONFIG)).toBe('');
    expect(configFromQuery('')).toEqual(DEFAULT_CONFIG);
  });

  it('round-trips every kind of field, with upstream knob names', () => {
    const c = { ...DEFAULT_CONFIG, strategy: 'static' as const, maxNumSeqs: 16, chunkedPrefill: true, waitingServedRatio: 1.2, prompts: ['Count down from 9:', 'a & b'] };
    const q = configToQuery(c);
    expect(q).toContain('max_num_seqs=16');
    expect(q).toContain('waiting_served_ratio=1.2');
    expect(configFromQuery(q)).toEqual(c);
  });

  it('ignores malformed values and clamps numbers to what the controls allow', () => {
    const c = configFromQuery('?strategy=bogus&max_num_seqs=100000&seed=x&backend=cpu');
    expect(c.strategy).toBe(DEFAULT_CONFIG.strategy);
    expect(c.maxNumSeqs).toBe(64);
    expect(c.seed).toBe(DEFAULT_CONFIG.seed);
    expect(c.backend).toBe('cpu');
  });

  it('gives a preset from the link the counts the select gives it', () => {
    const a = configFromQuery('?workload=anyscale');
    expect(a).toMatchObject({ workload: 'anyscale', requests: 1000, rate: 0, backend: 'sim' });
    expect(configFromQuery('?workload=poisson')).toMatchObject({ requests: 32, rate: 20 });
    // Only what differs from the preset is written, and it reads back the same.
    expect(configToQuery(a)).toBe('?workload=anyscale&backend=sim');
    const own = { ...DEFAULT_CONFIG, workload: 'poisson', rate: 0, requests: 8 };
    expect(configFromQuery(configToQuery(own))).toEqual(own);
    // A real backend named in the link keeps it; the simulator-only preset gives way, as in the select.
    expect(configFromQuery('?workload=anyscale&backend=cpu')).toMatchObject({ workload: 'high-variance', requests: 32, backend: 'cpu' });
  });
});
