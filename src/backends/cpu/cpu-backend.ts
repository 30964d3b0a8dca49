/**
 * The f64 reference CandidateBackend: every candidate is `ltsCandidate` (src/core/lts.ts) on the
 * calling thread, the keepBest lowest kept by `keepLowest`. The worker pool runs this same backend
 * in each worker; the WebGPU backend is compared against it candidate by candidate.
 */
import { TrimfitError } from '../../api/errors.js';
import { evaluateJobF64 } from '../../core/lts.js';
import { createModel } from '../../core/models/index.js';
import type { CandidateBackend, JobResult, LtsBatch } from '../backend.js';

export function createCpuBackend(): CandidateBackend {
  return {
    name: 'cpu',
    description: 'CPU f64 reference (single thread)',
    async evaluate(batch: LtsBatch, signal?: AbortSignal): Promise<JobResult[]> {
      return batch.jobs.map((job) => {
        if (signal?.aborted) throw new TrimfitError('aborted', 'signal', 'not aborted', 'aborted', 'signal: the evaluation was aborted');
        const model = createModel(batch.model, job.settings, { xMin: job.xMin, xMax: job.xMax, xMinPositive: job.xMinPositive });
        const spec = { model, x: job.x, y: job.y, pool: job.pool, h: job.h, theta0: job.theta0, seed: job.seed, cSteps: batch.cSteps, gnIterations: batch.gnIterations };
        const { best, nonFinite } = evaluateJobF64(spec, batch.nCandidates, batch.keepBest);
        return { best: best.map(({ candidate, objective, theta }) => ({ candidate, objective, theta })), nonFinite };
      });
    },
    async dispose(): Promise<void> {},
  };
}
