/**
 * npm run bench:formats [-- --write] [-- --rounds N] [-- --cpu-seconds S] [-- --no-gpu] [-- --baseline DIR [--baseline-label TEXT]]
 * — what fewer bytes per token buy,
 * measured on the built-in model (CPU engine and WebGPU) and simulated at scale:
 *  1. a KV budget in bytes: the tokens it holds per KV format, and on a memory-bound workload (a small
 *     budget, high-variance answers, 32 slots) how many requests run at once, the preemptions, and
 *     the throughput;
 *  2. int8 weights: decode step time and weight bytes per step;
 *  3. fused vs unfused attention on long contexts: bytes per step from the shapes and measured time;
 *  4. the cost model at scale: OPT-13B on an A100 (Anyscale's setup) and Llama-2-7B on a T4 per
 *     format, and fused vs unfused to 32k positions.
 * Measured figures are medians of interleaved rounds (the machine is shared: compare within a run);
 * the CPU engine's serving runs are measured in lockstep per CPU-second (lockstep.ts). `--baseline
 * DIR` adds the CPU engine of another checkout (e.g. `git worktree add /tmp/before <commit>`, with
 * its node_modules) to the same lockstep, for a before/after table.
 * `--write` rewrites the block between the bench:formats markers in docs/benchmarks.md.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machineDescription, replaceMarked, updateBenchmarksDoc } from './doc';
import { lockstep, type Lane } from './lockstep';
import { CpuBackend } from '../../engine/backend/cpu';
import { stepCost } from '../../engine/backend/sim/cost-model';
import { SimBackend, gpuPreset, simKvLayout, simModelPreset } from '../../engine/backend/sim/backend';
import { stepTraffic } from '../../engine/backend/traffic';
import type { Backend, SequenceStep } from '../../engine/backend/types';
import { createWebGpuBackend } from '../../engine/backend/webgpu/backend';
import { nodeGpu } from '../../engine/backend/webgpu/node';
import { loadModelFiles } from '../../engine/cli/files';
import { taskPromptSource } from '../../engine/model/tasks';
import { kvBytesPerToken, type AttentionPath, type KvDtype, type NumberFormats, type WeightDtype } from '../../engine/model/quant/formats';
import { ServingEngine } from '../../engine/serve/engine';
import { lengthOnlyPrompts } from '../../engine/serve/prompts';
import { serveToEnd } from '../../engine/serve/serve-run';
import { generateWorkload, materialize } from '../../engine/serve/workload';
import { workloadPreset } from '../../engine/serve/workload-presets';

const { values } = parseArgs({ options: { write: { type: 'boolean' }, rounds: { type: 'string' }, 'cpu-seconds': { type: 'string' }, 'no-gpu': { type: 'boolean' }, baseline: { type: 'string' }, 'baseline-label': { type: 'string' } } });
void values.write; // read by updateBenchmarksDoc
const ROUNDS = Number(values.rounds ?? 3);
const GPU = !values['no-gpu'];
const CPU_SECONDS = Number(values['cpu-seconds'] ?? 8);
const BASELINE = values.baseline ? resolve(values.baseline) : null;
const BASELINE_LABEL = values['baseline-label'] ?? BASELINE;
const { model, tokenizer } = loadModelFiles();
const c = model.config;
const out: string[] = [];
const row = (cells: (string | number)[]) => out.push(`| ${cells.join(' | ')} |`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
const x = (r: number) => `${r.toFixed(2)}x`;
const DTYPES: KvDtype[] = ['f32', 'f16', 'int8'];

type Kind = 'cpu' | 'webgpu';
async function backend(kind: Kind, kv: { numBlocks: number; blockSize: number; dtype: KvDtype }, weights: WeightDtype = 'f32', attention: AttentionPath = 'fused'): Promise<Backend> {
  if (kind === 'cpu') return new CpuBackend(model, kv, { weights });
  return createWebGpuBackend(model, kv, { gpu: await nodeGpu(), weights, attention });
}

// 1. A KV budget in bytes.
const BUDGET = 2 ** 19; // 0.5 MiB
const BLOCK = 16;
const SLOTS = 32;
const workload = generateWorkload({ ...workloadPreset('high-variance', 1), count: 128 }, taskPromptSource);
const requests = materialize(workload, tokenizer);

interface Served {
  capacity: number;
  running: number;
  preemptions: number;
  iterations: number;
  tokPerS: number;
  tokPerCpuS: number;
  kvReadPerToken: number;
  /** Tokens run through the model (prompts, recomputed prompts and outputs after a preemption, decodes) per generated token. */
  computedPerToken: number;
}

const poolLayout = (dtype: KvDtype) => {
  const tokens = Math.floor(BUDGET / (kvBytesPerToken(c, dtype) * BLOCK)) * BLOCK;
  return { numBlocks: tokens / BLOCK, blockSize: BLOCK, dtype };
};
const budgetEngine = (b: Backend) => new ServingEngine({ backend: b, requests, strategy: 'continuous', kvManager: 'paged', knobs: { maxNumSeqs: SLOTS } });

async function serveOnce(kind: Kind, dtype: KvDtype): Promise<Served> {
  const kv = poolLayout(dtype);
  const tokens = kv.numBlocks * BLOCK;
  const b = await backend(kind, kv);
  try {
    const engine = budgetEngine(b);
    let running = 0;
    let n = 0;
    let computed = 0;
    const cpu0 = process.cpuUsage();
    const { summary } = await serveToEnd(engine, {
      onEvent: (e) => {
        running += e.slots.filter((s) => s.kind !== 'idle').length;
        computed += e.slots.reduce((t, s) => t + s.tokenCount, 0);
        n++;
      },
    });
    const cpu = process.cpuUsage(cpu0);
    return {
      capacity: tokens,
      running: running / n,
      preemptions: summary.preemptions,
      iterations: summary.iterations,
      tokPerS: summary.tokensPerSecond,
      tokPerCpuS: summary.generatedTokens / ((cpu.user + cpu.system) / 1e6),
      kvReadPerToken: summary.traffic!.kvRead / (summary.traffic!.total / summary.traffic!.perToken),
      computedPerToken: computed / summary.generatedTokens,
    };
  } finally {
    b.dispose();
  }
}

/** The CPU engine per KV format (and a baseline checkout's, with --baseline), in lockstep per CPU-second. */
async function cpuLockstep(): Promise<Map<string, number>> {
  const lanes: Lane[] = DTYPES.map((d) => ({ name: d, make: () => budgetEngine(new CpuBackend(model, poolLayout(d))) }));
  if (BASELINE) {
    const then = (await import(`${BASELINE}/engine/backend/cpu.ts`)) as typeof import('../../engine/backend/cpu');
    const engineThen = (await import(`${BASELINE}/engine/serve/engine.ts`)) as typeof import('../../engine/serve/engine');
    for (const d of DTYPES) {
      lanes.push({ name: `before ${d}`, make: () => new engineThen.ServingEngine({ backend: new then.CpuBackend(model, poolLayout(d)), requests, strategy: 'continuous', kvManager: 'paged', knobs: { maxNumSeqs: SLOTS } }) });
    }
  }
  return new Map((await lockstep(lanes, CPU_SECONDS)).map((r) => [r.name, r.tokensPerCpuSecond]));
}

async function budgetSection() {
  out.push(`### A KV budget in bytes`, '');
  out.push(`The pool is given as ${mib(BUDGET)} (\`--kv-memory-mib ${BUDGET / 2 ** 20}\`), blocks of ${BLOCK}; the \`high-variance\` preset with ${requests.length} requests (seed 1, all at once, answers exponential mean 32 under 192) with continuous batching, paged KV and ${SLOTS} slots, so memory, not slots, limits the batch (f32 holds ${poolLayout('f32').numBlocks * BLOCK} positions: one long answer fills most of it): \`npx batchscope run --workload high-variance --requests ${requests.length} --max-batch ${SLOTS} --kv-memory-mib ${BUDGET / 2 ** 20} --kv-dtype D\`. "Tokens through the model per generated token" counts prompts, recomputed prompts and outputs after a preemption (recompute), and decodes. CPU engine (WebAssembly kernels): tokens per CPU-second with the three formats in lockstep (tools/bench/lockstep.ts: one iteration at a time, the format with the least CPU time so far goes next, each repeating the workload until it has used ${CPU_SECONDS} CPU-seconds, after one unmeasured run), so a job elsewhere on the machine slows all three alike. WebGPU: generated tokens over busy time (wall), medians of ${ROUNDS} interleaved rounds (every other round in reverse order).`, '');
  row(['engine', 'KV', 'bytes per position', `positions in ${BUDGET / 2 ** 20} MiB`, 'vs f32', 'requests running (mean)', 'preemptions', 'iterations', 'tokens through the model per generated token', 'tokens/s', 'vs f32', 'tokens per CPU-second', 'vs f32']);
  row(Array(13).fill('---'));
  const cpu = await cpuLockstep();
  for (const kind of GPU ? (['cpu', 'webgpu'] as Kind[]) : (['cpu'] as Kind[])) {
    const runs = new Map<KvDtype, Served[]>(DTYPES.map((d) => [d, []]));
    const rounds = kind === 'cpu' ? 1 : ROUNDS; // the CPU engine's figures of one run (its schedule is deterministic); its speed is the lockstep's
    for (let r = 0; r < rounds; r++) for (const d of r % 2 ? [...DTYPES].reverse() : DTYPES) runs.get(d)!.push(await serveOnce(kind, d));
    const med = (d: KvDtype, k: keyof Served) => median(runs.get(d)!.map((s) => s[k]));
    for (const d of DTYPES) {
      const s = runs.get(d)![0];
      const speed = kind === 'cpu' ? ['-', '-', cpu.get(d)!.toFixed(0), x(cpu.get(d)! / cpu.get('f32')!)] : [med(d, 'tokPerS').toFixed(0), x(med(d, 'tokPerS') / med('f32', 'tokPerS')), '-', '-'];
      row([kind === 'cpu' ? 'CPU (WebAssembly)' : 'WebGPU (SwiftShader)', d, kvBytesPerToken(c, d), s.capacity, x(s.capacity / runs.get('f32')![0].capacity), med(d, 'running').toFixed(1), med(d, 'preemptions'), med(d, 'iterations'), s.computedPerToken.toFixed(2), ...speed]);
    }
  }
  out.push('');
  if (BASELINE) {
    out.push(`Before and after, the CPU engine in the same lockstep: "before" is ${BASELINE_LABEL} (\`--baseline DIR --baseline-label TEXT\`), "after" this checkout.`, '');
    row(['KV', 'before: tokens per CPU-second', 'vs f32', 'after: tokens per CPU-second', 'vs f32', 'after / before']);
    row(Array(6).fill('---'));
    for (const d of DTYPES) {
      const [b, a] = [cpu.get(`before ${d}`)!, cpu.get(d)!];
      row([d, b.toFixed(0), x(b / cpu.get('before f32')!), a.toFixed(0), x(a / cpu.get('f32')!), x(a / b)]);
    }
    out.push('');
  }
}

// 2. int8 weights: one decode step of B sequences at position 96.
function decodeStep(batch: number, pos: number, blocksPerSeq: number): SequenceStep[] {
  return Array.from({ length: batch }, (_, i) => ({ tokens: [5 + i], startPos: pos, blockTable: Array.from({ length: blocksPerSeq }, (_, b) => i * blocksPerSeq + b), sample: { temperature: 0, topP: 1, seed: 1 } }));
}

async function timeSteps(b: Backend, steps: () => SequenceStep[][], reps: number): Promise<number> {
  for (const s of steps()) await b.step(s);
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    for (const s of steps()) await b.step(s);
    ms.push((performance.now() - t0) / steps().length);
  }
  return median(ms);
}

async function weightsSection() {
  out.push(`### int8 weights`, '');
  out.push(`One decode step of B sequences at position 96 (prefilled first), greedy sampling included; median ms per step over ${ROUNDS} rounds of several steps. Weight bytes per step from the shapes: every matrix once per step, plus the B embedding rows.`, '');
  row(['engine', 'batch', 'f32 ms/step', 'int8 ms/step', 'int8 / f32 time', 'f32 weight bytes/step', 'int8 weight bytes/step', 'f32 / int8 bytes']);
  row(Array(8).fill('---'));
  const POS = 96;
  const per = Math.ceil((POS + 2) / BLOCK);
  for (const kind of GPU ? (['cpu', 'webgpu'] as Kind[]) : (['cpu'] as Kind[])) {
    for (const batch of [1, 16]) {
      const kv = { numBlocks: batch * per, blockSize: BLOCK, dtype: 'f32' as const };
      const be = { f32: await backend(kind, kv, 'f32'), int8: await backend(kind, kv, 'int8') };
      for (const b of Object.values(be)) for (let i = 0; i < batch; i++) await b.step([{ tokens: Array.from({ length: POS }, (_, j) => (j * 7 + i) % c.vocabSize), startPos: 0, blockTable: Array.from({ length: per }, (_, k) => i * per + k), logits: 'none' }]);
      const times = { f32: [] as number[], int8: [] as number[] };
      for (let r = 0; r < ROUNDS; r++) for (const w of r % 2 ? (['int8', 'f32'] as const) : (['f32', 'int8'] as const)) times[w].push(await timeSteps(be[w], () => [decodeStep(batch, POS, per)], kind === 'cpu' ? 20 : 4));
      const bytes = (w: WeightDtype) => stepTraffic(c, { weights: w, kv: 'f32', attention: 'fused' }, Array.from({ length: batch }, () => ({ tokens: 1, startPos: POS, logitRows: 1 }))).weights;
      row([kind === 'cpu' ? 'CPU (WebAssembly)' : 'WebGPU (SwiftShader)', batch, median(times.f32).toFixed(3), median(times.int8).toFixed(3), x(median(times.int8) / median(times.f32)), kib(bytes('f32')), kib(bytes('int8')), x(bytes('f32') / bytes('int8'))]);
      Object.values(be).forEach((b) => b.dispose());
    }
  }
  out.push('');
}

// 3. Fused vs unfused attention on long contexts (WebGPU, built-in model).
async function attentionSection() {
  out.push(`### Fused vs unfused attention`, '');
  out.push(`WebGPU (SwiftShader), the built-in model (seq_len ${c.seqLen}). A prefill of one sequence of n tokens, and a decode step of 8 sequences at context n. Bytes per step from the shapes (every tensor each kernel touches, once); "attention bytes" are the attention kernels' K/V reads, score matrix and their activations. Times: median of ${ROUNDS} rounds.`, '');
  row(['step', 'n', 'fused: attention bytes', 'unfused: attention bytes', 'of which scores', 'unfused / fused bytes', 'fused ms', 'unfused ms', 'unfused / fused time']);
  row(Array(9).fill('---'));
  const attentionBytes = (f: NumberFormats, seqs: { tokens: number; startPos: number; logitRows: number }[]) =>
    stepTraffic(c, f, seqs).kernels.filter((k) => /^attn|^attention/.test(k.kernel)).reduce((n, k) => n + k.read + k.written, 0);
  const fused: NumberFormats = { weights: 'f32', kv: 'f32', attention: 'fused' };
  const unfused: NumberFormats = { ...fused, attention: 'unfused' };
  for (const kindOf of ['prefill', 'decode x 8'] as const) {
    for (const n of [64, 128, 256, 512]) {
      const per = Math.ceil(n / BLOCK);
      const seqs = kindOf === 'prefill' ? [{ tokens: n, startPos: 0, logitRows: 1 }] : Array.from({ length: 8 }, () => ({ tokens: 1, startPos: n - 1, logitRows: 1 }));
      const bf = attentionBytes(fused, seqs);
      const bu = attentionBytes(unfused, seqs);
      const scores = stepTraffic(c, unfused, seqs).scores;
      let ms = ['-', '-'];
      if (GPU) {
        const seqCount = kindOf === 'prefill' ? 1 : 8;
        const kv = { numBlocks: seqCount * per, blockSize: BLOCK, dtype: 'f32' as const };
        const be = [await backend('webgpu', kv, 'f32', 'fused'), await backend('webgpu', kv, 'f32', 'unfused')];
        const table = (i: number) => Array.from({ length: per }, (_, k) => i * per + k);
        const step = (): SequenceStep[] =>
          kindOf === 'prefill'
            ? [{ tokens: Array.from({ length: n }, (_, j) => (j * 5) % c.vocabSize), startPos: 0, blockTable: table(0) }]
            : Array.from({ length: 8 }, (_, i) => ({ tokens: [9 + i], startPos: n - 1, blockTable: table(i) }));
        if (kindOf !== 'prefill') for (const b of be) for (let i = 0; i < 8; i++) await b.step([{ tokens: Array.from({ length: n - 1 }, (_, j) => (j + i) % c.vocabSize), startPos: 0, blockTable: table(i), logits: 'none' }]);
        const t = [[] as number[], [] as number[]];
        // Decode steps take tens of ms on SwiftShader: more repetitions, to see past the machine's noise.
        for (let r = 0; r < ROUNDS; r++) for (const i of r % 2 ? [1, 0] : [0, 1]) t[i].push(await timeSteps(be[i], () => [step()], kindOf === 'prefill' ? 2 : 8));
        ms = t.map((v) => median(v).toFixed(1));
        be.forEach((b) => b.dispose());
      }
      row([kindOf, n, kib(bf), kib(bu), kib(scores), x(bu / bf), ms[0], ms[1], GPU ? x(Number(ms[1]) / Number(ms[0])) : '-']);
    }
  }
  out.push('');
}

// 4. The cost model at scale.
async function simSection() {
  out.push(`### At scale (cost model, simulated)`, '');
  out.push(`Anyscale's benchmark (1,000 requests of 512 prompt tokens, answers exponential mean 128 under 1,536, max_tokens forced), continuous batching, paged KV (blocks of 16), max_num_seqs 256. KV capacity is what the GPU holds after the weights at vLLM's gpu_memory_utilization 0.9.`, '');
  row(['GPU + model', 'weights', 'KV', 'weights in memory', 'KV positions', 'requests running (mean)', 'preemptions', 'tokens/s (simulated)', 'vs fp16']);
  row(Array(9).fill('---'));
  const anyscale = generateWorkload(workloadPreset('anyscale', 1), lengthOnlyPrompts);
  const reqs = materialize(anyscale, null);
  for (const [g, m] of [['A100-40GB', 'OPT-13B'], ['T4', 'Llama-2-7B']] as const) {
    const gpu = gpuPreset(g);
    const sm = simModelPreset(m);
    let base = 0; // fp16's throughput, when fp16 can serve the workload at all
    for (const [weights, kv] of [['f16', 'f16'], ['int8', 'f16'], ['f16', 'int8'], ['int8', 'int8']] as const) {
      let layout;
      try {
        layout = simKvLayout(gpu, sm, 16, undefined, { weights, kv });
      } catch (e) {
        row([`${gpu.name} + ${sm.name}`, weights, kv, gib(sm.params * (weights === 'f16' ? 2 : 34 / 32)), 'does not fit', '-', '-', '-', '-']);
        continue;
      }
      const b = new SimBackend(gpu, sm, layout, { weights });
      let running = 0;
      let n = 0;
      let engine: ServingEngine;
      try {
        engine = new ServingEngine({ backend: b, requests: reqs, strategy: 'continuous', kvManager: 'paged', knobs: { maxNumSeqs: 256 } });
      } catch {
        const longest = Math.max(...reqs.map((r) => r.prompt.length + r.maxNewTokens));
        row([`${gpu.name} + ${sm.name}`, weights, kv, gib(sm.params * (weights === 'f16' ? 2 : 34 / 32)), layout.numBlocks * 16, `cannot serve: a request needs ${longest} positions`, '-', '-', '-']);
        continue;
      }
      const { summary } = await serveToEnd(engine, { onEvent: (e) => ((running += e.slots.filter((s) => s.kind !== 'idle').length), n++) });
      if (weights === 'f16' && kv === 'f16') base = summary.tokensPerSecond;
      row([`${gpu.name} + ${sm.name}`, weights, kv, gib(sm.params * (weights === 'f16' ? 2 : 34 / 32)), layout.numBlocks * 16, (running / n).toFixed(1), summary.preemptions, summary.tokensPerSecond.toFixed(0), base ? x(summary.tokensPerSecond / base) : '-']);
    }
  }
  out.push('');
  out.push(`One decode step, simulated: OPT-13B on an A100-40GB, B sequences at context 512 (sampling each), by number format; what the roofline makes of fewer bytes per step. "bound" is what the cost model says limits the step.`, '');
  row(['batch', 'fp16 ms', 'bound', 'int8 weights ms', 'vs fp16', 'int8 weights + int8 KV ms', 'vs fp16', 'bound']);
  row(Array(8).fill('---'));
  const a100 = gpuPreset('A100-40GB');
  const opt = simModelPreset('OPT-13B');
  for (const batch of [1, 8, 64, 256]) {
    const seqs: SequenceStep[] = Array.from({ length: batch }, () => ({ tokens: [5], startPos: 511, blockTable: [], sample: { temperature: 0, topP: 1, seed: 1 } }));
    const [base, w8, both] = [
      stepCost(a100, opt, seqs, { weights: 'f16', kv: 'f16', attention: 'fused' }),
      stepCost(a100, opt, seqs, { weights: 'int8', kv: 'f16', attention: 'fused' }),
      stepCost(a100, opt, seqs, { weights: 'int8', kv: 'int8', attention: 'fused' }),
    ];
    row([batch, base.ms.toFixed(2), base.bound, w8.ms.toFixed(2), x(w8.ms / base.ms), both.ms.toFixed(2), x(both.ms / base.ms), both.bound]);
  }
  out.push('');
  out.push(`Fused vs unfused attention to 32k positions, simulated: Llama-2-7B (fp16) on an H100; one prefill of n tokens, and one decode step of 32 sequences at context n (the cost model takes the model's shapes past its 4,096 positions).`, '');
  row(['step', 'n', 'fused bytes', 'unfused bytes', 'of which scores', 'fused ms', 'unfused ms', 'unfused / fused time']);
  row(Array(8).fill('---'));
  const h100 = gpuPreset('H100');
  const llama = simModelPreset('Llama-2-7B');
  for (const kindOf of ['prefill', 'decode x 32'] as const) {
    for (const n of [1024, 4096, 8192, 16384, 32768]) {
      const seqs: SequenceStep[] = kindOf === 'prefill' ? [{ tokens: new Array(n).fill(5), startPos: 0, blockTable: [] }] : Array.from({ length: 32 }, () => ({ tokens: [5], startPos: n - 1, blockTable: [] }));
      const f = stepCost(h100, llama, seqs, { weights: 'f16', kv: 'f16', attention: 'fused' });
      const u = stepCost(h100, llama, seqs, { weights: 'f16', kv: 'f16', attention: 'unfused' });
      const scores = u.bytes - f.bytes;
      row([kindOf, n, gib(f.bytes), gib(u.bytes), gib(scores), f.ms.toFixed(1), u.ms.toFixed(1), x(u.ms / f.ms)]);
    }
  }
  out.push('');
}

out.push(`Machine: ${machineDescription()}; model batchscope-tiny (dim ${c.dim}, ${c.nLayers} layers, head size ${c.dim / c.nHeads}, ${c.nKvHeads} kv heads); ${new Date().toISOString().slice(0, 10)}.`, '');
await budgetSection();
await weightsSection();
if (GPU) await attentionSection();
await simSection();
out.push(`Load average at the end: ${loadavg()[0].toFixed(1)} on ${cpus().length} vCPUs.`);
const text = out.join('\n');
console.log(text);
updateBenchmarksDoc((doc) => replaceMarked(doc, 'bench:formats', text), 'number-format tables');
process.exit(0);
