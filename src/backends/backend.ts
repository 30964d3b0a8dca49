/**
 * What every backend (CPU f64, WebGPU f32) computes: LTS candidate fits. A *job* is one
 * (curve, hyperparameter setting): a pool of points (the train points that survived Stage 1), the
 * trim size h, the Stage-1 fit theta0 (internal parameters) that every candidate starts from, and a
 * seed. Candidate k of a job is fully defined by `ltsCandidate` in src/core/lts.ts, so the backends
 * can be compared candidate by candidate. Backends return, per job, the `keepBest` lowest-objective
 * candidates (a flat BatchResult); the caller polishes those in f64 (C-steps to convergence) and
 * keeps the best.
 */
import type { Model, ModelName, ModelSettings, XDomain } from '../core/models/model.js';
import { TrimfitError } from '../api/errors.js';
import { createModel } from '../core/models/index.js';

export type BackendName = 'cpu' | 'webgpu';

export interface LtsJob {
  /** All points of the curve (the pool indexes into these). */
  x: Float64Array;
  y: Float64Array;
  /** Indices into x/y of the points candidates may use (length m ≥ nParams + 1). */
  pool: Int32Array;
  /** Number of points kept by the trimmed objective, nParams < h ≤ m. */
  h: number;
  /** Internal parameters of the Stage-1 fit; every candidate starts from it. */
  theta0: Float64Array;
  /** u32 seed for this job's elemental subsets (candidate k uses stream k). */
  seed: number;
  /** Data range the model bounds were derived from (passed to createModel). */
  xMin: number;
  xMax: number;
  xMinPositive: number;
  /** Model settings of this job (freeEpsilon, uMax, bounds). */
  settings: ModelSettings;
}

/** What a model's bounds are derived from: createModel's settings and data range. */
export interface LtsModelSpec {
  settings: ModelSettings;
  xMin: number;
  xMax: number;
  xMinPositive: number;
}

/**
 * A batch's jobs as columns, the form for large batches: each distinct curve, pool and model is
 * given once, and a job is a row of indices and scalars. Job j is the LtsJob with the x and y of
 * `curves[curve[j]]`, pool `pools[pool[j]]`, h `h[j]`, seed `seed[j]`, the settings and data range
 * of `models[model[j]]`, and theta0 the first nParams entries of
 * `theta0[j·thetaStride .. (j + 1)·thetaStride)`. Besides the job's own checks, every index must
 * lie in its list and every per-job array must have one entry per job (theta0: thetaStride each).
 * Creating and checking an object per job costs the host more than the GPU's work on its
 * candidates at 10^7 candidates per call (docs/performance.md).
 */
export interface LtsJobTable {
  curves: ReadonlyArray<{ x: Float64Array; y: Float64Array }>;
  pools: readonly Int32Array[];
  models: readonly LtsModelSpec[];
  /** Per job: index into curves. */
  curve: Int32Array;
  /** Per job: index into pools. */
  pool: Int32Array;
  /** Per job: index into models. */
  model: Int32Array;
  h: Int32Array;
  seed: Uint32Array;
  /** Per job, thetaStride entries (≥ the largest nParams of the models). */
  theta0: Float64Array;
  thetaStride: number;
}

export interface LtsBatch {
  model: ModelName;
  /** One object per job, or the jobs as a table (the cheaper form for large batches). */
  jobs: LtsJob[] | LtsJobTable;
  /** Candidates per job: candidate 0 starts from theta0 itself, 1..n−1 from elemental subsets. */
  nCandidates: number;
  /** C-steps per candidate (FAST-LTS uses 2 before keeping the best few). */
  cSteps: number;
  /** Damped Gauss–Newton iterations per (re)fit inside a candidate. */
  gnIterations: number;
  /** How many lowest-objective candidates to return per job. */
  keepBest: number;
}

/**
 * The model of a job's settings and data range (createModel); settings it refuses (bounds out of
 * order, say) give an invalid-input error naming `field` with createModel's reason.
 */
export function jobModel(name: ModelName, spec: LtsModelSpec, field: string): Model {
  try {
    return createModel(name, spec.settings, { xMin: spec.xMin, xMax: spec.xMax, xMinPositive: spec.xMinPositive });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new TrimfitError('invalid-input', field, 'settings and a data range the model accepts', spec.settings, `${field}: ${e.message}`);
  }
}

function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/** `value` when it is an integer ≥ min, else an invalid-option error naming `field`. */
export function checkCount(value: unknown, min: number, field: string): number {
  if (!isCount(value, min)) throw new TrimfitError('invalid-option', field, `an integer ≥ ${min}`, value);
  return value;
}

/**
 * The counts of a batch, as every backend requires them, in the api's ranges (ltsStarts, cSteps,
 * gnIterations — where 0 is allowed for measurements — and keepBest in src/api/validate.ts): a
 * bound keeps a count from making a result too large to allocate or a call that never ends.
 */
export const BATCH_COUNT_RANGES = { nCandidates: [1, 1e7], cSteps: [0, 100], gnIterations: [0, 1000], keepBest: [1, 1000] } as const;

/** A batch's counts: integers in BATCH_COUNT_RANGES; else an invalid-option error naming the count. */
export function checkBatchCounts(batch: LtsBatch): void {
  for (const [name, [min, max]] of Object.entries(BATCH_COUNT_RANGES)) {
    const value = (batch as unknown as Record<string, unknown>)[name];
    if (!isCount(value, min) || value > max) throw new TrimfitError('invalid-option', name, `an integer in [${min}, ${max}]`, value);
  }
}

/**
 * A job's shape, checked before anything reads it: an object with Float64Array x and y, a
 * settings object and a numeric data range. Errors name `jobs[index].…`.
 */
export function checkJobShape(job: LtsJob, index: number): void {
  // Field names are built only for an error: this runs once per job of large batches.
  if (typeof job !== 'object' || job === null) throw new TrimfitError('invalid-input', `jobs[${index}]`, 'a job (LtsJob)', job);
  if (!(job.x instanceof Float64Array)) throw new TrimfitError('invalid-input', `jobs[${index}].x`, 'a Float64Array', job.x);
  if (!(job.y instanceof Float64Array)) throw new TrimfitError('invalid-input', `jobs[${index}].y`, 'a Float64Array', job.y);
  if (typeof job.settings !== 'object' || job.settings === null) throw new TrimfitError('invalid-input', `jobs[${index}].settings`, 'model settings (an object)', job.settings);
  if (typeof job.xMin !== 'number') throw new TrimfitError('invalid-input', `jobs[${index}].xMin`, 'a number', job.xMin);
  if (typeof job.xMax !== 'number') throw new TrimfitError('invalid-input', `jobs[${index}].xMax`, 'a number', job.xMax);
  if (typeof job.xMinPositive !== 'number') throw new TrimfitError('invalid-input', `jobs[${index}].xMinPositive`, 'a number', job.xMinPositive);
}

/**
 * A job's own scalars, as every backend requires them: a pool (Int32Array) of nParams + 1 to
 * maxPool indices, h an integer in [nParams + 1, m], theta0 nParams finite numbers and the seed
 * a u32. Errors name `jobs[index].…`. The pool's points are checkPoolPoints'.
 */
export function checkJobScalars(job: LtsJob, nParams: number, maxPool: number, index: number): void {
  const { pool, h, theta0, seed } = job;
  if (!(pool instanceof Int32Array)) throw new TrimfitError('invalid-input', `jobs[${index}].pool`, 'an Int32Array', pool);
  const m = pool.length;
  if (m < nParams + 1 || m > maxPool) throw new TrimfitError('invalid-input', `jobs[${index}].pool`, `length in [${nParams + 1}, ${maxPool}]`, m);
  if (!isCount(h, nParams + 1) || h > m) throw new TrimfitError('invalid-input', `jobs[${index}].h`, `an integer in [${nParams + 1}, ${m}]`, h);
  if (!(theta0 instanceof Float64Array) || theta0.length !== nParams) throw new TrimfitError('invalid-input', `jobs[${index}].theta0`, `a Float64Array of length ${nParams}`, theta0);
  const bad = firstNonFinite(theta0, 0, nParams);
  if (bad >= 0) throw new TrimfitError('invalid-input', `jobs[${index}].theta0[${bad}]`, 'a finite number', theta0[bad]);
  if (!(seed >= 0 && seed <= 0xffffffff && Math.floor(seed) === seed)) throw new TrimfitError('invalid-input', `jobs[${index}].seed`, 'an integer in [0, 4294967295]', seed);
}

/** The index of the first entry of values[from .. from + count) that is not finite, or −1 (the callers name the field only then). */
export function firstNonFinite(values: Float64Array, from: number, count: number): number {
  for (let i = from; i < from + count; i++) if (!(values[i] - values[i] === 0)) return i;
  return -1;
}

const DOMAIN_TEXT: Record<XDomain, string> = { any: 'a finite x', nonnegative: 'a finite x ≥ 0', positive: 'a finite x > 0' };

/** Whether x is finite and inside the model's x domain. */
export function inXDomain(x: number, domain: XDomain): boolean {
  return x - x === 0 && (domain === 'any' || (domain === 'nonnegative' ? x >= 0 : x > 0));
}

/**
 * Every index of `pool` names a point of (x, y) with x in the model's domain and y finite; else
 * an invalid-input error naming the pool entry (`poolField[k]`) or the point (`curveField.x[i]`,
 * `curveField.y[i]`).
 */
export function checkPoolPoints(x: Float64Array, y: Float64Array, pool: Int32Array, domain: XDomain, poolField: string, curveField: string): void {
  for (let k = 0; k < pool.length; k++) {
    const i = pool[k];
    if (!(i >= 0 && i < x.length && i < y.length)) throw new TrimfitError('invalid-input', `${poolField}[${k}]`, `an index in [0, ${Math.min(x.length, y.length)})`, i);
    if (!inXDomain(x[i], domain)) throw new TrimfitError('invalid-input', `${curveField}.x[${i}]`, DOMAIN_TEXT[domain], x[i]);
    if (!(y[i] - y[i] === 0)) throw new TrimfitError('invalid-input', `${curveField}.y[${i}]`, 'a finite number', y[i]);
  }
}

export function isJobTable(jobs: LtsBatch['jobs']): jobs is LtsJobTable {
  return !Array.isArray(jobs);
}

/** Jobs in a batch of either form. */
export function batchJobCount(batch: LtsBatch): number {
  return isJobTable(batch.jobs) ? batch.jobs.curve.length : batch.jobs.length;
}

/**
 * A job table's shape: every per-job array of its type with one entry per job (theta0:
 * thetaStride each), every index inside its list. Returns the job count. The checks of each job
 * against its curve and model (pool, h, theta0) are the backends', as for job objects.
 */
export function checkJobTable(table: LtsJobTable): number {
  if (typeof table !== 'object' || table === null) throw new TrimfitError('invalid-input', 'jobs', 'an array of jobs or a job table (LtsJobTable)', table);
  const field = (name: string): string => `jobs.${name}`;
  const lists = { curves: table.curves, pools: table.pools, models: table.models };
  for (const [name, list] of Object.entries(lists)) {
    if (!Array.isArray(list)) throw new TrimfitError('invalid-input', field(name), 'an array', list);
  }
  table.curves.forEach((curve, c) => {
    for (const axis of ['x', 'y'] as const) {
      if (!(curve?.[axis] instanceof Float64Array)) throw new TrimfitError('invalid-input', `jobs.curves[${c}].${axis}`, 'a Float64Array', curve?.[axis]);
    }
  });
  table.pools.forEach((pool, k) => {
    if (!(pool instanceof Int32Array)) throw new TrimfitError('invalid-input', `jobs.pools[${k}]`, 'an Int32Array', pool);
  });
  table.models.forEach((spec, k) => {
    if (typeof spec?.settings !== 'object' || spec.settings === null) throw new TrimfitError('invalid-input', `jobs.models[${k}].settings`, 'model settings (an object)', spec?.settings);
    for (const key of ['xMin', 'xMax', 'xMinPositive'] as const) {
      if (typeof spec[key] !== 'number') throw new TrimfitError('invalid-input', `jobs.models[${k}].${key}`, 'a number', spec[key]);
    }
  });
  const columns = { curve: Int32Array, pool: Int32Array, model: Int32Array, h: Int32Array, seed: Uint32Array } as const;
  for (const [name, type] of Object.entries(columns)) {
    const column = (table as unknown as Record<string, unknown>)[name];
    if (!(column instanceof type)) throw new TrimfitError('invalid-input', field(name), `an ${type.name}`, column);
  }
  const rows = table.curve.length;
  for (const name of ['pool', 'model', 'h', 'seed'] as const) {
    if (table[name].length !== rows) throw new TrimfitError('invalid-input', field(name), `length ${rows} (one entry per job, as jobs.curve)`, table[name].length);
  }
  const stride = table.thetaStride;
  if (!(Number.isInteger(stride) && stride >= 1)) throw new TrimfitError('invalid-input', field('thetaStride'), 'an integer ≥ 1', stride);
  if (!(table.theta0 instanceof Float64Array)) throw new TrimfitError('invalid-input', field('theta0'), 'a Float64Array', table.theta0);
  if (table.theta0.length !== rows * stride) throw new TrimfitError('invalid-input', field('theta0'), `length ${rows * stride} (thetaStride per job)`, table.theta0.length);
  for (const name of ['curve', 'pool', 'model'] as const) {
    const column = table[name];
    const size = lists[`${name}s`].length;
    for (let j = 0; j < rows; j++) {
      const k = column[j];
      if (!(k >= 0 && k < size)) throw new TrimfitError('invalid-input', `${field(name)}[${j}]`, size > 0 ? `an index in [0, ${size - 1}]` : `no index (jobs.${name}s is empty)`, k);
    }
  }
  return rows;
}

/**
 * The model of each entry of a (shape-checked) table's `models`, each with nParams ≤ thetaStride;
 * errors name `jobs.models[k]` or `jobs.thetaStride`.
 */
function tableModels(name: ModelName, table: LtsJobTable): Model[] {
  const models = table.models.map((spec, k) => jobModel(name, spec, `jobs.models[${k}]`));
  models.forEach((model, k) => {
    if (model.nParams > table.thetaStride) throw new TrimfitError('invalid-input', 'jobs.thetaStride', `at least ${model.nParams} (nParams of jobs.models[${k}])`, table.thetaStride);
  });
  return models;
}

/**
 * A table's rows as new objects that share its curves, pools and settings and copy their theta0
 * (nParams entries of `models[k]` for `table.models[k]`, so a row sent to another thread does not
 * carry the whole table).
 */
function tableRows(table: LtsJobTable, models: readonly Model[]): LtsJob[] {
  const stride = table.thetaStride;
  const out: LtsJob[] = new Array(table.curve.length);
  for (let j = 0; j < out.length; j++) {
    const { x, y } = table.curves[table.curve[j]];
    const { settings, xMin, xMax, xMinPositive } = table.models[table.model[j]];
    const p = models[table.model[j]].nParams;
    out[j] = { x, y, pool: table.pools[table.pool[j]], h: table.h[j], theta0: table.theta0.slice(j * stride, j * stride + p), seed: table.seed[j], xMin, xMax, xMinPositive, settings };
  }
  return out;
}

/**
 * The jobs of a batch as objects: a job array as it is; a table's rows (tableRows), after its
 * shape and models are checked (checkJobTable, thetaStride against every model).
 */
export function batchJobs(batch: LtsBatch): LtsJob[] {
  const jobs = batch.jobs;
  if (!isJobTable(jobs)) return jobs;
  checkJobTable(jobs);
  return tableRows(jobs, tableModels(batch.model, jobs));
}

/**
 * A job table's rows against their models (`models[k]` for `table.models[k]`), as every backend
 * requires them; the table's shape and models have been checked (checkJobTable, tableModels). Per
 * job: its pool of nParams + 1 to maxPool indices, h in [nParams + 1, m] and nParams finite θ0
 * entries; per distinct (curve, pool), the pool's points (checkPoolPoints). Errors name the
 * table's field: `jobs.h[j]`, `jobs.theta0[i]`, `jobs.pools[k]`, `jobs.pools[k][i]`,
 * `jobs.curves[c].y[i]`.
 */
function checkTableRows(table: LtsJobTable, models: readonly Model[], maxPool: number): void {
  const stride = table.thetaStride;
  const { curve, pool, model, h, theta0, pools, curves } = table;
  // Each curve's last checked pool, then every checked (curve, pool) pair: a sweep's jobs on one
  // curve mostly share one pool, so the set is rarely consulted.
  const lastPool = new Int32Array(curves.length).fill(-1);
  const checked = new Set<number>();
  for (let j = 0; j < curve.length; j++) {
    const c = curve[j];
    const k = pool[j];
    const { nParams: p, xDomain } = models[model[j]];
    const m = pools[k].length;
    if (m < p + 1 || m > maxPool) throw new TrimfitError('invalid-input', `jobs.pools[${k}]`, `length in [${p + 1}, ${maxPool}] (used by job ${j})`, m);
    if (!(h[j] >= p + 1 && h[j] <= m)) throw new TrimfitError('invalid-input', `jobs.h[${j}]`, `an integer in [${p + 1}, ${m}]`, h[j]);
    const bad = firstNonFinite(theta0, j * stride, p);
    if (bad >= 0) throw new TrimfitError('invalid-input', `jobs.theta0[${bad}]`, 'a finite number', theta0[bad]);
    if (lastPool[c] === k) continue;
    lastPool[c] = k;
    const key = c * pools.length + k;
    if (checked.has(key)) continue;
    checked.add(key);
    checkPoolPoints(curves[c].x, curves[c].y, pools[k], xDomain, `jobs.pools[${k}]`, `jobs.curves[${c}]`);
  }
}

/**
 * A job table checked as every backend requires it (checkJobTable, tableModels, checkTableRows;
 * `maxPool` bounds the pool length): the model of each entry of `table.models`.
 */
export function checkedTable(name: ModelName, table: LtsJobTable, maxPool: number): Model[] {
  checkJobTable(table);
  const models = tableModels(name, table);
  checkTableRows(table, models, maxPool);
  return models;
}

/**
 * The jobs of a batch as objects with their models, checked as every backend requires them:
 * a table by checkedTable, job objects one by one (checkJobShape, jobModel, checkJobScalars,
 * checkPoolPoints). `maxPool` bounds the pool length.
 */
export function checkedJobs(batch: LtsBatch, maxPool = Infinity): { jobs: LtsJob[]; models: Model[] } {
  const jobs = batch.jobs;
  if (isJobTable(jobs)) {
    const specModels = checkedTable(batch.model, jobs, maxPool);
    return { jobs: tableRows(jobs, specModels), models: Array.from(jobs.model, (k) => specModels[k]) };
  }
  if (!Array.isArray(jobs)) throw new TrimfitError('invalid-input', 'jobs', 'an array of jobs or a job table (LtsJobTable)', jobs);
  const models = jobs.map((job, j) => {
    checkJobShape(job, j);
    const model = jobModel(batch.model, job, `jobs[${j}].settings`);
    checkJobScalars(job, model.nParams, maxPool, j);
    checkPoolPoints(job.x, job.y, job.pool, model.xDomain, `jobs[${j}].pool`, `jobs[${j}]`);
    return model;
  });
  return { jobs, models };
}

/**
 * Job objects as a table: each distinct curve (x and y arrays), pool array and model (settings
 * object and data range) listed once, by identity; thetaStride the longest theta0. Linear in the
 * jobs (lookups by array and settings identity).
 */
export function toJobTable(jobs: readonly LtsJob[]): LtsJobTable {
  const curves: Array<{ x: Float64Array; y: Float64Array }> = [];
  const pools: Int32Array[] = [];
  const models: LtsModelSpec[] = [];
  // Curves by y array, then x; models by settings object, then range (few per settings object).
  const curvesByY = new Map<Float64Array, number[]>();
  const poolIndex = new Map<Int32Array, number>();
  const modelsBySettings = new Map<ModelSettings, number[]>();
  const rows = jobs.length;
  const thetaStride = jobs.reduce((most, job) => Math.max(most, job.theta0.length), 1);
  const table: LtsJobTable = {
    curves, pools, models,
    curve: new Int32Array(rows), pool: new Int32Array(rows), model: new Int32Array(rows), h: new Int32Array(rows), seed: new Uint32Array(rows),
    theta0: new Float64Array(rows * thetaStride), thetaStride,
  };
  jobs.forEach((job, j) => {
    const sameY = curvesByY.get(job.y) ?? [];
    let c = sameY.find((k) => curves[k].x === job.x);
    if (c === undefined) {
      c = curves.push({ x: job.x, y: job.y }) - 1;
      curvesByY.set(job.y, [...sameY, c]);
    }
    let k = poolIndex.get(job.pool);
    if (k === undefined) poolIndex.set(job.pool, (k = pools.push(job.pool) - 1));
    const sameSettings = modelsBySettings.get(job.settings) ?? [];
    let m = sameSettings.find((i) => models[i].xMin === job.xMin && models[i].xMax === job.xMax && models[i].xMinPositive === job.xMinPositive);
    if (m === undefined) {
      m = models.push({ settings: job.settings, xMin: job.xMin, xMax: job.xMax, xMinPositive: job.xMinPositive }) - 1;
      modelsBySettings.set(job.settings, [...sameSettings, m]);
    }
    table.curve[j] = c;
    table.pool[j] = k;
    table.model[j] = m;
    table.h[j] = job.h;
    table.seed[j] = job.seed;
    table.theta0.set(job.theta0, j * thetaStride);
  });
  return table;
}

/**
 * What a backend returns for a batch: per job, its `keepBest` lowest-objective candidates, sorted by
 * objective ascending (ties: lower candidate index first), in flat typed arrays. Row r of job j is
 * slot s = j·keepBest + r and is filled for r < count[j]; its θ is theta[s·thetaStride ..
 * s·thetaStride + nParams[j]). One array per field, not an object per candidate: a GPU batch holds
 * millions of rows, and objects cost about 100× more to create, keep and send between threads
 * (docs/performance.md). `jobResults` gives the object form where that does not matter.
 */
export interface BatchResult {
  readonly jobCount: number;
  readonly keepBest: number;
  /** Entries per slot in `theta` (the largest nParams of the batch). */
  readonly thetaStride: number;
  /** Per job: the model's number of internal parameters. */
  readonly nParams: Int32Array;
  /** Per job: filled rows, ≤ keepBest (fewer when fewer candidates had a finite objective). */
  readonly count: Int32Array;
  /** Per job: candidates whose objective was not finite (excluded from the rows). */
  readonly nonFinite: Int32Array;
  /** Per slot: the candidate index. Slots at r ≥ count[j] hold no candidate (their entries are 0). */
  readonly candidate: Int32Array;
  /** Per slot: the trimmed objective. */
  readonly objective: Float64Array;
  /** Per slot: the internal parameters after the candidate's last C-step (thetaStride entries). */
  readonly theta: Float64Array;
}

/**
 * An empty result for `jobCount` jobs: no rows filled, every entry 0. Unfilled slots are not
 * marked: filling 2^22 candidates' worth of slots with a marker costs more than decoding them.
 */
export function createBatchResult(jobCount: number, keepBest: number, thetaStride: number): BatchResult {
  const slots = jobCount * keepBest;
  return {
    jobCount,
    keepBest,
    thetaStride,
    nParams: new Int32Array(jobCount),
    count: new Int32Array(jobCount),
    nonFinite: new Int32Array(jobCount),
    candidate: new Int32Array(slots),
    objective: new Float64Array(slots),
    theta: new Float64Array(slots * thetaStride),
  };
}

/**
 * The result a backend writes a batch's jobs into: `into` when given, checked to fit (jobCount and
 * keepBest equal, thetaStride at least the batch's), else a new one. Reusing one result for
 * repeated batches of one shape saves the first writes to fresh memory, which cost a page fault
 * per 4 KiB (about 57 MB of results per 10^7 candidates at keepBest 10).
 */
export function resultFor(jobCount: number, keepBest: number, thetaStride: number, into?: BatchResult): BatchResult {
  if (into === undefined) return createBatchResult(jobCount, keepBest, thetaStride);
  const slots = jobCount * keepBest;
  const fits = typeof into === 'object' && into !== null && into.jobCount === jobCount && into.keepBest === keepBest && into.thetaStride >= thetaStride
    && [into.nParams, into.count, into.nonFinite].every((a) => a instanceof Int32Array && a.length === jobCount)
    && into.candidate instanceof Int32Array && into.candidate.length === slots
    && into.objective instanceof Float64Array && into.objective.length === slots
    && into.theta instanceof Float64Array && into.theta.length === slots * into.thetaStride;
  if (!fits) {
    const got = typeof into === 'object' && into !== null ? `jobCount ${into.jobCount}, keepBest ${into.keepBest}, thetaStride ${into.thetaStride}` : into;
    throw new TrimfitError('invalid-option', 'into', `a BatchResult (createBatchResult) with jobCount ${jobCount}, keepBest ${keepBest} and thetaStride ≥ ${thetaStride}`, got);
  }
  return into;
}

/**
 * Zeroes what job j's rows do not fill: rows count[j] .. keepBest − 1 entirely, and θ entries
 * nParams[j] .. thetaStride − 1 of the others. A new result is zero already; a reused one
 * (`resultFor`) then holds exactly what a new one would.
 */
export function clearUnfilled(r: BatchResult, j: number): void {
  const { keepBest, thetaStride } = r;
  const n = r.count[j];
  const p = r.nParams[j];
  // A loop, not a fill call per slot: a call costs more than the few entries it would zero.
  if (p < thetaStride) for (let s = j * keepBest, end = s + n; s < end; s++) for (let k = s * thetaStride + p, e = k - p + thetaStride; k < e; k++) r.theta[k] = 0;
  if (n < keepBest) {
    const from = j * keepBest + n;
    const to = (j + 1) * keepBest;
    r.candidate.fill(0, from, to);
    r.objective.fill(0, from, to);
    r.theta.fill(0, from * thetaStride, to * thetaStride);
  }
}

/** Copies job `from` of `src` into job `to` of `dst` (same keepBest; dst.thetaStride ≥ the job's nParams), unfilled entries zeroed. */
export function copyJobResult(src: BatchResult, from: number, dst: BatchResult, to: number): void {
  const p = src.nParams[from];
  dst.nParams[to] = p;
  dst.count[to] = src.count[from];
  dst.nonFinite[to] = src.nonFinite[from];
  for (let r = 0; r < src.count[from]; r++) {
    const a = from * src.keepBest + r;
    const b = to * dst.keepBest + r;
    dst.candidate[b] = src.candidate[a];
    dst.objective[b] = src.objective[a];
    dst.theta.set(src.theta.subarray(a * src.thetaStride, a * src.thetaStride + p), b * dst.thetaStride);
  }
  clearUnfilled(dst, to);
}

/** The buffers of a result, for a zero-copy transfer to another thread. */
export function batchResultBuffers(r: BatchResult): ArrayBuffer[] {
  return [r.nParams, r.count, r.nonFinite, r.candidate, r.objective, r.theta].map((a) => a.buffer as ArrayBuffer);
}

export interface CandidateResult {
  candidate: number;
  objective: number;
  /** Internal parameters after the candidate's last C-step. */
  theta: Float64Array;
}

/** One job of a BatchResult as objects (see `jobResults`). */
export interface JobResult {
  /** Sorted by objective ascending (ties: lower candidate index first). */
  best: CandidateResult[];
  /** Candidates whose objective was not finite (excluded from best). */
  nonFinite: number;
}

/** Rows of job j as objects; each θ is a copy, so it outlives and does not pin the batch's arrays. */
export function jobResult(r: BatchResult, j: number): JobResult {
  if (!(Number.isInteger(j) && j >= 0 && j < r.jobCount)) throw new TrimfitError('invalid-option', 'job', r.jobCount > 0 ? `an integer in [0, ${r.jobCount - 1}]` : 'no index (the result has no jobs)', j);
  const best: CandidateResult[] = [];
  const p = r.nParams[j];
  for (let k = 0, s = j * r.keepBest; k < r.count[j]; k++, s++) {
    best.push({ candidate: r.candidate[s], objective: r.objective[s], theta: r.theta.slice(s * r.thetaStride, s * r.thetaStride + p) });
  }
  return { best, nonFinite: r.nonFinite[j] };
}

/** Every job of a BatchResult as objects, in batch order. */
export function jobResults(r: BatchResult): JobResult[] {
  return Array.from({ length: r.jobCount }, (_, j) => jobResult(r, j));
}

export interface CandidateBackend {
  readonly name: BackendName;
  /** Human-readable description, e.g. the adapter name. */
  readonly description: string;
  /**
   * The keepBest lowest-objective candidates of every job, in batch order. With `into` (a result
   * of this batch's jobCount and keepBest, see `resultFor`), every entry of it is written and it
   * is returned: repeated batches of one shape can reuse one result. A job or count that breaks
   * the contract (checkBatchCounts, checkedJobs; the WebGPU backend also bounds the pool length)
   * rejects with the same TrimfitError on every backend, naming the field, before any work.
   */
  evaluate(batch: LtsBatch, signal?: AbortSignal, into?: BatchResult): Promise<BatchResult>;
  dispose(): Promise<void>;
}
