/**
 * npm run bench:cpu-kernels [-- --wasm OTHER.wasm ...] — the CPU engine's WebAssembly kernels alone:
 * matmul throughput (GMAC/s) for stories260K's shapes at 1, 4 and 16 tokens, and attention time
 * per token and layer at position 96 (16 tokens, stories260K's heads) over an f32, f16 and int8
 * pool. With --wasm, other builds of
 * the kernels (say, `npm run build:wasm` output saved from another commit with `-- --out FILE`)
 * run in the same interleaved rounds, so an optimisation is measured against what it replaces.
 * CPU time (process.cpuUsage), medians of 9 rounds.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { instantiateKernels, wasmKernelsModule, type WasmKernels } from '../../engine/model/wasm/kernels';
import type { ModelConfig } from '../../engine/model/config';
import { KV_DTYPES, kvRowBytes } from '../../engine/model/quant/formats';
import { KvBytes } from '../../engine/model/quant/kv-codec';

const { values } = parseArgs({ options: { wasm: { type: 'string', multiple: true } } });
const builds: [string, WebAssembly.Module][] = [['committed kernels', wasmKernelsModule()!], ...(values.wasm ?? []).map((f): [string, WebAssembly.Module] => [f, new WebAssembly.Module(readFileSync(f))])];

interface Case {
  name: string;
  unit: string;
  /** Runs once; returns the amount of work done in `unit`s. */
  run: () => number;
}

function cases(k: WasmKernels, memory: WebAssembly.Memory): Case[] {
  let configured = '';
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const base = Math.ceil(k.heapBase() / 16) * 16;
  for (let i = base / 4; i < f32.length; i++) f32[i] = Math.sin(i) * 2;
  const W = base;
  const X = W + (1 << 20);
  const O = X + (1 << 19);
  const out: Case[] = [];
  for (const T of [1, 4, 16]) {
    for (const [n, d] of [[64, 64], [64, 172], [172, 64], [64, 512]]) {
      out.push({ name: `matmul ${T} x ${n} -> ${d}`, unit: 'GMAC/s', run: () => (k.matmul(O, X, W, T, n, d), (T * n * d) / 1e9) });
    }
  }
  // Attention: stories260K (dim 64, 8 heads, 4 kv heads, blocks of 16), 16 tokens at position 96,
  // each over its own 16 blocks of a 256-block pool, in each KV format (the same values, stored).
  const [dim, kvDim, T, blocks, bs, pos] = [64, 32, 16, 256, 16, 96];
  const shape = { dim, nHeads: 8, nKvHeads: 4 } as ModelConfig;
  const K = O + (1 << 19);
  const V = K + blocks * bs * kvDim * 4;
  const Q = V + blocks * bs * kvDim * 4;
  const OUT = Q + T * dim * 4;
  const META = OUT + T * dim * 4;
  const TAB = META + T * 8;
  const ATT = TAB + blocks * 4;
  const ROWS = ATT + 514 * 8 * 4;
  const WORK = ROWS + 512 * 4;
  const DEC = WORK + 512 * kvDim * 4; // builds before 2026-12-01 decode K into WORK and V here
  for (let b = 0; b < blocks; b++) i32[TAB / 4 + b] = b;
  for (let t = 0; t < T; t++) {
    i32[META / 4 + 2 * t] = pos;
    i32[META / 4 + 2 * t + 1] = TAB + t * 16 * 4;
  }
  const rows = blocks * bs;
  const values = { K: f32.slice(K / 4, K / 4 + rows * kvDim), V: f32.slice(V / 4, V / 4 + rows * kvDim) };
  const pools = Object.fromEntries(
    KV_DTYPES.map((dtype) => {
      const [kb, vb] = [new KvBytes(shape, dtype, rows), new KvBytes(shape, dtype, rows)];
      for (let r = 0; r < rows; r++) {
        kb.write(r, values.K, r * kvDim);
        vb.write(r, values.V, r * kvDim);
      }
      return [dtype, { K: kb.bytes, V: vb.bytes }];
    }),
  );
  const attention = k.attention as (...args: number[]) => void; // older builds take a tenth argument
  for (const dtype of KV_DTYPES) {
    out.push({
      name: `attention, ${dtype} pool, ${T} tokens at position ${pos}`,
      unit: 'us per token-layer',
      run: () => {
        // Each case brings its pool (f16 and int8 rows are smaller than the f32 ones they replace).
        if (configured !== dtype) {
          const bytes = new Uint8Array(memory.buffer);
          bytes.set(pools[dtype].K, K);
          bytes.set(pools[dtype].V, V);
          k.configureAttention(dim, 8, 4, bs, KV_DTYPES.indexOf(dtype), kvRowBytes(shape, dtype));
          configured = dtype;
        }
        attention(OUT, Q, K, V, META, T, ATT, ROWS, WORK, DEC);
        return T;
      },
    });
  }
  return out;
}

const setups = builds.map(([name, module]) => {
  const memory = new WebAssembly.Memory({ initial: 160 });
  return { name, cases: cases(instantiateKernels(module, memory), memory) };
});
const names = setups[0].cases.map((c) => c.name);
const results = setups.map(() => names.map(() => [] as number[]));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let round = -1; round < 9; round++) {
  setups.forEach((s, b) =>
    s.cases.forEach((c, i) => {
      let work = 0;
      let reps = 0;
      const t0 = cpuMs();
      while (cpuMs() - t0 < 20) {
        work += c.run();
        reps++;
      }
      const ms = cpuMs() - t0;
      if (round >= 0) results[b][i].push(c.unit === 'GMAC/s' ? work / (ms / 1000) : (ms * 1000) / work);
    }),
  );
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
console.log(`| kernel | unit | ${setups.map((s) => s.name).join(' | ')} |`);
console.log(`|---|---|${setups.map(() => '---:').join('|')}|`);
names.forEach((n, i) => console.log(`| ${n} | ${setups[0].cases[i].unit} | ${results.map((r) => median(r[i]).toFixed(2)).join(' | ')} |`));
