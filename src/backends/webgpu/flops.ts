/**
 * Operation counts of one LTS candidate of the sigmoid as the kernel (shaders/lts_candidates.wgsl)
 * executes it, for relating measured candidates/s to the hardware limits. Counted per point from
 * the WGSL: an FMA is 2 flops, any other f32 add/sub/mul/min/max/compare 1; exp and division are
 * special-function work (on NVIDIA: ex2 and rcp on the SFU, plus a multiply each, counted as
 * flops). Integer work of the selection (compare + add per key per bisection pass) is reported apart.
 * docs/performance.md derives these numbers step by step.
 */

export interface LtsWorkShape {
  /** Pool size m. */
  m: number;
  /** Trim size h. */
  h: number;
  nParams: number;
  cSteps: number;
  gnIterations: number;
  /** One pass per Gauss–Newton iteration (tuning.ts `unrolledGn`). */
  fusedGn: boolean;
  /** The C-steps' refits evaluate all m pool points (tuning.ts `denseGn`, with fusedGn). */
  denseGn?: boolean;
  /** Counting passes per selection: 33 for 'bisect-full' (32 + the tie count), measured or estimated otherwise. */
  bisectionPasses: number;
}

export interface LtsOpCount {
  /** f32 flops (FMA = 2), including one multiply per exp and per division. */
  flops: number;
  /** exp + division evaluations (one SFU instruction each on NVIDIA). */
  sfuOps: number;
  /** u32 compare/add work of the bisection selection. */
  selectionIntOps: number;
}

/** f(t): t ≤ T_OF_ZERO test, m − t, b·(·), clamp (2), 1 + e, c0 + (u − c0)·s (sub + FMA), exp and 1/x multiplies. */
const VALUE_FLOPS = 1 + 1 + 1 + 2 + 1 + 3 + 2;
/** f and ∇f: as VALUE plus e·s, −amp·s·(1−s) (2), ∂/∂b, ∂/∂m (1 each); amp shared. */
const VALUE_GRAD_FLOPS = VALUE_FLOPS + 1 + 2 + 2;
/** Kahan step: r·r − comp (FMA), sum + v, (next − sum) − v. */
const KAHAN_FLOPS = 2 + 3;

/** Flops of one point's normal-equation terms: r = y − f, Jᵀr (p FMAs), lower JᵀJ (p(p+1)/2 FMAs). */
function normalTermFlops(p: number): number {
  return 1 + 2 * p + p * (p + 1);
}

/** Per iteration, independent of the point count: λ·diag + floor (p FMAs), Cholesky, two triangular solves, clamp. */
function solveFlops(p: number): number {
  const cholesky = (p * (p + 1) * (2 * p + 1)) / 6 * 2 + 2 * p; // inner FMAs + sqrt and divide per pivot
  const solves = 2 * (p * p + p);
  return 2 * p + cholesky + solves + 3 * p;
}

export function ltsOpCount(shape: LtsWorkShape): LtsOpCount {
  const { m, h, nParams: p, cSteps, gnIterations: g, fusedGn, bisectionPasses } = shape;
  const denseGn = fusedGn && shape.denseGn === true;
  // One fit of `iterations` steps over k points.
  const gn = (k: number): { flops: number; sfu: number } => {
    if (fusedGn) {
      const pass = k * (VALUE_GRAD_FLOPS + normalTermFlops(p) + KAHAN_FLOPS);
      return { flops: (g + 1) * pass + g * solveFlops(p), sfu: (g + 1) * k * 2 };
    }
    const ssePass = k * (VALUE_FLOPS + 1 + KAHAN_FLOPS);
    const jtjPass = k * (VALUE_GRAD_FLOPS + normalTermFlops(p));
    return { flops: (g + 1) * ssePass + g * (jtjPass + solveFlops(p)), sfu: (2 * g + 1) * k * 2 };
  };
  // denseGn: the refit's passes evaluate f, ∇f and r on all m points, and add h points' terms.
  const gnDense = (): { flops: number; sfu: number } => {
    const pass = m * (VALUE_GRAD_FLOPS + 1) + h * (normalTermFlops(p) - 1 + KAHAN_FLOPS);
    return { flops: (g + 1) * pass + g * solveFlops(p), sfu: (g + 1) * m * 2 };
  };
  // Keys over the pool (f, r, r², min, max), then the position-ordered Kahan sum of h of them.
  const selectFlops = m * (VALUE_FLOPS + 1 + 1 + 2) + h * KAHAN_FLOPS;
  const selections = cSteps + 1;
  const start = gn(p);
  const refit = denseGn ? gnDense() : gn(h);
  return {
    flops: start.flops + cSteps * refit.flops + selections * selectFlops,
    sfuOps: start.sfu + cSteps * refit.sfu + selections * m * 2,
    selectionIntOps: selections * bisectionPasses * m * 2,
  };
}

/** FP32 peak of an H100 SXM (non-tensor), flop/s: the yardstick of docs/performance.md. */
export const H100_SXM_FP32_PEAK_FLOPS = 67e12;
/** SFU throughput of an H100 SXM: 132 SMs × 16 per clock × 1.98 GHz, ops/s. */
export const H100_SXM_SFU_PEAK_OPS = 132 * 16 * 1.98e9;
