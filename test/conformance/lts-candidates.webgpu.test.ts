// The f32 WebGPU backend against the f64 reference. Objective tolerance, from f32 rounding in the
// conditioned frame (y' = (y − mean)/yScale, so residuals are computed to ~K·eps·yScale): a sum of h
// squared residuals r moves by about 2·Σ|r|·K·eps·yScale ≤ 2·sqrt(h·objective)·K·eps·yScale, plus
// K·eps·objective for the f32 sum itself; K = 2^8 covers exp/log/division rounding amplified by the
// steepness b and the different but equally converged iterates of the two precisions.
import { createWebGpuBackend } from '../../src/backends/webgpu/webgpu-backend.js';
import { F32_EPS } from '../gpu/gpu-harness.js';
import { ltsConformanceSpec } from './lts-candidates.spec.js';

const K = 2 ** 8;

ltsConformanceSpec('webgpu', () => createWebGpuBackend(), {
  objectiveTolerance: (reference, h, yScale) => K * F32_EPS * (reference + 2 * Math.sqrt(h * reference) * yScale),
  minAgreement: 0.99,
  sameCandidate: false,
});
