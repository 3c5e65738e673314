/**
 * npm run bench:cpu — tokens/s of the CPU reference engine on stories260K: decode at batch 1, 4
 * and 16, and a 128-token prefill. Prints a markdown table (paste it into docs/benchmarks.md).
 * Decode runs from position 32 to 160 so attention cost is that of a mid-length sequence.
 * The machine may be shared, so each figure is the best of several repeats and is computed from
 * the process's CPU time as well as wall time (CPU time is what other processes disturb least).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuBackend } from '../../engine/backend/cpu';
import type { SequenceStep } from '../../engine/backend/types';
import { loadStories, repoRoot, storiesPath } from '../testing/stories260k';

const { model } = loadStories();
const blockSize = 16;
const seqLen = 256;
const blocksPerSeq = seqLen / blockSize;
const REPEATS = 5;

interface Rate {
  wall: number;
  cpu: number;
}

/** Best tokens/s over REPEATS runs of `body`, by wall time and by CPU time. */
function measure(tokens: number, repeats: number, body: () => void): Rate {
  let wall = 0;
  let cpu = 0;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    body();
    const used = process.cpuUsage(c0);
    wall = Math.max(wall, tokens / ((performance.now() - t0) / 1000));
    cpu = Math.max(cpu, tokens / ((used.user + used.system) / 1e6));
  }
  return { wall, cpu };
}

function decode(batch: number): Rate {
  const backend = new CpuBackend(model, { numBlocks: batch * blocksPerSeq, blockSize });
  const tables = Array.from({ length: batch }, (_, b) => Array.from({ length: blocksPerSeq }, (_, i) => b * blocksPerSeq + i));
  const prompt = (b: number) => Array.from({ length: 32 }, (_, i) => 3 + ((b * 31 + i * 7) % 500));
  backend.stepSync(tables.map((t, b) => ({ tokens: prompt(b), startPos: 0, blockTable: t, logits: 'none' })));
  return measure(batch * 128, REPEATS, () => {
    for (let pos = 32; pos < 160; pos++) {
      const step: SequenceStep[] = tables.map((t, b) => ({ tokens: [3 + ((pos * 13 + b) % 500)], startPos: pos, blockTable: t, sample: { temperature: 0, topP: 1, seed: 0 } }));
      backend.stepSync(step);
    }
  });
}

function prefill(n: number): Rate {
  const backend = new CpuBackend(model, { numBlocks: Math.ceil(n / blockSize), blockSize });
  const table = Array.from({ length: Math.ceil(n / blockSize) }, (_, i) => i);
  const tokens = Array.from({ length: n }, (_, i) => 3 + ((i * 7) % 500));
  return measure(n, REPEATS * 4, () => {
    backend.stepSync([{ tokens, startPos: 0, blockTable: table, sample: { temperature: 0, topP: 1, seed: 0 } }]);
  });
}

/** Batch-1 decode of the same positions by tools/bench/c/decode.c (gcc -O2), best of 5; null without gcc. */
function cBaseline(): number | null {
  const exe = join(tmpdir(), `batchscope-decode-${process.pid}`);
  const cc = spawnSync('gcc', ['-O2', '-o', exe, join(repoRoot, 'tools/bench/c/decode.c'), '-lm'], { encoding: 'utf8' });
  if (cc.status !== 0) return null;
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const out = execFileSync(exe, [storiesPath('stories260K.bin')], { encoding: 'utf8' });
    best = Math.max(best, Number(/tokens_per_second ([\d.]+)/.exec(out)![1]));
  }
  return best;
}

decode(1); // warm up the JIT
const rows: [string, Rate][] = [];
for (const batch of [1, 4, 16]) rows.push([`decode, batch ${batch}`, decode(batch)]);
rows.push(['prefill, 128 tokens', prefill(128)]);
const base = rows[0][1];
console.log(`CPU engine on stories260K, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, best of ${REPEATS}`);
console.log('| workload | tokens/s (wall) | tokens/CPU-s | vs batch-1 decode (CPU) |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of rows) console.log(`| ${name} | ${r.wall.toFixed(0)} | ${r.cpu.toFixed(0)} | ${(r.cpu / base.cpu).toFixed(2)}x |`);
const c = cBaseline();
console.log(
  c === null
    ? '\n(no gcc: C baseline skipped)'
    : `\nC baseline (tools/bench/c/decode.c, gcc -O2, batch-1 decode, wall): ${c.toFixed(0)} tokens/s; JS batch-1 decode / C = ${(base.wall / c).toFixed(2)}`,
);
