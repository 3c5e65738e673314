/**
 * npm run bench:chunked: chunked prefill on the long-prompts workload, for docs/benchmarks.md.
 * Each backend first sweeps its step time to pick the token budget the app proposes (at or below
 * the knee; small where there is no flat region), then serves long-prompts with whole prompts
 * and with chunked prefill at that budget. CPU runs are interleaved and repeated (the machine is
 * shared and its speed drifts several-fold within minutes): each figure is the median over rounds,
 * and the chunked/whole ratios are medians of per-round ratios, with the rounds in which chunked
 * prefill was lower. The sim's runs are deterministic.
 */
import { parseArgs } from 'node:util';
import { CpuBackend } from '../../engine/backend/cpu';
import { SimBackend, gpuPreset, simModelPreset } from '../../engine/backend/sim/backend';
import type { Backend, KvLayout } from '../../engine/backend/types';
import { loadModelFiles } from '../../engine/cli/files';
import { proposeTokenBudget } from '../../engine/experiments/budget';
import { runSweep } from '../../engine/experiments/sweep';
import { taskPromptSource } from '../../engine/model/tasks';
import { ServingEngine } from '../../engine/serve/engine';
import { serveToEnd } from '../../engine/serve/serve-run';
import { generateWorkload, materialize } from '../../engine/serve/workload';
import { workloadPreset } from '../../engine/serve/workload-presets';
import { machineDescription, replaceMarked, updateBenchmarksDoc } from './doc';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, write: { type: 'boolean' } } });
const ROUNDS = Number(values.rounds ?? 7);
const { model, tokenizer } = loadModelFiles();
const requests = materialize(generateWorkload(workloadPreset('long-prompts', 1), taskPromptSource), tokenizer);
const gpu = gpuPreset('A100-40GB');
const opt = simModelPreset('OPT-13B');
const LONG = 300;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Figures {
  tpotP99: number;
  itlP99: number;
  ttftP50: number;
  ttftLongP50: number;
  tps: number;
}

async function serve(backend: Backend, knobs: object): Promise<Figures> {
  const r = await serveToEnd(new ServingEngine({ backend, requests, strategy: 'continuous', kvManager: 'paged', knobs }));
  const long = r.records.filter((q) => q.promptTokens >= LONG).map((q) => (q.tokenMs[0] - q.arrivalMs) / 1000);
  const s = r.summary;
  return { tpotP99: s.tpot.p99!, itlP99: s.itl.p99!, ttftP50: s.ttft.p50!, ttftLongP50: median(long), tps: s.tokensPerSecond };
}

async function bench(name: string, make: (kv: KvLayout) => Backend, rounds: number): Promise<string[]> {
  const sweep = await runSweep(make, name === 'cpu' ? { maxTokens: 2048, slowdown: 4, timeBudgetMs: 30_000 } : { maxTokens: 2048 });
  const { budget } = proposeTokenBudget(sweep, 8, sweep.points.at(-1)!.tokens);
  const arms = { whole: {}, chunked: { chunkedPrefill: true, maxNumBatchedTokens: budget } };
  const got: Record<string, Figures[]> = { whole: [], chunked: [] };
  for (let i = 0; i < rounds; i++) for (const [k, knobs] of Object.entries(arms)) got[k].push(await serve(make({ numBlocks: 256, blockSize: 16 }), knobs));
  const m = (k: string, f: keyof Figures) => median(got[k].map((x) => x[f]));
  const verdict = sweep.verdict === 'knee' ? `knee ~${sweep.knee}` : sweep.verdict.replace(/-/g, ' ');
  const rows = (['whole', 'chunked'] as const).map((k) =>
    `| ${name} (${verdict}) | ${k === 'whole' ? 'whole prompts (budget 2048)' : `chunked, budget ${budget}`} | ${(1000 * m(k, 'tpotP99')).toFixed(1)} | ${(1000 * m(k, 'itlP99')).toFixed(1)} | ${m(k, 'ttftP50').toFixed(2)} | ${m(k, 'ttftLongP50').toFixed(2)} | ${m(k, 'tps').toFixed(0)} |`,
  );
  const ratio = (f: keyof Figures) => {
    const per = got.chunked.map((c, i) => c[f] / got.whole[i][f]);
    return `${median(per).toFixed(2)} (lower in ${per.filter((r) => r < 1).length} of ${per.length})`;
  };
  ratios.push(`| ${name} | ${budget} | ${ratio('tpotP99')} | ${ratio('itlP99')} | ${ratio('ttftP50')} | ${ratio('ttftLongP50')} |`);
  return rows;
}

const ratios: string[] = [];
const rows = [
  // The sweep's pool is a cost-model question only (whether it fits is not asked), as in `batchscope sweep`.
  ...(await bench('sim A100-40GB + OPT-13B', (kv) => new SimBackend(gpu, opt, kv), 1)),
  ...(await bench('cpu', (kv) => new CpuBackend(model, kv), ROUNDS)),
];
const out = [
  `Machine: ${machineDescription()}. Model: batchscope-tiny; long-prompts, seed 1 (32 requests, prompts ${Math.min(...requests.map((r) => r.prompt.length))}-${Math.max(...requests.map((r) => r.prompt.length))} tokens), continuous batching, 8 slots, paged KV. CPU: median of ${ROUNDS} interleaved rounds.`,
  '',
  '| backend (sweep) | prefill | TPOT p99 ms | ITL p99 ms | TTFT p50 s | TTFT p50 s, prompts >= 300 | tok/s |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
  '| backend | budget | chunked / whole: TPOT p99 | ITL p99 | TTFT p50 | TTFT p50, prompts >= 300 |',
  '|---|---|---|---|---|---|',
  ...ratios,
].join('\n');
console.log(out);
updateBenchmarksDoc((doc) => replaceMarked(doc, 'bench:chunked', out), 'chunked-prefill tables');
