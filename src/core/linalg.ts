/**
 * Small dense linear algebra in f64 for systems of at most a handful of unknowns (p ≤ 8): Cholesky
 * factorisation with a rank test, solves and inverses, and box-constrained linear least squares for
 * the closed-form (variable-projection) part of the starting grids. Matrices are row-major
 * Float64Arrays of n×n entries. Nothing here allocates per call except where an output is returned;
 * scratch lives in module-level arrays sized for MAX_SMALL_N.
 */

/** Largest system the module-level scratch is sized for. */
export const MAX_SMALL_N = 8;

/**
 * Pivot floor used to call a normal matrix numerically singular: a Cholesky pivot below this
 * fraction of its own diagonal means the column is explained by the earlier ones up to
 * 1 − R² ≤ 1e-12, i.e. the parameter is not identifiable from the data beyond ~6 significant digits.
 */
export const SINGULAR_PIVOT_RATIO = 1e-12;

/**
 * In-place Cholesky factorisation A = L·Lᵀ of the n×n SPD matrix `a` (only the lower triangle is
 * read; L overwrites it). Returns -1 on success, otherwise the index of the first pivot that is not
 * finite or not above `relativePivotFloor` × its original diagonal (the factor is then incomplete).
 */
export function choleskyFactor(a: Float64Array, n: number, relativePivotFloor = 0): number {
  for (let j = 0; j < n; j++) {
    const diag = a[j * n + j];
    let d = diag;
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > relativePivotFloor * diag) || !(d > 0) || !Number.isFinite(d)) return j;
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
  }
  return -1;
}

/** Solves L·Lᵀ·z = b in place (b becomes z) with the factor from `choleskyFactor`. */
export function choleskySolveFactored(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k];
    b[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/**
 * Writes A⁻¹ into `out` (n×n) from the Cholesky factor of A. Uses `out` column by column, so `out`
 * must not alias `l`.
 */
export function inverseFromCholesky(l: Float64Array, n: number, out: Float64Array): void {
  const col = colScratch;
  for (let j = 0; j < n; j++) {
    col.fill(0, 0, n);
    col[j] = 1;
    choleskySolveFactored(l, n, col);
    for (let i = 0; i < n; i++) out[i * n + j] = col[i];
  }
}

const colScratch = new Float64Array(MAX_SMALL_N);
const lsGram = new Float64Array(MAX_SMALL_N * MAX_SMALL_N);
const lsRhs = new Float64Array(MAX_SMALL_N);
const lsTrial = new Float64Array(MAX_SMALL_N);
const lsFree = new Int32Array(MAX_SMALL_N);
const lsState = new Int32Array(MAX_SMALL_N);

/** Most unknowns `boundedLeastSquaresSmall` accepts (it enumerates 3ⁿ active sets). */
export const MAX_BOUNDED_LS_N = 3;

/**
 * min over lower ≤ c ≤ upper of ‖y − G·c‖², given gram = GᵀG (n×n), rhs = Gᵀy and yy = yᵀy, for
 * n ≤ MAX_BOUNDED_LS_N. The problem is a convex QP, so the optimum is the best feasible stationary
 * point over all active sets (each unknown free, at its lower or at its upper bound); all 3ⁿ are
 * enumerated. `ridge` is added to the diagonal of every reduced system (0 for the exact problem).
 * Writes the minimiser into `out` and returns its SSE (≥ 0), or Infinity when no active set gives a
 * nonsingular feasible solution (out is then untouched).
 */
export function boundedLeastSquaresSmall(
  gram: ArrayLike<number>,
  rhs: ArrayLike<number>,
  yy: number,
  n: number,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  out: Float64Array,
  ridge = 0,
): number {
  if (n > MAX_BOUNDED_LS_N) throw new RangeError(`boundedLeastSquaresSmall supports n ≤ ${MAX_BOUNDED_LS_N}, got ${n}`);
  if (n === 1) {
    // One unknown: the convex parabola's minimiser clamped into [lower, upper] (the hot path of
    // the sigmoid and power starting scans).
    const g = gram[0] + ridge;
    if (!(g > 0) || !Number.isFinite(g) || !Number.isFinite(rhs[0])) return Infinity;
    const c = Math.min(Math.max(rhs[0] / g, lower[0]), upper[0]);
    out[0] = c;
    return Math.max(yy - 2 * rhs[0] * c + gram[0] * c * c, 0);
  }
  let best = Infinity;
  let combos = 1;
  for (let k = 0; k < n; k++) combos *= 3;
  for (let code = 0; code < combos; code++) {
    // state 0: free, 1: at lower, 2: at upper. Skip states that pin an unknown to an infinite bound.
    let rest = code;
    let nFree = 0;
    let feasibleCombo = true;
    for (let k = 0; k < n; k++) {
      const state = rest % 3;
      rest = (rest - state) / 3;
      lsState[k] = state;
      if (state === 0) lsFree[nFree++] = k;
      else if (state === 1) {
        if (!Number.isFinite(lower[k])) feasibleCombo = false;
        lsTrial[k] = lower[k];
      } else {
        if (!Number.isFinite(upper[k])) feasibleCombo = false;
        lsTrial[k] = upper[k];
      }
    }
    if (!feasibleCombo) continue;
    if (nFree > 0) {
      for (let a = 0; a < nFree; a++) {
        const i = lsFree[a];
        let r = rhs[i];
        for (let k = 0; k < n; k++) if (lsState[k] !== 0) r -= gram[i * n + k] * lsTrial[k];
        lsRhs[a] = r;
        for (let b = 0; b < nFree; b++) lsGram[a * nFree + b] = gram[i * n + lsFree[b]];
        lsGram[a * nFree + a] += ridge;
      }
      if (choleskyFactor(lsGram, nFree, SINGULAR_PIVOT_RATIO) >= 0) continue;
      choleskySolveFactored(lsGram, nFree, lsRhs);
      let inside = true;
      for (let a = 0; a < nFree; a++) {
        const i = lsFree[a];
        const v = lsRhs[a];
        if (!(v >= lower[i] && v <= upper[i])) inside = false;
        lsTrial[i] = v;
      }
      if (!inside) continue;
    }
    let sse = yy;
    for (let i = 0; i < n; i++) {
      let gc = 0;
      for (let k = 0; k < n; k++) gc += gram[i * n + k] * lsTrial[k];
      sse += lsTrial[i] * (gc - 2 * rhs[i]);
    }
    sse = Math.max(sse, 0);
    if (sse < best) {
      best = sse;
      for (let k = 0; k < n; k++) out[k] = lsTrial[k];
    }
  }
  return best;
}
