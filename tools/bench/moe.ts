/**
 * `npm run bench:moe [-- --write] [--json]`: mixture of experts under batching, measured and predicted.
 *
 * 1. Measured on the shipped MoE models (CPU engine): B sequences with task prompts are prefilled,
 *    then decoded together for DECODE_STEPS steps (one token each per step); per step the engine's
 *    routing record gives the distinct experts run per layer, the expert weight bytes that implies,
 *    and the max/mean load. Beside them, what the cost model predicts for the same shape with even
 *    routing, E (1 - (1 - k/E)^B) experts per layer, and the dense model's FFN bytes, the same at
 *    every batch size.
 * 2. The cost model's MoE presets: a decode step of Mixtral 8x7B on two H100s against Llama 2 13B
 *    (about the same active parameters), weight bytes and step time per batch size, and the knee.
 * Prints markdown; with --write replaces the "Mixture of experts" section of docs/benchmarks.md.
 */
import { CpuBackend } from '../../engine/backend/cpu';
import { gpuPreset, simModelPreset } from '../../engine/backend/sim/backend';
import { decodeKnee, decodePoint } from '../../engine/backend/sim/decode-roofline';
import { activeParams } from '../../engine/backend/sim/presets';
import { loadModelFiles } from '../../engine/cli/files';
import { GREEDY } from '../../engine/model/sampler';
import { taskPrompt } from '../../engine/model/tasks';
import { expertWeightBytes } from '../../engine/model/weights';
import { expectedTouched } from '../../engine/serve/experts';
import { machineDescription, replaceSection, updateBenchmarksDoc } from './doc';

const BATCHES = [1, 2, 4, 8, 16, 32, 64];
const DECODE_STEPS = 16;
const SEEDS = [1, 2, 3];
const KiB = 1024;

interface Row {
  batch: number;
  touched: number;
  bytes: number;
  imbalance: number;
}

/** Mean over seeds and decode steps of one model's routing record, per batch size. */
function measure(name: string): Row[] {
  const { model, tokenizer } = loadModelFiles(name);
  return BATCHES.map((B) => {
    let touched = 0;
    let bytes = 0;
    let imbalance = 0;
    let n = 0;
    for (const seed of SEEDS) {
      let s = seed * 7919;
      const rng = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
      // Answers longer than the decode window, so every sequence decodes at every step.
      const prompts = Array.from({ length: B }, () => tokenizer.encode(taskPrompt(DECODE_STEPS + 8 + Math.floor(rng() * 40), rng).prompt));
      const blocks = Math.ceil(128 / 16);
      const backend = new CpuBackend(model, { numBlocks: B * blocks, blockSize: 16 });
      const tables = prompts.map((_, i) => Array.from({ length: blocks }, (__, b) => i * blocks + b));
      let next = backend.stepSync(prompts.map((p, i) => ({ tokens: p, startPos: 0, blockTable: tables[i], logits: 'none', sample: GREEDY }))).sampled;
      const pos = prompts.map((p) => p.length);
      for (let d = 0; d < DECODE_STEPS; d++) {
        const r = backend.stepSync(prompts.map((_, i) => ({ tokens: [next[i]], startPos: pos[i]++, blockTable: tables[i], logits: 'none', sample: GREEDY })));
        next = r.sampled;
        touched += r.experts!.touched;
        bytes += r.experts!.bytes;
        imbalance += r.experts!.imbalance!;
        n++;
      }
      backend.dispose();
    }
    return { batch: B, touched: touched / n, bytes: bytes / n, imbalance: imbalance / n };
  });
}

function measuredSection(): { text: string; json: Record<string, Row[]> } {
  const { model: dense } = loadModelFiles('batchscope-tiny');
  const { model: moe } = loadModelFiles('tiny-moe');
  const c = moe.config;
  const { nExperts: E, topK: k } = c.moe!;
  const perExpert = expertWeightBytes(c);
  const denseFfn = dense.config.nLayers * expertWeightBytes(dense.config);
  const balanced = measure('tiny-moe');
  const unbalanced = measure('tiny-moe-unbalanced');
  const lines = [
    `Decode steps of B sequences (task prompts, greedy), ${DECODE_STEPS} steps x ${SEEDS.length} seeds per batch size; experts per layer (mean over the ${c.nLayers} layers), top ${k} of ${E}; one expert's w1, w2, w3 are ${perExpert / KiB} KiB (float32), the dense model's FFN ${denseFfn / KiB} KiB per step at every batch size.`,
    '',
    '| batch | tiny-moe experts touched | tiny-moe expert KiB/step | tiny-moe max/mean | tiny-moe-unbalanced touched | unbalanced KiB/step | unbalanced max/mean | cost model (even routing): touched | cost model KiB/step | dense FFN KiB/step |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...BATCHES.map((B, i) => {
      const b = balanced[i];
      const u = unbalanced[i];
      const t = expectedTouched(E, k, B);
      return `| ${B} | ${b.touched.toFixed(2)} | ${(b.bytes / KiB).toFixed(0)} | ${b.imbalance.toFixed(2)} | ${u.touched.toFixed(2)} | ${(u.bytes / KiB).toFixed(0)} | ${u.imbalance.toFixed(2)} | ${t.toFixed(2)} | ${((c.nLayers * t * perExpert) / KiB).toFixed(0)} | ${denseFfn / KiB} |`;
    }),
  ];
  // One reading of the table, from its own numbers: where the batch wakes every expert, and what the unbalanced router saves and costs.
  const at = BATCHES.indexOf(16);
  const [b16, u16] = [balanced[at], unbalanced[at]];
  const all = (rows: Row[]) => rows.find((r) => r.touched >= E - 0.05)?.batch;
  lines.push(
    '',
    `One token reads ${k} experts per layer; each extra token in the step may wake another, so the expert bytes read per step grow with the batch until all ${E} are touched (tiny-moe: from batch ${all(balanced) ?? `> ${BATCHES[BATCHES.length - 1]}`}), while a dense model reads its whole FFN at every size. ` +
      `At 16 sequences per step tiny-moe touches ${b16.touched.toFixed(2)} experts (even routing: ${expectedTouched(E, k, 16).toFixed(2)}) with max/mean ${b16.imbalance.toFixed(2)}; the checkpoint trained without the balancing loss touches ${u16.touched.toFixed(2)} with max/mean ${u16.imbalance.toFixed(2)}: fewer bytes, but its busiest expert has more tokens to get through.`,
  );
  return { text: lines.join('\n'), json: { 'tiny-moe': balanced, 'tiny-moe-unbalanced': unbalanced } };
}

function simSection(): string {
  const gpu = gpuPreset('2xH100');
  const moe = simModelPreset('Mixtral-8x7B');
  const dense = simModelPreset('Llama-2-13B');
  const GB = 1e9;
  const rows = [1, 2, 4, 8, 16, 32, 64, 256, 1024].map((B) => {
    const m = decodePoint(gpu, moe, B);
    const d = decodePoint(gpu, dense, B);
    return `| ${B} | ${m.touched!.toFixed(2)} | ${(m.weightBytes / GB).toFixed(1)} | ${m.ms.toFixed(2)} | ${(d.weightBytes / GB).toFixed(1)} | ${d.ms.toFixed(2)} | ${(m.ms / d.ms).toFixed(2)} |`;
  });
  return [
    `Simulated (cost model, engine/backend/sim): one decode step at short context on ${gpu.name}; ${moe.name} (${(activeParams(moe) / 1e9).toFixed(1)} B of ${(moe.params / 1e9).toFixed(1)} B parameters per token) against ${dense.name} (${(dense.params / 1e9).toFixed(1)} B), fp16.`,
    '',
    `| batch | ${moe.name} experts woken per layer | ${moe.name} weight GB/step | ${moe.name} ms/step | ${dense.name} weight GB/step | ${dense.name} ms/step | MoE / dense step time |`,
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Knee (smallest batch whose step is compute-bound): ${moe.name} ${decodeKnee(gpu, moe)}, ${dense.name} ${decodeKnee(gpu, dense)}.`,
  ].join('\n');
}

const measured = measuredSection();
const section = [
  '## Mixture of experts',
  '',
  `\`npm run bench:moe -- --write\` on ${machineDescription()}. Routing counts are properties of the models and the workload, not of the machine: the same on any machine.`,
  '',
  '### Measured: experts touched and expert bytes per decode step, by batch size',
  '',
  measured.text,
  '',
  '### Predicted: Mixtral 8x7B vs a dense model of the same active size',
  '',
  simSection(),
].join('\n');
if (process.argv.includes('--json')) console.log(JSON.stringify(measured.json));
else console.log(section);
updateBenchmarksDoc((doc) => replaceSection(doc, 'Mixture of experts', section), 'MoE tables');
