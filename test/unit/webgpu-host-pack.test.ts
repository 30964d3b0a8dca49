// Host side of the WebGPU backend without a device: batch preparation (checks, shared curves and
// models), chunk packing (curves once, pool indices per job) and one-pass decoding. The points
// the gather pass lays out must be each pool point in its curve's frame; the timing line reports
// the host cost per 2^20 candidates (16,384 jobs × 64) on the machine running the tests.
import { describe, expect, it } from 'vitest';
import { batchJobs, createBatchResult, jobResult, jobResults, toJobTable, type BatchResult, type LtsBatch, type LtsJob, type LtsJobTable } from '../../src/backends/backend.js';
import { LTS_BOUNDS_BYTES, LTS_BOUNDS_WORD, LTS_JOB_BYTES, LTS_JOB_WORD, gatherPoolPoints, ltsCurve, packLtsJobs, sigmoidFrameMaps, sigmoidFromFrame } from '../../src/backends/webgpu/kernels/lts_candidates.js';
import { decodeSelectBest, selectBestWordsPerJob } from '../../src/backends/webgpu/kernels/select_best.js';
import { chunkPassMs } from '../../src/backends/webgpu/webgpu-backend.js';
import { packLtsChunk, prepareLtsBatch } from '../../src/backends/webgpu/prepare.js';
import { HostScratch } from '../../src/backends/webgpu/host-scratch.js';
import { createModel, DEFAULT_MODEL_SETTINGS } from '../../src/core/models/index.js';
import { rngUniform } from '../../src/core/rng.js';
import { TrimfitError } from '../../src/api/errors.js';

const settings = { ...DEFAULT_MODEL_SETTINGS };

function curve(n: number, seed: number): { x: Float64Array; y: Float64Array } {
  const x = Float64Array.from({ length: n }, (_, k) => (k === 0 ? 0 : Math.exp(-2 + (8 * k) / n + 0.1 * rngUniform(seed, 0, k))));
  const y = Float64Array.from(x, (v, k) => 30 / (1 + (3 / v) ** 1.5) + rngUniform(seed, 1, k));
  return { x, y };
}

/** Jobs cycling over `curves`, each with its own shuffled pool of m points (as Stage 1 leaves them). */
function jobsOn(curves: Array<{ x: Float64Array; y: Float64Array }>, count: number, m: number): LtsJob[] {
  return Array.from({ length: count }, (_, j) => {
    const c = curves[j % curves.length];
    const n = c.x.length;
    const pool = Int32Array.from({ length: m }, (_, k) => Math.floor(((k + 0.5) * n) / m));
    for (let k = m - 1; k > 0; k--) {
      const r = Math.floor(rngUniform(j, 2, k) * (k + 1));
      [pool[k], pool[r]] = [pool[r], pool[k]];
    }
    return { ...c, pool, h: Math.floor(0.75 * m), theta0: Float64Array.of(1.5, 1, 30), seed: j, xMin: 0, xMax: c.x[n - 1], xMinPositive: c.x[1], settings };
  });
}

describe('WebGPU host packing', () => {
  it('gathers every pool point in its curve frame and uploads each curve once per chunk', () => {
    const curves = [curve(40, 1), curve(25, 2), curve(40, 3)];
    const jobs = jobsOn(curves, 7, 20);
    const packed = packLtsChunk(jobs);
    expect(packed.curvePoints.length).toBe(2 * (40 + 25 + 40));
    let at = 0;
    jobs.forEach((job, j) => {
      const frame = ltsCurve(job.x, job.y).frame;
      expect(packed.frames[j]).toEqual(frame);
      for (let k = 0; k < job.pool.length; k++, at++) {
        const i = job.pool[k];
        const t = job.x[i] === 0 ? -3e38 : Math.fround(Math.log(job.x[i]) - frame.tShift);
        expect(packed.points[2 * at]).toBe(Math.fround(t));
        expect(packed.points[2 * at + 1]).toBe(Math.fround((job.y[i] - frame.yShift) / frame.yScale));
      }
    });
    expect(at).toBe(7 * 20);
  });

  it('uploads a pool once per curve it is used on and bounds once per model and curve, however many jobs share them', () => {
    const curves = [curve(40, 11), curve(40, 12)];
    const [a, b] = jobsOn(curves, 2, 20);
    const other = Int32Array.from(a.pool).reverse();
    const capped = { ...settings, uMax: 50 };
    // Curve 0: pool P, P, Q, P (back to P after Q); curve 1: pool P (the same array on another
    // curve is a pool of its own), and a copy of P (equal values, another array). Settings: the
    // defaults except jobs 2 and 6 (uMax 50), so three jobs of curve 0 share one model.
    const P = a.pool;
    const jobs: LtsJob[] = [
      { ...a, pool: P, seed: 1 }, { ...b, pool: P, seed: 2 }, { ...a, pool: P, seed: 3, settings: capped }, { ...a, pool: other, seed: 4 },
      { ...a, pool: P, seed: 5 }, { ...b, pool: Int32Array.from(P), seed: 6 }, { ...b, pool: P, seed: 7, settings: capped },
    ];
    const prepared = prepareLtsBatch({ model: 'sigmoid', jobs, nCandidates: 8, cSteps: 2, gnIterations: 8, keepBest: 3 });
    const packed = packLtsJobs(prepared, prepared.groups[0]);
    const points = gatherPoolPoints(packed);
    // Distinct (curve, pool array) pairs: (0, P), (1, P), (0, Q), (1, copy of P); curve 1 starts at point 40.
    expect(Array.from(packed.gathers)).toEqual([0, 20, 0, 0, 20, 20, 40, 0, 40, 20, 0, 0, 60, 20, 40, 0]);
    expect(packed.poolIndex.length).toBe(4 * 20);
    const words = LTS_JOB_BYTES / 4;
    const word = (j: number, w: number) => packed.jobs[j * words + w];
    const pointOffset = jobs.map((_, j) => word(j, LTS_JOB_WORD.pointOffset));
    expect(pointOffset).toEqual([0, 20, 0, 40, 0, 60, 20]);
    // Distinct (model, curve) pairs: (defaults, 0), (defaults, 1), (capped, 0), (capped, 1).
    expect(jobs.map((_, j) => word(j, LTS_JOB_WORD.bounds))).toEqual([0, 1, 2, 0, 0, 1, 3]);
    expect(packed.bounds.length).toBe((4 * LTS_BOUNDS_BYTES) / 4);
    jobs.forEach((job, j) => {
      expect(word(j, LTS_JOB_WORD.mh)).toBe(job.pool.length | (job.h << 16));
      expect(word(j, LTS_JOB_WORD.seed)).toBe(job.seed);
      const frame = ltsCurve(job.x, job.y).frame;
      // Its bounds entry holds its own model's bounds and c0 in its curve's frame.
      const model = createModel('sigmoid', job.settings, job);
      const at = (word(j, LTS_JOB_WORD.bounds) * LTS_BOUNDS_BYTES) / 4;
      const inFrame = (theta: ArrayLike<number>) => [theta[0], theta[1] - frame.tShift, (theta[2] - frame.yShift) / frame.yScale].map((v) => Math.fround(Math.max(-3e38, Math.min(3e38, v))));
      expect(Array.from(packed.bounds.subarray(at + LTS_BOUNDS_WORD.lower, at + LTS_BOUNDS_WORD.lower + 3))).toEqual(inFrame(model.lower));
      expect(Array.from(packed.bounds.subarray(at + LTS_BOUNDS_WORD.upper, at + LTS_BOUNDS_WORD.upper + 3))).toEqual(inFrame(model.upper));
      expect(packed.bounds[at + LTS_BOUNDS_WORD.c0Fixed]).toBe(Math.fround(-frame.yShift / frame.yScale));
      // Every job still reads its own pool's points in its curve's frame at its offset.
      for (let k = 0; k < job.pool.length; k++) {
        const i = job.pool[k];
        const p = pointOffset[j] + k;
        expect(points[2 * p]).toBe(Math.fround(job.x[i] === 0 ? -3e38 : Math.fround(Math.log(job.x[i]) - frame.tShift)));
        expect(points[2 * p + 1]).toBe(Math.fround((job.y[i] - frame.yShift) / frame.yScale));
      }
    });
  });

  it('prepares shared curves and models once and groups jobs by pool tier', () => {
    const curves = [curve(64, 4), curve(64, 5)];
    const jobs = [...jobsOn(curves, 6, 60), ...jobsOn(curves, 4, 12)];
    const prepared = prepareLtsBatch({ model: 'sigmoid', jobs, nCandidates: 8, cSteps: 2, gnIterations: 8, keepBest: 3 });
    expect(prepared.curves.length).toBe(2);
    expect(prepared.models.length).toBe(2);
    expect(prepared.groups.map((g) => Array.from(g))).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9]]);
  });

  it('shares a model between settings objects with equal values, and only between those', () => {
    const curves = [curve(64, 6)];
    // A sweep gives every setting its own settings object; NaN (cMidMin from the data) equals NaN.
    const withSettings = (list: LtsJob[], make: (j: number) => LtsJob['settings']) => list.map((job, j) => {
      const own = make(j);
      return { ...job, settings: own, theta0: own.freeEpsilon ? Float64Array.of(1.5, 1, 30, 0.5) : job.theta0 };
    });
    const equalValues = withSettings(jobsOn(curves, 5, 40), () => ({ ...DEFAULT_MODEL_SETTINGS }));
    const shared = prepareLtsBatch({ model: 'sigmoid', jobs: equalValues, nCandidates: 8, cSteps: 2, gnIterations: 8, keepBest: 3 });
    expect(shared.models.length).toBe(1);
    expect(Array.from(shared.modelOf)).toEqual([0, 0, 0, 0, 0]);

    const variants: Array<Partial<LtsJob['settings']>> = [{}, { freeEpsilon: true }, { cMidMin: 0.01 }, { uMin: -Infinity }, { uMax: 50 }, {}, { freeEpsilon: true }];
    const jobs = withSettings(jobsOn(curves, variants.length, 40), (j) => ({ ...DEFAULT_MODEL_SETTINGS, ...variants[j] }));
    jobs.push({ ...jobs[0], settings: { ...DEFAULT_MODEL_SETTINGS }, xMax: jobs[0].xMax * 2 });
    const prepared = prepareLtsBatch({ model: 'sigmoid', jobs, nCandidates: 8, cSteps: 2, gnIterations: 8, keepBest: 3 });
    // An extra key (uMin), a changed value or a changed data range is a model of its own; a repeat is not.
    expect(Array.from(prepared.modelOf)).toEqual([0, 1, 2, 3, 4, 0, 1, 5]);
    expect(prepared.models[1].nParams).toBe(4);
    prepared.models.forEach((model, k) => {
      const job = jobs[prepared.modelOf.indexOf(k)];
      const reference = createModel('sigmoid', job.settings, job);
      expect(Array.from(model.lower)).toEqual(Array.from(reference.lower));
      expect(Array.from(model.upper)).toEqual(Array.from(reference.upper));
    });
  });

  it('names the job and point of an unusable pool entry', () => {
    const [job] = jobsOn([curve(30, 6)], 1, 10);
    const y = Float64Array.from(job.y);
    y[job.pool[3]] = NaN;
    const batch: LtsBatch = { model: 'sigmoid', jobs: [job, { ...job, y }], nCandidates: 8, cSteps: 2, gnIterations: 8, keepBest: 3 };
    expect(() => prepareLtsBatch(batch)).toThrowError(expect.objectContaining({ field: `jobs[1].y[${job.pool[3]}]` }) as Error);
    const pool = Int32Array.from(job.pool);
    pool[2] = 30;
    try {
      prepareLtsBatch({ ...batch, jobs: [{ ...job, pool }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TrimfitError);
      expect((e as TrimfitError).field).toBe('jobs[0].pool[2]');
    }
  });

  it('packs a job table exactly as the same jobs as objects', () => {
    const [a, b] = [curve(40, 1), curve(40, 2)];
    const base = jobsOn([a, b], 2, 20);
    const P = base[0].pool;
    const Q = Int32Array.from(P).reverse();
    const capped = { ...settings, uMax: 50 };
    const free = { ...settings, freeEpsilon: true };
    const four = Float64Array.of(1.5, 1, 30, 0.25);
    // Pool P on both curves and Q on one; two models per curve (one shared, one capped); a
    // group of free-c0 jobs (nParams 4) after the first group.
    const jobs: LtsJob[] = [
      { ...base[0], pool: P, seed: 1 }, { ...base[1], pool: P, seed: 2 }, { ...base[0], pool: Q, seed: 3, settings: capped },
      { ...base[0], pool: P, seed: 4, h: 16 }, { ...base[1], pool: P, seed: 5, settings: capped },
      { ...base[0], pool: Q, seed: 6, settings: free, theta0: four }, { ...base[1], pool: P, seed: 7, settings: free, theta0: four },
    ];
    const batch = { model: 'sigmoid' as const, nCandidates: 8, cSteps: 2, gnIterations: 8, keepBest: 3 };
    const fromObjects = prepareLtsBatch({ ...batch, jobs });
    const table = toJobTable(jobs);
    expect(table.thetaStride).toBe(4);
    const fromTable = prepareLtsBatch({ ...batch, jobs: table });
    expect(fromTable.groups.map((g) => Array.from(g))).toEqual([[0, 1, 2, 3, 4], [5, 6]]);
    expect(fromTable.groups).toEqual(fromObjects.groups);
    for (const group of fromTable.groups) {
      const packed = packLtsJobs(fromTable, group);
      const reference = packLtsJobs(fromObjects, group);
      for (const key of ['jobs', 'bounds', 'poolIndex', 'gathers', 'curvePoints', 'frames'] as const) expect(packed[key]).toEqual(reference[key]);
    }
    // The table's per-job arrays are used as they are, not copied.
    expect(fromTable.h).toBe(table.h);
    expect(fromTable.theta0).toBe(table.theta0);
    // And the rows as objects are the jobs again (theta0 copied, everything else shared).
    const rows = batchJobs({ ...batch, jobs: table });
    rows.forEach((row, j) => {
      const job = jobs[j];
      for (const key of ['x', 'y', 'pool', 'settings'] as const) expect(row[key]).toBe(job[key]);
      expect(Array.from(row.theta0)).toEqual(Array.from(job.theta0));
      expect([row.h, row.seed, row.xMin, row.xMax, row.xMinPositive]).toEqual([job.h, job.seed, job.xMin, job.xMax, job.xMinPositive]);
    });
  });

  it('names the table field of a job that breaks the kernel\'s contract', () => {
    const jobs = jobsOn([curve(30, 6), curve(30, 7)], 4, 10);
    const batch = { model: 'sigmoid' as const, nCandidates: 8, cSteps: 2, gnIterations: 8, keepBest: 3 };
    const fieldOf = (edit: (t: LtsJobTable) => LtsJobTable): string => {
      try {
        prepareLtsBatch({ ...batch, jobs: edit(toJobTable(jobs)) });
      } catch (e) {
        expect(e).toBeInstanceOf(TrimfitError);
        return (e as TrimfitError).field;
      }
      return 'no error';
    };
    expect(fieldOf((t) => t)).toBe('no error');
    expect(fieldOf((t) => ({ ...t, h: Int32Array.of(7, 3, 7, 7) }))).toBe('jobs.h[1]');
    expect(fieldOf((t) => ({ ...t, h: Int32Array.of(7, 11, 7, 7) }))).toBe('jobs.h[1]');
    expect(fieldOf((t) => ({ ...t, pools: t.pools.map((pool, k) => (k === 2 ? pool.subarray(0, 3) : pool)) }))).toBe('jobs.pools[2]');
    const y = Float64Array.from(jobs[1].y);
    y[jobs[1].pool[4]] = Infinity;
    expect(fieldOf((t) => ({ ...t, curves: [t.curves[0], { x: t.curves[1].x, y }] }))).toBe(`jobs.curves[1].y[${jobs[1].pool[4]}]`);
    expect(fieldOf((t) => ({ ...t, pools: [Int32Array.of(...t.pools[0].subarray(0, 9), 30), ...t.pools.slice(1)] }))).toBe('jobs.pools[0][9]');
    expect(fieldOf((t) => ({ ...t, models: t.models.map((spec) => ({ ...spec, settings: { ...spec.settings, freeEpsilon: true } })) }))).toBe('jobs.thetaStride');
    // The table's shape (checkJobTable), for every backend.
    expect(fieldOf((t) => ({ ...t, model: Int32Array.of(0, 1, 2, 1) }))).toBe('jobs.model[2]');
    expect(fieldOf((t) => ({ ...t, curve: Int32Array.of(0, -1, 0, 1) }))).toBe('jobs.curve[1]');
    expect(fieldOf((t) => ({ ...t, seed: new Uint32Array(3) }))).toBe('jobs.seed');
    expect(fieldOf((t) => ({ ...t, seed: Array.from(t.seed) as unknown as Uint32Array }))).toBe('jobs.seed');
    expect(fieldOf((t) => ({ ...t, theta0: t.theta0.subarray(1) }))).toBe('jobs.theta0');
    expect(fieldOf((t) => ({ ...t, thetaStride: 0 }))).toBe('jobs.thetaStride');
    expect(fieldOf((t) => ({ ...t, pools: new Set(t.pools) as unknown as Int32Array[] }))).toBe('jobs.pools');
    expect(fieldOf((t) => ({ ...t, pools: [...t.pools.slice(0, 3), Array.from(t.pools[3]) as unknown as Int32Array] }))).toBe('jobs.pools[3]');
    expect(fieldOf((t) => ({ ...t, curves: [t.curves[0], { x: t.curves[1].x, y: Array.from(t.curves[1].y) as unknown as Float64Array }] }))).toBe('jobs.curves[1].y');
    expect(fieldOf((t) => ({ ...t, models: [t.models[0], { ...t.models[1], xMax: undefined as unknown as number }] }))).toBe('jobs.models[1].xMax');
    expect(fieldOf(() => null as unknown as LtsJobTable)).toBe('jobs');
    expect(() => batchJobs({ ...batch, jobs: { ...toJobTable(jobs), pool: Int32Array.of(0, 1, 2, 9) } })).toThrowError(expect.objectContaining({ field: 'jobs.pool[3]' }) as Error);
    // Settings the model refuses, in either form and on every backend's path.
    const inverted = { ...settings, bMin: 5, bMax: 1 };
    expect(fieldOf((t) => ({ ...t, models: [{ ...t.models[0], settings: inverted }, ...t.models.slice(1)] }))).toBe('jobs.models[0]');
    expect(() => batchJobs({ ...batch, jobs: { ...toJobTable(jobs), models: [{ ...toJobTable(jobs).models[0], settings: inverted }, toJobTable(jobs).models[1]] } }))
      .toThrowError(expect.objectContaining({ code: 'invalid-input', field: 'jobs.models[0]', message: expect.stringContaining('bMin ≤ bMax') }) as Error);
    const objects = jobs.map((job, j) => (j === 2 ? { ...job, settings: inverted } : job));
    expect(() => prepareLtsBatch({ ...batch, jobs: objects })).toThrowError(expect.objectContaining({ field: 'jobs[2].settings' }) as Error);
  });

  it('decodes a chunk\'s output arrays into f64 results', () => {
    // select_best's layout for 2 jobs, keepBest 3, 3 parameters: nonFinite[2], count[2],
    // candidate[6], objective[6], theta[18] (slot-major); empty slots as the shader leaves them.
    const keepBest = 3;
    const jobs = 2;
    const words = new ArrayBuffer(4 * jobs * selectBestWordsPerJob(keepBest, 3));
    const u32 = new Uint32Array(words);
    const f32 = new Float32Array(words);
    const slots = jobs * keepBest;
    const [candidateAt, objectiveAt, thetaAt] = [2 * jobs, 2 * jobs + slots, 2 * jobs + 2 * slots];
    u32.set([5, 0, 2, 0]);
    u32.fill(0xffffffff, candidateAt, thetaAt);
    [[7, 0.5], [2, 0.75]].forEach(([candidate, objective], r) => {
      u32[candidateAt + r] = candidate;
      f32[objectiveAt + r] = objective;
      f32.set([1.5, -0.25, 0.5], thetaAt + 3 * r);
    });
    const frame = { tShift: 2, yShift: 10, yScale: 4 };
    const maps = sigmoidFrameMaps([frame, frame], 3);
    // The chunk's two jobs are jobs 2 and 0 of a batch of three; job 1 belongs to another chunk.
    const out = createBatchResult(3, keepBest, 4);
    decodeSelectBest(words, Int32Array.of(2, 0), 3, maps.objectiveScale, maps.theta, out);
    expect(Array.from(out.count)).toEqual([0, 0, 2]);
    expect(Array.from(out.nonFinite)).toEqual([0, 0, 5]);
    expect(Array.from(out.nParams)).toEqual([3, 0, 3]);
    expect(Array.from(out.candidate.subarray(6, 8))).toEqual([7, 2]);
    const results = jobResults(out);
    expect(results[2].best.map((b) => [b.candidate, b.objective, Array.from(b.theta)])).toEqual([[7, 8, [1.5, 1.75, 12]], [2, 12, [1.5, 1.75, 12]]]);
    expect(Array.from(sigmoidFromFrame(f32, frame, 3, thetaAt))).toEqual([1.5, 1.75, 12]);
    expect(results[0]).toEqual({ best: [], nonFinite: 0 });
    // Into a result holding other numbers: the chunk's jobs read as in a new result (rows past
    // count and θ past nParams zeroed), and job 1, outside the chunk, is untouched.
    const fresh = { count: Array.from(out.count), candidate: Array.from(out.candidate), objective: Array.from(out.objective), theta: Array.from(out.theta) };
    for (const a of [out.candidate, out.objective, out.theta]) a.fill(-7);
    out.count[2] = 1;
    decodeSelectBest(words, Int32Array.of(2, 0), 3, maps.objectiveScale, maps.theta, out);
    const job1 = (a: ArrayLike<number>, perSlot: number) => Array.from(a).slice(3 * perSlot, 6 * perSlot);
    expect(job1(out.candidate, 1)).toEqual([-7, -7, -7]);
    expect(job1(out.theta, 4).every((v) => v === -7)).toBe(true);
    const jobs02 = (a: ArrayLike<number>, perSlot: number) => [...Array.from(a).slice(0, 3 * perSlot), ...Array.from(a).slice(6 * perSlot)];
    expect(jobs02(out.candidate, 1)).toEqual(jobs02(fresh.candidate, 1));
    expect(jobs02(out.objective, 1)).toEqual(jobs02(fresh.objective, 1));
    expect(jobs02(out.theta, 4)).toEqual(jobs02(fresh.theta, 4));
    expect(Array.from(out.theta.subarray(24, 36))).toEqual([1.5, 1.75, 12, 0, 1.5, 1.75, 12, 0, 0, 0, 0, 0]);
    expect(Array.from(out.count)).toEqual(fresh.count);
    // A count past keepBest (a damaged output) writes keepBest rows, never another job's slots.
    u32[2] = 99;
    out.candidate.fill(-5, 3, 6);
    decodeSelectBest(words, Int32Array.of(2, 0), 3, maps.objectiveScale, maps.theta, out);
    expect(out.count[2]).toBe(keepBest);
    expect(Array.from(out.candidate.subarray(3, 6))).toEqual([-5, -5, -5]);
    expect(() => jobResult(out, 3)).toThrowError(expect.objectContaining({ code: 'invalid-option', field: 'job', message: 'job: expected an integer in [0, 2], received 3' }) as Error);
    expect(() => jobResult(out, 1.5)).toThrowError(expect.objectContaining({ field: 'job' }) as Error);
  });

  it('decodes a run of jobs, θ padded or not, reversed jobs and into a reused result as record by record', () => {
    // Random select_best output for 40 jobs, keepBest 4, 3 parameters, with counts from 0 to past
    // keepBest (a damaged output), every job with its own frame, values of both signs and -0.
    const keepBest = 4;
    const jobs = 40;
    const slots = jobs * keepBest;
    const words = new ArrayBuffer(4 * jobs * selectBestWordsPerJob(keepBest, 3));
    const u32 = new Uint32Array(words);
    const f32 = new Float32Array(words);
    let counter = 0;
    const random = () => rngUniform(7, 0, counter++);
    for (let j = 0; j < jobs; j++) {
      u32[j] = Math.floor(random() * 5);
      u32[jobs + j] = j % 7 === 3 ? 9 : Math.floor(random() * (keepBest + 1));
    }
    for (let k = 0; k < slots; k++) {
      u32[2 * jobs + k] = Math.floor(random() * 64);
      f32[2 * jobs + slots + k] = random() * 3;
    }
    for (let k = 0; k < 3 * slots; k++) f32[2 * jobs + 2 * slots + k] = k % 11 === 0 ? -0 : (random() - 0.5) * 20;
    const frames = Array.from({ length: jobs }, () => ({ tShift: random() * 4, yShift: random() * 50, yScale: 0.5 + random() }));
    const maps = sigmoidFrameMaps(frames, 3);
    // The reference: each record through sigmoidFromFrame, the objective times yScale².
    const expected = (j: number) => ({
      nonFinite: u32[j],
      best: Array.from({ length: Math.min(u32[jobs + j], keepBest) }, (_, r) => {
        const slot = j * keepBest + r;
        return { candidate: u32[2 * jobs + slot], objective: f32[2 * jobs + slots + slot] * frames[j].yScale ** 2, theta: Array.from(sigmoidFromFrame(f32, frames[j], 3, 2 * jobs + 2 * slots + 3 * slot)) };
      }),
    });
    const plain = (out: BatchResult, b: number) => {
      const { best, nonFinite } = jobResult(out, b);
      return { nonFinite, best: best.map((row) => ({ candidate: row.candidate, objective: row.objective, theta: Array.from(row.theta) })) };
    };
    // A run of batch indices 5..44 into a new and a reused result, the same run into θ padded to 4
    // (a sweep whose ε-fit settings have 4 parameters), and the jobs in reverse order.
    const cases: [string, BatchResult, number[]][] = [
      ['run', createBatchResult(50, keepBest, 3), Array.from({ length: jobs }, (_, j) => 5 + j)],
      ['run into a reused result', createBatchResult(50, keepBest, 3), Array.from({ length: jobs }, (_, j) => 5 + j)],
      ['run, θ padded', createBatchResult(50, keepBest, 4), Array.from({ length: jobs }, (_, j) => 5 + j)],
      ['reversed', createBatchResult(50, keepBest, 3), Array.from({ length: jobs }, (_, j) => 44 - j)],
    ];
    for (const a of [cases[1][1].candidate, cases[1][1].objective, cases[1][1].theta, cases[1][1].count]) a.fill(-3);
    for (const [name, out, index] of cases) {
      decodeSelectBest(words, Int32Array.from(index), 3, maps.objectiveScale, maps.theta, out);
      for (let j = 0; j < jobs; j++) expect(plain(out, index[j]), `${name}, job ${j}`).toEqual(expected(j));
      // Unfilled rows and θ padding read as in a new result; jobs outside the chunk untouched.
      const reference = createBatchResult(50, keepBest, out.thetaStride);
      decodeSelectBest(words, Int32Array.from(index), 3, maps.objectiveScale, maps.theta, reference);
      const inChunk = (a: ArrayLike<number>, perSlot: number) => Array.from(a).slice(5 * keepBest * perSlot, 45 * keepBest * perSlot);
      expect(inChunk(out.theta, out.thetaStride), name).toEqual(inChunk(reference.theta, out.thetaStride));
      expect(inChunk(out.objective, 1), name).toEqual(inChunk(reference.objective, 1));
      expect(inChunk(out.candidate, 1), name).toEqual(inChunk(reference.candidate, 1));
    }
    expect(Array.from(cases[1][1].candidate.subarray(0, 5 * keepBest)).every((v) => v === -3)).toBe(true);
    expect(Array.from(cases[1][1].theta.subarray(45 * keepBest * 3)).every((v) => v === -3)).toBe(true);
    // The comparisons above tell -0 from 0: b = -0 (copied as is) occurs in a filled row.
    expect(Array.from({ length: jobs }, (_, j) => expected(j).best).flat().some((row) => Object.is(row.theta[0], -0))).toBe(true);
  });

  it('packs into reused scratch memory exactly as into new arrays', () => {
    const pack = (jobs: LtsJob[], scratch?: HostScratch) => {
      const prepared = prepareLtsBatch({ model: 'sigmoid', jobs, nCandidates: 8, cSteps: 2, gnIterations: 8, keepBest: 4 });
      return packLtsJobs(prepared, prepared.groups[0], scratch);
    };
    const plain = (packed: ReturnType<typeof pack>) => ({
      jobs: Array.from(packed.jobs), bounds: Array.from(packed.bounds), poolIndex: Array.from(packed.poolIndex), gathers: Array.from(packed.gathers), curvePoints: Array.from(packed.curvePoints), frames: packed.frames,
    });
    // A larger chunk with c0 free (4 parameters: every parameter slot of the Job and Bounds structs
    // written), then a smaller one with 3: the second must not see the first's words.
    const four = jobsOn([curve(50, 7), curve(40, 8)], 9, 30).map((j) => ({ ...j, theta0: Float64Array.of(1.5, 1, 30, 0.5), settings: { ...settings, freeEpsilon: true } }));
    const three = jobsOn([curve(30, 9)], 4, 20);
    const scratch = new HostScratch();
    const first = pack(four, scratch);
    expect(plain(first)).toEqual(plain(pack(four)));
    const second = pack(three, scratch);
    expect(plain(second)).toEqual(plain(pack(three)));
    // Views of the first chunk's memory, of the second chunk's lengths.
    expect(second.jobs.buffer).toBe(first.jobs.buffer);
    expect(second.bounds.buffer).toBe(first.bounds.buffer);
    expect(second.poolIndex.buffer).toBe(first.poolIndex.buffer);
    expect(second.jobs.length).toBe((4 * LTS_JOB_BYTES) / 4);
    expect(second.poolIndex.length).toBe(4 * 20);
  });

  it('reports the host time per 2^20 candidates (16,384 jobs on 256 curves, n = 64)', () => {
    const jobs = jobsOn(Array.from({ length: 256 }, (_, c) => curve(64, 100 + c)), 16384, 64);
    const batch: LtsBatch = { model: 'sigmoid', jobs, nCandidates: 64, cSteps: 2, gnIterations: 8, keepBest: 10 };
    const words = new ArrayBuffer(4 * jobs.length * selectBestWordsPerJob(10, 3));
    const u32 = new Uint32Array(words);
    // Every job filled (count 10 after nonFinite), candidates 0..9.
    u32.fill(10, jobs.length, 2 * jobs.length);
    for (let slot = 0; slot < 10 * jobs.length; slot++) u32[2 * jobs.length + slot] = slot % 10;
    const t0 = performance.now();
    const prepared = prepareLtsBatch(batch);
    const t1 = performance.now();
    const packed = packLtsJobs(prepared, prepared.groups[0]);
    const t2 = performance.now();
    const results = createBatchResult(jobs.length, 10, 3);
    const maps = sigmoidFrameMaps(packed.frames, 3);
    decodeSelectBest(words, prepared.groups[0], 3, maps.objectiveScale, maps.theta, results);
    const t3 = performance.now();
    expect(prepared.curves.length).toBe(256);
    expect(packed.curvePoints.length).toBe(2 * 256 * 64);
    expect(results.count.every((c) => c === 10)).toBe(true);
    console.log(`host per 2^20 candidates (wall ms, shared machine): prepare ${(t1 - t0).toFixed(1)}, pack ${(t2 - t1).toFixed(1)}, decode ${(t3 - t2).toFixed(1)}`);
  });
});

describe('chunkPassMs', () => {
  it('reads gather_pool, the fastest candidate run and select_best from the timestamps', () => {
    // ns: gather 1,000,000..1,500,000; candidate runs of 4, 3 and 5 ms; select_best 0.25 ms.
    const stamps = BigUint64Array.of(1_000_000n, 1_500_000n, 2_000_000n, 6_000_000n, 6_000_000n, 9_000_000n, 9_000_000n, 14_000_000n, 14_000_000n, 14_250_000n);
    expect(chunkPassMs(stamps, 3)).toEqual({ gatherPool: 0.5, candidates: 3, selectBest: 0.25 });
    // One run: the same layout with a single candidate pair.
    expect(chunkPassMs(BigUint64Array.of(0n, 1_000n, 1_000n, 2_001_000n, 2_001_000n, 2_002_000n), 1)).toEqual({ gatherPool: 0.001, candidates: 2, selectBest: 0.001 });
  });

  it('counts a span whose end precedes its begin as 0', () => {
    expect(chunkPassMs(BigUint64Array.of(5n, 3n, 10n, 2_000_010n, 7n, 7n), 1)).toEqual({ gatherPool: 0, candidates: 2, selectBest: 0 });
  });
});
