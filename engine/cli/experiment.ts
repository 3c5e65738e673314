import { SimBackend, gpuPreset, simKvLayout, simModelPreset } from '../backend/sim/backend';
import type { Backend } from '../backend/types';
import { BatchscopeError } from '../errors';
import { ANYSCALE_DIFFERENCES, anyscalePlan, runAnyscale, type AnyscaleResult } from '../experiments/anyscale';
import type { Tokenizer } from '../model/tokenizer';
import { lengthOnlyPrompts, storyPrompts } from '../serve/prompts';
import { generateWorkload, materialize } from '../serve/workload';
import { MAX_SEED, intFlag, oneOf, parseFlags } from './args';
import { BACKEND_CHOICES, createBackend, type CliBackend } from './backends';
import { BUILT_IN_NAMES, GPU_NAMES, SIM_MODEL_NAMES, loadModelFiles } from './files';
import type { Io } from './io';

export const EXPERIMENT_HELP = `Usage: batchscope experiment anyscale [--backend sim|cpu|webgpu] [options]

Anyscale's continuous-batching benchmark: requests with 512-token prompts and output lengths
exponential (mean 128) kept under a cap of 32, 128, 512 or 1536 tokens, max_tokens forced (EOS
ignored), served by static batching (8 slots), continuous batching with contiguous KV and
continuous batching with paged KV (256 slots each). Prints tokens/s and the ratio to static at
each cap. The sim runs it at full size (1,000 requests, OPT-13B on an A100-40GB by default); a
real backend runs it scaled to the model's seq_len (prompts, caps and KV pool x seq_len/2048).

Options:
  --backend B         sim, cpu or webgpu (default sim); sim times are simulated
  --gpu PRESET        sim: ${GPU_NAMES} (default A100-40GB)
  --sim-model PRESET  sim: ${SIM_MODEL_NAMES} (default OPT-13B)
  --model NAME|FILE   cpu/webgpu: a built-in model (${BUILT_IN_NAMES}; default batchscope-tiny) or a checkpoint file
  --tokenizer FILE    cpu/webgpu: its tokenizer (default: the built-in model's)
  --requests N        requests per run (default 1000 on the sim, 32 on a real backend)
  --seed S            workload seed (default 1)
  --json              print one JSON object: {backend, caps, rows: [{cap, strategy, kv, tokensPerSecond, ratioToStatic}]}
  --debug             print stack traces on errors`;

export async function experimentCommand(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(EXPERIMENT_HELP + '\n');
    return name === undefined ? 1 : 0;
  }
  if (name !== 'anyscale') throw new BatchscopeError('bad-argument', `unknown experiment "${name}" (one of: anyscale)`);
  const { values } = parseFlags(
    rest,
    {
      backend: { type: 'string' },
      gpu: { type: 'string' },
      'sim-model': { type: 'string' },
      model: { type: 'string' },
      tokenizer: { type: 'string' },
      requests: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'experiment',
  );
  if (values.help) {
    io.out(EXPERIMENT_HELP + '\n');
    return 0;
  }
  const kind = oneOf(values.backend, 'backend', ['sim', ...BACKEND_CHOICES] as const, 'sim');
  const requests = values.requests === undefined ? undefined : intFlag(values.requests, 'requests', 0, 1, 100_000);
  const seed = intFlag(values.seed, 'seed', 1, 0, MAX_SEED);
  let backend: Backend;
  let tokenizer: Tokenizer | null = null;
  if (kind === 'sim') {
    if (values.model !== undefined || values.tokenizer !== undefined) throw new BatchscopeError('bad-argument', '--model and --tokenizer apply only to a real backend; the sim takes --sim-model');
    const gpu = gpuPreset(values.gpu ?? 'A100-40GB');
    const sim = simModelPreset(values['sim-model'] ?? 'OPT-13B');
    backend = new SimBackend(gpu, sim, simKvLayout(gpu, sim, 16));
  } else {
    if (values.gpu !== undefined || values['sim-model'] !== undefined) throw new BatchscopeError('bad-argument', '--gpu and --sim-model apply only to --backend sim');
    const files = values.model === undefined && values.tokenizer === undefined ? loadModelFiles() : loadModelFiles(values.model, values.tokenizer);
    tokenizer = files.tokenizer;
    const cap = anyscalePlan(files.model.config.seqLen).kvCapacity!;
    backend = await createBackend(kind as CliBackend, files.model, { numBlocks: cap / 16, blockSize: 16 }, (l) => io.err(l + '\n'));
  }
  const plan = anyscalePlan(kind === 'sim' ? null : backend.config.seqLen, requests);
  // Anyscale forced max_tokens and ignored EOS: story openings (a real model) or bare lengths (the sim), lengths forced.
  const source = tokenizer ? storyPrompts(tokenizer) : lengthOnlyPrompts;
  let result: AnyscaleResult;
  try {
    result = await runAnyscale(backend, plan, (spec) => materialize(generateWorkload(spec, source), tokenizer), {
      seed,
      // A real backend's ratios get the cost model's for the very same schedules on an A100 beside them.
      predictOn: kind === 'sim' ? undefined : { gpu: gpuPreset('A100-40GB'), model: simModelPreset('OPT-13B') },
      onRow: values.json ? undefined : (r) => io.err(`  cap ${r.cap} ${r.strategy} ${r.kv}: ${r.tokensPerSecond.toFixed(1)} tokens/s\n`),
    });
  } finally {
    backend.dispose();
  }
  if (values.json) io.out(JSON.stringify({ backend: kind, description: backend.description, ...result }) + '\n');
  else io.out(formatExperiment(result, backend.description) + '\n');
  return 0;
}

export function formatExperiment(r: AnyscaleResult, description: string): string {
  const p = r.plan;
  const head = `${description}${r.timeSource === 'simulated' ? ' (SIMULATED times)' : ''}: ${p.requests} requests of ${p.promptTokens} prompt tokens, outputs exponential mean ${p.meanOutput} under each cap${p.scale < 1 ? ` (Anyscale's setup x ${p.scale})` : ''}`;
  const predicted = r.rows.some((row) => row.predictedRatioToStatic !== undefined);
  const lines = [head, `    cap  strategy    KV          slots     tok/s  vs static${predicted ? '  same schedule on an A100 + OPT-13B (cost model)' : ''}`];
  for (const row of r.rows) {
    const gpu = row.predictedRatioToStatic !== undefined ? `  ${row.predictedRatioToStatic.toFixed(2).padStart(8)}x` : '';
    lines.push(`${String(row.cap).padStart(7)}  ${row.strategy.padEnd(10)}  ${row.kv.padEnd(10)}  ${String(row.maxNumSeqs).padStart(5)}  ${row.tokensPerSecond.toFixed(1).padStart(8)}  ${row.ratioToStatic.toFixed(2).padStart(8)}x${gpu}`);
  }
  return [...lines, '', ...ANYSCALE_DIFFERENCES.map((d) => `- ${d}`)].join('\n');
}
