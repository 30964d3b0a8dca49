// The f64 reference backend must reproduce ltsCandidate exactly (same arithmetic, same order).
import { createCpuBackend } from '../../src/backends/cpu/cpu-backend.js';
import { ltsConformanceSpec } from './lts-candidates.spec.js';

ltsConformanceSpec('cpu', async () => createCpuBackend(), {
  objectiveTolerance: () => 0,
  minAgreement: 1,
  sameCandidate: true,
});
