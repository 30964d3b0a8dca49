/** The conformance suite's curves and jobs (no test framework here: the browser page uses them too). */
import type { LtsBatch, LtsJob } from '../../src/backends/backend.js';
import { keepLowest, ltsCandidate, smallestH, squaredResiduals, type CandidateOutcome } from '../../src/core/lts.js';
import { createModel, DEFAULT_MODEL_SETTINGS } from '../../src/core/models/index.js';
import type { Model } from '../../src/core/models/model.js';
import { rngUniform } from '../../src/core/rng.js';
import { syntheticSigmoid } from '../../src/core/synthetic.js';

export const N_CURVES = 1000;
// The pipeline's defaults (src/api/options.ts): 64 starts, 2 C-steps, 8 Gauss–Newton steps, best 10 kept.
export const BATCH_BASE: Omit<LtsBatch, 'jobs'> = { model: 'sigmoid', nCandidates: 64, cSteps: 2, gnIterations: 8, keepBest: 10 };

export interface Case {
  job: LtsJob;
  model: Model;
  yScale: number;
}

/** Curve i of the suite, fully determined by i. */
export function makeCase(i: number): Case {
  let counter = 0;
  const u01 = (): number => rngUniform(20240601, i, counter++);
  const n = 15 + Math.floor(u01() * 66);
  const freeEpsilon = i % 3 === 2;
  const { x, y, b, m, u, c0 } = syntheticSigmoid(u01, n, { freeEpsilon, contaminated: i % 2 === 1 });
  const settings = { ...DEFAULT_MODEL_SETTINGS, freeEpsilon };
  const range = { xMin: 0, xMax: x[n - 1], xMinPositive: x[1] };
  const model = createModel('sigmoid', settings, range);
  // Stage 1 would drop some points: the pool skips about one in ten.
  const pool = Int32Array.from(Array.from({ length: n }, (_, k) => k).filter((k) => k === 0 || u01() > 0.1));
  const h = Math.max(model.nParams + 1, Math.floor(0.75 * pool.length));
  const start = [b * (0.8 + 0.4 * u01()), m + 0.6 * (u01() - 0.5), u * (0.9 + 0.2 * u01()), c0 * u01()];
  const theta0 = Float64Array.from({ length: model.nParams }, (_, q) => Math.min(Math.max(start[q], model.lower[q]), model.upper[q]));
  let mean = 0;
  for (const k of pool) mean += y[k] / pool.length;
  let dev2 = 0;
  for (const k of pool) dev2 += (y[k] - mean) ** 2 / pool.length;
  const job: LtsJob = { x, y, pool, h, theta0, seed: (i * 2654435761) >>> 0, ...range, settings };
  return { job, model, yScale: Math.sqrt(dev2) };
}

export function bestSubsetOf(c: Case, theta: ArrayLike<number>): string {
  const { job, model } = c;
  return Array.from(smallestH(squaredResiduals(model, job.x, job.y, job.pool, theta), job.h).subset).join(',');
}


/** Every candidate of a case in f64 (the reference) and the keepBest lowest. */
export function referenceCandidates(c: Case): { all: CandidateOutcome[]; best: CandidateOutcome[] } {
  const { job, model } = c;
  const spec = { model, x: job.x, y: job.y, pool: job.pool, h: job.h, theta0: job.theta0, seed: job.seed, cSteps: BATCH_BASE.cSteps, gnIterations: BATCH_BASE.gnIterations };
  const all: CandidateOutcome[] = [];
  for (let k = 0; k < BATCH_BASE.nCandidates; k++) all.push(ltsCandidate(spec, k));
  return { all, best: keepLowest(all, BATCH_BASE.keepBest) };
}
