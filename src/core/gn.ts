/**
 * Fixed-iteration damped Gauss–Newton (Levenberg–Marquardt with a fixed step count) used inside LTS
 * candidates. It has no convergence test and no early exit on purpose: the WGSL kernel
 * (shaders/lts_candidates.wgsl) mirrors it step for step, so the f64 and f32 backends can be
 * compared candidate by candidate. Full, convergence-tested fits use lm.ts instead.
 *
 * One iteration: J, r over idx; A = JᵀJ + λ·diag(JᵀJ) + DIAG_FLOOR·I; solve A·δ = Jᵀr by Cholesky;
 * θ' = clamp(θ + δ, lower, upper); accept when SSE(θ') < SSE(θ) (λ ← max(λ/10, LAMBDA_MIN)), else
 * λ ← min(λ·10, LAMBDA_MAX). A failed factorisation counts as a rejected step.
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

/**
 * Runs `iterations` damped Gauss–Newton steps on the points idx from theta (not modified) and
 * returns the final parameters. Iterates always stay inside the model's box.
 */
export function dampedGaussNewton(
  model: Model,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  idx: ArrayLike<number>,
  theta: ArrayLike<number>,
  iterations: number,
): Float64Array {
  const p = model.nParams;
  if (p > MAX_P) throw new RangeError(`dampedGaussNewton supports at most ${MAX_P} parameters`);
  const cur = Float64Array.from(theta);
  const trial = new Float64Array(p);
  const grad = new Float64Array(p);
  const jtj = new Float64Array(p * p);
  const jtr = new Float64Array(p);
  const a = new Float64Array(p * p);
  const delta = new Float64Array(p);
  let lambda = GN_LAMBDA_START;
  let sse = sseOver(model, x, y, idx, cur);
  for (let it = 0; it < iterations; it++) {
    jtj.fill(0);
    jtr.fill(0);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      const f = model.valueAndGradient(x[i], cur, grad);
      const r = y[i] - f;
      for (let q = 0; q < p; q++) {
        jtr[q] += grad[q] * r;
        for (let s = 0; s <= q; s++) jtj[q * p + s] += grad[q] * grad[s];
      }
    }
    for (let q = 0; q < p; q++) {
      for (let s = 0; s <= q; s++) {
        a[q * p + s] = jtj[q * p + s];
        a[s * p + q] = jtj[q * p + s];
      }
      a[q * p + q] += lambda * jtj[q * p + q] + GN_DIAG_FLOOR;
    }
    let accepted = false;
    if (choleskySolve(a, jtr, p, delta)) {
      for (let q = 0; q < p; q++) {
        const v = cur[q] + delta[q];
        trial[q] = v < model.lower[q] ? model.lower[q] : v > model.upper[q] ? model.upper[q] : v;
      }
      const trialSse = sseOver(model, x, y, idx, trial);
      if (trialSse < sse) {
        cur.set(trial);
        sse = trialSse;
        accepted = true;
      }
    }
    lambda = accepted ? Math.max(lambda / 10, GN_LAMBDA_MIN) : Math.min(lambda * 10, GN_LAMBDA_MAX);
  }
  return cur;
}
