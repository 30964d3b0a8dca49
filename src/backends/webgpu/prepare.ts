/**
 * Host side of an evaluate() call before any chunk: checks the batch as every backend does (the
 * checks of backend.ts, with the largest pool tier as the bound on a pool's length), and turns a
 * batch of either form into the tables that packing reads (LtsPackTables): per job only indices
 * and scalars, per distinct curve, model, (curve, pool) and (curve, model) one entry. A job table
 * (LtsJobTable) is already that shape and costs a few typed-array reads per job; job objects cost
 * a curve, model and pool lookup each.
 */
import { TrimfitError } from '../../api/errors.js';
import type { Model } from '../../core/models/model.js';
import { checkBatchCounts, checkedTable, checkJobScalars, checkJobShape, checkPoolPoints, isJobTable, jobModel, type LtsBatch, type LtsJob, type LtsJobTable } from '../backend.js';
import { scratchArray, type HostScratch } from './host-scratch.js';
import {
  LTS_MAX_PARAMS, LTS_POOL_TIERS, PerCurveIds, gatherPoolPoints, ltsCurve, ltsPoolTier, packLtsJobs, type LtsCurve, type LtsPackTables, type PackedLtsChunk,
} from './kernels/lts_candidates.js';

/** A checked batch as packing tables, with the jobs grouped by compile-time facts (nParams, pool tier) as lists of batch indices. */
export interface PreparedBatch extends LtsPackTables {
  jobCount: number;
  groups: Int32Array[];
}

/**
 * Equal model settings by value: every key of either object has Object.is-equal values (NaN,
 * "derive from the data", equals NaN; a missing key reads as undefined). A sweep gives every
 * setting of a curve its own settings object, with values shared by many of them.
 */
function sameSettings(a: LtsJob['settings'], b: LtsJob['settings']): boolean {
  if (a === b) return true;
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  for (const key in ra) if (!Object.is(ra[key], rb[key])) return false;
  for (const key in rb) if (!Object.is(ra[key], rb[key])) return false;
  return true;
}

/** The model's identity: settings values and data range (createModel is a pure function of them). */
function modelKey(settings: LtsJob['settings'], xMin: number, xMax: number, xMinPositive: number): string {
  const record = settings as unknown as Record<string, unknown>;
  const fields = Object.keys(record).sort().map((key) => `${key}=${String(record[key])}`);
  return `${fields.join(',')}|${xMin},${xMax},${xMinPositive}`;
}

/**
 * Every index of `pool` names a usable point of `curve` (its flags, computed once per curve);
 * else checkPoolPoints names the entry or point at fault.
 */
function checkPool(curve: LtsCurve, pool: Int32Array, poolField: string, curveField: string): void {
  const usable = curve.usable;
  for (let k = 0; k < pool.length; k++) {
    if (usable[pool[k]] !== 1) checkPoolPoints(curve.x, curve.y, pool, 'nonnegative', poolField, curveField);
  }
}

/** Jobs grouped by key in first-seen order of the keys, as typed lists of batch indices (no per-job array growth). */
class JobGroups {
  private readonly groupOf: Int32Array;
  private readonly byKey = new Map<number, number>();
  private readonly sizes: number[] = [];
  private lastKey = -1;
  private lastGroup = -1;

  constructor(private readonly jobCount: number, private readonly scratch: HostScratch | undefined) {
    this.groupOf = scratchArray(scratch, 'prepare.groupOf', Int32Array, jobCount);
  }

  add(index: number, key: number): void {
    if (key !== this.lastKey) {
      let g = this.byKey.get(key);
      if (g === undefined) {
        g = this.sizes.push(0) - 1;
        this.byKey.set(key, g);
      }
      this.lastKey = key;
      this.lastGroup = g;
    }
    this.groupOf[index] = this.lastGroup;
    this.sizes[this.lastGroup]++;
  }

  /** The groups' lists of batch indices, consecutive views of one array. */
  lists(): Int32Array[] {
    const all = scratchArray(this.scratch, 'prepare.groups', Int32Array, this.jobCount);
    let start = 0;
    const groups = this.sizes.map((size) => all.subarray(start, (start += size)));
    const filled = new Int32Array(groups.length);
    for (let index = 0; index < this.jobCount; index++) {
      const g = this.groupOf[index];
      groups[g][filled[g]++] = index;
    }
    return groups;
  }
}

/** The group key of a job: nParams and pool tier, the pipeline's compile-time facts. */
const groupKey = (nParams: number, m: number): number => nParams * 65536 + ltsPoolTier(m)!;

const MAX_POOL = LTS_POOL_TIERS[LTS_POOL_TIERS.length - 1];

/**
 * A batch as packing tables, with what the kernel relies on checked: model 'sigmoid', counts,
 * and per job a pool of nParams + 1 to MAX_POOL usable points of its curve, h in
 * [nParams + 1, m], nParams finite entries of theta0 and a u32 seed (checkJobScalars). Errors
 * name the job's field (`jobs[j].h`, or for a table `jobs.h[j]`). With `scratch`, the tables it
 * makes are views of its memory, valid until the next call with the same scratch.
 */
export function prepareLtsBatch(batch: LtsBatch, scratch?: HostScratch): PreparedBatch {
  if (batch.model !== 'sigmoid') throw new TrimfitError('invalid-option', 'model', "'sigmoid' (the models mirrored in WGSL)", batch.model);
  checkBatchCounts(batch);
  return isJobTable(batch.jobs) ? prepareTable(batch.model, batch.jobs, scratch) : prepareJobs(batch.model, batch.jobs, scratch);
}

/**
 * Job objects: curves are prepared once per distinct (x, y) and models once per distinct
 * (settings values, data range), both usually shared by the consecutive jobs of a sweep; a pool
 * array is checked once per curve it is used on.
 */
function prepareJobs(modelName: 'sigmoid', jobs: readonly LtsJob[], scratch: HostScratch | undefined): PreparedBatch {
  const jobCount = jobs.length;
  const curves: LtsCurve[] = [];
  const curveByY = new Map<Float64Array, number>();
  const curveOf = scratchArray(scratch, 'prepare.curveOf', Int32Array, jobCount);
  const models: Model[] = [];
  const modelByKey = new Map<string, number>();
  // Per curve, the model its last job used with that job's settings and range.
  const curveModel: Array<{ settings: LtsJob['settings']; xMin: number; xMax: number; xMinPositive: number; model: number } | undefined> = [];
  const modelOf = scratchArray(scratch, 'prepare.modelOf', Int32Array, jobCount);
  const poolIds = new PerCurveIds<Int32Array>();
  const pools: Int32Array[] = [];
  const poolOf = scratchArray(scratch, 'prepare.poolOf', Int32Array, jobCount);
  const boundsIds = new PerCurveIds<number>();
  const boundsOf = scratchArray(scratch, 'prepare.boundsOf', Int32Array, jobCount);
  const h = scratchArray(scratch, 'prepare.h', Int32Array, jobCount);
  const seed = scratchArray(scratch, 'prepare.seed', Uint32Array, jobCount);
  const thetaStride = LTS_MAX_PARAMS;
  // Only each job's first nParams entries are written (and read).
  const theta0 = scratchArray(scratch, 'prepare.theta0', Float64Array, jobCount * thetaStride);
  const groups = new JobGroups(jobCount, scratch);
  let prev: LtsJob | undefined;
  for (let index = 0; index < jobCount; index++) {
    const job = jobs[index];
    checkJobShape(job, index);
    // Curve: the previous job's when it has the same arrays (a sweep's jobs come per curve),
    // else the one with this y array (checked against x; distinct y arrays are the rule).
    if (prev && job.x === prev.x && job.y === prev.y) curveOf[index] = curveOf[index - 1];
    else {
      let c = curveByY.get(job.y);
      if (c === undefined || curves[c].x !== job.x) {
        c = curves.findIndex((curve) => curve.x === job.x && curve.y === job.y);
        if (c < 0) c = curves.push(ltsCurve(job.x, job.y)) - 1;
        if (!curveByY.has(job.y)) curveByY.set(job.y, c);
      }
      curveOf[index] = c;
    }
    prev = job;
    // Model: a pure function of the settings values and the data range. Jobs of one curve share
    // the range and mostly the settings values, so the curve's last model is checked first (a few
    // comparisons); a key is built only when it differs.
    const c = curveOf[index];
    const last = curveModel[c];
    if (last && job.xMin === last.xMin && job.xMax === last.xMax && job.xMinPositive === last.xMinPositive && sameSettings(job.settings, last.settings)) {
      modelOf[index] = last.model;
    } else {
      const key = modelKey(job.settings, job.xMin, job.xMax, job.xMinPositive);
      let k = modelByKey.get(key);
      if (k === undefined) {
        k = models.push(jobModel(modelName, job, `jobs[${index}].settings`)) - 1;
        modelByKey.set(key, k);
      }
      modelOf[index] = k;
      curveModel[c] = { settings: job.settings, xMin: job.xMin, xMax: job.xMax, xMinPositive: job.xMinPositive, model: k };
    }
    const p = models[modelOf[index]].nParams;
    checkJobScalars(job, p, MAX_POOL, index);
    const pool = job.pool;
    const m = pool.length;
    // A pool array already checked against this curve is not walked again (a sweep sends many
    // jobs per Stage-1 pool; the check is the costliest part of preparing a job).
    const poolId = poolIds.id(c, pool);
    if (poolId === pools.length) {
      checkPool(curves[c], pool, `jobs[${index}].pool`, `jobs[${index}]`);
      pools.push(pool);
    }
    poolOf[index] = poolId;
    boundsOf[index] = boundsIds.id(c, modelOf[index]);
    h[index] = job.h;
    seed[index] = job.seed;
    for (let q = 0; q < p; q++) theta0[index * thetaStride + q] = job.theta0[q];
    groups.add(index, groupKey(p, m));
  }
  return { jobCount, curves, curveOf, models, modelOf, pools, poolOf, boundsOf, boundsCount: boundsIds.count, h, seed, theta0, thetaStride, groups: groups.lists() };
}

/**
 * A job table: its curves and models are prepared as listed, and each job costs a few reads of
 * typed arrays; a pool is checked once per curve it is used on. The table's per-job arrays are
 * used as they are (not copied).
 */
function prepareTable(modelName: 'sigmoid', table: LtsJobTable, scratch: HostScratch | undefined): PreparedBatch {
  const models = checkedTable(modelName, table, MAX_POOL);
  const jobCount = table.curve.length;
  const curves = table.curves.map(({ x, y }) => ltsCurve(x, y));
  const thetaStride = table.thetaStride;
  const { curve: curveOf, model: modelOf, pool: poolOfJob, h } = table;
  const poolLength = table.pools.map((pool) => pool.length);
  const poolIds = new PerCurveIds<number>();
  const pools: Int32Array[] = [];
  const poolOf = scratchArray(scratch, 'prepare.poolOf', Int32Array, jobCount);
  const boundsIds = new PerCurveIds<number>();
  const boundsOf = scratchArray(scratch, 'prepare.boundsOf', Int32Array, jobCount);
  const groups = new JobGroups(jobCount, scratch);
  for (let index = 0; index < jobCount; index++) {
    const c = curveOf[index];
    const k = poolOfJob[index];
    const p = models[modelOf[index]].nParams;
    const m = poolLength[k];
    const poolId = poolIds.id(c, k);
    if (poolId === pools.length) pools.push(table.pools[k]);
    poolOf[index] = poolId;
    boundsOf[index] = boundsIds.id(c, modelOf[index]);
    groups.add(index, groupKey(p, m));
  }
  return {
    jobCount, curves, curveOf, models, modelOf, pools, poolOf, boundsOf, boundsCount: boundsIds.count,
    h, seed: table.seed, theta0: table.theta0, thetaStride, groups: groups.lists(),
  };
}

/**
 * Packs standalone jobs in their order, gathered pool points included, for hosts that run the
 * kernel's procedure elsewhere (bench/gpujs) and for tests: prepareLtsBatch (its checks and
 * tables) and packLtsJobs, as the backend does for one chunk.
 */
export function packLtsChunk(jobs: readonly LtsJob[]): PackedLtsChunk & { points: Float32Array<ArrayBuffer> } {
  const prepared = prepareLtsBatch({ model: 'sigmoid', jobs: [...jobs], nCandidates: 1, cSteps: 0, gnIterations: 0, keepBest: 1 });
  const packed = packLtsJobs(prepared, Int32Array.from(jobs, (_, j) => j));
  return { ...packed, points: gatherPoolPoints(packed) };
}
