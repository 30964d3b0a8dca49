// Counter-based RNG, the bit-exact twin of src/core/rng.ts: every draw is a pure function of
// (seed, stream, counter), so candidate k draws the same elemental subset on every backend.
// All arithmetic is wrapping u32, as Math.imul and >>> 0 do in TypeScript.

// Largest elemental subset (= largest parameter count) any kernel asks for.
const RNG_MAX_SUBSET: u32 = 8u;

// PCG-RXS-M-XS 32-bit output hash (O'Neill), used as a stateless mixer.
fn pcg_hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn rng_u32(seed: u32, stream: u32, counter: u32) -> u32 {
  return pcg_hash(pcg_hash(pcg_hash(seed) + stream) + counter);
}

// Uniform in [0, 1) with 24 bits: exact in f32, identical to rngUniform.
fn rng_uniform(seed: u32, stream: u32, counter: u32) -> f32 {
  return f32(rng_u32(seed, stream, counter) >> 8u) / 16777216.0;
}

// `size` distinct values in [0, m) by rejection (draw r % m with an increasing counter, skip
// repeats), exactly as elementalSubset. Requires size <= min(m, RNG_MAX_SUBSET).
fn elemental_subset(seed: u32, stream: u32, m: u32, size: u32, out: ptr<function, array<u32, RNG_MAX_SUBSET>>) {
  var count = 0u;
  var counter = 0u;
  loop {
    if (count >= size) { break; }
    let candidate = rng_u32(seed, stream, counter) % m;
    counter += 1u;
    var seen = false;
    for (var j = 0u; j < count; j += 1u) {
      if ((*out)[j] == candidate) { seen = true; break; }
    }
    if (!seen) {
      (*out)[count] = candidate;
      count += 1u;
    }
  }
}
