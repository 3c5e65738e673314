import { WORKLOAD_PRESETS } from '../../engine';
import { BLOCK_SIZES, GPU_OPTIONS, SIM_MODEL_OPTIONS, SIM_ONLY_WORKLOADS, presetDefaults } from '../run/catalog';
import { DEFAULT_CONFIG, LIMITS, type RunConfig } from './config';
import { ATTENTION_PATHS, KV_DTYPES, WEIGHT_DTYPES } from '../../engine/model/quant/formats';
import { BUILT_IN_MODELS } from '../../engine/model/builtin';
import { withoutMoeInt8 } from '../run/model-formats';

/**
 * A link's defaults: the app's, with the request count and arrival rate of the link's workload
 * preset, as choosing that preset in the select sets them. So `?workload=anyscale` means the
 * 1,000-request benchmark, and only counts that differ from the preset's are written.
 */
const defaultsFor = (workload: string): RunConfig => ({ ...DEFAULT_CONFIG, workload, ...presetDefaults(workload) });

/**
 * The configuration as a query string: short, stable parameter names, only what differs from the
 * defaults (the preset's counts for requests and rate). The reader never fails (links get mangled) and never changes a value silently: a value
 * it rounds, clamps or refuses is named in `problems`, which the page shows. An empty value means
 * the default; an enumerated value must be one the controls offer, so a select never shows a
 * different value from the one the engine runs.
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
  kvMemoryMib: 'kv_memory_mib',
  kvDtype: 'kv_dtype',
  weights: 'weights',
  attention: 'attention',
  workload: 'workload',
  requests: 'requests',
  rate: 'rate',
  seed: 'seed',
  prompts: 'prompt',
  completions: 'n',
  backend: 'backend',
  model: 'model',
  gpu: 'gpu',
  simModel: 'sim_model',
  speed: 'speed',
};

/** What each enumerated field may hold: exactly what its control offers (the preset and backend: `readWorkload`). */
function choices(key: keyof RunConfig): readonly string[] | undefined {
  switch (key) {
    case 'strategy':
      return ['static', 'continuous'];
    case 'kv':
      return ['paged', 'contiguous'];
    case 'backend':
      return ['webgpu', 'cpu', 'sim'];
    case 'kvDtype':
      return KV_DTYPES;
    case 'weights':
      return WEIGHT_DTYPES;
    case 'attention':
      return ATTENTION_PATHS;
    case 'speed':
      return ['teach', 'slow', 'max', 'step'];
    case 'blockSize':
      return BLOCK_SIZES.map(String);
    case 'gpu':
      return GPU_OPTIONS.map((o) => o.value);
    case 'simModel':
      return SIM_MODEL_OPTIONS.map((o) => o.value);
    case 'model':
      return BUILT_IN_MODELS.map((m) => m.name);
    default:
      return undefined;
  }
}

/** Numeric fields that take fractions; every other number is an integer. */
const FRACTIONAL: readonly (keyof RunConfig)[] = ['waitingServedRatio', 'rate', 'kvMemoryMib'];
const MAX_PROMPTS = 32;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

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

export interface QueryRead {
  config: RunConfig;
  /** One phrase per value not taken as written, e.g. 'block_size=3 is not offered (1, 2, ...), so 16 is used'. */
  problems: string[];
}

export function readQuery(search: string): QueryRead {
  const q = new URLSearchParams(search);
  const problems: string[] = [];
  const prompts = q.getAll(KEYS.prompts).filter((p) => p.trim());
  if (prompts.length > MAX_PROMPTS) problems.push(`${prompts.length} prompts given, so only the first ${MAX_PROMPTS} are used`);
  const { workload, backend } = readWorkload(q, problems);
  const base = defaultsFor(workload);
  const c: RunConfig = { ...base, backend, prompts: prompts.slice(0, MAX_PROMPTS) };
  const out = c as unknown as Record<string, unknown>;
  for (const key of Object.keys(KEYS) as (keyof RunConfig)[]) {
    const raw = q.get(KEYS[key]);
    if (raw === null || raw === '' || key === 'prompts' || key === 'workload' || key === 'backend') continue;
    // model=/path.bin with tokenizer= names a checkpoint by URL (main.tsx), not a built-in model.
    if (key === 'model' && q.has('tokenizer')) continue;
    const name = `${KEYS[key]}=${shorten(raw)}`;
    const def = base[key];
    const fallback = `so ${String(def)} is used`;
    const allowed = choices(key);
    if (allowed) {
      if (allowed.includes(raw)) out[key] = typeof def === 'number' ? Number(raw) : raw;
      else problems.push(`${name} is not offered (${allowed.join(', ')}), ${fallback}`);
    } else if (typeof def === 'boolean') {
      if (['true', '1', 'false', '0'].includes(raw)) out[key] = raw === 'true' || raw === '1';
      else problems.push(`${name} is not true or false, ${fallback}`);
    } else if (typeof def === 'number') {
      out[key] = readNumber(key, raw, name, def, problems);
    }
  }
  const resolved = withoutMoeInt8(c);
  if (resolved.notice) problems.push(`${KEYS.weights}=int8 with ${KEYS.model}=${c.model}: ${resolved.notice}`);
  return { config: resolved.config, problems };
}

/**
 * The preset and the backend, read together as the selects offer them: a preset only the
 * simulator can serve (production-size prompts) brings the simulator along, unless the link asks
 * for another backend; then, as the backend select does, the default preset is used, and said.
 */
function readWorkload(q: URLSearchParams, problems: string[]): Pick<RunConfig, 'workload' | 'backend'> {
  const backends = choices('backend')!;
  const rawBackend = q.get(KEYS.backend) || null;
  let backend = DEFAULT_CONFIG.backend;
  if (rawBackend !== null) {
    if (backends.includes(rawBackend)) backend = rawBackend as RunConfig['backend'];
    else problems.push(`${KEYS.backend}=${shorten(rawBackend)} is not offered (${backends.join(', ')}), so ${backend} is used`);
  }
  const raw = q.get(KEYS.workload) || null;
  const presets = Object.keys(WORKLOAD_PRESETS);
  let workload = DEFAULT_CONFIG.workload;
  if (raw !== null && !presets.includes(raw)) problems.push(`${KEYS.workload}=${shorten(raw)} is not offered (${presets.join(', ')}), so ${workload} is used`);
  else if (raw !== null) workload = raw;
  if (SIM_ONLY_WORKLOADS.includes(workload) && backend !== 'sim') {
    if (rawBackend === null) backend = 'sim';
    else {
      problems.push(`${KEYS.workload}=${workload} is offered only with backend=sim, so ${DEFAULT_CONFIG.workload} is used`);
      workload = DEFAULT_CONFIG.workload;
    }
  }
  return { workload, backend };
}

export const configFromQuery = (search: string): RunConfig => readQuery(search).config;

function readNumber(key: keyof RunConfig, raw: string, name: string, def: number, problems: string[]): number {
  // The default is always in range (a preset may bring more requests than the field offers: anyscale's 1,000).
  const [min, max] = (LIMITS as Record<string, readonly [number, number]>)[key] ?? [-Infinity, Infinity];
  const [lo, hi] = [Math.min(min, def), Math.max(max, def)];
  const n = DECIMAL.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(n)) {
    problems.push(`${name} is not a number, so ${def} is used`);
    return def;
  }
  let v = n;
  if (!FRACTIONAL.includes(key) && !Number.isInteger(v)) {
    v = Math.round(v);
    problems.push(`${name} is not a whole number, so ${v} is used`);
  }
  if (v < lo || v > hi) {
    const clamped = Math.min(hi, Math.max(lo, v));
    problems.push(`${name} is outside ${lo}-${hi}, so ${clamped} is used`);
    v = clamped;
  }
  return v === 0 ? 0 : v; // -0 (from "-0" or a tiny negative rounded) would not survive the address bar
}

/** A value as quoted back to the visitor: short and printable. */
function shorten(raw: string): string {
  const s = raw.replace(/[^\x20-\x7e]/g, '?');
  return s.length > 24 ? `${s.slice(0, 24)}...` : s;
}
