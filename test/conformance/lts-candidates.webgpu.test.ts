// The f32 WebGPU backend against the f64 reference, with the objective tolerance derived for f32
// in src/backends/webgpu/f32-tolerance.ts.
import { f32ObjectiveTolerance } from '../../src/backends/webgpu/f32-tolerance.js';
import { createWebGpuBackend } from '../../src/backends/webgpu/webgpu-backend.js';
import { ltsConformanceSpec } from './lts-candidates.spec.js';

ltsConformanceSpec('webgpu', () => createWebGpuBackend(), {
  objectiveTolerance: f32ObjectiveTolerance,
  minAgreement: 0.99,
  sameCandidate: false,
});
