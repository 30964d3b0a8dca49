/**
 * Hyperparameter grids for the per-curve search and the pick by validation score.
 * A grid is declared with fractions of the curve length so one spec serves curves of any length;
 * `expandGrid` turns it into concrete index ranges for a curve with n points.
 */
import type { Hyper } from './pipeline.js';

export interface GridSpec {
  /** Train end (exclusive) as fractions of n; validation is [trainEnd, n). */
  trainEndFractions: readonly number[];
  /** Train start as fractions of n (0 keeps the branch point). */
  trainStartFractions: readonly number[];
  taus: readonly number[];
  /** null = LTS off; a number = LTS on with that alpha. */
  ltsAlphas: readonly (number | null)[];
  freeEpsilon: readonly boolean[];
  /** Settings whose train or validation range would be shorter than these are skipped. */
  minTrainPoints: number;
  minValPoints: number;
}

/**
 * The grid `--search full` explores: 6 train ends × 3 train starts × 3 τ × (LTS off, α 0.75, α 0.85)
 * × ε fixed/free = 324 settings per curve before the length filters. At least 12 train points: with
 * α = 0.75, LTS then still fits 9 points, more than twice the 4 parameters of a free-ε sigmoid
 * (with 8, the score picked tiny train sets whose fits the validation points could not check).
 */
export const FULL_GRID: GridSpec = {
  trainEndFractions: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
  trainStartFractions: [0, 0.1, 0.15],
  taus: [2.5, 3, 4],
  ltsAlphas: [null, 0.75, 0.85],
  freeEpsilon: [false, true],
  minTrainPoints: 12,
  minValPoints: 3,
};

/** The single setting `--search none` uses. */
export function defaultHyper(n: number): Hyper {
  const trainEnd = Math.max(1, Math.round(0.6 * n));
  return { trainStart: 0, trainEnd, valStart: trainEnd, valEnd: n, tau: 2.5, lts: false, alpha: 0.75, freeEpsilon: false };
}

/** Concrete settings for a curve of n points, in a fixed order (the order breaks score ties). */
export function expandGrid(n: number, spec: GridSpec): Hyper[] {
  const out: Hyper[] = [];
  const seen = new Set<string>();
  for (const fe of spec.trainEndFractions) {
    const trainEnd = Math.round(fe * n);
    if (n - trainEnd < spec.minValPoints) continue;
    for (const fs of spec.trainStartFractions) {
      const trainStart = Math.round(fs * n);
      if (trainEnd - trainStart < spec.minTrainPoints) continue;
      const splitKey = `${trainStart}:${trainEnd}`;
      if (seen.has(splitKey)) continue;
      seen.add(splitKey);
      for (const tau of spec.taus)
        for (const alpha of spec.ltsAlphas)
          for (const freeEpsilon of spec.freeEpsilon)
            out.push({ trainStart, trainEnd, valStart: trainEnd, valEnd: n, tau, lts: alpha !== null, alpha: alpha ?? 0, freeEpsilon });
    }
  }
  return out;
}

/**
 * Scores closer than this count as tied. Settings that reach the same fit (e.g. two values of τ
 * that reject the same points) score the same up to the polish's tolerance, and the f32 candidates
 * of the GPU, polished in f64, move a score by up to 4e-8 from the CPU's (the paper search on
 * SwiftShader): an exact comparison then picks a different setting per backend for the same fit.
 * 1e-6 in R² units is far below any difference the data can tell apart.
 */
export const SCORE_TIE_TOLERANCE = 1e-6;

/** Index of the earliest score within SCORE_TIE_TOLERANCE of the highest; −1 when none is finite. */
export function pickBest(scores: readonly number[]): number {
  let top = -Infinity;
  for (const s of scores) if (Number.isFinite(s) && s > top) top = s;
  if (top === -Infinity) return -1;
  for (let k = 0; k < scores.length; k++) if (Number.isFinite(scores[k]) && scores[k] >= top - SCORE_TIE_TOLERANCE) return k;
  return -1;
}

/** Key of Stage 1's first fit (all train points, before any rejection): it does not depend on tau. */
export function firstFitKey(h: Hyper): string {
  return `${h.trainStart}:${h.trainEnd}:${h.freeEpsilon ? 1 : 0}`;
}

/** Key of the Stage-1 result a setting depends on: settings that share it share Stage 1. */
export function stage1Key(h: Hyper): string {
  return `${h.trainStart}:${h.trainEnd}:${h.tau}:${h.freeEpsilon ? 1 : 0}`;
}
