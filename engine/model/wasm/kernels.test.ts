import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, seeded } from '../../backend/webgpu/testing/random';
import { matmul as matmulRef, rmsnorm as rmsnormRef } from '../forward-cpu';
import { instantiateKernels, wasmKernelsModule, type WasmKernels } from './kernels';
import { packF32 } from './pack';

/**
 * Each WebAssembly kernel against the TypeScript reference on random data of awkward sizes (rows
 * not a multiple of 4 or 16, odd inner sizes, 1..9 tokens so every tile shape and tail runs),
 * and the matmul's batch invariance bit for bit. Attention and RoPE are checked through the whole
 * forward pass in forward-wasm.test.ts, where their inputs (block tables, positions) are natural.
 */

/** The kernels over a fresh memory, with a bump allocator for test arrays. */
function harness() {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const k: WasmKernels = instantiateKernels(wasmKernelsModule()!, memory);
  let top = Math.ceil(k.heapBase() / 16) * 16;
  const f32 = () => new Float32Array(memory.buffer);
  const put = (a: Float32Array, pad = 4) => {
    const at = top;
    f32().set(a, at / 4);
    top += Math.ceil((a.length + pad) / 4) * 16;
    return at;
  };
  const get = (at: number, n: number) => f32().slice(at / 4, at / 4 + n);
  return { k, put, get, alloc: (n: number) => put(new Float32Array(n).fill(NaN), 0) };
}

/** |a - b| relative to the size of the sum's terms, so float32 vs float64 accumulation compares fairly. */
const close = (got: Float32Array, want: Float32Array, scale: number) => maxAbsDiff(got, want) / scale;

describe('WebAssembly SIMD kernels vs the TypeScript reference', () => {
  it('loads and compiles in Node', () => {
    expect(wasmKernelsModule()).toBeInstanceOf(WebAssembly.Module);
  });

  it.each([1, 2, 3, 4, 5, 7, 8, 9])('matmul with %i tokens matches on awkward shapes', (T) => {
    const rand = seeded(T);
    for (const [n, d] of [[64, 64], [7, 5], [33, 172], [64, 17], [16, 512], [5, 1]]) {
      const h = harness();
      const w = randomArray(d * n, rand);
      const x = randomArray(T * n, rand, 2);
      const want = new Float32Array(T * d);
      matmulRef(want, x, w, 0, T, n, d);
      const out = h.alloc(T * d);
      const guard = h.alloc(4);
      h.k.matmul(out, h.put(x), h.put(packF32(w, 0, d, n)), T, n, d);
      expect(close(h.get(out, T * d), want, n * 2), `n ${n} d ${d}`).toBeLessThan(1e-6);
      expect(Number.isNaN(h.get(guard, 1)[0]), 'writes past the output').toBe(true);
    }
  });

  it('matmul gives every token bit-identical results in any batch (each tile sums in the same order)', () => {
    const rand = seeded(7);
    const [n, d] = [48, 44];
    const h = harness();
    const w = h.put(packF32(randomArray(d * n, rand), 0, d, n));
    const x = randomArray(9 * n, rand, 3);
    const xs = h.put(x);
    const all = h.alloc(9 * d);
    h.k.matmul(all, xs, w, 9, n, d);
    const batch = h.get(all, 9 * d);
    for (let t = 0; t < 9; t++) {
      const one = h.alloc(d);
      h.k.matmul(one, h.put(x.subarray(t * n, (t + 1) * n)), w, 1, n, d);
      expect(maxAbsDiff(h.get(one, d), batch.subarray(t * d, (t + 1) * d))).toBe(0);
    }
  });

  it('rmsnorm matches for dims with and without a tail', () => {
    const rand = seeded(3);
    for (const dim of [64, 7, 30, 1]) {
      const h = harness();
      const T = 5;
      const x = randomArray(T * dim, rand, 3);
      const w = randomArray(dim, rand);
      const want = new Float32Array(T * dim);
      rmsnormRef(want, x, w, 0, T, dim);
      const out = h.alloc(T * dim);
      h.k.rmsnorm(out, h.put(x), h.put(w), T, dim);
      expect(close(h.get(out, T * dim), want, 1)).toBeLessThan(1e-6);
    }
  });

  it('exp is within 3 ulp of Math.exp over the range softmax and SiLU use', () => {
    const h = harness();
    const xs = Float32Array.from({ length: 4096 }, (_, i) => -87 + (175 * i) / 4095);
    const at = h.put(xs);
    h.k.expInPlace(at, xs.length);
    const got = h.get(at, xs.length);
    let worst = 0;
    xs.forEach((x, i) => (worst = Math.max(worst, Math.abs(got[i] - Math.exp(x)) / Math.exp(x))));
    expect(worst).toBeLessThan(3 * 2 ** -23);
    const tiny = h.put(Float32Array.of(-1000, -Infinity, -88, 1000));
    h.k.expInPlace(tiny, 4);
    const [a, b, c, big] = h.get(tiny, 4);
    for (const v of [a, b, c]) expect(v).toBeLessThan(1e-37); // clamped: far below anything a softmax can see
    expect(big).toBeGreaterThan(1e38);
  });

  it('siluMul and addInPlace match the reference formulas', () => {
    const rand = seeded(11);
    const h = harness();
    const n = 43;
    const a = randomArray(n, rand, 8);
    const g = randomArray(n, rand);
    const pa = h.put(a);
    h.k.siluMul(pa, h.put(g), n);
    const want = a.map((v, i) => (v / (1 + Math.exp(-v))) * g[i]);
    expect(close(h.get(pa, n), want, 8)).toBeLessThan(1e-6);
    const px = h.put(a);
    h.k.addInPlace(px, h.put(g), n);
    expect(maxAbsDiff(h.get(px, n), a.map((v, i) => v + g[i]))).toBe(0);
  });
});
