/**
 * Fuzz: any query string gives a configuration the controls can show (enumerations among their
 * options, numbers in range, integers whole), and every value not taken as written is named.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZES, GPU_OPTIONS, SIM_MODEL_OPTIONS, presetDefaults, workloadOptions } from '../run/catalog';
import { FUZZ } from '../../tools/testing/fuzz';
import { DEFAULT_CONFIG, LIMITS } from './config';
import { configToQuery, readQuery } from './url';

const KEYS = ['strategy', 'max_num_seqs', 'max_num_batched_tokens', 'chunked_prefill', 'separate_prefill', 'waiting_served_ratio', 'max_waiting_tokens', 'kv', 'block_size', 'kv_capacity', 'workload', 'requests', 'rate', 'seed', 'prompt', 'backend', 'gpu', 'sim_model', 'speed'];
const value = fc.oneof(
  fc.constantFrom('', ' ', '0', '-0', '1', '2.5', '3', '16', '64', '1e3', '1e999', 'NaN', 'Infinity', '-1', '0x10', 'true', 'false', 'yes', 'static', 'continuous', 'paged', 'sim', 'cpu', 'webgpu', 'anyscale', 'uniform', 'poisson', 'T4', 'H100', 'OPT-13B', 'step', 'teach', '1000', '__proto__', 'toString'),
  fc.double().map(String),
  fc.integer().map(String),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const query = fc.array(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), value), { maxLength: 12 });

describe('fuzz: URL queries', () => {
  it('always give a configuration the controls can show, and name what they change', () => {
    fc.assert(
      fc.property(query, (pairs) => {
        const search = `?${new URLSearchParams(pairs).toString()}`;
        const { config: c, problems } = readQuery(search);
        expect(['static', 'continuous']).toContain(c.strategy);
        expect(['paged', 'contiguous']).toContain(c.kv);
        expect(['webgpu', 'cpu', 'sim']).toContain(c.backend);
        expect(BLOCK_SIZES).toContain(c.blockSize);
        expect(workloadOptions(c.backend).map((o) => o.value)).toContain(c.workload);
        expect(GPU_OPTIONS.map((o) => o.value)).toContain(c.gpu);
        expect(SIM_MODEL_OPTIONS.map((o) => o.value)).toContain(c.simModel);
        for (const [key, [lo, hi]] of Object.entries(LIMITS)) {
          const v = c[key as keyof typeof LIMITS];
          if (key === 'requests' && v === presetDefaults(c.workload).requests) continue; // a preset's own count
          expect(v, key).toBeGreaterThanOrEqual(lo);
          expect(v, key).toBeLessThanOrEqual(hi);
          if (key !== 'rate' && key !== 'waitingServedRatio') expect(Number.isInteger(v), key).toBe(true);
        }
        expect(c.prompts.length).toBeLessThanOrEqual(32);
        // What the page writes back into the address bar reads back as the same configuration, quietly.
        expect(readQuery(configToQuery(c))).toEqual({ config: c, problems: [] });
        // No silent replacement: the value read for a key (its first) is used as written, or named in a problem.
        const q = new URLSearchParams(search);
        for (const key of KEYS.filter((k) => k !== 'prompt')) {
          const raw = q.get(key);
          if (raw === null || raw === '') continue;
          const field = Object.entries({ strategy: 'strategy', max_num_seqs: 'maxNumSeqs', max_num_batched_tokens: 'maxNumBatchedTokens', chunked_prefill: 'chunkedPrefill', separate_prefill: 'separatePrefill', waiting_served_ratio: 'waitingServedRatio', max_waiting_tokens: 'maxWaitingTokens', kv: 'kv', block_size: 'blockSize', kv_capacity: 'kvCapacity', workload: 'workload', requests: 'requests', rate: 'rate', seed: 'seed', backend: 'backend', gpu: 'gpu', sim_model: 'simModel', speed: 'speed' }).find(([k]) => k === key)![1];
          const got = String((c as unknown as Record<string, unknown>)[field]);
          const same = got === raw || (typeof DEFAULT_CONFIG[field as keyof typeof DEFAULT_CONFIG] === 'number' && Number(raw) === Number(got)) || (got === 'true' && raw === '1') || (got === 'false' && raw === '0');
          if (!same) expect(problems.some((p) => p.startsWith(`${key}=`)), `${key}=${raw} became ${got} silently`).toBe(true);
        }
      }),
      FUZZ(2000),
    );
  });
});
