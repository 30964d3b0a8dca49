/**
 * One conformance spec for every CandidateBackend: 1,000 seeded random sigmoid curves (half
 * contaminated, n 15–80, a third with free c0) go through backend.evaluate, and the result is
 * compared with ltsCandidate (src/core/lts.ts) run here in f64 on every candidate.
 * A job agrees when the h-subset of the backend's best candidate (recomputed in f64 from its theta)
 * equals the subset of the reference's best candidate AND the two best objectives agree within
 * `objectiveTolerance`; at least `minAgreement` of the jobs must agree. (With a fixed number of
 * Gauss–Newton steps, an f32 and an f64 run can stop at different points of a flat valley or
 * against a bound, so a few jobs may legitimately differ; the f64 polish that follows removes that.)
 */
import { describe, expect, it } from 'vitest';
import type { CandidateBackend, JobResult, LtsBatch, LtsJob } from '../../src/backends/backend.js';
import { keepLowest, ltsCandidate, smallestH, squaredResiduals, type CandidateOutcome } from '../../src/core/lts.js';
import { createModel, DEFAULT_MODEL_SETTINGS } from '../../src/core/models/index.js';
import type { Model } from '../../src/core/models/model.js';
import { rngUniform } from '../../src/core/rng.js';

export interface ConformanceTolerance {
  /** Allowed |objective − reference| for a job of h pool points whose y has RMS deviation yScale. */
  objectiveTolerance(reference: number, h: number, yScale: number): number;
  /** Fraction of jobs that must agree (same best subset, objectives within tolerance). */
  minAgreement: number;
  /** Whether the best candidate index must also equal the reference's (exact backends). */
  sameCandidate: boolean;
}

const N_CURVES = 1000;
// The pipeline's defaults (src/api/options.ts): 64 starts, 2 C-steps, 8 Gauss–Newton steps, best 10 kept.
const BATCH_BASE: Omit<LtsBatch, 'jobs'> = { model: 'sigmoid', nCandidates: 64, cSteps: 2, gnIterations: 8, keepBest: 10 };

interface Case {
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
  const contaminated = i % 2 === 1;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const logSpan = 2 + 6 * u01();
  const logStart = -3 + 4 * u01();
  for (let k = 1; k < n; k++) x[k] = Math.exp(logStart + (logSpan * (k - 1 + 0.8 * u01())) / (n - 1));
  const b = 0.5 + 4.5 * u01();
  const m = logStart + logSpan * (0.2 + 0.6 * u01());
  const u = 5 + 45 * u01();
  const c0 = freeEpsilon ? 0.2 * u * u01() : 0;
  const sigma = 0.02 * u * (0.2 + u01());
  for (let k = 0; k < n; k++) {
    const s = x[k] === 0 ? 0 : 1 / (1 + Math.exp(b * (m - Math.log(x[k]))));
    const noise = sigma * (u01() + u01() + u01() - 1.5) * 2;
    const outlier = contaminated && u01() < 0.2 ? (u01() < 0.5 ? -1 : 1) * (8 + 10 * u01()) * sigma : 0;
    y[k] = c0 + (u - c0) * s + noise + outlier;
  }
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

function bestSubsetOf(c: Case, theta: ArrayLike<number>): string {
  const { job, model } = c;
  return Array.from(smallestH(squaredResiduals(model, job.x, job.y, job.pool, theta), job.h).subset).join(',');
}

export function ltsConformanceSpec(name: string, makeBackend: () => Promise<CandidateBackend>, tolerance: ConformanceTolerance): void {
  describe(`LTS candidates conformance: ${name}`, () => {
    it(`matches ltsCandidate (f64) on ${N_CURVES} random sigmoid curves`, async () => {
      const cases = Array.from({ length: N_CURVES }, (_, i) => makeCase(i));
      const backend = await makeBackend();
      let results: JobResult[];
      try {
        results = await backend.evaluate({ ...BATCH_BASE, jobs: cases.map((c) => c.job) });
      } finally {
        await backend.dispose();
      }
      expect(results).toHaveLength(N_CURVES);

      let sameSubset = 0;
      let agree = 0;
      let sameCandidate = 0;
      const disagreements: string[] = [];
      cases.forEach((c, i) => {
        const { job, model } = c;
        const spec = { model, x: job.x, y: job.y, pool: job.pool, h: job.h, theta0: job.theta0, seed: job.seed, cSteps: BATCH_BASE.cSteps, gnIterations: BATCH_BASE.gnIterations };
        const all: CandidateOutcome[] = [];
        for (let k = 0; k < BATCH_BASE.nCandidates; k++) all.push(ltsCandidate(spec, k));
        const refBest = keepLowest(all, BATCH_BASE.keepBest);
        const got = results[i];
        expect(got.best.length).toBe(refBest.length);
        expect(got.nonFinite).toBe(all.filter((o) => !Number.isFinite(o.objective)).length);
        // Sorted ascending by objective, as the contract says.
        for (let r = 1; r < got.best.length; r++) expect(got.best[r].objective).toBeGreaterThanOrEqual(got.best[r - 1].objective);
        const ref = refBest[0];
        const mine = got.best[0];
        if (mine.candidate === ref.candidate) sameCandidate++;
        const subsetEqual = bestSubsetOf(c, mine.theta) === Array.from(ref.subset).join(',');
        if (subsetEqual) sameSubset++;
        const allowed = tolerance.objectiveTolerance(ref.objective, job.h, c.yScale);
        if (subsetEqual && Math.abs(mine.objective - ref.objective) <= allowed) agree++;
        else disagreements.push(`curve ${i} (p ${model.nParams}, m ${job.pool.length}): ${subsetEqual ? 'same' : 'different'} subset, objective ${mine.objective} (candidate ${mine.candidate}) vs ${ref.objective} (candidate ${ref.candidate}), allowed ±${allowed.toPrecision(3)}`);
      });
      console.log(`${name}: ${agree}/${N_CURVES} jobs agree; best subset equal on ${sameSubset}, best candidate equal on ${sameCandidate}\n${disagreements.join('\n')}`);
      expect(agree / N_CURVES).toBeGreaterThanOrEqual(tolerance.minAgreement);
      if (tolerance.sameCandidate) expect(sameCandidate).toBe(N_CURVES);
    });
  });
}
