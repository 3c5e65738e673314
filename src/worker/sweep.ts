import type { SequenceStep } from '../../engine/backend/types';
import type { RunConfig } from '../store/config';
import { createBackend, type LoadedModel } from './setup';

/** Context each swept sequence holds before its timed decode: a short prompt, as in the workloads. */
const CONTEXT = 16;
const REPEATS = 3;

/**
 * Times one decode step at each batch size on a backend of its own (the running engines keep
 * their KV pools untouched): every sequence first prefills CONTEXT tokens, then decode steps of
 * one token per sequence are timed, and the median is kept.
 */
export async function measureSweep(c: RunConfig, loaded: LoadedModel, sizes: number[]): Promise<{ points: { batch: number; stepMs: number }[]; adapter: string }> {
  const blockSize = 16;
  const perSeq = Math.ceil((CONTEXT + REPEATS + 2) / blockSize);
  const maxBatch = Math.max(...sizes);
  const numBlocks = maxBatch * perSeq;
  const sweepConfig = { ...c, blockSize, kvCapacity: numBlocks * blockSize };
  const { backend, info } = await createBackend(sweepConfig, loaded);
  try {
    const points: { batch: number; stepMs: number }[] = [];
    for (const batch of sizes) {
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
      points.push({ batch, stepMs: times[Math.floor(times.length / 2)] });
    }
    const where = info.kind === 'sim' ? `${info.description} (simulated)` : info.kind === 'webgpu' ? info.description : 'the CPU engine';
    return { points, adapter: where };
  } finally {
    backend.dispose();
  }
}
