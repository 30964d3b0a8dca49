/**
 * Multi-start nonlinear least squares (grid starts by variable projection, then bounded LM) and
 * asymptotic standard errors of the natural parameters.
 */
import { choleskyFactor, inverseFromCholesky, SINGULAR_PIVOT_RATIO } from './linalg.js';
import { DEFAULT_LM_OPTIONS, levenbergMarquardt, type LmOptions, type NlsResult } from './lm.js';
import { sseOver } from './gn.js';
import { evaluationDomain, type Model } from './models/model.js';

export interface NlsOptions extends LmOptions {
  /** Best grid starts refined by LM; the lowest-SSE result is kept. @default 4 */
  nStarts: number;
}

export const DEFAULT_NLS_OPTIONS: Readonly<NlsOptions> = Object.freeze({ ...DEFAULT_LM_OPTIONS, nStarts: 4 });

/**
 * model.starts(...) then LM from each of the best nStarts; returns the lowest-SSE result (ties keep
 * the better-ranked start). Never throws for numerical trouble (see FitStatus).
 */
export function fitNls(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, options?: Partial<NlsOptions>): NlsResult {
  const { nStarts, ...lm } = { ...DEFAULT_NLS_OPTIONS, ...options };
  let best: NlsResult | undefined;
  // The starts take x; the LM fits take the logs once for all starts (the same bits).
  const on = evaluationDomain(model, x, idx);
  for (const start of model.starts(x, y, idx, Math.max(1, nStarts))) {
    const fit = levenbergMarquardt(on.model, on.x, y, idx, start, lm);
    if (!best || fit.sse < best.sse) best = fit;
  }
  // model.starts never returns an empty list
  return best as NlsResult;
}

const FD_RELATIVE_STEP = 1e-6;

/**
 * Asymptotic standard errors of the natural parameters (keys: model.paramNames) at theta on the
 * points idx: covariance C = s²·(JᵀJ)⁻¹ in internal parameters with s² = SSE/(n − p), carried to
 * natural parameters by the delta method (the Jacobian of toNatural by central differences, so it
 * works for every model). Never NaN: every entry is Infinity when n ≤ p, when JᵀJ is numerically
 * singular (pivot test SINGULAR_PIVOT_RATIO) or when anything is not finite; an exact fit gives 0.
 * Bounds are ignored (a parameter on a bound gets the unconstrained error).
 */
/**
 * `varianceFactor` multiplies the residual variance SSE/(n − p): an LTS fit's h points are those with
 * the smallest residuals, whose scatter understates the noise (ltsConsistencyFactor squared).
 */
export function standardErrors(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>, varianceFactor = 1): Record<string, number> {
  const p = model.nParams;
  const n = idx.length;
  const names = model.paramNames;
  const out: Record<string, number> = {};
  const allInfinite = () => {
    for (const name of names) out[name] = Infinity;
    return out;
  };
  if (n <= p) return allInfinite();
  const a = new Float64Array(p * p);
  const grad = new Float64Array(p);
  for (let t = 0; t < n; t++) {
    const i = idx[t];
    model.valueAndGradient(x[i], theta, grad);
    for (let j = 0; j < p; j++) for (let k = 0; k <= j; k++) a[j * p + k] += grad[j] * grad[k];
  }
  const s2 = (sseOver(model, x, y, idx, theta) / (n - p)) * varianceFactor;
  if (!Number.isFinite(s2) || choleskyFactor(a, p, SINGULAR_PIVOT_RATIO) >= 0) return allInfinite();
  const cov = new Float64Array(p * p);
  inverseFromCholesky(a, p, cov);

  // Jacobian of the natural parameters w.r.t. the internal ones (rows: names, cols: theta).
  const jac = new Float64Array(p * p);
  const shifted = Float64Array.from(theta);
  for (let k = 0; k < p; k++) {
    const h = FD_RELATIVE_STEP * Math.max(1, Math.abs(theta[k]));
    shifted[k] = theta[k] + h;
    const up = model.toNatural(shifted);
    shifted[k] = theta[k] - h;
    const down = model.toNatural(shifted);
    shifted[k] = theta[k];
    for (let r = 0; r < p; r++) jac[r * p + k] = (up[names[r]] - down[names[r]]) / (2 * h);
  }
  for (let r = 0; r < p; r++) {
    let v = 0;
    for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) v += jac[r * p + j] * cov[j * p + k] * jac[r * p + k];
    const se = Math.sqrt(Math.max(0, s2 * v));
    out[names[r]] = Number.isFinite(se) ? se : Infinity;
  }
  return out;
}
