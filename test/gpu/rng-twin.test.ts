// shaders/lib/rng.wgsl must reproduce src/core/rng.ts bit for bit: the GPU and the CPU reference
// draw the same elemental subsets only if every u32 agrees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleShader } from '../../src/backends/webgpu/shader-source.js';
import { elementalSubset, rngU32, rngUniform } from '../../src/core/rng.js';
import type { GpuDeviceHandle } from '../../src/backends/webgpu/device.js';
import { requireGpu, runTestKernel } from './gpu-harness.js';

const N = 20_000;
const SUBSET = 8;
// Per invocation: seed, stream, counter, m, size → rng_u32, rng_uniform bits, SUBSET indices.
const OUT_WORDS = 2 + SUBSET;

const KERNEL = `
@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&input) / 5u) { return; }
  let seed = input[5u * i];
  let stream = input[5u * i + 1u];
  let counter = input[5u * i + 2u];
  let m = input[5u * i + 3u];
  let size = input[5u * i + 4u];
  output[${OUT_WORDS}u * i] = rng_u32(seed, stream, counter);
  output[${OUT_WORDS}u * i + 1u] = bitcast<u32>(rng_uniform(seed, stream, counter));
  var subset: array<u32, RNG_MAX_SUBSET>;
  elemental_subset(seed, stream, m, size, &subset);
  for (var j = 0u; j < ${SUBSET}u; j += 1u) { output[${OUT_WORDS}u * i + 2u + j] = select(0xffffffffu, subset[j], j < size); }
}`;

describe('rng.wgsl is the bit-exact twin of src/core/rng.ts', () => {
  let gpu: GpuDeviceHandle;
  beforeAll(async () => { gpu = await requireGpu(); });
  afterAll(() => gpu?.release());

  it(`agrees on rngU32, rngUniform and elementalSubset for ${N} inputs`, async () => {
    // Inputs from a simple LCG over the whole u32 range, plus edge values.
    const input = new Uint32Array(5 * N);
    let state = 12345;
    const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    const edges = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];
    for (let i = 0; i < N; i++) {
      const seed = i < edges.length ? edges[i] : next();
      const stream = i < 2 * edges.length ? edges[i % edges.length] : next();
      const counter = next() % (i % 3 === 0 ? 0xffffffff : 64);
      const m = 1 + (next() % 300);
      const size = Math.min(m, 1 + (next() % SUBSET));
      input.set([seed, stream, counter, m, size], 5 * i);
    }
    const code = assembleShader({ source: KERNEL }, ['rng'], {});
    const out = await runTestKernel(gpu.device, code, input, OUT_WORDS * N, N);
    const f32 = new Float32Array(out.buffer);
    let mismatches = 0;
    for (let i = 0; i < N; i++) {
      const [seed, stream, counter, m, size] = input.subarray(5 * i, 5 * i + 5);
      const ok = out[OUT_WORDS * i] === rngU32(seed, stream, counter)
        && f32[OUT_WORDS * i + 1] === rngUniform(seed, stream, counter)
        && Array.from(elementalSubset(seed, stream, m, size)).every((v, j) => out[OUT_WORDS * i + 2 + j] === v);
      if (!ok) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
