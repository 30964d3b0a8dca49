/**
 * The f64 reference CandidateBackend: every candidate is `ltsCandidate` (src/core/lts.ts) on the
 * calling thread, the keepBest lowest kept by `keepLowest`. The worker pool runs this same backend
 * in each worker; the WebGPU backend is compared against it candidate by candidate. Jobs are
 * checked first (checkedJobs), as on every backend.
 */
import { TrimfitError } from '../../api/errors.js';
import { evaluateJobF64 } from '../../core/lts.js';
import { checkBatchCounts, checkedJobs, clearUnfilled, resultFor, type BatchResult, type CandidateBackend, type LtsBatch } from '../backend.js';

export function createCpuBackend(): CandidateBackend {
  return {
    name: 'cpu',
    description: 'CPU f64 reference (single thread)',
    async evaluate(batch: LtsBatch, signal?: AbortSignal, into?: BatchResult): Promise<BatchResult> {
      checkBatchCounts(batch);
      const { jobs, models } = checkedJobs(batch);
      const stride = models.reduce((p, m) => Math.max(p, m.nParams), 0);
      const out = resultFor(jobs.length, batch.keepBest, stride, into);
      jobs.forEach((job, j) => {
        if (signal?.aborted) throw new TrimfitError('aborted', 'signal', 'not aborted', 'aborted', 'signal: the evaluation was aborted');
        const model = models[j];
        const spec = { model, x: job.x, y: job.y, pool: job.pool, h: job.h, theta0: job.theta0, seed: job.seed, cSteps: batch.cSteps, gnIterations: batch.gnIterations };
        const { best, nonFinite } = evaluateJobF64(spec, batch.nCandidates, batch.keepBest);
        out.nParams[j] = model.nParams;
        out.count[j] = best.length;
        out.nonFinite[j] = nonFinite;
        best.forEach((c, r) => {
          const s = j * batch.keepBest + r;
          out.candidate[s] = c.candidate;
          out.objective[s] = c.objective;
          out.theta.set(c.theta, s * out.thetaStride);
        });
        clearUnfilled(out, j);
      });
      return out;
    },
    async dispose(): Promise<void> {},
  };
}
