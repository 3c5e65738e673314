/**
 * Counter-based randomness: the uniform number for a request's token at position `pos` is a pure
 * hash of (seed, pos). A request's samples therefore never depend on what else shares its batch,
 * on how its prompt was chunked, or on whether it was preempted and recomputed. The same integer
 * arithmetic runs in WGSL (shaders/sample.wgsl) so GPU and CPU draw identical numbers.
 */

/** PCG-RXS-M-XS 32-bit output hash (O'Neill), on u32 values. */
export function pcgHash(x: number): number {
  const state = (Math.imul(x >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Uniform in [0, 1) with 24 bits, exactly representable in float32. */
export function uniformAt(seed: number, pos: number): number {
  const h = pcgHash((pcgHash(seed >>> 0) ^ (pos >>> 0)) >>> 0);
  return (h >>> 8) / 16777216;
}

/**
 * The seed of completion `c` of a request seeded `seed` (parallel sampling): completion 0 keeps the
 * request's seed, so n = 1 changes nothing, and each other completion draws from a stream of its
 * own, so its text is what the same request alone with that seed would give.
 */
export function completionSeed(seed: number, c: number): number {
  return c === 0 ? seed >>> 0 : pcgHash((seed ^ pcgHash((c * 0x9e3779b9) >>> 0)) >>> 0);
}
