import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { configFromQuery, configToQuery, readQuery } from './url';

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
    // long-prompts brings the pool its 8 long requests need; the default pool is sized for the KV lesson.
    expect(configFromQuery('?workload=long-prompts')).toMatchObject({ requests: 32, kvCapacity: 4096 });
    expect(configToQuery(configFromQuery('?workload=long-prompts'))).toBe('?workload=long-prompts');
    // Only what differs from the preset is written, and it reads back the same.
    expect(configToQuery(a)).toBe('?workload=anyscale&backend=sim');
    const own = { ...DEFAULT_CONFIG, workload: 'poisson', rate: 0, requests: 8 };
    expect(configFromQuery(configToQuery(own))).toEqual(own);
    // A real backend named in the link keeps it; the simulator-only preset gives way, as in the select.
    expect(configFromQuery('?workload=anyscale&backend=cpu')).toMatchObject({ workload: 'high-variance', requests: 32, backend: 'cpu' });
  });
});

describe('a link the controls cannot show as written', () => {
  it('rounds a fractional integer and says so (max_num_seqs=2.5 stopped the engine)', () => {
    const r = readQuery('?max_num_seqs=2.5&requests=7.2');
    expect(r.config.maxNumSeqs).toBe(3);
    expect(r.config.requests).toBe(7);
    expect(r.problems).toEqual(['max_num_seqs=2.5 is not a whole number, so 3 is used', 'requests=7.2 is not a whole number, so 7 is used']);
  });

  it.each(['3', '64', '16.5', 'big'])('refuses block_size=%s, which the select does not offer (block 3 ran while it showed "1 tokens")', (v) => {
    const r = readQuery(`?block_size=${v}`);
    expect(r.config.blockSize).toBe(DEFAULT_CONFIG.blockSize);
    expect(r.problems).toEqual([`block_size=${v} is not offered (1, 2, 4, 8, 16, 32), so ${DEFAULT_CONFIG.blockSize} is used`]);
  });

  it('reads an empty value as the default (empty kv_capacity became the minimum and stopped the engine)', () => {
    const r = readQuery('?kv_capacity=&max_num_seqs=&strategy=&chunked_prefill=');
    expect(r.config).toEqual(DEFAULT_CONFIG);
    expect(r.problems).toEqual([]);
  });

  it('refuses a workload, GPU or model the selects do not offer, naming it (the select showed another value)', () => {
    const r = readQuery('?workload=nope&gpu=TPU&sim_model=GPT-5&backend=sim');
    expect(r.config).toMatchObject({ workload: DEFAULT_CONFIG.workload, gpu: DEFAULT_CONFIG.gpu, simModel: DEFAULT_CONFIG.simModel, backend: 'sim' });
    expect(r.problems).toHaveLength(3);
    expect(r.problems[0]).toMatch(/^workload=nope is not offered \(uniform, high-variance, poisson, .*anyscale.*\), so high-variance is used$/);
    expect(r.problems[1]).toMatch(/^gpu=TPU is not offered \(T4, A100-40GB, H100.*\), so A100-40GB is used$/);
  });

  it('offers the full-size workload only with the simulator, as the preset select does', () => {
    expect(readQuery('?workload=anyscale&backend=sim').config.workload).toBe('anyscale');
    const cpu = readQuery('?workload=anyscale&backend=cpu');
    expect(cpu.config.workload).toBe(DEFAULT_CONFIG.workload);
    expect(cpu.problems).toEqual(['workload=anyscale is offered only with backend=sim, so high-variance is used']);
    expect(readQuery('?workload=anyscale')).toMatchObject({ config: { workload: 'anyscale', backend: 'sim', requests: 1000 }, problems: [] });
  });

  it('says when it clamps a number or cannot read a value, and quotes only a short printable excerpt', () => {
    const r = readQuery(`?max_num_seqs=100000&seed=x&chunked_prefill=yes&rate=${'9'.repeat(30)}&strategy=%00%FF`);
    expect(r.config).toMatchObject({ maxNumSeqs: 64, seed: DEFAULT_CONFIG.seed, chunkedPrefill: false, rate: 1000, strategy: 'continuous' });
    expect(r.problems).toEqual([
      'strategy=?? is not offered (static, continuous), so continuous is used',
      'max_num_seqs=100000 is outside 1-64, so 64 is used',
      'chunked_prefill=yes is not true or false, so false is used',
      `rate=${'9'.repeat(24)}... is outside 0-1000, so 1000 is used`,
      'seed=x is not a number, so 1 is used',
    ]);
  });
});
