/** Goodness-of-fit metrics and the hyperparameter-selection score (pure f64). */
import type { Model } from './models/model.js';
import { median } from './stats.js';

/**
 * Coefficient of determination of theta over the points idx: 1 − SS_res/SS_tot with SS_tot about
 * those points' own mean. null when it is undefined (fewer than 2 points or constant y).
 */
export function rSquared(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>): number | null {
  const n = idx.length;
  if (n < 2) return null;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += y[idx[k]];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    const r = y[i] - model.value(x[i], theta);
    ssRes += r * r;
    ssTot += (y[i] - mean) * (y[i] - mean);
  }
  if (!(ssTot > 0)) return null;
  const r2 = 1 - ssRes / ssTot;
  return Number.isFinite(r2) ? r2 : null;
}

/** Root mean squared residual over idx; null for no points. */
export function rmse(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>): number | null {
  if (idx.length === 0) return null;
  let s = 0;
  for (let k = 0; k < idx.length; k++) {
    const r = y[idx[k]] - model.value(x[idx[k]], theta);
    s += r * r;
  }
  const v = Math.sqrt(s / idx.length);
  return Number.isFinite(v) ? v : null;
}

/**
 * A miss larger than this many times the curve's noise σ (differenceNoiseScale) is more than the
 * noise explains. On the paper's 34 curves (full and released search) most fits have a validation
 * RMSE of 0.1–1.8 σ; the collapsed or misfitted ones (Easy102K/ckpt6120, Uniform102K/ckpt1440 and
 * /ckpt1800, S1K/ckpt62 in the full search) 4.6–29 σ; one fit lies between, at 2.6 σ.
 */
export const NOISE_MULTIPLE_OF_A_MISS = 3;

/**
 * The points at the end of idx (ascending x) that all lie on the same side of the fit, each by more
 * than `threshold`: how many, which side, and the first of them. null when the last point is within
 * the threshold. A curve that collapses after the train range ends in such a run below the fit; one
 * still rising past it, above.
 */
export function endRun(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>, threshold: number): { points: number; side: 'below' | 'above'; first: number } | null {
  let points = 0;
  let side: 'below' | 'above' | null = null;
  for (let k = idx.length - 1; k >= 0; k--) {
    const r = y[idx[k]] - model.value(x[idx[k]], theta);
    const here = r < -threshold ? 'below' : r > threshold ? 'above' : null;
    if (here === null || (side !== null && here !== side)) break;
    side = here;
    points++;
  }
  return side === null ? null : { points, side, first: idx[idx.length - points] };
}

/**
 * The validation score used to choose hyperparameters: r2Val − g·max(0, r2Train − r2Val).
 * A fit without a defined r2Val (or r2Train) cannot be ranked and scores −Infinity.
 */
export function selectionScore(r2Train: number | null, r2Val: number | null, gapWeight: number): number {
  if (r2Val === null || r2Train === null) return -Infinity;
  return r2Val - gapWeight * Math.max(0, r2Train - r2Val);
}

/** Integer range [start, end) clipped to [0, n). */
export function indexRange(start: number, end: number, n: number): Int32Array {
  const a = Math.max(0, Math.min(start, n));
  const b = Math.max(a, Math.min(end, n));
  const out = new Int32Array(b - a);
  for (let k = 0; k < out.length; k++) out[k] = a + k;
  return out;
}

/**
 * The curve's point-to-point noise σ, from its successive differences (y in x order), which no fit
 * enters: 1.4826 · MAD(Δy) / √2, the MAD making it robust to outliers and to the few large steps
 * of a steep stretch. NaN for fewer than 3 points. 0 for quantised or constant y, where it says
 * nothing about the noise.
 */
export function differenceNoiseScale(y: ArrayLike<number>): number {
  if (y.length < 3) return NaN;
  const d = new Float64Array(y.length - 1);
  for (let i = 0; i < d.length; i++) d[i] = y[i + 1] - y[i];
  const center = median(d);
  for (let i = 0; i < d.length; i++) d[i] = Math.abs(d[i] - center);
  return (1.4826 * median(d)) / Math.SQRT2;
}
