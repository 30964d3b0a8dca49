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
import { createBatchResult, jobResults, toJobTable, type BatchResult, type CandidateBackend, type JobResult, type LtsBatch, type LtsJob, type LtsJobTable } from '../../src/backends/backend.js';
import { polishCandidate } from '../../src/core/lts.js';
import { BATCH_BASE, N_CURVES, bestSubsetOf, makeCase, referenceCandidates } from './cases.js';

export interface ConformanceTolerance {
  /** Allowed |objective − reference| for a job of h pool points whose y has RMS deviation yScale. */
  objectiveTolerance(reference: number, h: number, yScale: number): number;
  /** Fraction of jobs that must agree (same best subset, objectives within tolerance). */
  minAgreement: number;
  /** Whether the best candidate index must also equal the reference's (exact backends). */
  sameCandidate: boolean;
}

export function ltsConformanceSpec(name: string, makeBackend: () => Promise<CandidateBackend>, tolerance: ConformanceTolerance): void {
  describe(`LTS candidates conformance: ${name}`, () => {
    it(`matches ltsCandidate (f64) on ${N_CURVES} random sigmoid curves`, async () => {
      const cases = Array.from({ length: N_CURVES }, (_, i) => makeCase(i));
      const backend = await makeBackend();
      let results: JobResult[];
      try {
        results = jobResults(await backend.evaluate({ ...BATCH_BASE, jobs: cases.map((c) => c.job) }));
      } finally {
        await backend.dispose();
      }
      expect(results).toHaveLength(N_CURVES);

      let sameSubset = 0;
      let agree = 0;
      let sameCandidate = 0;
      let polishedEqual = 0;
      const disagreements: string[] = [];
      cases.forEach((c, i) => {
        const { job, model } = c;
        const { all, best: refBest } = referenceCandidates(c);
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
        // The f64 polish (C-steps to convergence with LM, as the pipeline does) of both backends' best
        // candidates must end on the same subset with the same objective up to LM's own tolerance.
        const polish = (cands: ReadonlyArray<{ candidate: number; theta: ArrayLike<number> }>) =>
          cands.map((k) => polishCandidate(model, job.x, job.y, job.pool, job.h, k.theta, 50, k.candidate)).reduce((a, b) => (b.objective < a.objective ? b : a));
        const pMine = polish(got.best);
        const pRef = polish(refBest);
        if (Array.from(pMine.subset).join(',') === Array.from(pRef.subset).join(',') && Math.abs(pMine.objective - pRef.objective) <= 1e-8 * Math.max(pRef.objective, 1e-12)) polishedEqual++;
        else disagreements.push(`curve ${i} (p ${model.nParams}, m ${job.pool.length}): ${subsetEqual ? 'same' : 'different'} subset, objective ${mine.objective} (candidate ${mine.candidate}) vs ${ref.objective} (candidate ${ref.candidate}), allowed ±${allowed.toPrecision(3)}`);
      });
      console.log(`${name}: ${agree}/${N_CURVES} jobs agree; best subset equal on ${sameSubset}, best candidate equal on ${sameCandidate}; polished f64 results equal on ${polishedEqual}\n${disagreements.join('\n')}`);
      expect(agree / N_CURVES).toBeGreaterThanOrEqual(tolerance.minAgreement);
      expect(polishedEqual / N_CURVES).toBeGreaterThanOrEqual(tolerance.minAgreement);
      if (tolerance.sameCandidate) expect(sameCandidate).toBe(N_CURVES);
    });

    it('returns the same results for the jobs as a table (LtsJobTable) as for job objects, also into a reused result', async () => {
      // A third of the suite, with every pool tier and both parameter counts; the two forms are
      // the same jobs, so a backend must return the same numbers for both, bit for bit.
      const jobs = Array.from({ length: N_CURVES / 3 }, (_, i) => makeCase(3 * i + (i % 3)).job);
      const backend = await makeBackend();
      try {
        const fromObjects = await backend.evaluate({ ...BATCH_BASE, jobs });
        const fromTable = await backend.evaluate({ ...BATCH_BASE, jobs: toJobTable(jobs) });
        expect(new Set(Array.from(fromObjects.nParams))).toEqual(new Set([3, 4]));
        expect(fromTable).toEqual(fromObjects);
        // Into a result of the same shape holding other numbers: every entry is written.
        const into = createBatchResult(jobs.length, BATCH_BASE.keepBest, fromObjects.thetaStride);
        for (const a of [into.nParams, into.count, into.nonFinite, into.candidate, into.objective, into.theta]) a.fill(-7);
        const reused = await backend.evaluate({ ...BATCH_BASE, jobs: toJobTable(jobs) }, undefined, into);
        expect(reused).toBe(into);
        expect(reused).toEqual(fromObjects);
        const misfit = createBatchResult(jobs.length, BATCH_BASE.keepBest + 1, fromObjects.thetaStride);
        // (Plain matchers: the spec also runs as dist/conformance.js on the GPU machine.)
        for (const bad of [misfit, null as unknown as BatchResult]) {
          const refused = await backend.evaluate({ ...BATCH_BASE, jobs }, undefined, bad).then(() => undefined, (e: unknown) => e as { code?: string; field?: string });
          expect([refused?.code, refused?.field]).toEqual(['invalid-option', 'into']);
        }
      } finally {
        await backend.dispose();
      }
    });

    it('refuses bad jobs and counts with the same error, naming the field, in both forms', async () => {
      const jobs = [0, 1, 2].map((i) => makeCase(i).job);
      const job = jobs[1];
      const point = job.pool[2];
      const withJob = (edit: Partial<LtsJob>): LtsBatch => ({ ...BATCH_BASE, jobs: jobs.map((j, k) => (k === 1 ? { ...j, ...edit } : j)) });
      const table = (edit: (t: LtsJobTable) => Partial<LtsJobTable>): LtsBatch => {
        const t = toJobTable(jobs);
        return { ...BATCH_BASE, jobs: { ...t, ...edit(t) } };
      };
      const nanAt = (a: Float64Array, i: number) => Float64Array.from(a, (v, k) => (k === i ? NaN : v));
      const cases: Array<[string, LtsBatch, string]> = [
        ['h above m', withJob({ h: job.pool.length + 1 }), 'jobs[1].h'],
        ['h not above nParams', withJob({ h: 3 }), 'jobs[1].h'],
        ['a pool index past the curve', withJob({ pool: Int32Array.from(job.pool, (v, k) => (k === 2 ? job.x.length : v)) }), 'jobs[1].pool[2]'],
        ['a pool point with y NaN', withJob({ y: nanAt(job.y, point) }), `jobs[1].y[${point}]`],
        ['a pool point with x < 0', withJob({ x: Float64Array.from(job.x, (v, k) => (k === point ? -1 : v)) }), `jobs[1].x[${point}]`],
        ['theta0 with NaN', withJob({ theta0: nanAt(job.theta0, 1) }), 'jobs[1].theta0[1]'],
        ['theta0 of the wrong length', withJob({ theta0: job.theta0.subarray(1) }), 'jobs[1].theta0'],
        ['a seed that is no u32', withJob({ seed: -1 }), 'jobs[1].seed'],
        ['settings the model refuses', withJob({ settings: { ...job.settings, bMin: 9, bMax: 1 } }), 'jobs[1].settings'],
        ['table: h above m', table((t) => ({ h: Int32Array.from(t.h, (v, k) => (k === 1 ? 999 : v)) })), 'jobs.h[1]'],
        ['table: theta0 with NaN', table((t) => ({ theta0: nanAt(t.theta0, t.thetaStride + 1) })), `jobs.theta0[${toJobTable(jobs).thetaStride + 1}]`],
        ['table: a pool point with y NaN', table((t) => ({ curves: t.curves.map((c, k) => (k === 1 ? { x: c.x, y: nanAt(c.y, point) } : c)) })), `jobs.curves[1].y[${point}]`],
        ['table: a model index past the list', table(() => ({ model: Int32Array.of(0, 3, 2) })), 'jobs.model[1]'],
        ['keepBest 0', { ...BATCH_BASE, jobs, keepBest: 0 }, 'keepBest'],
        ['nCandidates 1.5', { ...BATCH_BASE, jobs, nCandidates: 1.5 }, 'nCandidates'],
      ];
      const backend = await makeBackend();
      try {
        for (const [what, batch, field] of cases) {
          // (Plain matchers: the spec also runs as dist/conformance.js on the GPU machine.)
          const e = await backend.evaluate(batch).then(() => undefined, (error: unknown) => error as { name?: string; code?: string; field?: string });
          expect([what, e?.name, e?.field]).toEqual([what, 'TrimfitError', field]);
        }
      } finally {
        await backend.dispose();
      }
    });
  });
}
