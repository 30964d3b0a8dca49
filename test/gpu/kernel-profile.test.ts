// profileKernelVariants on the test adapter: every row measured and checked against f64, one
// callback per row, the budget honoured, and a caller's device left alive.
import { describe, expect, it } from 'vitest';
import { fastestVariant, profileKernelVariants, TrimfitError, type KernelProfileRow } from '../../src/index.js';
import { requireGpu } from './gpu-harness.js';

describe('profileKernelVariants', () => {
  it('measures and checks each (n, variant) row and reports the fastest', async () => {
    const gpu = await requireGpu();
    const seen: KernelProfileRow[] = [];
    const report = await profileKernelVariants({
      device: gpu.device, poolSizes: [16, 40], variants: ['baseline', 'unrolled-early-dense'], candidates: 256, warmRuns: 1, checkJobs: 2,
      onRow: (row, soFar) => { seen.push(row); expect(soFar.rows).toContain(row); },
    });
    expect(report.rows.map((r) => `${r.n} ${r.variant}`)).toEqual(['16 baseline', '16 unrolled-early-dense', '40 baseline', '40 unrolled-early-dense']);
    expect(seen).toEqual(report.rows);
    for (const row of report.rows) {
      expect(row.error).toBeUndefined();
      expect(row.candidates).toBe(256);
      expect(row.candidatesPerS).toBeGreaterThan(0);
      expect(row.gpuCandidatesPerS).toBeGreaterThan(0);
      expect(row.serialMs!.chunks).toBe(1);
      // Passes on the GPU clock wherever the device has timestamp queries (SwiftShader does).
      if (gpu.device.features.has('timestamp-query')) {
        expect(row.passMs!.candidates).toBeGreaterThan(0);
        expect(row.passesCandidatesPerS).toBeLessThanOrEqual(row.kernelCandidatesPerS!);
      }
      // The two jobs checked against f64 agree, and every job's best matches the baseline's.
      expect(row.checkF64).toMatchObject({ jobs: 2, agree: 2 });
      expect(row.vsBaseline).toEqual({ jobs: 4, agree: 4 });
    }
    expect(report.device).toBe(gpu.description);
    expect(['baseline', 'unrolled-early-dense']).toContain(fastestVariant(report, 40));
    // The caller's device is still usable.
    expect(gpu.lostDetail()).toBeNull();
    gpu.release();
  });

  it('skips the rows after the budget and rejects bad options by name', async () => {
    const gpu = await requireGpu();
    const report = await profileKernelVariants({ device: gpu.device, poolSizes: [16], variants: ['baseline', 'unrolled-early'], candidates: 64, warmRuns: 1, checkJobs: 1, budgetMs: 1e-3 });
    expect(report.rows.every((r) => r.skipped !== undefined && r.candidatesPerS === undefined)).toBe(true);
    expect(fastestVariant(report, 16)).toBeUndefined();
    await expect(profileKernelVariants({ device: gpu.device, variants: ['fastest' as 'baseline'] })).rejects.toMatchObject({ code: 'invalid-option', field: 'variants' });
    await expect(profileKernelVariants({ device: gpu.device, candidates: 0 })).rejects.toBeInstanceOf(TrimfitError);
    await expect(profileKernelVariants({ device: gpu.device, poolSizes: [64, 5] })).rejects.toMatchObject({ code: 'invalid-option', field: 'poolSizes', received: '5' });
    await expect(profileKernelVariants({ device: gpu.device, poolSizes: [2000] })).rejects.toMatchObject({ field: 'poolSizes', expected: 'integers in [6, 1024]' });
    await expect(profileKernelVariants({ device: gpu.device, cSteps: -1 })).rejects.toMatchObject({ code: 'invalid-option', field: 'cSteps', expected: 'an integer ≥ 0' });
    await expect(profileKernelVariants({ device: gpu.device, gnIterations: 1.5 })).rejects.toMatchObject({ code: 'invalid-option', field: 'gnIterations' });
    await expect(profileKernelVariants({ device: gpu.device, kernelRepeats: 0 })).rejects.toMatchObject({ code: 'invalid-option', field: 'kernelRepeats' });
    gpu.release();
  });

  it('profiles with work left out (C-steps, Gauss–Newton iterations) and checks those candidates against f64', async () => {
    const gpu = await requireGpu();
    const common = { device: gpu.device, poolSizes: [16], variants: ['unrolled-early'] as const, candidates: 128, warmRuns: 1, checkJobs: 2 };
    const full = await profileKernelVariants(common);
    const reduced = await profileKernelVariants({ ...common, cSteps: 0, gnIterations: 0 });
    expect(reduced.config).toMatchObject({ cSteps: 0, gnIterations: 0 });
    const [fullRow, reducedRow] = [full.rows[0], reduced.rows[0]];
    expect(reducedRow.error).toBeUndefined();
    // The f64 twin ran with the same shape: every checked job agrees.
    expect(reducedRow.checkF64).toMatchObject({ jobs: 2, agree: 2 });
    expect(reducedRow.flopsPerCandidate!).toBeLessThan(fullRow.flopsPerCandidate! / 5);
    gpu.release();
  });
});
