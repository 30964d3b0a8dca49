/**
 * Counter-based RNG shared bit-for-bit with shaders/lib/rng.wgsl: every draw is a pure function of
 * (seed, stream, counter), so candidate i draws the same start subset on every backend, in any order.
 * All arithmetic is on u32 (Math.imul and >>> 0 mirror WGSL's wrapping u32 ops).
 */

/** PCG-RXS-M-XS 32-bit output hash (O'Neill), used as a stateless mixer. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> (((state >>> 28) + 4) >>> 0)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** A u32 that depends only on (seed, stream, counter). */
export function rngU32(seed: number, stream: number, counter: number): number {
  return pcgHash((pcgHash((pcgHash(seed >>> 0) + (stream >>> 0)) >>> 0) + (counter >>> 0)) >>> 0);
}

/** Uniform in [0, 1) with 24 bits, exactly representable in f32 as on the GPU. */
export function rngUniform(seed: number, stream: number, counter: number): number {
  return (rngU32(seed, stream, counter) >>> 8) / 16777216;
}

/**
 * `size` distinct indices in [0, m), drawn for (seed, stream) by rejection: draw r % m with an
 * increasing counter, skip repeats. Deterministic and cheap for size << m; the WGSL twin
 * (`elemental_subset`) does exactly the same. Requires size <= m.
 */
export function elementalSubset(seed: number, stream: number, m: number, size: number, out?: Int32Array): Int32Array {
  const picked = out ?? new Int32Array(size);
  let count = 0;
  let counter = 0;
  while (count < size) {
    const candidate = rngU32(seed, stream, counter++) % m;
    let seen = false;
    for (let j = 0; j < count; j++) if (picked[j] === candidate) { seen = true; break; }
    if (!seen) picked[count++] = candidate;
  }
  return picked;
}
