// Every kernel variant of src/backends/webgpu/tuning.ts computes the same candidates: candidate by
// candidate against ltsCandidate (f64), on curves that stress the selection (tied residuals from
// duplicated points, h = m, h = p + 1) and on two pool tiers, with candidate counts that do not
// fill whole workgroups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobResults, type JobResult, type LtsJob } from '../../src/backends/backend.js';
import { acquireGpuDevice, type GpuDeviceHandle } from '../../src/backends/webgpu/device.js';
import { LTS_KERNEL_VARIANTS, type LtsKernelVariantName } from '../../src/backends/webgpu/tuning.js';
import { createWebGpuBackend } from '../../src/backends/webgpu/webgpu-backend.js';
import { ltsCandidate, smallestH, squaredResiduals } from '../../src/core/lts.js';
import { createModel, DEFAULT_MODEL_SETTINGS } from '../../src/core/models/index.js';
import { rngUniform } from '../../src/core/rng.js';
import { createFitter, type SweepItem } from '../../src/index.js';
import { HOST_WORKER_SWEEP } from '../faults/curves.js';
import { f32ObjectiveTolerance } from '../../src/backends/webgpu/f32-tolerance.js';
const BATCH = { model: 'sigmoid' as const, nCandidates: 24, cSteps: 2, gnIterations: 8, keepBest: 24 };

/** A contaminated sigmoid curve; `repeat` > 1 duplicates every point (exactly tied residuals); `freeEpsilon` fits c0 too (4 parameters). */
function curve(n: number, seed: number, repeat: number, h: (m: number) => number, freeEpsilon = false): LtsJob {
  const distinct = Math.ceil(n / repeat);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / repeat);
    x[i] = k === 0 ? 0 : Math.exp(-3 + (6 * k) / distinct);
    const s = x[i] === 0 ? 0 : 1 / (1 + Math.exp(2 * (0.3 - Math.log(x[i]))));
    y[i] = 20 * s + (rngUniform(seed, 0, k) - 0.5) + (k % 7 === 3 ? 8 : 0);
  }
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  const theta0 = freeEpsilon ? Float64Array.of(1.5, 0.5, 18, 0.5) : Float64Array.of(1.5, 0.5, 18);
  return { x, y, pool, h: h(n), theta0, seed, xMin: 0, xMax: x[n - 1], xMinPositive: x[repeat], settings: { ...DEFAULT_MODEL_SETTINGS, freeEpsilon } };
}

const JOBS: LtsJob[] = [
  curve(14, 1, 1, (m) => Math.floor(0.75 * m)),
  curve(15, 2, 3, (m) => Math.floor(0.75 * m)),
  curve(16, 3, 1, (m) => m),
  curve(12, 4, 1, () => 4),
  curve(60, 5, 1, (m) => Math.floor(0.75 * m)),
  curve(60, 6, 4, (m) => Math.floor(0.6 * m) + 1),
  curve(50, 7, 2, () => 4),
  curve(64, 8, 1, (m) => m),
  curve(30, 9, 1, (m) => Math.floor(0.75 * m), true),
  curve(60, 10, 2, (m) => Math.floor(0.75 * m), true),
  // Tier 128 (4 mask words) with the last word past m: the loops' ends per word, constant or m.
  curve(70, 11, 1, (m) => Math.floor(0.75 * m)),
];

function yScaleOf(job: LtsJob): number {
  const mean = job.y.reduce((a, b) => a + b, 0) / job.y.length;
  return Math.sqrt(job.y.reduce((a, b) => a + (b - mean) ** 2, 0) / job.y.length);
}

/** Candidates of every job whose objective and h-subset match their f64 twin, out of all returned. */
function matchCount(results: JobResult[]): { matching: number; total: number; bestMatching: number } {
  let matching = 0;
  let total = 0;
  let bestMatching = 0;
  results.forEach((result, j) => {
    const job = JOBS[j];
    const model = createModel('sigmoid', job.settings, job);
    const spec = { model, x: job.x, y: job.y, pool: job.pool, h: job.h, theta0: job.theta0, seed: job.seed, cSteps: BATCH.cSteps, gnIterations: BATCH.gnIterations };
    const yScale = yScaleOf(job);
    result.best.forEach((got, rank) => {
      const ref = ltsCandidate(spec, got.candidate);
      const allowed = f32ObjectiveTolerance(ref.objective, job.h, yScale);
      const subset = smallestH(squaredResiduals(model, job.x, job.y, job.pool, got.theta), job.h).subset;
      const ok = Math.abs(got.objective - ref.objective) <= allowed && subset.join(',') === ref.subset.join(',');
      total++;
      if (ok) matching++;
      if (ok && rank === 0) bestMatching++;
    });
  });
  return { matching, total, bestMatching };
}

/** Candidates whose objective equals the same candidate's under the baseline variant within the f32 tolerance. */
function agreeWithBaseline(results: JobResult[], baseline: JobResult[]): number {
  let agree = 0;
  results.forEach((result, j) => {
    const job = JOBS[j];
    const yScale = yScaleOf(job);
    const byCandidate = new Map(baseline[j].best.map((c) => [c.candidate, c.objective]));
    for (const c of result.best) {
      const ref = byCandidate.get(c.candidate);
      if (ref !== undefined && Math.abs(c.objective - ref) <= f32ObjectiveTolerance(ref, job.h, yScale)) agree++;
    }
  });
  return agree;
}

describe('LTS kernel variants', () => {
  let gpu: GpuDeviceHandle;
  // it.each runs in order, 'baseline' first.
  let baseline: JobResult[] | undefined;
  beforeAll(async () => { gpu = await acquireGpuDevice(); });
  afterAll(() => gpu?.release());

  it.each(Object.keys(LTS_KERNEL_VARIANTS) as LtsKernelVariantName[])('%s matches ltsCandidate candidate by candidate', async (variant) => {
    const backend = await createWebGpuBackend({ device: gpu.device, variant });
    let results: JobResult[];
    try {
      results = jobResults(await backend.evaluate({ ...BATCH, jobs: JOBS }));
    } finally {
      await backend.dispose();
    }
    for (const r of results) expect(r.best.length + r.nonFinite).toBe(BATCH.nCandidates);
    const { matching, total, bestMatching } = matchCount(results);
    if (variant === 'baseline') baseline = results;
    const sameAsBaseline = agreeWithBaseline(results, baseline!);
    console.log(`${variant}: ${matching}/${total} candidates match f64, best of ${bestMatching}/${JOBS.length} jobs; ${sameAsBaseline}/${total} equal to baseline`);
    // The variants change the layout, not the arithmetic: all but the rare f32 contraction difference agree.
    expect(sameAsBaseline / total).toBeGreaterThanOrEqual(0.98);
    // Ill-conditioned elemental starts may take different f32/f64 paths (see lts-candidate.test.ts).
    expect(matching / total).toBeGreaterThanOrEqual(0.9);
    expect(bestMatching).toBe(JOBS.length);
  });

  it('rejects an unknown variant naming the option', async () => {
    await expect(createWebGpuBackend({ device: gpu.device, variant: 'fastest' as LtsKernelVariantName }))
      .rejects.toMatchObject({ code: 'invalid-option', field: 'variant', received: JSON.stringify('fastest') });
  });

  it('a fitter given kernelVariant sweeps with that layout and gets the default layout\'s results', async () => {
    const sweep = async (kernelVariant?: LtsKernelVariantName): Promise<SweepItem[]> => {
      const fitter = await createFitter({ backend: 'webgpu', device: gpu.device, workers: 1, kernelVariant });
      const items: SweepItem[] = [];
      try {
        for await (const item of fitter.fitSweep(HOST_WORKER_SWEEP.curves.slice(0, 3), HOST_WORKER_SWEEP.options)) items.push(item);
      } finally {
        await fitter.dispose();
      }
      return items;
    };
    const chosen = await sweep('unrolled-early-dense');
    const byDefault = await sweep();
    const backendOf = (i: SweepItem) => (i.result as { backend: { description: string } }).backend.description;
    expect(chosen.every((i) => backendOf(i).includes('(unrolled-early-dense)'))).toBe(true);
    expect(byDefault.every((i) => !backendOf(i).includes('(unrolled-early-dense)'))).toBe(true);
    const withoutBackend = (i: SweepItem) => ({ ...i, result: { ...i.result, backend: undefined } });
    expect(chosen.map(withoutBackend)).toEqual(byDefault.map(withoutBackend));
  });
});
