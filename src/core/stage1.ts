/**
 * Stage 1: iterated modified z-score rejection on train residuals (Iglewicz & Hoaglin):
 *   M_i = 0.6745·(r_i − median r)/MAD,  MAD = median |r_i − median r|.
 * Fit on the kept points, drop |M_i| > tau, refit, until nothing is dropped. Residuals are taken over
 * the points still kept (a dropped point never returns). Stops early when MAD = 0 or at rounding
 * level (an exact fit of most points: nothing can be scored), when dropping would leave fewer than `minPoints`, or after
 * `maxRounds` rejection rounds.
 */
import type { Model } from './models/model.js';
import { fitWithStart } from './refit.js';
import type { NlsResult } from './lm.js';
import { median } from './stats.js';

export const MODIFIED_Z_FACTOR = 0.6745;

/** A residual MAD at or below this fraction of max |y| is rounding, not noise (f64 rounds at 1.1e-16). */
export const MAD_ROUNDING_FLOOR = 1e-12;

export type Stage1Stop = 'no-change' | 'mad-zero' | 'too-few-points' | 'max-rounds';

export interface Stage1Result {
  /** Point indices kept (ascending). */
  kept: Int32Array;
  /** Point indices rejected (ascending). */
  rejected: Int32Array;
  fit: NlsResult;
  rounds: number;
  stop: Stage1Stop;
}

export interface Stage1Options {
  tau: number;
  /** Rejection rounds at most. */
  maxRounds: number;
  /** Never keep fewer points than this. */
  minPoints: number;
  /** Multi-start count for each refit. */
  nStarts: number;
}

export function modifiedZScores(residuals: Float64Array): { scores: Float64Array; mad: number } {
  const med = median(residuals);
  const dev = residuals.map((r) => Math.abs(r - med));
  const mad = median(dev);
  const scores = residuals.map((r) => (mad > 0 ? (MODIFIED_Z_FACTOR * (r - med)) / mad : 0));
  return { scores, mad };
}

/**
 * `firstFit`, when given, is the caller's multi-start fit of all train points (`fitNls` with
 * `options.nStarts`), which does not depend on tau: a search shares it between its settings.
 */
export function stage1(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, train: ArrayLike<number>, options: Stage1Options, firstFit?: NlsResult): Stage1Result {
  let kept = Int32Array.from(train);
  const rejected: number[] = [];
  let fit = firstFit ?? fitWithStart(model, x, y, kept, options.nStarts);
  let rounds = 0;
  let stop: Stage1Stop = 'no-change';
  for (;;) {
    if (rounds >= options.maxRounds) { stop = 'max-rounds'; break; }
    const residuals = new Float64Array(kept.length);
    for (let k = 0; k < kept.length; k++) residuals[k] = y[kept[k]] - model.value(x[kept[k]], fit.theta);
    const { scores, mad } = modifiedZScores(residuals);
    // A MAD at the level of rounding (an exact fit of most points) scores rounding as outliers:
    // treat it as zero.
    let maxAbsY = 0;
    for (let k = 0; k < kept.length; k++) maxAbsY = Math.max(maxAbsY, Math.abs(y[kept[k]]));
    if (!(mad > MAD_ROUNDING_FLOOR * maxAbsY)) { stop = 'mad-zero'; break; }
    const drop: number[] = [];
    for (let k = 0; k < kept.length; k++) if (Math.abs(scores[k]) > options.tau) drop.push(k);
    if (drop.length === 0) { stop = 'no-change'; break; }
    if (kept.length - drop.length < options.minPoints) { stop = 'too-few-points'; break; }
    const dropSet = new Set(drop);
    for (const k of drop) rejected.push(kept[k]);
    kept = kept.filter((_, k) => !dropSet.has(k));
    rounds++;
    fit = fitWithStart(model, x, y, kept, options.nStarts, fit.theta);
  }
  return { kept, rejected: Int32Array.from(rejected).sort(), fit, rounds, stop };
}
