// The f64 worker pool splits a batch into slices, evaluates them in worker threads, and transfers
// and joins the flat results: it must reproduce ltsCandidate exactly, like the single thread.
import { createWorkerPool } from '../../src/backends/cpu/worker-pool.js';
import { ltsConformanceSpec } from './lts-candidates.spec.js';

ltsConformanceSpec('cpu worker pool (3 workers)', () => createWorkerPool({ workers: 3 }), {
  objectiveTolerance: () => 0,
  minAgreement: 1,
  sameCandidate: true,
});
