import { KERNELS_WASM_BASE64 } from './kernels-wasm';

/** The kernels' exports (engine/model/wasm/assembly/). Pointers are byte offsets into `memory`. */
export interface WasmKernels {
  matmul(out: number, x: number, w: number, T: number, n: number, d: number): void;
  matmulQ8(out: number, x: number, w: number, scales: number, T: number, n: number, d: number): void;
  rmsnorm(out: number, x: number, w: number, T: number, dim: number): void;
  rope(v: number, meta: number, T: number, rowLen: number, hs: number, table: number): void;
  siluMul(h: number, g: number, n: number): void;
  addInPlace(x: number, y: number, n: number): void;
  /** work: scratch for an f16 or int8 pool (its size: the `work` entry of WasmForward's scratch layout). */
  attention(out: number, q: number, kPool: number, vPool: number, meta: number, T: number, att: number, rows: number, work: number): void;
  /** dtype: 0 f32, 1 f16, 2 int8; rowBytes: one position's K (or V) row in the pool. An f16 or int8 pool takes at most 256 query heads. */
  configureAttention(dim: number, nHeads: number, nKvHeads: number, blockSize: number, dtype: number, rowBytes: number): void;
  storeKv(kLayer: number, vLayer: number, k: number, v: number, slots: number, T: number): void;
  expInPlace(p: number, n: number): void;
  gatherRows(out: number, x: number, order: number, n: number, k: number, dim: number): void;
  combineExperts(x: number, ye: number, rowOf: number, weights: number, T: number, k: number, dim: number): void;
  /** End of the module's static data (its constants). */
  heapBase(): number;
}

let compiled: WebAssembly.Module | null = null;
let unavailable: string | null = null;

function bytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(KERNELS_WASM_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Compiles the kernels once per realm, synchronously (fine in Node and in a Web Worker). Returns
 * null, with the reason in `wasmUnavailableReason()`, where WebAssembly or its SIMD extension is
 * missing or the embedder refuses synchronous compilation (a browser's main thread may; call
 * `preloadWasmKernels()` there first).
 */
export function wasmKernelsModule(): WebAssembly.Module | null {
  if (compiled || unavailable) return compiled;
  if (typeof WebAssembly !== 'object') {
    unavailable = 'this JavaScript engine has no WebAssembly';
    return null;
  }
  try {
    compiled = new WebAssembly.Module(bytes());
  } catch (e) {
    unavailable = e instanceof WebAssembly.CompileError ? `WebAssembly SIMD is not supported here (${reason(e)})` : `WebAssembly could not compile the kernels (${reason(e)})`;
  }
  return compiled;
}

/** Compiles the kernels asynchronously (allowed everywhere), so later backends find them ready. */
export async function preloadWasmKernels(): Promise<boolean> {
  if (compiled || typeof WebAssembly !== 'object') return wasmKernelsModule() !== null;
  try {
    compiled = await WebAssembly.compile(bytes());
    unavailable = null;
  } catch {
    return wasmKernelsModule() !== null;
  }
  return true;
}

export const wasmUnavailableReason = (): string | null => (compiled ? null : unavailable);

/** A fresh instance over `memory` (one per backend: attention keeps the model's shape in globals). */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): WasmKernels {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as WasmKernels;
}
