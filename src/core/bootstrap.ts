/**
 * Percentile bootstrap of the whole robust fit. Resample b draws the train points by pairs
 * (point j = train[rngU32(seed, b, j) % n_train]) and repeats on it what the fit did: Stage 1's
 * rejection with the fit's τ, then, when the fit used LTS, C-steps over the survivors with
 * h = ⌊α · survivors⌋ (from the resample's Stage-1 fit and from the final parameters, the lower
 * objective kept); the first fit starts from the final parameters. Why not only refit the final
 * inliers: those are the points whose residuals the trimming kept small, so their scatter
 * understates the noise (for α = 0.75 under normal errors their variance is 0.37 of the errors'),
 * and nominal 95 % intervals covered the true parameters of simulated curves about half the time.
 * Reproducible for a seed on every backend.
 */
import type { Model } from './models/model.js';
import { fitWithStart } from './refit.js';
import { polishCandidate } from './lts.js';
import { rngU32 } from './rng.js';
import { stage1 } from './stage1.js';
import { percentile } from './stats.js';

/** What the fit did, to be repeated on every resample. */
export interface BootstrapProcedure {
  /** The train points: resamples draw from these. */
  train: ArrayLike<number>;
  /** Stage 1 as fitted. */
  tau: number;
  maxStage1Rounds: number;
  minPoints: number;
  /** LTS coverage as fitted, or null when the fit did not trim. */
  ltsAlpha: number | null;
  maxCSteps: number;
}

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

export function bootstrapFit(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, procedure: BootstrapProcedure, theta: ArrayLike<number>, options: BootstrapOptions): BootstrapResult {
  const { train } = procedure;
  const n = train.length;
  const p = model.nParams;
  const draws: Record<string, number[]> = {};
  for (const name of Object.keys(model.toNatural(theta))) draws[name] = [];
  const predDraws: number[][] = options.predictAt.map(() => []);
  const idx = new Int32Array(n);
  let used = 0;
  for (let b = 0; b < options.resamples; b++) {
    for (let j = 0; j < n; j++) idx[j] = train[rngU32(options.seed, b, j) % n];
    const first = fitWithStart(model, x, y, idx, 1, theta);
    const s1 = stage1(model, x, y, idx, { tau: procedure.tau, maxRounds: procedure.maxStage1Rounds, minPoints: procedure.minPoints, nStarts: 1 }, first);
    let fit = s1.fit;
    if (procedure.ltsAlpha !== null) {
      const m = s1.kept.length;
      const h = Math.floor(m * procedure.ltsAlpha);
      // As in the fit: trimming needs more points than parameters, and something to trim.
      if (h > p && h < m) {
        // Two of the fit's starts: the resample's Stage-1 fit (the fit's candidate 0) and the final
        // parameters (where the fit's search ended); the lower LTS objective wins, as in the fit.
        const fromStage1 = polishCandidate(model, x, y, s1.kept, h, s1.fit.theta, procedure.maxCSteps);
        const fromFinal = polishCandidate(model, x, y, s1.kept, h, theta, procedure.maxCSteps);
        fit = (fromFinal.objective < fromStage1.objective ? fromFinal : fromStage1).fit;
      }
    }
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
