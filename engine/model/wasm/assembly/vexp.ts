// exp on four float32 lanes at once (WebAssembly has no exp instruction, and a scalar Math.exp
// per attention score would cost as much as the rest of the step). Cephes' expf: x = n ln2 + r
// with |r| <= ln2 / 2, a degree-7 polynomial for e^r, and 2^n built in the exponent bits. Within
// 2 ulp of the true value over the clamped range; inputs are clamped so 2^n stays a normal float
// (below -87.3 the result is ~1e-38 instead of a denormal or 0, which no softmax can tell apart).

// The constants live in memory, not in the code: V8 rebuilds every v128.const each time a loop
// body uses it, which made this function 1.6x slower (measured, tools/bench micro-benchmark).
const K = memory.data<f32>([
  -87.33654, -87.33654, -87.33654, -87.33654, // 0: lowest input
  88.0, 88.0, 88.0, 88.0, // 16: highest input (2^127 at most)
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, // 32: log2(e)
  12582912.0, 12582912.0, 12582912.0, 12582912.0, // 48: 1.5 * 2^23, rounds to an integer in the low mantissa bits
  0.693359375, 0.693359375, 0.693359375, 0.693359375, // 64: ln2, high part
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, // 80: ln2, low part
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, // 96: polynomial, highest degree first
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1.0, 1.0, 1.0, 1.0, // 192
]);

// @ts-ignore: decorator
@inline export function vexp(v: v128): v128 {
  let x = f32x4.pmin(v128.load(K, 16), f32x4.pmax(v128.load(K), v));
  // n = round(x / ln2) without floor or a float -> int conversion: the magic add leaves n in the
  // low bits of t, and (bits(t) + 127) << 23 shifts the magic's exponent out, leaving 2^n.
  const t = f32x4.add(f32x4.mul(x, v128.load(K, 32)), v128.load(K, 48));
  const n = f32x4.sub(t, v128.load(K, 48));
  x = f32x4.sub(f32x4.sub(x, f32x4.mul(n, v128.load(K, 64))), f32x4.mul(n, v128.load(K, 80)));
  const z = f32x4.mul(x, x);
  let y = f32x4.add(f32x4.mul(v128.load(K, 96), x), v128.load(K, 112));
  y = f32x4.add(f32x4.mul(y, x), v128.load(K, 128));
  y = f32x4.add(f32x4.mul(y, x), v128.load(K, 144));
  y = f32x4.add(f32x4.mul(y, x), v128.load(K, 160));
  y = f32x4.add(f32x4.mul(y, x), v128.load(K, 176));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), v128.load(K, 192));
  return f32x4.mul(y, i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23));
}

/** exp of n floats (n rounded up to a multiple of 4: buffers carry the padding), for tests. */
export function expInPlace(p: usize, n: i32): void {
  for (let i = 0; i < n; i += 4, p += 16) v128.store(p, vexp(v128.load(p)));
}

/** End of the module's static data: the engine lays its buffers out above it. */
export function heapBase(): usize {
  return __heap_base;
}
