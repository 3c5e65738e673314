import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { SimBackend, gpuPreset, simKvLayout, simModelPreset } from '../backend/sim/backend';
import type { Backend } from '../backend/types';
import { BatchscopeError } from '../errors';
import { BOS, EOS, tokenLabel, type Tokenizer } from '../model/tokenizer';
import type { Model } from '../model/weights';
import { iterationsCsv } from '../serve/csv';
import { ServingEngine } from '../serve/engine';
import type { GoodputSlo, LatencyStats, RunSummary } from '../serve/metrics';
import { taskPromptSource } from '../model/tasks';
import { lengthOnlyPrompts, storyPrompts, type PromptSource } from '../serve/prompts';
import { MAX_COMPLETIONS, type Request, type RequestRecord } from '../serve/request';
import { STRATEGIES, type SchedulerKnobs } from '../serve/sched/knobs';
import { serveToEnd } from '../serve/serve-run';
import { exportChromeTrace, sparseVocab, type TraceRun } from '../serve/trace';
import { generateWorkload, materialize, type Workload } from '../serve/workload';
import { parseWorkload, serializeWorkload } from '../serve/workload-json';
import { WORKLOAD_PRESETS, isWorkloadPreset, workloadPreset } from '../serve/workload-presets';
import { KV_MANAGERS } from '../kv/policy';
import { LIMITS, formatBytes } from '../limits';
import { MAX_SEED, intFlag, numberFlag, oneOf, parseFlags } from './args';
import { BACKEND_CHOICES, CPU_KERNELS_HELP, CPU_KERNEL_CHOICES, createBackend, type CliBackend } from './backends';
import { FORMAT_FLAGS, FORMAT_OPTIONS_HELP, capacityForBudget, formatFlags } from './formats';
import { BUILT_IN_NAMES, GPU_NAMES, SIM_MODEL_NAMES, loadModelFiles, readTextFile } from './files';
import { Outputs } from './outputs';
import type { Io } from './io';

const BACKENDS = [...BACKEND_CHOICES, 'sim'] as const;
const PROMPT_SOURCES = ['tasks', 'stories', 'lengths'] as const;
const DEFAULT_CAPACITY = 4096;

/** Flags shared by `run` and `bench`: what to serve, on what, with which knobs. */
export const SERVING_FLAGS = {
  workload: { type: 'string' },
  backend: { type: 'string' },
  gpu: { type: 'string' },
  'sim-model': { type: 'string' },
  model: { type: 'string' },
  tokenizer: { type: 'string' },
  prompts: { type: 'string' },
  requests: { type: 'string' },
  rate: { type: 'string' },
  'max-batch': { type: 'string' },
  'max-batched-tokens': { type: 'string' },
  'chunked-prefill': { type: 'boolean' },
  'prefix-caching': { type: 'boolean' },
  n: { type: 'string' },
  'separate-prefill': { type: 'boolean' },
  'waiting-served-ratio': { type: 'string' },
  'max-waiting-tokens': { type: 'string' },
  'block-size': { type: 'string' },
  'kv-capacity': { type: 'string' },
  'cpu-kernels': { type: 'string' },
  ...FORMAT_FLAGS,
  seed: { type: 'string' },
  temperature: { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const SERVING_OPTIONS_HELP = `  --workload PRESET|FILE  ${Object.keys(WORKLOAD_PRESETS).join(', ')}, or a workload JSON file
  --backend B             ${BACKENDS.join(', ')} (default cpu); sim is a cost model, its times are simulated
  --gpu PRESET            sim: ${GPU_NAMES} (default A100-40GB)
  --sim-model PRESET      sim: ${SIM_MODEL_NAMES} (default OPT-13B)
  --model NAME|FILE       a built-in model (${BUILT_IN_NAMES}; default batchscope-tiny) or a llama2.c
                          checkpoint file; with sim, only its tokenizer is used
  --tokenizer FILE        llama2.c tokenizer (default: the built-in model's)
  --prompts SOURCE        tasks (the built-in model's prompts, whose answers end where the workload
                          wants), stories (openings, length forced), lengths (sim only); default:
                          tasks with a built-in model, stories with a checkpoint file, lengths with sim alone
  --requests N            number of requests, at most ${LIMITS.requestsPerWorkload} (default: the preset's; presets only)
  --rate R                Poisson arrivals at R requests/s instead of the preset's (presets only)
  --max-batch N           max_num_seqs: batch slots, at most ${LIMITS.batchSlots} (default 8)
  --max-batched-tokens N  max_num_batched_tokens: tokens per step (default 2048)
  --chunked-prefill       split prompts over steps so decodes never stall (Sarathi-Serve)
  --prefix-caching        reuse the KV blocks of prompt prefixes computed before (vLLM's automatic
                          prefix caching; paged KV only)
  --n N                   completions per request, at most ${MAX_COMPLETIONS} and max-batch (parallel sampling;
                          presets only: a file keeps its own)
  --separate-prefill      continuous: prefill newcomers alone, stalling decodes (TGI)
  --waiting-served-ratio R  continuous, no chunking: TGI's admission ratio (default 0: admit whenever a slot frees)
  --max-waiting-tokens N  continuous, no chunking: TGI's waiting_tokens at which waiting requests are forced in (default 20)
  --kv paged|contiguous   KV-cache manager (default paged)
  --block-size N          KV block size in positions (default 16)
  --kv-capacity TOKENS    KV pool size, in whole blocks (default 4096; sim: what the GPU holds after the weights)
  --cpu-kernels K         ${CPU_KERNELS_HELP}
${FORMAT_OPTIONS_HELP}
  --seed S                workload seed, 0..2^32-1 (default 1)
  --temperature T         sampling temperature, 0 = greedy (default 0; presets only: a file keeps its own)
  --json                  print one JSON object instead of the readable summary
  --debug                 print stack traces on errors`;

type Values = ReturnType<typeof parseFlags<typeof SERVING_FLAGS>>['values'];

/** The backend, tokenizer and prompt source a command serves with. */
export interface ServingSetup {
  backend: Backend;
  tokenizer: Tokenizer | null;
  prompts: PromptSource;
  knobs: Partial<SchedulerKnobs>;
  seed: number;
  /** What served the run, as the app names it: the checkpoint, or the simulated model and GPU. */
  modelName: string;
  prefixCaching: boolean;
}

export async function prepareServing(values: Values, io: Io): Promise<ServingSetup> {
  const kind = oneOf(values.backend, 'backend', BACKENDS, 'cpu');
  const blockSize = intFlag(values['block-size'], 'block-size', 16, 1);
  const formats = formatFlags(values, kind);
  if (formats.kvBytes !== undefined && values['kv-capacity'] !== undefined) throw new BatchscopeError('bad-argument', 'give the KV pool as --kv-capacity TOKENS or --kv-memory-mib M, not both');
  let capacity = values['kv-capacity'] === undefined ? undefined : intFlag(values['kv-capacity'], 'kv-capacity', 0, 1);
  if (blockSize > (capacity ?? (kind === 'sim' ? Infinity : DEFAULT_CAPACITY))) {
    throw new BatchscopeError('bad-argument', `--block-size ${blockSize} is larger than the KV pool (${capacity ?? DEFAULT_CAPACITY} positions, --kv-capacity)`);
  }
  let model: Model | null = null;
  let tokenizer: Tokenizer | null = null;
  let builtIn: string | null = null;
  // The sim needs a tokenizer only for text prompts (task or story prompts, or a model named).
  const textPrompts = values.prompts !== undefined && values.prompts !== 'lengths';
  if (kind !== 'sim' || values.model !== undefined || values.tokenizer !== undefined || textPrompts) {
    ({ model, tokenizer, builtIn } = loadModelFiles(values.model, values.tokenizer));
  }
  let backend: Backend;
  if (kind === 'sim') {
    if (values['cpu-kernels'] !== undefined) throw new BatchscopeError('bad-argument', '--cpu-kernels applies only to the CPU engine (--backend cpu, or webgpu falling back to it), not to --backend sim');
    const gpu = gpuPreset(values.gpu ?? 'A100-40GB');
    const sim = simModelPreset(values['sim-model'] ?? 'OPT-13B');
    if (formats.kvBytes !== undefined) capacity = capacityForBudget(sim.config, formats, blockSize);
    backend = new SimBackend(gpu, sim, simKvLayout(gpu, sim, blockSize, capacity, formats), formats);
  } else {
    if (values.gpu !== undefined || values['sim-model'] !== undefined) throw new BatchscopeError('bad-argument', '--gpu and --sim-model apply only to --backend sim');
    const cap = formats.kvBytes !== undefined ? capacityForBudget(model!.config, formats, blockSize) : (capacity ?? DEFAULT_CAPACITY);
    const cpuKernels = values['cpu-kernels'] === undefined ? undefined : oneOf(values['cpu-kernels'], 'cpu-kernels', CPU_KERNEL_CHOICES, 'wasm');
    const kv = { numBlocks: Math.max(1, Math.floor(cap / blockSize)), blockSize, dtype: formats.kv };
    backend = await createBackend(kind as CliBackend, model!, kv, (l) => io.err(l + '\n'), cpuKernels, formats);
  }
  const promptKind = oneOf(values.prompts, 'prompts', PROMPT_SOURCES, !tokenizer ? 'lengths' : builtIn ? 'tasks' : 'stories');
  // A real model reads the prompt's ids: filler ids would be served as if they were a prompt.
  if (promptKind === 'lengths' && kind !== 'sim') throw new BatchscopeError('bad-argument', `--prompts lengths applies only to --backend sim (a real model needs text prompts: tasks or stories)`);
  const prompts = promptKind === 'lengths' ? lengthOnlyPrompts : promptKind === 'tasks' ? taskPromptSource : storyPrompts(tokenizer);
  const ratio = numberFlag(values['waiting-served-ratio'], 'waiting-served-ratio', 0, 0, 1000);
  const knobs: Partial<SchedulerKnobs> = {
    maxNumSeqs: intFlag(values['max-batch'], 'max-batch', 8, 1, LIMITS.batchSlots),
    maxNumBatchedTokens: intFlag(values['max-batched-tokens'], 'max-batched-tokens', 2048, 1),
    chunkedPrefill: values['chunked-prefill'] ?? false,
    separatePrefill: values['separate-prefill'] ?? false,
    waitingServedRatio: ratio,
    maxWaitingTokens: intFlag(values['max-waiting-tokens'], 'max-waiting-tokens', 20, 0),
  };
  const modelName = kind === 'sim' ? backend.description : basename(model!.name).replace(/\.bin$/, '');
  return { backend, tokenizer, prompts, knobs, seed: intFlag(values.seed, 'seed', 1, 0, MAX_SEED), modelName, prefixCaching: values['prefix-caching'] ?? false };
}

/** A preset generated with the command's seed and overrides, or a workload file as saved. */
export function resolveWorkload(name: string, values: Values, setup: ServingSetup): Workload {
  // Something that looks like a path is a file, so a typo in it says "file not found", not "unknown preset".
  if (!isWorkloadPreset(name) && (existsSync(name) || /[\\/]|\.json$/i.test(name))) {
    // A file is replayed as saved: silently ignoring these would report a run nobody asked for.
    const ignored = (['requests', 'rate', 'temperature', 'n'] as const).filter((f) => values[f] !== undefined);
    if (ignored.length) throw new BatchscopeError('bad-argument', `${ignored.map((f) => `--${f}`).join(', ')} apply only to presets; ${name} is a workload file (edit it instead)`);
    return parseWorkload(readTextFile(name, 'workload'), name);
  }
  const spec = workloadPreset(name, setup.seed);
  if (values.requests !== undefined) spec.count = intFlag(values.requests, 'requests', spec.count, 1, LIMITS.requestsPerWorkload);
  if (values.rate !== undefined) spec.arrival = { kind: 'poisson', rate: numberFlag(values.rate, 'rate', 1, 1e-6, 1e9) };
  if (values.temperature !== undefined) spec.temperature = numberFlag(values.temperature, 'temperature', 0, 0, 100);
  if (values.n !== undefined) spec.completions = { kind: 'fixed', n: intFlag(values.n, 'n', 1, 1, MAX_COMPLETIONS) };
  return generateWorkload(spec, setup.prompts);
}

export function workloadRequests(w: Workload, setup: ServingSetup): Request[] {
  // A saved workload of task prompts holds text only; the sim needs their lengths, so it borrows
  // the built-in tokenizer they were written for (story prompts are saved with their tokens).
  const needsTokenizer = !setup.tokenizer && w.requests.some((r) => r.prompt !== undefined && !r.promptTokens);
  return materialize(w, needsTokenizer ? loadModelFiles().tokenizer : setup.tokenizer, setup.backend.config.seqLen);
}

/** vLLM bench's `--goodput ttft:MS tpot:MS e2el:MS`, here repeatable or comma-separated. */
export function parseGoodput(values: readonly string[] | undefined): GoodputSlo | undefined {
  if (!values?.length) return undefined;
  const slo: GoodputSlo = {};
  for (const part of values.flatMap((v) => v.split(/[,\s]+/)).filter(Boolean)) {
    const m = /^(ttft|tpot|e2el):(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new BatchscopeError('bad-argument', `--goodput takes ttft:MS, tpot:MS or e2el:MS, got "${part}"`);
    slo[`${m[1] as 'ttft' | 'tpot' | 'e2el'}Ms`] = Number(m[2]);
  }
  return slo;
}

export const RUN_HELP = `Usage: batchscope run --strategy static|continuous --workload PRESET|FILE [options]

Serves a workload with static or continuous batching and reports throughput, latency (vLLM's
names: TTFT, TPOT, ITL, e2e, queue time), slot occupancy and KV-cache waste.

Options:
  --strategy S            static or continuous (default continuous)
${SERVING_OPTIONS_HELP}
  --goodput SLO           ttft:MS,tpot:MS,e2el:MS: also report requests/s meeting them
  --trace FILE            write a Chrome/Perfetto trace (open it in ui.perfetto.dev)
  --csv FILE              write one CSV row per iteration
  --outputs FILE          write each request's completions, one JSON line per request:
                          {"id", "texts": [...], "tokens": [[...]]} (real models only)
  --save-workload FILE    write the workload as JSON (replay it with --workload FILE)

Output files are checked before the run starts; if one still cannot be written at the end, the
summary is printed anyway and the exit code is 1. Throughput counts busy time: time spent waiting
for the next arrival is reported apart (idleSeconds). Input limits: docs/architecture.md.`;

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      ...SERVING_FLAGS,
      strategy: { type: 'string' },
      goodput: { type: 'string', multiple: true },
      trace: { type: 'string' },
      csv: { type: 'string' },
      outputs: { type: 'string' },
      'save-workload': { type: 'string' },
      kv: { type: 'string' },
    },
    'run',
  );
  if (values.help) {
    io.out(RUN_HELP + '\n');
    return 0;
  }
  if (values.workload === undefined) throw new BatchscopeError('bad-argument', 'give --workload PRESET or FILE (presets: ' + Object.keys(WORKLOAD_PRESETS).join(', ') + ')');
  const strategy = oneOf(values.strategy, 'strategy', STRATEGIES, 'continuous');
  const kvManager = oneOf(values.kv, 'kv', KV_MANAGERS, 'paged');
  if (strategy === 'static') {
    // These gate admission into a running batch, which static batching never does: say so rather than ignore them quietly.
    const unused = (['waiting-served-ratio', 'max-waiting-tokens', 'separate-prefill'] as const).filter((f) => values[f] !== undefined);
    if (unused.length) io.err(`batchscope run: note: ${unused.map((f) => `--${f}`).join(', ')} only affect continuous batching; ignored with --strategy static\n`);
  } else if (values['chunked-prefill']) {
    // TGI drops its admission rules when it chunks prefills; the scheduler does too.
    const unused = (['waiting-served-ratio', 'max-waiting-tokens', 'separate-prefill'] as const).filter((f) => values[f] !== undefined);
    if (unused.length) io.err(`batchscope run: note: ${unused.map((f) => `--${f}`).join(', ')} are ignored with --chunked-prefill, as in TGI\n`);
  }
  const slo = parseGoodput(values.goodput);
  if (values.outputs !== undefined && values.backend === 'sim') {
    throw new BatchscopeError('bad-argument', '--outputs needs a real model: the sim backend computes no tokens (its outputs are placeholders)');
  }
  if (values['prefix-caching'] && kvManager === 'contiguous') {
    io.err('batchscope run: note: --prefix-caching shares paged KV blocks; a contiguous reservation cannot share, so nothing is cached with --kv contiguous\n');
  }
  const outputs = new Outputs().add('trace', values.trace).add('CSV', values.csv).add('workload', values['save-workload']).add('outputs', values.outputs);
  const setup = await prepareServing(values, io);
  try {
    const workload = resolveWorkload(values.workload, values, setup);
    outputs.writeNow('workload', () => serializeWorkload(workload));
    const requests = workloadRequests(workload, setup);
    const engine = new ServingEngine({ backend: setup.backend, requests, strategy, kvManager, knobs: setup.knobs, prefixCaching: setup.prefixCaching });
    const result = await serveToEnd(engine, { keepEvents: outputs.has('trace') || outputs.has('CSV'), slo });
    const label = `${strategy} · ${kvManager} · ${setup.backend.kind}`;
    outputs.write('trace', () => {
      const run: TraceRun = { label, strategy, backend: setup.backend.kind, kvManager, events: result.events, requests: result.records };
      return exportChromeTrace([withText(run, requests, setup)]);
    });
    outputs.write('CSV', () => iterationsCsv(result.events));
    outputs.write('outputs', () => outputsJsonLines(result.records, setup.tokenizer));
    if (values.json) io.out(JSON.stringify(result.summary) + '\n');
    else io.out(formatSummary(result.summary, workload, setup.backend.description) + '\n');
  } finally {
    setup.backend.dispose();
  }
  return outputs.finish(io, 'run');
}

/**
 * Adds what a replay needs to show the run as text. The sim's prompts without text are filler ids,
 * so they stay out; and it samples placeholders, so it gets no vocab.
 */
function withText(run: TraceRun, requests: readonly Request[], setup: ServingSetup): TraceRun {
  const sim = setup.backend.kind === 'sim';
  const prompts = requests
    .filter((r) => !sim || r.promptText !== undefined)
    .map((r) => ({ id: r.id, prompt: r.prompt, ...(r.promptText !== undefined ? { promptText: r.promptText } : {}) }));
  const out: TraceRun = { ...run, modelName: setup.modelName, ...(prompts.length ? { prompts } : {}) };
  const tok = setup.tokenizer;
  if (sim || !tok) return out;
  // Labelled as the app labels tokens, so a replay reads like the live run.
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  out.vocab = sparseVocab(out, (id) => tokenLabel(tok, id, utf8));
  return out;
}

/**
 * One JSON line per request, in id order: every completion's text (the stopping EOS left out) and
 * its generated tokens (EOS included), so runs can be compared for equality.
 */
export function outputsJsonLines(records: readonly RequestRecord[], tokenizer: Tokenizer | null): string {
  const text = (tokens: number[]) => {
    const body = tokens.length && (tokens[tokens.length - 1] === EOS || tokens[tokens.length - 1] === BOS) ? tokens.slice(0, -1) : tokens;
    return tokenizer ? tokenizer.decode(body, -1) : null;
  };
  return records
    .map((r) => {
      const outs = r.completions?.map((c) => c.output) ?? [r.output];
      return JSON.stringify({ id: r.id, texts: outs.map(text), tokens: outs });
    })
    .map((l) => l + '\n')
    .join('');
}

const fmt = (x: number | null, digits = 3) => (x === null ? '-' : x.toFixed(digits));

/** Idle time is reported apart from the busy time the throughput divides by. */
const idle = (s: RunSummary) => (s.idleSeconds > 0.0005 ? `; idle ${longDuration(s.idleSeconds)} waiting for arrivals (not counted)` : '');

function longDuration(seconds: number): string {
  const units: [number, string][] = [[365.25 * 86400, 'years'], [86400, 'days'], [3600, 'hours']];
  const big = seconds >= 36_000 ? units.find(([n]) => seconds >= n) : undefined;
  return big ? `${fmt(seconds, 0)} s (${(seconds / big[0]).toFixed(1)} ${big[1]})` : `${fmt(seconds)} s`;
}

export function formatSummary(s: RunSummary, w: Workload, backendDescription: string): string {
  const row = (name: string, l: LatencyStats) => `  ${name.padEnd(6)} ${[l.mean, l.p50, l.p90, l.p99].map((x) => fmt(x).padStart(9)).join('')}`;
  const simulated = s.timeSource === 'simulated' ? ' (SIMULATED times)' : '';
  return [
    `${s.strategy} batching, ${s.kvManager} KV, ${s.backend} backend: ${backendDescription}${simulated}`,
    `workload ${w.name}: ${s.requests} requests, ${s.completed} completed, ${s.generatedTokens} tokens generated in ${fmt(s.busySeconds)} s busy over ${s.iterations} iterations${idle(s)}`,
    `throughput  ${s.tokensPerSecond.toFixed(1)} tokens/s, ${s.requestsPerSecond.toFixed(2)} requests/s${s.goodput === undefined ? '' : `, goodput ${s.goodput.toFixed(2)} requests/s`} (per second of busy time)`,
    `latency (s)     mean      p50      p90      p99`,
    row('TTFT', s.ttft),
    row('TPOT', s.tpot),
    row('e2e', s.e2e),
    row('queue', s.queueTime),
    `occupancy   ${s.occupancy.toFixed(1)}% of slot-iterations busy, ${s.preemptions} preemptions`,
    ...(s.kv.capacityTokens !== undefined ? [`formats     weights ${s.weights}, KV ${s.kv.dtype} (${s.kv.bytesPerToken} bytes per position, ${s.kv.capacityTokens} positions), ${s.attention} attention`] : []),
    ...(s.traffic ? [`memory      ${formatBytes(s.traffic.perToken)} per token (computed from the shapes): weights ${formatBytes(s.traffic.weights)}, KV read ${formatBytes(s.traffic.kvRead)}, KV written ${formatBytes(s.traffic.kvWrite)}, activations ${formatBytes(s.traffic.activations)}, scores ${formatBytes(s.traffic.scores)} over the run`] : []),
    `prefill     ${s.prefixCache.tokensComputed} prompt tokens computed, ${s.prefixCache.tokensFromCache} served from the prefix cache (hit rate ${(100 * s.prefixCache.hitRate).toFixed(1)}%)`,
    `KV pool     used ${s.kv.usedPct.toFixed(1)}%, reserved ${s.kv.reservedPct.toFixed(1)}%, internal ${s.kv.internalPct.toFixed(1)}%, external ${s.kv.externalPct.toFixed(1)}%, free ${s.kv.freePct.toFixed(1)}%; waste ${s.kv.wastePct.toFixed(1)}% of allocated memory; sharing saved ${s.kv.sharedPct.toFixed(1)}% of the pool`,
    `scheduler   ${s.schedulerMsPerIteration.toFixed(4)} ms per iteration (${s.schedulerPct.toFixed(2)}% of iteration time)`,
    ...(s.experts ? [formatExperts(s.experts)] : []),
  ].join('\n');
}

function formatExperts(x: NonNullable<RunSummary['experts']>): string {
  const imbalance = x.imbalance === null ? '' : `, run load max/mean ${x.imbalance.toFixed(2)}`;
  return `experts     top ${x.topK} of ${x.count}: ${x.touchedPerStep.toFixed(2)} touched per layer per iteration${imbalance}, ${(x.expertBytesPerStep / 1024).toFixed(0)} KiB of expert weights read per iteration`;
}

