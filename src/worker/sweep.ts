import type { Backend, SequenceStep } from '../../engine';
import type { RunConfig } from '../store/config';
import { createBackend, type LoadedModel } from './setup';

/** Context each swept sequence holds before its timed decode: a short prompt. */
const CONTEXT = 8;
const REPEATS = 3;
/** The sweep stops growing the batch once a step takes this long: an emulated GPU is slow. */
const SLOW_STEP_MS = 1500;
const BUDGET_MS = 20_000;

/**
 * Times one decode step at each batch size on a backend of its own (the running engines keep
 * their KV pools untouched): every sequence first prefills CONTEXT tokens, then decode steps of
 * one token per sequence are timed, and the median is kept. Sizes stop early when steps get
 * slow, so the sweep stays short on an emulated GPU.
 */
export async function measureSweep(c: RunConfig, loaded: LoadedModel, sizes: number[]): Promise<{ points: { batch: number; stepMs: number }[]; adapter: string; simulated: boolean }> {
  const blockSize = 16;
  const perSeq = Math.ceil((CONTEXT + REPEATS + 2) / blockSize);
  const maxBatch = Math.max(...sizes);
  const numBlocks = maxBatch * perSeq;
  const sweepConfig = { ...c, blockSize, kvCapacity: numBlocks * blockSize };
  const { backend, info } = await createBackend(sweepConfig, loaded);
  try {
    const points: { batch: number; stepMs: number }[] = [];
    // One untimed round first: a GPU (an emulated one especially) compiles pipelines on first use.
    await timeBatch(backend, 1, perSeq);
    const t0 = performance.now();
    for (const batch of sizes) {
      if (points.length > 0 && (points[points.length - 1].stepMs > SLOW_STEP_MS || performance.now() - t0 > BUDGET_MS)) break;
      points.push({ batch, stepMs: await timeBatch(backend, batch, perSeq) });
    }
    // The simulator's times are predictions: the result says "Simulated for", never "Measured on".
    const where = info.kind === 'sim' ? info.description : info.kind === 'webgpu' ? info.description : 'the CPU engine';
    return { points, adapter: where, simulated: info.kind === 'sim' };
  } finally {
    backend.dispose();
  }
}

/** Prefills `batch` sequences, then returns the median time of REPEATS decode steps over all of them. */
async function timeBatch(backend: Backend, batch: number, perSeq: number): Promise<number> {
  const tables = Array.from({ length: batch }, (_, i) => Array.from({ length: perSeq }, (_, j) => i * perSeq + j));
  const prompt = Array.from({ length: CONTEXT }, (_, i) => (i === 0 ? 1 : 3 + (i % 50)));
  await backend.step(tables.map((blockTable) => ({ tokens: prompt, startPos: 0, blockTable, logits: 'none' })));
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const steps: SequenceStep[] = tables.map((blockTable, i) => ({ tokens: [3 + ((i + r) % 50)], startPos: CONTEXT + r, blockTable, logits: 'none', sample: { temperature: 0, topP: 1, seed: i } }));
    const res = await backend.step(steps);
    // Wall time, as the live run reports it: what a step costs, readback included.
    times.push(res.timing.wallMs);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
