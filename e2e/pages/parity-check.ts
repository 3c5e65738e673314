/**
 * The WebGPU engine against the CPU engine in a browser, on a page or in a worker alike: random
 * ragged steps compared logit by logit, a greedy generation, and a batched sampled one.
 */
import { CpuBackend } from '../../engine/backend/cpu';
import type { Backend, KvLayout } from '../../engine/backend/types';
import { createWebGpuBackend } from '../../engine/backend/webgpu/backend';
import { maxAbsDiff, seeded } from '../../engine/backend/webgpu/testing/random';
import { randomSequences, randomStep } from '../../engine/backend/webgpu/testing/random-steps';
import { readCheckpoint } from '../../engine/model/checkpoint';
import { GREEDY } from '../../engine/model/sampler';
import { preloadWasmKernels } from '../../engine/model/wasm/kernels';
import { readTokenizer, type Tokenizer } from '../../engine/model/tokenizer';
import { generateAll, type GenerateRequest } from '../../engine/serve/generate';

export interface ParityInput {
  model: Uint8Array;
  tokenizer: Uint8Array;
  prompts: string[];
}

export interface ParityReport {
  where: string;
  adapter: string;
  /** Which CPU engine the GPU was compared with: its WebAssembly SIMD kernels or the JavaScript reference. */
  cpuKernels: string;
  /** Logits rows compared, and the largest difference. */
  rows: number;
  maxAbsDiff: number;
  /** prompts[0] greedy, 200 positions, as text (prompt + continuation) on each engine. */
  greedy: { gpu: string; cpu: string };
  /** All prompts batched with temperature 1, top-p 0.9: the sampled tokens on each engine. */
  sampled: { gpu: number[][]; cpu: number[][] };
}

async function generateText(b: Backend, tok: Tokenizer, requests: GenerateRequest[]): Promise<{ texts: string[]; tokens: number[][] }> {
  const results = await generateAll(b, requests);
  return { texts: results.map((r, i) => tok.decode([...requests[i].prompt.slice(1), ...r.tokens], requests[i].prompt[0])), tokens: results.map((r) => r.tokens) };
}

export async function checkParity(input: ParityInput, where: string): Promise<ParityReport> {
  const model = readCheckpoint(input.model, 'stories260K.bin');
  const tok = readTokenizer(input.tokenizer, model.config.vocabSize, 'tok512.bin');
  const kv: KvLayout = { numBlocks: 96, blockSize: 4 };
  const gpu = await createWebGpuBackend(model, kv);
  // A page's main thread may refuse to compile WebAssembly synchronously: compile it ahead, as an
  // app running the engine there would.
  await preloadWasmKernels();
  const cpu = new CpuBackend(model, kv);
  try {
    const rand = seeded(7);
    const seqs = randomSequences(rand, model.config, kv, 5, 30);
    let rows = 0;
    let worst = 0;
    while (seqs.some((s) => s.pos < s.tokens.length)) {
      const step = randomStep(rand, seqs, 8).map((s) => ({ ...s, sample: GREEDY }));
      const [g, c] = [await gpu.step(step), await cpu.step(step)];
      step.forEach((_, i) => {
        if (g.sampled[i] !== c.sampled[i]) worst = Infinity;
        if (!c.logits[i]) return;
        worst = Math.max(worst, g.logits[i] ? maxAbsDiff(g.logits[i]!, c.logits[i]!) : Infinity);
        rows += c.logits[i]!.length / model.config.vocabSize;
      });
    }
    const greedy = [{ prompt: tok.encode(input.prompts[0]), steps: 200, sampling: GREEDY }];
    const sampled = input.prompts.map((p, i) => ({ prompt: tok.encode(p), steps: 60, sampling: { temperature: 1, topP: 0.9, seed: 100 + i } }));
    const [gGreedy, cGreedy] = [await generateText(gpu, tok, greedy), await generateText(cpu, tok, greedy)];
    const [gSampled, cSampled] = [await generateText(gpu, tok, sampled), await generateText(cpu, tok, sampled)];
    return {
      where,
      adapter: gpu.description,
      cpuKernels: cpu.kernels,
      rows,
      maxAbsDiff: worst,
      greedy: { gpu: gGreedy.texts[0], cpu: cGreedy.texts[0] },
      sampled: { gpu: gSampled.tokens, cpu: cSampled.tokens },
    };
  } finally {
    gpu.dispose();
    cpu.dispose();
  }
}
