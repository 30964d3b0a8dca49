/**
 * The one place where the LTS candidate kernel's tunables live. Every variant computes the same
 * candidates (ltsCandidate in src/core/lts.ts, in f32); they differ only in how the work is laid
 * out, so any of them may be chosen for speed. docs/performance.md explains each switch and how
 * to measure them (dist/gpu-perf.js runs every variant below).
 *
 * Compile-time facts of a pipeline = (variant, N_PARAMS, MAX_POOL tier): all of them are WGSL
 * `const`s (see shader-source.ts), so dead branches of a switch cost nothing at run time.
 */

import { TrimfitError } from '../../api/errors.js';

/** MAX_POOL tiers: a job runs on the smallest tier that holds its pool; private arrays are sized by it. */
export const LTS_POOL_TIERS: readonly number[] = [16, 32, 64, 128, 256, 1024];

export interface LtsKernelVariant {
  /**
   * One pass over the subset per Gauss–Newton iteration: the trial point's SSE, JᵀJ and Jᵀr are
   * accumulated together (one exp per point) and reused when the step is accepted (a rejected
   * step leaves θ, hence JᵀJ and Jᵀr, unchanged), with JᵀJ, Jᵀr and the Cholesky solve as named
   * vector components (no array indexed by a loop variable), so they stay in registers even where
   * the driver does not unroll the small loops over parameters. The same products in the same
   * order; costs 4 FMAs per point more for 3 parameters (the full 4×4 lower triangle is
   * accumulated). Off: an SSE pass and a JᵀJ pass per iteration, as the f64 reference is written.
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
   * With unrolledGn: the C-steps' refits (over h of the m pool points) walk every pool point in
   * position order and add the terms of those whose mask bit is set; the start fit keeps its
   * sparse walk over N_PARAMS points. All candidates of a job then run the same trip count with
   * no data-dependent branch around the model, and read the same point at the same time (one
   * broadcast load per warp instead of up to 32 scattered ones), for m/h times the model
   * evaluations of those passes (4/3 at the default α = 0.75). Same points in the same order.
   */
  denseGn: boolean;
  /**
   * Selection of the h smallest keys. 'bisect-full': 32 counting passes of a bisection over the
   * whole u32 key range. 'bisect-early': the bisection starts from [min key, max key] and stops
   * as soon as exactly h keys are ≤ the probe (the same set, so the same result).
   */
  select: 'bisect-full' | 'bisect-early';
  /** Invocations (= candidates) per workgroup. */
  workgroupSize: 32 | 64 | 128 | 256;
}

/**
 * Named variants. 'baseline' is the first kernel's layout, kept as the reference point of every
 * measurement (dist/gpu-perf.js runs them in this order). Variants that lost on the H100 in both
 * runs were removed (their numbers stay in docs/performance.md): the fused Gauss–Newton with
 * loop-indexed arrays ('fused', 'fused-early', 'fused-early-wg128'), the squared-residual keys in
 * workgroup memory ('fused-early-shared', 'fused-early-shared-wg32') and 'unrolled-full' (the
 * full bisection, which the early exit beat at every n).
 */
export const LTS_KERNEL_VARIANTS = {
  baseline: { unrolledGn: false, flatMask: false, denseGn: false, select: 'bisect-full', workgroupSize: 64 },
  'unrolled-early': { unrolledGn: true, flatMask: false, denseGn: false, select: 'bisect-early', workgroupSize: 64 },
  'unrolled-early-flat': { unrolledGn: true, flatMask: true, denseGn: false, select: 'bisect-early', workgroupSize: 64 },
  'unrolled-early-dense': { unrolledGn: true, flatMask: false, denseGn: true, select: 'bisect-early', workgroupSize: 64 },
  'unrolled-early-dense-flat': { unrolledGn: true, flatMask: true, denseGn: true, select: 'bisect-early', workgroupSize: 64 },
} as const satisfies Record<string, LtsKernelVariant>;

export type LtsKernelVariantName = keyof typeof LTS_KERNEL_VARIANTS;

/**
 * The variant a backend uses on a hardware adapter unless told otherwise: fastest at every pool
 * size in the kernel profile of 2026-11-27 (candidate pass on the GPU clock, best of 16 runs per
 * chunk, bench/results/h100-2026-11-27): 3.2×10^8 candidates/s at n = 64 on an H100, against
 * 2.4×10^8 for 'unrolled-early' and 3.1×10^8 for 'unrolled-early-dense'; it also led at n = 16
 * and n = 256, and at every n on an H200 the same day. docs/performance.md has the table.
 */
export const LTS_DEFAULT_VARIANT: LtsKernelVariantName = 'unrolled-early-dense-flat';

/**
 * The default on software adapters (SwiftShader, lavapipe, llvmpipe, WARP): 'unrolled-early-flat'
 * compiled and ran fastest on SwiftShader (docs/performance.md).
 */
export const LTS_SOFTWARE_DEFAULT_VARIANT: LtsKernelVariantName = 'unrolled-early-flat';

const SOFTWARE_ADAPTER = /swiftshader|lavapipe|llvmpipe|microsoft basic render|\bwarp\b/i;

/** The default variant for an adapter, from its description (GpuDeviceHandle.description). */
export function defaultVariantFor(adapterDescription: string): LtsKernelVariantName {
  return SOFTWARE_ADAPTER.test(adapterDescription) ? LTS_SOFTWARE_DEFAULT_VARIANT : LTS_DEFAULT_VARIANT;
}

export function isLtsKernelVariantName(name: unknown): name is LtsKernelVariantName {
  return typeof name === 'string' && Object.hasOwn(LTS_KERNEL_VARIANTS, name);
}

/** Throws an invalid-option error naming `field` and the known variants unless `name` is undefined or one of them. */
export function checkKernelVariant(name: unknown, field: string): asserts name is LtsKernelVariantName | undefined {
  if (name !== undefined && !isLtsKernelVariantName(name)) {
    throw new TrimfitError('invalid-option', field, `one of ${Object.keys(LTS_KERNEL_VARIANTS).join(', ')}`, name);
  }
}
