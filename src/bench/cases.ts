/**
 * Workloads of the benchmark, generated from seeds so every backend and every machine times the
 * same numbers. Only the public entry is used: jobs follow the LtsJob contract of
 * src/backends/backend.ts (sigmoid internal parameters θ = [b, ln cMid, u], c0 fixed at 0).
 */
import type { LtsBatch, LtsJobTable, SweepCurve } from '../index.js';

/** Points per curve of the candidate-throughput case (a). */
export const LTS_POINTS = [16, 64, 256] as const;
/** Requested candidate fits per batch of case (a), before scaling down per backend. */
export const LTS_CANDIDATE_TOTALS = [1e3, 1e4, 1e5, 1e6, 1e7] as const;
/** Candidates per job in case (a): the pipeline's ltsStarts default, so a job is one real LTS search. */
export const CANDIDATES_PER_JOB = 64;
/** Synthetic curves of case (c) and their length (a RETU branch has 11–40 points). */
export const SWEEP_CURVES = 10_000;
export const SWEEP_POINTS = 32;
/** Rows of the linear LTS case (d) and predictors per row (an intercept is added). */
export const LINEAR_ROWS = [1e3, 1e4, 1e5] as const;
export const LINEAR_PREDICTORS = 5;

/** mulberry32: a small seeded generator; the workloads need reproducibility, not quality. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A contaminated sigmoid curve: x log-spaced over 4 decades, 20 % of points shifted by 8–18 σ. */
export function sigmoidCurve(n: number, seed: number): { x: Float64Array; y: Float64Array; truth: { b: number; cMid: number; u: number } } {
  const rand = seededUniform(seed);
  const b = 0.8 + 2.5 * rand();
  const cMid = 10 ** (1 + 2 * rand());
  const u = 10 + 40 * rand();
  const sigma = 0.02 * u;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    x[k] = 10 ** ((4 * (k + 0.5 * rand())) / n);
    const noise = sigma * (rand() + rand() + rand() - 1.5) * 2;
    const outlier = rand() < 0.2 ? (rand() < 0.5 ? -1 : 1) * (8 + 10 * rand()) * sigma : 0;
    y[k] = u / (1 + (cMid / x[k]) ** b) + noise + outlier;
  }
  return { x, y, truth: { b, cMid, u } };
}

/**
 * Case (a): ceil(total / 64) LTS jobs of 64 candidates each on n-point curves (16 distinct curves
 * cycled; every job has its own seed), with the pipeline's numerical defaults. The jobs come as a
 * table (LtsJobTable), the form for large batches: one pool (all n points) and one model per
 * curve, per job its indices, h, seed and θ0.
 */
export function sigmoidLtsBatch(n: number, totalCandidates: number, seed = 1): LtsBatch {
  const jobCount = Math.max(1, Math.ceil(totalCandidates / CANDIDATES_PER_JOB));
  const curves = Array.from({ length: Math.min(16, jobCount) }, (_, c) => sigmoidCurve(n, seed * 1000 + c));
  const thetaStride = 3;
  const table: LtsJobTable = {
    curves: curves.map(({ x, y }) => ({ x, y })),
    pools: [Int32Array.from({ length: n }, (_, k) => k)],
    models: curves.map(({ x }) => ({
      settings: { freeEpsilon: false, uMax: Infinity, bMin: 0.05, bMax: 20, cMidMin: x[0] / 100, cMidMax: x[n - 1] * 100 },
      xMin: x[0], xMax: x[n - 1], xMinPositive: x[0],
    })),
    curve: new Int32Array(jobCount),
    pool: new Int32Array(jobCount),
    model: new Int32Array(jobCount),
    h: new Int32Array(jobCount).fill(Math.floor(0.75 * n)),
    seed: new Uint32Array(jobCount),
    theta0: new Float64Array(jobCount * thetaStride),
    thetaStride,
  };
  for (let j = 0; j < jobCount; j++) {
    const c = j % curves.length;
    const { truth } = curves[c];
    table.curve[j] = c;
    table.model[j] = c;
    table.seed[j] = (seed * 2654435761 + j) >>> 0;
    // Start where a Stage-1 fit would: near, not at, the truth.
    table.theta0.set([truth.b * 0.9, Math.log(truth.cMid) + 0.2, truth.u * 1.05], j * thetaStride);
  }
  return { model: 'sigmoid', jobs: table, nCandidates: CANDIDATES_PER_JOB, cSteps: 2, gnIterations: 8, keepBest: 10 };
}

/** Case (c): `count` synthetic curves for a sweep over the default grid. */
export function syntheticSweepCurves(count: number, seed = 7): SweepCurve[] {
  return Array.from({ length: count }, (_, i) => {
    const { x, y } = sigmoidCurve(SWEEP_POINTS, seed * 100_003 + i);
    return { id: `synthetic-${i}`, x: Array.from(x), y: Array.from(y) };
  });
}

/** Case (d): y = X·β + noise with 20 % vertical outliers; rows of `predictors` columns. */
export function linearLtsData(rows: number, predictors = LINEAR_PREDICTORS, seed = 3): { X: number[][]; y: number[] } {
  const rand = seededUniform(seed);
  const beta = Array.from({ length: predictors + 1 }, () => 4 * rand() - 2);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = Array.from({ length: predictors }, () => 10 * rand() - 5);
    let v = beta[0];
    for (let j = 0; j < predictors; j++) v += beta[j + 1] * row[j];
    v += (rand() + rand() + rand() - 1.5) * 0.5;
    if (rand() < 0.2) v += 20 + 20 * rand();
    X.push(row);
    y.push(v);
  }
  return { X, y };
}

/** Start of the local fits in case (e), from the data alone: u = max y, cMid = median positive x, b = 1. */
export function naiveSigmoidStart(x: ArrayLike<number>, y: ArrayLike<number>): [number, number, number] {
  const xs = Array.from(x).filter((v) => v > 0).sort((a, b) => a - b);
  return [Math.max(...Array.from(y)), xs[Math.floor(xs.length / 2)], 1];
}

/** y = u / (1 + (cMid/x)^b) in natural parameters [u, cMid, b] (c0 = 0), and its analytic Jacobian; x ≤ 0 gives 0. */
export function sigmoidNatural([u, cMid, b]: number[]): (x: number) => number {
  return (x) => (x > 0 ? u / (1 + (cMid / x) ** b) : 0);
}

export function sigmoidNaturalJacobian([u, cMid, b]: number[]): (x: number) => number[] {
  return (x) => {
    if (!(x > 0)) return [0, 0, 0];
    const r = (cMid / x) ** b;
    const s = 1 / (1 + r);
    const k = -u * s * s * r;
    return [s, (k * b) / cMid, k * Math.log(cMid / x)];
  };
}
