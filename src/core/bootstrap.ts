/**
 * Percentile bootstrap for a final robust fit. Resampling is by pairs over the points the final fit
 * used (its inliers), each resample refitted by LM from the final parameters; Stage 1 and LTS are
 * not re-run inside the bootstrap, so the intervals are conditional on the inlier set (the robust
 * steps' own variability is not included — see docs/method.md). Resample b draws point j as
 * inliers[rngU32(seed, b, j) % m], so intervals are reproducible for a seed on every backend.
 */
import type { Model } from './models/model.js';
import { levenbergMarquardt } from './lm.js';
import { rngU32 } from './rng.js';
import { percentile } from './stats.js';

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Two-sided confidence level, e.g. 0.95. */
  level: number;
  /** x values at which to give prediction intervals. */
  predictAt: readonly number[];
}

export interface Interval {
  lower: number;
  upper: number;
}

export interface BootstrapResult {
  /** Per natural parameter. */
  params: Record<string, Interval>;
  predictions: Array<{ x: number } & Interval>;
  /** Resamples whose refit was finite and used. */
  used: number;
  resamples: number;
  level: number;
}

export function bootstrapFit(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, inliers: ArrayLike<number>, theta: ArrayLike<number>, options: BootstrapOptions): BootstrapResult {
  const m = inliers.length;
  const draws: Record<string, number[]> = {};
  for (const name of Object.keys(model.toNatural(theta))) draws[name] = [];
  const predDraws: number[][] = options.predictAt.map(() => []);
  const idx = new Int32Array(m);
  let used = 0;
  for (let b = 0; b < options.resamples; b++) {
    for (let j = 0; j < m; j++) idx[j] = inliers[rngU32(options.seed, b, j) % m];
    const fit = levenbergMarquardt(model, x, y, idx, theta);
    if (!Number.isFinite(fit.sse) || fit.status === 'non-finite') continue;
    const natural = model.toNatural(fit.theta);
    if (!Object.values(natural).every(Number.isFinite)) continue;
    used++;
    for (const [name, v] of Object.entries(natural)) draws[name].push(v);
    options.predictAt.forEach((xv, k) => predDraws[k].push(model.value(xv, fit.theta)));
  }
  const lo = ((1 - options.level) / 2) * 100;
  const hi = 100 - lo;
  const interval = (v: number[]): Interval => ({ lower: percentile(v, lo), upper: percentile(v, hi) });
  const params: Record<string, Interval> = {};
  for (const [name, v] of Object.entries(draws)) params[name] = interval(v);
  return {
    params,
    predictions: options.predictAt.map((xv, k) => ({ x: xv, ...interval(predDraws[k]) })),
    used,
    resamples: options.resamples,
    level: options.level,
  };
}
