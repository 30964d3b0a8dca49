/**
 * Fixed-iteration damped Gauss–Newton (Levenberg–Marquardt with a fixed step count) used inside LTS
 * candidates. It has no convergence test and no early exit on purpose: the WGSL kernel
 * (shaders/lts_candidates.wgsl) mirrors it step for step, so the f64 and f32 backends can be
 * compared candidate by candidate. Full, convergence-tested fits use lm.ts instead.
 *
 * One iteration: J, r over idx; A = JᵀJ + λ·diag(JᵀJ) + DIAG_FLOOR·I; solve A·δ = Jᵀr by Cholesky;
 * θ' = clamp(θ + δ, lower, upper); accept when SSE(θ') < SSE(θ) (λ ← max(λ/10, LAMBDA_MIN)), else
 * λ ← min(λ·10, LAMBDA_MAX). A failed factorisation counts as a rejected step. SSE(θ) is summed from
 * the same f as J (valueAndGradient), in point order.
 */
import type { Model } from './models/model.js';

export const GN_LAMBDA_START = 1e-3;
export const GN_LAMBDA_MIN = 1e-7;
export const GN_LAMBDA_MAX = 1e7;
/** Keeps A positive definite when a parameter has no influence on the chosen points. */
export const GN_DIAG_FLOOR = 1e-12;

const MAX_P = 8;

/** Sum of squared residuals of theta over idx (NaN-propagating: a non-finite value yields NaN). */
export function sseOver(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>): number {
  let sse = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const r = y[i] - model.value(x[i], theta);
    sse += r * r;
  }
  return sse;
}

/**
 * Cholesky solve of the p×p SPD system A·δ = g in place (A row-major, overwritten; δ into out).
 * Returns false when a pivot is not positive (the step is then rejected by the caller).
 */
export function choleskySolve(a: Float64Array, g: Float64Array, p: number, out: Float64Array): boolean {
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j];
    for (let k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = s / ljj;
    }
  }
  for (let i = 0; i < p; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= a[i * p + k] * out[k];
    out[i] = s / a[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = out[i];
    for (let k = i + 1; k < p; k++) s -= a[k * p + i] * out[k];
    out[i] = s / a[i * p + i];
  }
  return true;
}

/** Per-parameter-count scratch: candidates run millions of these fits, so nothing is allocated per call. */
const scratchByP = new Map<number, { trial: Float64Array; grad: Float64Array; jtj: Float64Array; jtr: Float64Array; trialJtj: Float64Array; trialJtr: Float64Array; a: Float64Array; delta: Float64Array }>();
function scratchFor(p: number) {
  let s = scratchByP.get(p);
  if (!s) {
    s = { trial: new Float64Array(p), grad: new Float64Array(p), jtj: new Float64Array(p * p), jtr: new Float64Array(p), trialJtj: new Float64Array(p * p), trialJtr: new Float64Array(p), a: new Float64Array(p * p), delta: new Float64Array(p) };
    scratchByP.set(p, s);
  }
  return s;
}

/**
 * One pass over idx at theta: the SSE (returned) and the lower triangle of JᵀJ and Jᵀr (jtj and jtr
 * are zeroed first). The SSE is accumulated in point order exactly as `sseOver` does, from the
 * same f. Shared with the full LM solver (lm.ts), which adds its own finiteness checks.
 */
export function normalPass(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>, grad: Float64Array, jtj: Float64Array, jtr: Float64Array): number {
  return model.nParams <= SMALL_P ? normalPassSmall(model, x, y, idx, theta, grad, jtj, jtr) : normalPassAnyP(model, x, y, idx, theta, grad, jtj, jtr);
}

/** `normalPass` for any number of parameters, the sums in jtj and jtr. Exported for tests. */
export function normalPassAnyP(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>, grad: Float64Array, jtj: Float64Array, jtr: Float64Array): number {
  const p = model.nParams;
  jtj.fill(0);
  jtr.fill(0);
  let sse = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const r = y[i] - model.valueAndGradient(x[i], theta, grad);
    sse += r * r;
    for (let q = 0; q < p; q++) {
      jtr[q] += grad[q] * r;
      for (let t = 0; t <= q; t++) jtj[q * p + t] += grad[q] * grad[t];
    }
  }
  return sse;
}

/** Parameter counts up to this (every curve model) get the pass with the sums in locals. */
const SMALL_P = 4;

/**
 * `normalPass` for p ≤ 4 with every sum in a local instead of an array entry: the same terms added
 * in the same order as `normalPassAnyP`, so the same bits, in 15–25% less time for a whole sweep
 * (the sums stay in registers instead of being loaded and stored for every point).
 */
function normalPassSmall(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>, grad: Float64Array, jtj: Float64Array, jtr: Float64Array): number {
  const p = model.nParams;
  let a00 = 0, a10 = 0, a11 = 0, a20 = 0, a21 = 0, a22 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
  let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
  let sse = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const r = y[i] - model.valueAndGradient(x[i], theta, grad);
    sse += r * r;
    // Derivatives past p are 0: their sums are computed but not stored.
    const d0 = grad[0], d1 = p > 1 ? grad[1] : 0, d2 = p > 2 ? grad[2] : 0, d3 = p > 3 ? grad[3] : 0;
    g0 += d0 * r;
    a00 += d0 * d0;
    g1 += d1 * r;
    a10 += d1 * d0;
    a11 += d1 * d1;
    g2 += d2 * r;
    a20 += d2 * d0;
    a21 += d2 * d1;
    a22 += d2 * d2;
    g3 += d3 * r;
    a30 += d3 * d0;
    a31 += d3 * d1;
    a32 += d3 * d2;
    a33 += d3 * d3;
  }
  jtj.fill(0);
  jtj[0] = a00;
  jtr[0] = g0;
  if (p > 1) {
    jtj[p] = a10;
    jtj[p + 1] = a11;
    jtr[1] = g1;
  }
  if (p > 2) {
    jtj[2 * p] = a20;
    jtj[2 * p + 1] = a21;
    jtj[2 * p + 2] = a22;
    jtr[2] = g2;
  }
  if (p > 3) {
    jtj[3 * p] = a30;
    jtj[3 * p + 1] = a31;
    jtj[3 * p + 2] = a32;
    jtj[3 * p + 3] = a33;
    jtr[3] = g3;
  }
  return sse;
}

/**
 * Runs `iterations` damped Gauss–Newton steps on the points idx from theta (not modified) and
 * returns the final parameters (in `out` when given). Iterates always stay inside the model's box.
 * Each iteration makes one pass over the points: the trial point's SSE and normal equations come
 * from the same pass, and an accepted trial's sums are the next iteration's (a rejected trial keeps
 * the current ones), which is what the fused WGSL kernel does too.
 */
export function dampedGaussNewton(
  model: Model,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  idx: ArrayLike<number>,
  theta: ArrayLike<number>,
  iterations: number,
  out?: Float64Array,
): Float64Array {
  const p = model.nParams;
  if (p > MAX_P) throw new RangeError(`dampedGaussNewton supports at most ${MAX_P} parameters`);
  // `out` (p entries, not theta itself) receives the result, else a new array does.
  const cur = out ?? new Float64Array(p);
  cur.set(theta);
  const sc = scratchFor(p);
  let { jtj, jtr, trialJtj, trialJtr } = sc;
  const { trial, grad, a, delta } = sc;
  let lambda = GN_LAMBDA_START;
  let sse = normalPass(model, x, y, idx, cur, grad, jtj, jtr);
  for (let it = 0; it < iterations; it++) {
    for (let q = 0; q < p; q++) {
      for (let t = 0; t <= q; t++) {
        a[q * p + t] = jtj[q * p + t];
        a[t * p + q] = jtj[q * p + t];
      }
      a[q * p + q] += lambda * jtj[q * p + q] + GN_DIAG_FLOOR;
    }
    let accepted = false;
    if (choleskySolve(a, jtr, p, delta)) {
      for (let q = 0; q < p; q++) {
        const v = cur[q] + delta[q];
        trial[q] = v < model.lower[q] ? model.lower[q] : v > model.upper[q] ? model.upper[q] : v;
      }
      const trialSse = normalPass(model, x, y, idx, trial, grad, trialJtj, trialJtr);
      if (trialSse < sse) {
        cur.set(trial);
        sse = trialSse;
        [jtj, trialJtj] = [trialJtj, jtj];
        [jtr, trialJtr] = [trialJtr, jtr];
        accepted = true;
      }
    }
    lambda = accepted ? Math.max(lambda / 10, GN_LAMBDA_MIN) : Math.min(lambda * 10, GN_LAMBDA_MAX);
  }
  // The swaps above may leave the roles exchanged; keep the scratch object's buffers consistent.
  sc.jtj = jtj;
  sc.jtr = jtr;
  sc.trialJtj = trialJtj;
  sc.trialJtr = trialJtr;
  return cur;
}
