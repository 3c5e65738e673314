/**
 * npm run bench:cpu-threads — would worker threads pay for the CPU engine on this machine?
 *
 * The design that could: split a step by sequences (each thread runs the whole forward pass for
 * its sequences; no barrier inside the step, batch invariance kept). This measures its best case:
 * two worker threads, each with its own WebAssembly engine holding half the sequences, woken for
 * every decode step through Atomics (one round trip per step, the least any split needs), against
 * one thread running every sequence; decode of positions 32..159, wall time, interleaved rounds.
 */
import { cpus } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CpuBackend } from '../../engine/backend/cpu';
import type { SequenceStep } from '../../engine/backend/types';
import { loadStories } from '../testing/stories260k';

const GREEDY = { temperature: 0, topP: 1, seed: 0 };
const blockSize = 16;

/** A decode workload over `batch` sequences numbered from `first`. */
function decoder(batch: number, first: number) {
  const { model } = loadStories();
  const backend = new CpuBackend(model, { numBlocks: batch * 16, blockSize });
  const tables = Array.from({ length: batch }, (_, b) => Array.from({ length: 16 }, (_, i) => b * 16 + i));
  backend.stepSync(tables.map((t, b) => ({ tokens: Array.from({ length: 32 }, (_, i) => 3 + (((first + b) * 31 + i * 7) % 500)), startPos: 0, blockTable: t, logits: 'none' })));
  return (pos: number) => backend.stepSync(tables.map((t, b): SequenceStep => ({ tokens: [3 + ((pos * 13 + first + b) % 500)], startPos: pos, blockTable: t, sample: GREEDY })));
}

if (!isMainThread) {
  // Worker: flags[0] = the step to run (position), flags[1] = steps finished by all workers.
  const { sab, batch, first } = workerData as { sab: SharedArrayBuffer; batch: number; first: number };
  const flags = new Int32Array(sab);
  const step = decoder(batch, first);
  parentPort!.postMessage('ready');
  for (let seen = 0; ; ) {
    Atomics.wait(flags, 0, seen);
    const pos = Atomics.load(flags, 0);
    if (pos < 0) break;
    seen = pos;
    step(pos & 0xffff);
    Atomics.add(flags, 1, 1);
    Atomics.notify(flags, 1);
  }
} else {
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  const rows: string[] = [];
  for (const batch of [2, 4, 8, 16]) {
    const one = decoder(batch, 0);
    const sab = new SharedArrayBuffer(8);
    const flags = new Int32Array(sab);
    // Workers start as plain JavaScript: register tsx there, then load this file.
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const workers = [0, 1].map((i) => new Worker(boot, { eval: true, workerData: { sab, batch: batch / 2, first: (i * batch) / 2 } }));
    await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
    let tick = 0;
    const threaded = () => {
      for (let pos = 32; pos < 160; pos++) {
        tick++;
        const want = Atomics.load(flags, 1) + 2;
        Atomics.store(flags, 0, (tick << 16) | pos); // a new value every step, so the workers always wake
        Atomics.notify(flags, 0);
        for (let d = Atomics.load(flags, 1); d < want; d = Atomics.load(flags, 1)) Atomics.wait(flags, 1, d);
      }
    };
    const single = () => { for (let pos = 32; pos < 160; pos++) one(pos); };
    const time = (f: () => void) => { const t0 = performance.now(); f(); return performance.now() - t0; };
    single(); threaded();
    const ratios: number[] = [];
    const ms1: number[] = [];
    const ms2: number[] = [];
    for (let r = 0; r < 7; r++) {
      const a = time(single);
      const b = time(threaded);
      ms1.push(a); ms2.push(b); ratios.push(a / b);
    }
    Atomics.store(flags, 0, -1);
    Atomics.notify(flags, 0);
    await Promise.all(workers.map((w) => w.terminate()));
    rows.push(`| ${batch} | ${(median(ms1) / 128).toFixed(3)} | ${(median(ms2) / 128).toFixed(3)} | ${median(ratios).toFixed(2)}x |`);
  }
  console.log(`Decode steps, ${cpus().length} x ${cpus()[0]?.model}, Node ${process.version}; medians of 7 interleaved rounds, wall time.`);
  console.log('| batch | ms per step, one thread | ms per step, two threads (half the sequences each) | speed-up |');
  console.log('|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
}
