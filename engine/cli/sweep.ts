import { SimBackend, gpuPreset, simModelPreset } from '../backend/sim/backend';
import { weightBytes } from '../backend/sim/presets';
import type { Backend, KvLayout } from '../backend/types';
import { BatchscopeError } from '../errors';
import { proposeTokenBudget } from '../experiments/budget';
import { describeKnee } from '../experiments/knee';
import { devicePoolPositions, runSweep, type SweepResult } from '../experiments/sweep';
import { kvDim } from '../model/config';
import { intFlag, oneOf, parseFlags } from './args';
import { BACKEND_CHOICES, CPU_KERNEL_CHOICES, CPU_KERNELS_HELP, createBackend, type CliBackend } from './backends';
import { BUILT_IN_NAMES, GPU_NAMES, SIM_MODEL_NAMES, checkpointPathFor, defaultModelPath, readCheckpointFile } from './files';
import type { Io } from './io';

export const SWEEP_HELP = `Usage: batchscope sweep [--backend cpu|webgpu|sim] [options]

Times one decode step at growing tokens per step (1, 2, 3, 4, 6, 8, ...) and marks the knee
where batching stops being nearly free: the batching article's flat-then-linear curve. The sim
goes to --max-tokens; a real device stops once a step takes 4x the 1-token step, after 60 s, or
at a 256 MiB KV pool.

Options:
  --backend B         cpu, webgpu or sim (default cpu); sim times are simulated
  --gpu PRESET        sim: ${GPU_NAMES} (default A100-40GB)
  --sim-model PRESET  sim: ${SIM_MODEL_NAMES} (default OPT-13B)
  --model NAME|FILE   cpu/webgpu: a built-in model (${BUILT_IN_NAMES}; default batchscope-tiny) or a checkpoint file
  --cpu-kernels K     ${CPU_KERNELS_HELP}
  --max-tokens N      largest tokens per step (default 2048)
  --repeats N         decode steps timed per size, the fastest kept (default 5; the sim needs 1)
  --json              print one JSON object: {backend, points: [{tokens, stepMs, weightBytes}], knee, rule, ...}
  --debug             print stack traces on errors`;

const DEVICE_TIME_BUDGET_MS = 60_000;
const DEVICE_SLOWDOWN = 4;

export async function sweepCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      backend: { type: 'string' },
      gpu: { type: 'string' },
      'sim-model': { type: 'string' },
      model: { type: 'string' },
      'cpu-kernels': { type: 'string' },
      'max-tokens': { type: 'string' },
      repeats: { type: 'string' },
      json: { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'sweep',
  );
  if (values.help) {
    io.out(SWEEP_HELP + '\n');
    return 0;
  }
  const kind = oneOf(values.backend, 'backend', [...BACKEND_CHOICES, 'sim'] as const, 'cpu');
  const maxTokens = intFlag(values['max-tokens'], 'max-tokens', 2048, 1, 65_536);
  const repeats = intFlag(values.repeats, 'repeats', 5, 1, 100);
  let description = '';
  let result: SweepResult;
  const extra: Record<string, unknown> = {};
  if (kind === 'sim') {
    if (values.model !== undefined || values['cpu-kernels'] !== undefined) throw new BatchscopeError('bad-argument', '--model and --cpu-kernels apply only to --backend cpu or webgpu; the sim takes --sim-model');
    const gpu = gpuPreset(values.gpu ?? 'A100-40GB');
    const sim = simModelPreset(values['sim-model'] ?? 'OPT-13B');
    const make = (kv: KvLayout): Backend => new SimBackend(gpu, sim, kv);
    description = make({ numBlocks: 1, blockSize: 16 }).description;
    result = await runSweep(make, { maxTokens, repeats });
    // What the article computes by hand: FLOPs per byte of bandwidth, the batch at which a
    // 2-byte-per-weight decode step turns compute-bound.
    extra.flopsPerByte = Math.round(gpu.peakFlops / gpu.bandwidth);
    extra.note = `cost model: the sweep asks only how long each step would take; whether its K/V (or ${sim.name}'s ${(weightBytes(sim) / 1e9).toFixed(1)} GB of weights) would fit ${gpu.name} is not checked`;
  } else {
    if (values.gpu !== undefined || values['sim-model'] !== undefined) throw new BatchscopeError('bad-argument', '--gpu and --sim-model apply only to --backend sim');
    // The sweep feeds token ids of its own: it needs no tokenizer.
    const path = values.model === undefined ? defaultModelPath : checkpointPathFor(values.model);
    const model = readCheckpointFile(path);
    const cpuKernels = values['cpu-kernels'] === undefined ? undefined : oneOf(values['cpu-kernels'], 'cpu-kernels', CPU_KERNEL_CHOICES, 'wasm');
    const bytesPerPosition = 2 * model.config.nLayers * kvDim(model.config) * 4;
    const make = async (kv: KvLayout): Promise<Backend> => {
      const b = await createBackend(kind as CliBackend, model, kv, (l) => io.err(l + '\n'), cpuKernels);
      description = b.description;
      return b;
    };
    result = await runSweep(make, { maxTokens, repeats, rounds: 3, slowdown: DEVICE_SLOWDOWN, timeBudgetMs: DEVICE_TIME_BUDGET_MS, maxPoolPositions: devicePoolPositions(bytesPerPosition) });
  }
  // For chunked prefill with the CLI's default max_num_seqs.
  const proposal = proposeTokenBudget(result, 8, result.points.at(-1)?.tokens ?? 1);
  const out = { backend: kind, description, ...result, ...extra, proposedTokenBudget: proposal.budget };
  if (values.json) io.out(JSON.stringify(out) + '\n');
  else {
    io.out(formatSweep(result, description) + '\n');
    io.out(`chunked prefill: try --max-batched-tokens ${proposal.budget} with 8 slots (${proposal.why})\n`);
    if (extra.note) io.out(`note: ${extra.note}\n`);
  }
  return 0;
}

export function formatSweep(r: SweepResult, description: string): string {
  // Weights read per step: flat for a dense model, growing with the batch for a mixture of experts.
  const mib = (p: SweepResult['points'][number]) => (p.weightBytes === undefined ? '' : `  ${(p.weightBytes / 2 ** 20).toFixed(2).padStart(12)}`);
  const rows = r.points.map((p) => `${String(p.tokens).padStart(7)}  ${p.stepMs.toFixed(3).padStart(10)}  ${(p.stepMs / r.points[0].stepMs).toFixed(2).padStart(6)}x${mib(p)}`);
  const why = { 'max-tokens': 'reached --max-tokens', slowdown: `a step took ${DEVICE_SLOWDOWN}x the 1-token step`, time: 'the time budget ran out', memory: 'the memory limit' }[r.stoppedBy];
  return [
    `${description}${r.timeSource === 'simulated' ? ' (SIMULATED times)' : ''}`,
    ` tokens     step ms   vs 1${r.points.some((p) => p.weightBytes !== undefined) ? '  weights MiB' : ''}`,
    ...rows,
    `stopped: ${why}`,
    `result: ${describeKnee(r, r.points, r.timeSource === 'simulated')}`,
    `rule: ${r.rule}`,
  ].join('\n');
}
