/**
 * The one place where the LTS candidate kernel's tunables live. Every variant computes the same
 * candidates (ltsCandidate in src/core/lts.ts, in f32); they differ only in how the work is laid
 * out, so any of them may be chosen for speed. docs/performance.md explains each switch and how
 * to measure them (dist/gpu-perf.js runs every variant below).
 *
 * Compile-time facts of a pipeline = (variant, N_PARAMS, MAX_POOL tier): all of them are WGSL
 * `const`s (see shader-source.ts), so dead branches of a switch cost nothing at run time.
 */

/** MAX_POOL tiers: a job runs on the smallest tier that holds its pool; private arrays are sized by it. */
export const LTS_POOL_TIERS: readonly number[] = [16, 32, 64, 128, 256, 1024];

export interface LtsKernelVariant {
  /**
   * One pass over the subset per Gauss–Newton iteration: the trial point's SSE, JᵀJ and Jᵀr are
   * accumulated together (one exp per point) and reused when the step is accepted; a rejected
   * step leaves θ, hence JᵀJ and Jᵀr, unchanged. Off: an SSE pass and a JᵀJ pass per iteration,
   * as the f64 reference is written.
   */
  fusedGn: boolean;
  /**
   * With fusedGn: JᵀJ, Jᵀr and the Cholesky solve as named vector components (no array indexed
   * by a loop variable), so they stay in registers even where the driver does not unroll the
   * small loops over parameters; the same products in the same order. Costs 4 FMAs per point more
   * for 3 parameters (the full 4×4 lower triangle is accumulated).
   */
  unrolledGn: boolean;
  /**
   * With unrolledGn: the Gauss–Newton passes walk the mask in one loop of exactly h (or p)
   * iterations, moving to the next mask word inside it, so all candidates of a warp run the same
   * trip count; per-word loops run, per warp, the maximum count of every word (≈ 20 % more at
   * h = 0.75 m once the pool spans two or more words). Same points in the same order.
   */
  flatMask: boolean;
  /**
   * Selection of the h smallest keys. 'bisect-full': 32 counting passes of a bisection over the
   * whole u32 key range. 'bisect-early': the bisection starts from [min key, max key] and stops
   * as soon as exactly h keys are ≤ the probe (the same set, so the same result).
   */
  select: 'bisect-full' | 'bisect-early';
  /**
   * Where the per-candidate squared-residual keys live. 'private': a per-invocation array
   * (local memory once indexed dynamically). 'workgroup': a slice of workgroup memory,
   * key i of invocation l at [i·WORKGROUP_SIZE + l] (consecutive invocations, consecutive banks).
   * Falls back to 'private' when MAX_POOL·WORKGROUP_SIZE·4 bytes exceed the device's
   * maxComputeWorkgroupStorageSize.
   */
  keys: 'private' | 'workgroup';
  /** Invocations (= candidates) per workgroup. */
  workgroupSize: 32 | 64 | 128 | 256;
}

/**
 * Named variants. 'baseline' is the first kernel's layout, kept as the reference point of every
 * measurement (dist/gpu-perf.js runs them in this order, so the likely fastest come early in its
 * time budget); the others switch on one idea at a time so each one's effect can be read off.
 */
export const LTS_KERNEL_VARIANTS = {
  baseline: { fusedGn: false, unrolledGn: false, flatMask: false, select: 'bisect-full', keys: 'private', workgroupSize: 64 },
  'unrolled-early': { fusedGn: true, unrolledGn: true, flatMask: false, select: 'bisect-early', keys: 'private', workgroupSize: 64 },
  'unrolled-full': { fusedGn: true, unrolledGn: true, flatMask: false, select: 'bisect-full', keys: 'private', workgroupSize: 64 },
  'unrolled-early-flat': { fusedGn: true, unrolledGn: true, flatMask: true, select: 'bisect-early', keys: 'private', workgroupSize: 64 },
  fused: { fusedGn: true, unrolledGn: false, flatMask: false, select: 'bisect-full', keys: 'private', workgroupSize: 64 },
  'fused-early': { fusedGn: true, unrolledGn: false, flatMask: false, select: 'bisect-early', keys: 'private', workgroupSize: 64 },
  'fused-early-wg128': { fusedGn: true, unrolledGn: false, flatMask: false, select: 'bisect-early', keys: 'private', workgroupSize: 128 },
  'fused-early-shared': { fusedGn: true, unrolledGn: false, flatMask: false, select: 'bisect-early', keys: 'workgroup', workgroupSize: 64 },
  'fused-early-shared-wg32': { fusedGn: true, unrolledGn: false, flatMask: false, select: 'bisect-early', keys: 'workgroup', workgroupSize: 32 },
} as const satisfies Record<string, LtsKernelVariant>;

export type LtsKernelVariantName = keyof typeof LTS_KERNEL_VARIANTS;

/**
 * The variant a backend uses on a hardware adapter unless told otherwise. Measured on an H100
 * (second run, bench/results/gpu-perf-nvidia-h100-80gb-hbm3-run2.json, 4M candidates, GPU time
 * only): 'unrolled-early' was the fastest row at every n — 7.2×10^7 candidates/s at n = 64
 * (baseline 6.6×10^7, 'unrolled-early-flat' 4.1×10^7, 'fused-early' 4.9×10^7) and the highest
 * TFLOP/s at n = 16 and 256. Its Gauss–Newton state lives in named registers (no loop-indexed
 * arrays); the flat mask walk, fastest on SwiftShader, lost on the H100.
 */
export const LTS_DEFAULT_VARIANT: LtsKernelVariantName = 'unrolled-early';

/**
 * The default on software adapters (SwiftShader, lavapipe, llvmpipe, WARP). They emulate workgroup
 * memory slowly and compile its pipelines 2–5× slower (docs/performance.md); 'unrolled-early-flat'
 * uses none and compiled and ran fastest on SwiftShader.
 */
export const LTS_SOFTWARE_DEFAULT_VARIANT: LtsKernelVariantName = 'unrolled-early-flat';

const SOFTWARE_ADAPTER = /swiftshader|lavapipe|llvmpipe|microsoft basic render|\bwarp\b/i;

/** The default variant for an adapter, from its description (GpuDeviceHandle.description). */
export function defaultVariantFor(adapterDescription: string): LtsKernelVariantName {
  return SOFTWARE_ADAPTER.test(adapterDescription) ? LTS_SOFTWARE_DEFAULT_VARIANT : LTS_DEFAULT_VARIANT;
}

/** Bytes of workgroup memory the keys of one workgroup take in the 'workgroup' layout. */
export function sharedKeyBytes(maxPool: number, workgroupSize: number): number {
  return 4 * maxPool * workgroupSize;
}

/** The variant as it will run on a device with this workgroup storage limit (keys fall back to private). */
export function effectiveVariant(variant: LtsKernelVariant, maxPool: number, maxWorkgroupStorageBytes: number): LtsKernelVariant {
  if (variant.keys === 'workgroup' && sharedKeyBytes(maxPool, variant.workgroupSize) > maxWorkgroupStorageBytes) {
    return { ...variant, keys: 'private' };
  }
  return variant;
}

export function isLtsKernelVariantName(name: unknown): name is LtsKernelVariantName {
  return typeof name === 'string' && Object.hasOwn(LTS_KERNEL_VARIANTS, name);
}
