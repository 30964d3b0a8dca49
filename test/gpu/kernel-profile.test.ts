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
    gpu.release();
  });
});
