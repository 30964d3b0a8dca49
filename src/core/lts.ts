/**
 * Nonlinear Least Trimmed Squares by C-steps (FAST-LTS style).
 *
 * `ltsCandidate` defines candidate k of a job exactly; every backend (f64 here, f32 in WGSL)
 * evaluates this same procedure so their results can be compared candidate by candidate:
 *   k = 0: θ = θ0 (the Stage-1 fit); k ≥ 1: S = elementalSubset(seed, k, m, p) over the pool,
 *   θ = dampedGaussNewton(pool[S], θ0).
 *   Then cSteps times: H = the h pool points with the smallest squared residuals (ties → lower pool
 *   position), θ = dampedGaussNewton(H, θ).
 *   objective = sum of the h smallest squared residuals over the pool under the final θ.
 * `polishCandidate` then iterates C-steps to convergence with the full LM solver (f64 only).
 */
import { evaluationDomain, type Model } from './models/model.js';
import { dampedGaussNewton } from './gn.js';
import { elementalSubset } from './rng.js';
import { levenbergMarquardt, type NlsResult } from './lm.js';
import { kthSmallest } from './stats.js';

export interface CandidateOutcome {
  candidate: number;
  theta: Float64Array;
  objective: number;
  /** Pool positions (not point indices) of the h points of the trimmed objective, ascending. */
  subset: Int32Array;
}

/** Squared residuals over the pool; non-finite residuals become +Infinity so they are trimmed first. */
export function squaredResiduals(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, pool: ArrayLike<number>, theta: ArrayLike<number>, out?: Float64Array): Float64Array {
  const r2 = out ?? new Float64Array(pool.length);
  for (let k = 0; k < pool.length; k++) {
    const i = pool[k];
    const r = y[i] - model.value(x[i], theta);
    const v = r * r;
    r2[k] = Number.isFinite(v) ? v : Infinity;
  }
  return r2;
}

/**
 * Positions of the h smallest values (ties → lower position), returned ascending by position, and
 * their sum (in position order). The h-th smallest value is found by quickselect; the positions are
 * then taken in one ordered pass: every value below it, and of the values equal to it the lowest
 * positions until h are taken. Values must not be NaN (squaredResiduals maps them to ∞).
 */
export function smallestH(values: Float64Array, h: number, out?: Int32Array): { subset: Int32Array; sum: number } {
  const threshold = kthSmallest(values, h - 1);
  let below = 0;
  for (let k = 0; k < values.length; k++) if (values[k] < threshold) below++;
  let ties = h - below;
  const subset = out ?? new Int32Array(h);
  let count = 0;
  let sum = 0;
  for (let k = 0; k < values.length && count < h; k++) {
    const v = values[k];
    if (v < threshold || (v === threshold && ties-- > 0)) {
      subset[count++] = k;
      sum += v;
    }
  }
  return { subset, sum };
}

function positionsToIndices(pool: ArrayLike<number>, positions: ArrayLike<number>, out?: Int32Array): Int32Array {
  const idx = out ?? new Int32Array(positions.length);
  for (let k = 0; k < positions.length; k++) idx[k] = pool[positions[k]];
  return idx;
}

export interface CandidateSpec {
  model: Model;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  pool: ArrayLike<number>;
  h: number;
  theta0: ArrayLike<number>;
  seed: number;
  cSteps: number;
  gnIterations: number;
}

/**
 * The spec candidates of one job run on: when the model has a t = ln x form, x is replaced by its
 * logs (taken once here) and the model by that form — bit-identical results, far fewer logarithms.
 */
export function candidateSpec(spec: CandidateSpec): CandidateSpec {
  return { ...spec, ...evaluationDomain(spec.model, spec.x) };
}

/**
 * Buffers the candidates of one job share (`candidateScratch`): each candidate's residuals, C-step
 * subsets and intermediate parameters are used once, so a job allocates them once, not per
 * candidate (about 8% of a one-thread f64 search, docs/performance.md).
 */
export interface CandidateScratch {
  r2: Float64Array;
  stepSubset: Int32Array;
  stepIdx: Int32Array;
  thetaA: Float64Array;
  thetaB: Float64Array;
}

export function candidateScratch(spec: CandidateSpec): CandidateScratch {
  const p = spec.model.nParams;
  return { r2: new Float64Array(spec.pool.length), stepSubset: new Int32Array(spec.h), stepIdx: new Int32Array(spec.h), thetaA: new Float64Array(p), thetaB: new Float64Array(p) };
}

/** Candidate k of a job, exactly as specified in the module comment. */
export function ltsCandidate(spec: CandidateSpec, k: number, scratch: CandidateScratch = candidateScratch(spec)): CandidateOutcome {
  const { model, x, y, pool, h, theta0, seed, cSteps, gnIterations } = spec;
  const { r2, stepSubset, stepIdx } = scratch;
  // The parameters alternate between two buffers: each fit reads one and writes the other.
  let theta = scratch.thetaA;
  let spare = scratch.thetaB;
  if (k === 0) {
    theta.set(theta0);
  } else {
    const start = elementalSubset(seed, k, pool.length, model.nParams);
    dampedGaussNewton(model, x, y, positionsToIndices(pool, start), theta0, gnIterations, theta);
  }
  for (let step = 0; step < cSteps; step++) {
    const { subset } = smallestH(squaredResiduals(model, x, y, pool, theta, r2), h, stepSubset);
    dampedGaussNewton(model, x, y, positionsToIndices(pool, subset, stepIdx), theta, gnIterations, spare);
    [theta, spare] = [spare, theta];
  }
  const { subset, sum } = smallestH(squaredResiduals(model, x, y, pool, theta, r2), h);
  return { candidate: k, theta: Float64Array.from(theta), objective: sum, subset };
}

export interface PolishOutcome extends CandidateOutcome {
  /** The LM result of the last refit on the final subset. */
  fit: NlsResult;
  /** C-steps taken until the subset repeated (or the cap). */
  cStepsTaken: number;
  converged: boolean;
}

/**
 * C-steps to convergence from theta in f64: fit (LM) on the h best, recompute all residuals,
 * reselect, until the subset repeats or maxCSteps. Each C-step cannot increase the objective
 * (Rousseeuw & Van Driessen 2006), up to LM's own tolerance.
 */
export function polishCandidate(
  model: Model,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  pool: ArrayLike<number>,
  h: number,
  theta: ArrayLike<number>,
  maxCSteps: number,
  candidate = -1,
): PolishOutcome {
  const r2 = new Float64Array(pool.length);
  let { subset } = smallestH(squaredResiduals(model, x, y, pool, theta, r2), h);
  let fit = levenbergMarquardt(model, x, y, positionsToIndices(pool, subset), theta);
  let steps = 1;
  let converged = false;
  for (; steps < maxCSteps; steps++) {
    const next = smallestH(squaredResiduals(model, x, y, pool, fit.theta, r2), h).subset;
    if (sameSubset(next, subset)) { converged = true; break; }
    subset = next;
    fit = levenbergMarquardt(model, x, y, positionsToIndices(pool, subset), fit.theta);
  }
  const final = smallestH(squaredResiduals(model, x, y, pool, fit.theta, r2), h);
  return { candidate, theta: fit.theta, objective: final.sum, subset: final.subset, fit, cStepsTaken: steps, converged };
}

/** Equal subsets (or any two Int32Arrays): the same length and entries. */
export function sameSubset(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Keeps the `keep` lowest objectives (ties → lower candidate index), non-finite dropped. */
export function keepLowest<T extends { objective: number; candidate: number }>(items: T[], keep: number): T[] {
  return items
    .filter((c) => Number.isFinite(c.objective))
    .sort((a, b) => a.objective - b.objective || a.candidate - b.candidate)
    .slice(0, keep);
}

/**
 * Candidates 0..nCandidates−1 of one job in f64 (on the log-domain spec when the model has one),
 * the keepBest lowest objectives, and how many were not finite. The f64 reference of every backend.
 */
export function evaluateJobF64(spec: CandidateSpec, nCandidates: number, keepBest: number): { best: CandidateOutcome[]; nonFinite: number } {
  const fast = candidateSpec(spec);
  const scratch = candidateScratch(fast);
  const all: CandidateOutcome[] = [];
  for (let k = 0; k < nCandidates; k++) all.push(ltsCandidate(fast, k, scratch));
  return { best: keepLowest(all, keepBest), nonFinite: all.filter((c) => !Number.isFinite(c.objective)).length };
}
