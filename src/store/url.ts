import { SIM_ONLY_WORKLOADS, presetDefaults } from '../run/catalog';
import { DEFAULT_CONFIG, LIMITS, type RunConfig } from './config';

/**
 * A link's defaults: the app's, with the request count and arrival rate of the link's workload
 * preset, as choosing that preset in the select sets them. So `?workload=anyscale` means the
 * 1,000-request benchmark, and only counts that differ from the preset's are written.
 */
const defaultsFor = (workload: string): RunConfig => ({ ...DEFAULT_CONFIG, workload, ...presetDefaults(workload) });

/**
 * The configuration as a query string: short, stable parameter names, only what differs from the
 * defaults, and a reader that ignores anything malformed instead of failing (links get mangled).
 */
const KEYS: Record<keyof RunConfig, string> = {
  strategy: 'strategy',
  maxNumSeqs: 'max_num_seqs',
  maxNumBatchedTokens: 'max_num_batched_tokens',
  chunkedPrefill: 'chunked_prefill',
  separatePrefill: 'separate_prefill',
  waitingServedRatio: 'waiting_served_ratio',
  maxWaitingTokens: 'max_waiting_tokens',
  kv: 'kv',
  prefixCaching: 'prefix_caching',
  blockSize: 'block_size',
  kvCapacity: 'kv_capacity',
  workload: 'workload',
  requests: 'requests',
  rate: 'rate',
  seed: 'seed',
  prompts: 'prompt',
  completions: 'n',
  backend: 'backend',
  gpu: 'gpu',
  simModel: 'sim_model',
  speed: 'speed',
};

const ENUMS: Partial<Record<keyof RunConfig, readonly string[]>> = {
  strategy: ['static', 'continuous'],
  kv: ['paged', 'contiguous'],
  backend: ['webgpu', 'cpu', 'sim'],
  speed: ['teach', 'slow', 'max', 'step'],
};

export function configToQuery(c: RunConfig, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  const defaults = defaultsFor(c.workload);
  for (const key of Object.keys(KEYS) as (keyof RunConfig)[]) {
    const v = c[key];
    if (key === 'prompts') {
      for (const p of c.prompts) q.append(KEYS.prompts, p);
      continue;
    }
    if (v !== (key === 'workload' ? DEFAULT_CONFIG.workload : defaults[key])) q.set(KEYS[key], String(v));
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function configFromQuery(search: string): RunConfig {
  const q = new URLSearchParams(search);
  const base = defaultsFor(q.get(KEYS.workload)?.slice(0, 64) ?? DEFAULT_CONFIG.workload);
  const c: RunConfig = { ...base, prompts: q.getAll(KEYS.prompts).filter((p) => p.trim()).slice(0, 32) };
  const out = c as unknown as Record<string, unknown>;
  for (const key of Object.keys(KEYS) as (keyof RunConfig)[]) {
    const raw = q.get(KEYS[key]);
    if (raw === null || key === 'prompts') continue;
    const def = base[key];
    if (typeof def === 'boolean') out[key] = raw === 'true' || raw === '1';
    else if (typeof def === 'number') {
      const n = Number(raw);
      const [lo, hi] = (LIMITS as Record<string, readonly [number, number]>)[key] ?? [-Infinity, Infinity];
      if (Number.isFinite(n)) out[key] = Math.min(hi, Math.max(lo, n));
    } else if (!ENUMS[key] || ENUMS[key]!.includes(raw)) out[key] = raw.slice(0, 64);
  }
  // A preset only the simulator can serve (production-size prompts) brings the simulator along,
  // unless the link asked for another backend: then, as the backend select does, the default preset.
  if (SIM_ONLY_WORKLOADS.includes(c.workload) && c.backend !== 'sim') {
    if (!q.has(KEYS.backend)) c.backend = 'sim';
    else Object.assign(c, { workload: DEFAULT_CONFIG.workload, ...presetDefaults(DEFAULT_CONFIG.workload) });
  }
  return c;
}
