/**
 * npm run bench:gpu — the WebGPU backend's step cost on stories260K: time per step against the
 * number of decode tokens (1 .. 64, every sequence at position 64) and against prefill length, with
 * dispatches per step, bytes of weights read per step, CPU time to encode a step and the buffers
 * allocated while measuring. Prints the section; `-- --write` also puts it, with the adapter and
 * machine that produced it, into docs/benchmarks.md as the "WebGPU" section.
 * Each time is the fastest of its steps, taken in interleaved rounds: the machine may be shared,
 * and other jobs only add time.
 */
import type { SequenceStep, StepResult } from '../../engine/backend/types';
import { createWebGpuBackend, type WebGpuBackend } from '../../engine/backend/webgpu/backend';
import { nodeGpu } from '../../engine/backend/webgpu/node';
import { weightBytesPerStep } from '../../engine/backend/webgpu/pack-weights';
import { GREEDY } from '../../engine/model/sampler';
import { cpus } from 'node:os';
import { loadStories } from '../testing/stories260k';
import { machineDescription, replaceSection, updateBenchmarksDoc } from './doc';

const { model } = loadStories();
const c = model.config;
const BLOCK = 16;
const POS = 64; // decode position: attention over a mid-length context
const BATCHES = [1, 2, 4, 8, 16, 32, 64];
const PREFILLS = [16, 32, 64, 128, 256];
const ROUNDS = 5;
const STEPS_PER_ROUND = { decode: 5, prefill: 2 };

interface Row {
  label: string;
  tokens: number;
  wallMs: number;
  gpuMs?: number;
  encodeMs: number;
  submitMs: number;
  dispatches: number;
  weightBytes: number;
  allocations: number;
}

const fastest = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Case {
  label: string;
  /** The i-th step of this case. */
  make: (i: number) => SequenceStep[];
}

/**
 * Warms every case up twice (which may grow buffers), then measures them in ROUNDS interleaved
 * rounds of a few steps each, so every case sees the machine's quiet and busy moments alike.
 */
async function measure(b: WebGpuBackend, cases: Case[], stepsPerRound: number): Promise<Row[]> {
  for (const k of cases) for (const i of [0, 1]) await b.step(k.make(i));
  const runs = cases.map(() => [] as { r: StepResult; encodeMs: number; submitMs: number; allocated: number }[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [j, k] of cases.entries()) {
      for (let i = 0; i < stepsPerRound; i++) {
        const before = b.stats.bufferAllocations;
        const r = await b.step(k.make(round * stepsPerRound + i));
        runs[j].push({ r, encodeMs: b.stats.encodeMs, submitMs: b.stats.submitMs, allocated: b.stats.bufferAllocations - before });
      }
    }
  }
  return cases.map((k, j) => {
    const steps = k.make(0);
    const tokens = steps.reduce((n, s) => n + s.tokens.length, 0);
    const gpu = runs[j].map((x) => x.r.timing.gpuMs).filter((x): x is number => x !== undefined);
    return {
      label: k.label,
      tokens,
      wallMs: fastest(runs[j].map((x) => x.r.timing.wallMs)),
      gpuMs: gpu.length ? fastest(gpu) : undefined,
      encodeMs: median(runs[j].map((x) => x.encodeMs)),
      submitMs: median(runs[j].map((x) => x.submitMs)),
      dispatches: b.stats.dispatches,
      weightBytes: weightBytesPerStep(c, tokens, steps.length),
      allocations: runs[j].reduce((n, x) => n + x.allocated, 0),
    };
  });
}

async function decodeRows(gpu: GPU): Promise<Row[]> {
  const perSeq = Math.ceil((POS + 1) / BLOCK);
  const b = await createWebGpuBackend(model, { numBlocks: perSeq * Math.max(...BATCHES), blockSize: BLOCK }, { gpu });
  const table = (s: number) => Array.from({ length: perSeq }, (_, i) => s * perSeq + i);
  await b.step(Array.from({ length: Math.max(...BATCHES) }, (_, s) => ({ tokens: Array.from({ length: POS }, (_, i) => 3 + ((s * 31 + i * 7) % 500)), startPos: 0, blockTable: table(s), logits: 'none' as const })));
  // Every step rewrites position POS, so the context length stays the same.
  const cases = BATCHES.map((batch) => ({
    label: `decode x ${batch}`,
    make: (i: number) => Array.from({ length: batch }, (_, s) => ({ tokens: [3 + ((s + i) % 500)], startPos: POS, blockTable: table(s), logits: 'none' as const, sample: GREEDY })),
  }));
  const rows = await measure(b, cases, STEPS_PER_ROUND.decode);
  b.dispose();
  return rows;
}

async function prefillRows(gpu: GPU): Promise<Row[]> {
  const n = Math.max(...PREFILLS);
  const b = await createWebGpuBackend(model, { numBlocks: n / BLOCK, blockSize: BLOCK }, { gpu });
  const table = Array.from({ length: n / BLOCK }, (_, i) => i);
  const cases = PREFILLS.map((len) => ({
    label: `prefill ${len}`,
    make: (i: number) => [{ tokens: Array.from({ length: len }, (_, j) => 3 + ((i + j * 7) % 500)), startPos: 0, blockTable: table, sample: GREEDY }],
  }));
  const rows = await measure(b, cases, STEPS_PER_ROUND.prefill);
  b.dispose();
  return rows;
}

const f = (x: number | undefined, d = 2) => (x === undefined ? 'n/a' : x.toFixed(d));

function table(rows: Row[], base: Row): string {
  const lines = [
    '| step | tokens | ms/step (wall) | ms/step (GPU) | ms/token (wall) | per-token cost vs first row | tokens/s | dispatches | weights read/step | weights read/token | encode ms (CPU, median) | submit ms (CPU, median) | buffers allocated |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const perToken = r.wallMs / r.tokens;
    lines.push(
      `| ${r.label} | ${r.tokens} | ${f(r.wallMs)} | ${f(r.gpuMs)} | ${f(perToken, 3)} | ${f(perToken / (base.wallMs / base.tokens))}x | ${f((1000 * r.tokens) / r.wallMs, 0)} | ${r.dispatches} | ${(r.weightBytes / 1024).toFixed(0)} KiB | ${(r.weightBytes / r.tokens / 1024).toFixed(1)} KiB | ${f(r.encodeMs, 3)} | ${f(r.submitMs, 3)} | ${r.allocations} |`,
    );
  }
  return lines.join('\n');
}

const gpu = await nodeGpu();
const decode = await decodeRows(gpu);
const prefill = await prefillRows(gpu);
const probe = await createWebGpuBackend(model, { numBlocks: 1, blockSize: BLOCK }, { gpu });
const adapter = probe.description.replace(/^WebGPU on /, '');
probe.dispose();
const at = (batch: number) => decode.find((r) => r.tokens === batch)!;
const ratio16 = at(16).wallMs / 16 / at(1).wallMs;
const section = `## WebGPU

Command: \`npm run bench:gpu\` (tools/bench/gpu.ts). Adapter: **${adapter}**, through Dawn (the \`webgpu\` npm
package), on ${machineDescription()}.
Model: stories260K (dim ${c.dim}, ${c.nLayers} layers, vocab ${c.vocabSize}); KV blocks of ${BLOCK}. Each time is the fastest
of ${ROUNDS * STEPS_PER_ROUND.decode} (decode) or ${ROUNDS * STEPS_PER_ROUND.prefill} (prefill) steps, taken in ${ROUNDS} interleaved rounds after two warm-up steps (other
jobs on the machine only add time); CPU costs are medians. "ms/step (wall)" runs from the call to the sampled token ids being
back on the CPU; "GPU" is the compute pass's timestamp-query span; "encode" is the CPU time to validate, pack,
upload and record the step into its one command buffer; "submit" is the CPU time in queue.submit, where Dawn
translates the commands for the Vulkan driver. Decode steps sample greedily on the GPU and read back only token ids; every sequence
sits at position ${POS}. Weights read per step count every layer's matrices once plus the classifier and the
embedding rows gathered (the kernels read each weight once per tile of 4 tokens; the rest of a reuse comes from
the cache).

${table(decode, decode[0])}

${table(prefill, prefill[0])}

Targets from the issue: dispatches per step at most 4 x n_layers + 6 = ${4 * c.nLayers + 6} (measured ${decode[0].dispatches}:
embed, 4 per layer, logits, sample); no buffer allocated in steady state (the last column, over the measured
steps); encoding under 1 ms of CPU (measured ${f(Math.min(...decode.map((r) => r.encodeMs)), 3)}-${f(Math.max(...decode.map((r) => r.encodeMs)), 3)} ms for decode steps);
per-token cost at batch 16 no worse than at batch 1 (measured ${f(ratio16)}x).

What the curve says: from 1 to 64 decode tokens the step time grows ${f(at(64).wallMs / at(1).wallMs, 1)}x while the tokens
grow 64x, because every step pays a fixed cost (${decode[0].dispatches} dispatches, one submit, one readback) and reads
the same ${(decode[0].weightBytes / 1024).toFixed(0)} KiB of weights whatever its size. ${
  /swiftshader|llvmpipe|lavapipe/i.test(adapter)
    ? `This adapter is SwiftShader, a CPU emulation of a GPU: its "memory bandwidth" and "FLOPs" are those of ${cpus().length} CPU cores, so past a few tokens the arithmetic dominates and the step time rises with the batch. On a real GPU the same ${decode[0].dispatches} dispatches read ~1 MB per step against hundreds of GB/s, and the batching article's reasoning predicts a flat step time until the batch approaches the GPU's FLOPs / bandwidth ratio; rerun this command on a machine with a GPU to measure it.`
    : 'On this GPU the step time stays nearly flat while the batch is small against its FLOPs / bandwidth ratio: batching is almost free there.'
}
`;

console.log(section);
updateBenchmarksDoc((doc) => replaceSection(doc, 'WebGPU', section), 'WebGPU section');
process.exit(0);
