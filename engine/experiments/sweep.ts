import type { Backend, KvLayout, SequenceStep } from '../backend/types';
import { KNEE_RULE, findKnee, sweepSizes, type KneeResult, type SweepPoint } from './knee';
import { SimBackend } from '../backend/sim/backend';
import { weightBytesRead } from '../backend/sim/cost-model';
import { stepWeightBytes } from '../serve/experts';

/** How far a sweep goes and when it stops. */
export interface SweepOptions {
  /** Largest tokens per step to try (the sim goes this far; a device usually stops sooner). */
  maxTokens: number;
  /** Stop once a step takes this many times the 1-token step (a device: 4; the sim: never). */
  slowdown?: number;
  /** Stop starting new sizes once the sweep has run this long (ms of wall time). */
  timeBudgetMs?: number;
  /** Largest KV pool the sweep may allocate, in token positions: a memory limit. */
  maxPoolPositions?: number;
  /** Passes over the sizes a measured sweep makes (the fastest per size is kept; the sim needs one). */
  rounds?: number;
  /** Decode steps timed per size; the fastest is kept. */
  repeats?: number;
  /** Wall clock for the time budget (tests pass their own). */
  now?: () => number;
}

export type SweepStop = 'max-tokens' | 'slowdown' | 'time' | 'memory';

export interface SweepResult extends KneeResult {
  points: SweepPoint[];
  rule: string;
  stoppedBy: SweepStop;
  timeSource: 'measured' | 'simulated';
}

/** A device sweep's KV pool stays under this: past it, the sweep stops at the memory limit. */
export const DEVICE_POOL_BYTES = 256 * 1024 ** 2;
export const devicePoolPositions = (bytesPerPosition: number): number => Math.floor(DEVICE_POOL_BYTES / bytesPerPosition);

/** Cached positions each swept sequence holds before its timed decode steps: a short prompt. */
export const SWEEP_CONTEXT = 8;
const BLOCK = 16;

/**
 * The batch-size sweep of the batching article, on any backend: at each size, that many
 * sequences prefill a short prompt (untimed), then decode one token each for a few steps, and the
 * fastest step time is kept. Sizes grow (1, 2, 3, 4, 6, 8, ...) until `maxTokens`, the slowdown
 * limit, the time budget or the memory limit, whichever comes first. `makeBackend` gets the pool
 * the sweep needs (its own, so a running engine's KV cache is never touched) and the sweep
 * disposes of it.
 */
export async function runSweep(makeBackend: (kv: KvLayout) => Backend | Promise<Backend>, opts: SweepOptions): Promise<SweepResult> {
  const repeats = opts.repeats ?? 3;
  const now = opts.now ?? (() => performance.now());
  const perSeq = Math.ceil((SWEEP_CONTEXT + repeats + 1) / BLOCK);
  let sizes = sweepSizes(opts.maxTokens);
  let stoppedBy: SweepStop = 'max-tokens';
  const fits = Math.floor((opts.maxPoolPositions ?? Infinity) / (perSeq * BLOCK));
  if (sizes[sizes.length - 1] > fits) {
    sizes = sizes.filter((s) => s <= fits);
    stoppedBy = 'memory';
  }
  if (sizes.length === 0) throw new Error('runSweep: the memory limit leaves no room for one sequence');
  const backend = await makeBackend({ numBlocks: sizes[sizes.length - 1] * perSeq, blockSize: BLOCK });
  try {
    const points: SweepPoint[] = [];
    let timeSource: SweepResult['timeSource'] = 'measured';
    await warmUp(backend, perSeq, Math.min(4, sizes[sizes.length - 1]), now);
    const t0 = now();
    for (const tokens of sizes) {
      const measured = await timeDecode(backend, tokens, perSeq, repeats);
      timeSource = measured.source;
      points.push({ tokens, stepMs: measured.ms, weightBytes: measured.weightBytes });
      if (tokens === sizes[sizes.length - 1]) break;
      if (opts.slowdown !== undefined && measured.ms >= opts.slowdown * points[0].stepMs) {
        stoppedBy = 'slowdown';
        break;
      }
      if (opts.timeBudgetMs !== undefined && now() - t0 > opts.timeBudgetMs) {
        stoppedBy = 'time';
        break;
      }
    }
    // Measured sweeps go over the same sizes again and keep each size's fastest: a burst of other
    // work on a shared machine then spoils one round of a size, not its figure.
    for (let round = 1; timeSource === 'measured' && round < (opts.rounds ?? 1); round++) {
      if (opts.timeBudgetMs !== undefined && now() - t0 > opts.timeBudgetMs) break;
      for (const p of points) p.stepMs = minAboveZero(p.stepMs, (await timeDecode(backend, p.tokens, perSeq, repeats)).ms);
    }
    return { points, ...findKnee(points), rule: KNEE_RULE, stoppedBy, timeSource };
  } finally {
    backend.dispose();
  }
}

/** The smaller of two step times, unless it is a 0 (a step under the clock's resolution) and the other is not. */
const minAboveZero = (a: number, b: number): number => (a > 0 && b > 0 ? Math.min(a, b) : Math.max(a, b));

/**
 * Untimed rounds first: a GPU compiles its pipelines and a JIT its loops on first use, and a cold
 * 1-token step would set a flat level several times too high. Both step shapes (one token, a few)
 * run until their times settle or WARM_UP_MS pass.
 */
const WARM_UP_MS = 1500;
async function warmUp(backend: Backend, perSeq: number, batch: number, now: () => number): Promise<void> {
  const t0 = now();
  let before = Infinity;
  for (let round = 0; round < 50 && now() - t0 < WARM_UP_MS; round++) {
    const one = await timeDecode(backend, 1, perSeq, 3);
    await timeDecode(backend, batch, perSeq, 3);
    if (one.source === 'simulated' || Math.abs(one.ms - before) < 0.1 * before) return;
    before = one.ms;
  }
}

/**
 * Prefills `batch` sequences, then returns the fastest wall time of `repeats` decode steps over all
 * of them, and the weight bytes a step read: a real model's from its routing record (mean over the
 * steps), the cost model's own count on the sim.
 */
async function timeDecode(backend: Backend, batch: number, perSeq: number, repeats: number): Promise<{ ms: number; source: 'measured' | 'simulated'; weightBytes: number }> {
  const tables = Array.from({ length: batch }, (_, i) => Array.from({ length: perSeq }, (_, j) => i * perSeq + j));
  const vocab = backend.config.vocabSize;
  // Every sequence its own tokens, strided over the vocabulary: an MoE routes by content, and
  // identical sequences would wake the same experts and hide what a real batch reads.
  const token = (i: number) => 3 + ((i * 7919) % Math.max(1, vocab - 3));
  const prompt = (s: number) => Array.from({ length: SWEEP_CONTEXT }, (_, i) => (i === 0 ? 1 : token(s * SWEEP_CONTEXT + i)));
  await backend.step(tables.map((blockTable, s) => ({ tokens: prompt(s), startPos: 0, blockTable, logits: 'none' })));
  const times: number[] = [];
  let source: 'measured' | 'simulated' = 'measured';
  let bytes = 0;
  for (let r = 0; r < repeats; r++) {
    const steps: SequenceStep[] = tables.map((blockTable, i) => ({ tokens: [token((batch + i) * SWEEP_CONTEXT + r)], startPos: SWEEP_CONTEXT + r, blockTable, logits: 'none', sample: { temperature: 0, topP: 1, seed: i } }));
    const res = await backend.step(steps);
    // Wall time, as a live run reports it: what a step costs, readback included.
    times.push(res.timing.wallMs);
    source = res.timing.source;
    bytes += backend instanceof SimBackend ? weightBytesRead(backend.model, batch) : stepWeightBytes(backend.config, res.experts);
  }
  // The fastest: other work on a shared machine only ever adds time. A browser's clock is coarse
  // (0.1 ms in a page that is not cross-origin isolated): a step shorter than that can read 0, so
  // then the mean of the readings (jittered clocks average out) is the estimate, never 0 when any was not.
  const fastest = Math.min(...times);
  return { ms: fastest > 0 ? fastest : times.reduce((a, b) => a + b, 0) / times.length, source, weightBytes: bytes / repeats };
}
