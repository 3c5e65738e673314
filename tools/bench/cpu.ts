/**
 * npm run bench:cpu — tokens/s of the CPU reference engine on stories260K: decode at batch 1, 4
 * and 16 (positions 32..159, a mid-length sequence), a 128-token prefill, and the same batch-1
 * decode in plain C (tools/bench/c/decode.c, gcc -O2) as a baseline. Prints a markdown table.
 *
 * These machines are shared virtual CPUs whose speed drifts by tens of percent from one second to
 * the next, so the workloads run in interleaved rounds: every ratio is taken within one round
 * (seconds apart) and the table reports the median over rounds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuBackend } from '../../engine/backend/cpu';
import type { SequenceStep } from '../../engine/backend/types';
import { loadStories, repoRoot, storiesPath } from '../testing/stories260k';

const { model } = loadStories();
const blockSize = 16;
const blocksPerSeq = 256 / blockSize;
const ROUNDS = 7;
const GREEDY = { temperature: 0, topP: 1, seed: 0 };

/** A workload: `run()` performs it once and returns tokens/s. */
type Workload = { name: string; run: () => number };

function timed(tokens: number, body: () => void): number {
  const t0 = performance.now();
  body();
  return tokens / ((performance.now() - t0) / 1000);
}

function decode(batch: number): Workload {
  const backend = new CpuBackend(model, { numBlocks: batch * blocksPerSeq, blockSize });
  const tables = Array.from({ length: batch }, (_, b) => Array.from({ length: blocksPerSeq }, (_, i) => b * blocksPerSeq + i));
  backend.stepSync(tables.map((t, b) => ({ tokens: Array.from({ length: 32 }, (_, i) => 3 + ((b * 31 + i * 7) % 500)), startPos: 0, blockTable: t, logits: 'none' })));
  return {
    name: `decode, batch ${batch}`,
    run: () =>
      timed(batch * 128, () => {
        for (let pos = 32; pos < 160; pos++) {
          const step: SequenceStep[] = tables.map((t, b) => ({ tokens: [3 + ((pos * 13 + b) % 500)], startPos: pos, blockTable: t, sample: GREEDY }));
          backend.stepSync(step);
        }
      }),
  };
}

function prefill(n: number): Workload {
  const blocks = Math.ceil(n / blockSize);
  const backend = new CpuBackend(model, { numBlocks: blocks, blockSize });
  const table = Array.from({ length: blocks }, (_, i) => i);
  const tokens = Array.from({ length: n }, (_, i) => 3 + ((i * 7) % 500));
  return { name: `prefill, ${n} tokens`, run: () => timed(n * 4, () => { for (let r = 0; r < 4; r++) backend.stepSync([{ tokens, startPos: 0, blockTable: table, sample: GREEDY }]); }) };
}

/** The same batch-1 decode in C; null when gcc is missing. */
function cBaseline(): Workload | null {
  const exe = join(tmpdir(), `batchscope-decode-${process.pid}`);
  const cc = spawnSync('gcc', ['-O2', '-o', exe, join(repoRoot, 'tools/bench/c/decode.c'), '-lm'], { encoding: 'utf8' });
  if (cc.status !== 0) return null;
  return { name: 'C baseline: decode, batch 1', run: () => Number(/tokens_per_second ([\d.]+)/.exec(execFileSync(exe, [storiesPath('stories260K.bin')], { encoding: 'utf8' }))![1]) };
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const c = cBaseline();
const workloads = [decode(1), decode(4), decode(16), prefill(128), ...(c ? [c] : [])];
for (const w of workloads) w.run(); // warm-up: JIT tiers and caches
const rounds = Array.from({ length: ROUNDS }, () => workloads.map((w) => w.run()));
const col = (i: number) => rounds.map((r) => r[i]);
const ratio = (i: number, j: number) => median(rounds.map((r) => r[i] / r[j]));

console.log(`CPU engine on stories260K, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; medians of ${ROUNDS} interleaved rounds`);
console.log('| workload | tokens/s (median) | min..max over rounds | vs batch-1 decode (median of per-round ratios) |');
console.log('|---|---:|---:|---:|');
workloads.forEach((w, i) => {
  const xs = col(i);
  console.log(`| ${w.name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)} | ${ratio(i, 0).toFixed(2)}x |`);
});
console.log(c ? `\nJS batch-1 decode / C batch-1 decode: ${ratio(0, workloads.length - 1).toFixed(2)} (median of per-round ratios)` : '\n(no gcc: C baseline skipped)');
