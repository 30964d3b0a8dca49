/**
 * Host side of shaders/lts_candidates.wgsl: conditions and packs a chunk of LTS jobs, and builds
 * the pass. Only the sigmoid is mirrored in WGSL so far.
 *
 * Conditioned frame (per curve, computed in f64): t = ln x − tShift with tShift the mean ln x of
 * the curve's positive x; y' = (y − yShift)/yScale with the curve's mean and RMS deviation. The
 * sigmoid keeps its form (b' = b, m' = m − tShift, u' = (u − yShift)/yScale, c0' likewise), and
 * damped Gauss–Newton is equivariant under it (Marquardt damping λ·diag(JᵀJ) and the SSE
 * comparison are scale-free; only the 1e-12 diagonal floor is not, and it only matters for
 * a column of zeros), so the f32 kernel follows the f64 reference in a frame where |t|, |y| are O(1).
 * A curve's points are conditioned and uploaded once per chunk however many jobs use it; the
 * gather_pool pass copies each job's pool points into pool order for the candidate pass.
 */
import type { Model } from '../../../core/models/model.js';
import { assembleShader } from '../shader-source.js';
import type { PipelineSpec } from '../pipeline-cache.js';
import { LTS_POOL_TIERS, type LtsKernelVariant } from '../tuning.js';
import { scratchArray, type HostScratch } from '../host-scratch.js';
import type { FrameMap } from './select_best.js';

export { LTS_POOL_TIERS };
/** Parameter slots of the Job struct (vec4): the sigmoid with free c0 uses all four. */
export const LTS_MAX_PARAMS = 4;
/** The Job struct: what differs from job to job. */
export const LTS_JOB_BYTES = 32;
/** The Bounds struct: per distinct (model, curve) of a chunk. */
export const LTS_BOUNDS_BYTES = 48;
/** A gather_pool record per distinct pool: (pointOffset, m, curveOffset, 0) as u32. */
export const LTS_GATHER_BYTES = 16;
export const LTS_PARAMS_BYTES = 16;
/** Stands in for ±Infinity bounds (WGSL may assume finite arithmetic). */
const F32_HUGE = 3e38;
/** t written for x = 0; must equal T_OF_ZERO_X in shaders/lib/sigmoid.wgsl. */
const T_OF_ZERO_X = -3e38;

export interface ConditionedFrame {
  tShift: number;
  yShift: number;
  yScale: number;
}

export function ltsPoolTier(m: number): number | undefined {
  return LTS_POOL_TIERS.find((tier) => m <= tier);
}

/** The pass for one (variant, nParams, pool tier). */
export function ltsCandidatesPipelineSpec(modelName: 'sigmoid', nParams: number, maxPool: number, variant: LtsKernelVariant): PipelineSpec {
  const constants = {
    N_PARAMS: nParams,
    MAX_POOL: maxPool,
    WORKGROUP_SIZE: variant.workgroupSize,
    GN_UNROLLED: variant.unrolledGn ? 1 : 0,
    MASK_FLAT: variant.unrolledGn && variant.flatMask ? 1 : 0,
    DENSE_GN: variant.unrolledGn && variant.denseGn ? 1 : 0,
    SELECT_EARLY_EXIT: variant.select === 'bisect-early' ? 1 : 0,
  };
  return {
    key: `lts_candidates|${modelName}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join('|')}`,
    label: 'trimfit.lts_candidates',
    code: assembleShader('lts_candidates', ['rng', modelName], constants),
  };
}

/**
 * One curve (x, y arrays) of a batch, prepared once however many jobs use it (a sweep sends
 * hundreds of jobs per curve): which points are usable, its conditioned frame, and every point
 * in that frame as interleaved f32 (t, y), uploaded once per chunk; jobs carry only pool indices.
 */
export interface LtsCurve {
  x: Float64Array;
  y: Float64Array;
  /** 1 where x is finite and ≥ 0 and y is finite (the sigmoid's domain); over min(x.length, y.length) points. */
  usable: Uint8Array;
  frame: ConditionedFrame;
  /** (t, y) per point in the frame; t = T_OF_ZERO_X for x = 0; unusable points hold 0 (never referenced). */
  points: Float32Array<ArrayBuffer>;
}

/**
 * The curve's frame from its usable points (see the module comment): one Math.log per positive
 * x for the whole batch. The frame only has to make |t|, |y| O(1) for the pool; the curve's
 * mean and RMS do, and sharing them is what lets jobs share the uploaded points.
 */
export function ltsCurve(x: Float64Array, y: Float64Array): LtsCurve {
  const n = Math.min(x.length, y.length);
  const usable = new Uint8Array(n);
  const lnX = new Float64Array(n);
  let tSum = 0;
  let tCount = 0;
  let ySum = 0;
  let yCount = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const yi = y[i];
    if (!(xi >= 0 && xi < Infinity && Number.isFinite(yi))) continue;
    usable[i] = 1;
    ySum += yi;
    yCount++;
    if (xi > 0) {
      const t = Math.log(xi);
      lnX[i] = t;
      tSum += t;
      tCount++;
    }
  }
  const yShift = yCount > 0 ? ySum / yCount : 0;
  let dev2 = 0;
  for (let i = 0; i < n; i++) if (usable[i]) dev2 += (y[i] - yShift) * (y[i] - yShift);
  const rms = yCount > 0 ? Math.sqrt(dev2 / yCount) : 0;
  const frame = { tShift: tCount > 0 ? tSum / tCount : 0, yShift, yScale: rms > 0 && Number.isFinite(rms) ? rms : 1 };
  const points = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (!usable[i]) continue;
    points[2 * i] = x[i] === 0 ? T_OF_ZERO_X : lnX[i] - frame.tShift;
    points[2 * i + 1] = (y[i] - frame.yShift) / frame.yScale;
  }
  return { x, y, usable, frame, points };
}

/** The conditioned frame → internal sigmoid parameters (f64), from thetaFrame[at..at+nParams). */
export function sigmoidFromFrame(thetaFrame: ArrayLike<number>, frame: ConditionedFrame, nParams: number, at = 0): Float64Array {
  const theta = new Float64Array(nParams);
  theta[0] = thetaFrame[at];
  theta[1] = thetaFrame[at + 1] + frame.tShift;
  for (let q = 2; q < nParams; q++) theta[q] = thetaFrame[at + q] * frame.yScale + frame.yShift;
  return theta;
}

/**
 * sigmoidFromFrame for a chunk's results, as decodeSelectBest applies it: b as is, m' + tShift,
 * u' (and c0') · yScale + yShift, and the objective (a sum of squares) · yScale², per job's frame.
 */
export function sigmoidFrameMaps(frames: readonly ConditionedFrame[], nParams: number): { objectiveScale: Float64Array; theta: FrameMap[] } {
  const tShift = new Float64Array(frames.length);
  const yShift = new Float64Array(frames.length);
  const yScale = new Float64Array(frames.length);
  const objectiveScale = new Float64Array(frames.length);
  for (let j = 0; j < frames.length; j++) {
    const frame = frames[j];
    tShift[j] = frame.tShift;
    yShift[j] = frame.yShift;
    yScale[j] = frame.yScale;
    objectiveScale[j] = frame.yScale * frame.yScale;
  }
  const theta: FrameMap[] = [{}, { shift: tShift }];
  for (let q = 2; q < nParams; q++) theta.push({ scale: yScale, shift: yShift });
  return { objectiveScale, theta };
}

/**
 * A packed chunk. The pool points of a distinct pool g are curvePoints[curveOffset_g + poolIndex[pointOffset_g + i]],
 * i < m_g; the gather_pool pass (or gatherPoolPoints on the host) lays them out as `points` in pool
 * order, where the candidate pass reads them at its jobs' pointOffset.
 */
export interface PackedLtsChunk {
  /** Job structs, LTS_JOB_BYTES each (layout in shaders/lts_candidates.wgsl), as u32 words. */
  jobs: Uint32Array<ArrayBuffer>;
  /**
   * Bounds structs, LTS_BOUNDS_BYTES each, as f32 words: one per distinct (model, curve) of the
   * chunk (jobs of one model on one curve share their bounds and c0).
   */
  bounds: Float32Array<ArrayBuffer>;
  /**
   * Pool indices of the chunk's distinct pools, concatenated (pool order). Jobs on the same curve
   * with the same pool array share one copy (and its gathered points): a sweep runs many
   * settings on one Stage-1 pool.
   */
  poolIndex: Uint32Array<ArrayBuffer>;
  /** Per distinct pool, (pointOffset, m, curveOffset, 0): what gather_pool dispatches over. */
  gathers: Uint32Array<ArrayBuffer>;
  /** Points of the chunk's distinct curves, concatenated, interleaved (t, y) in each curve's frame. */
  curvePoints: Float32Array<ArrayBuffer>;
  /** Frame of each job of the chunk (its curve's). */
  frames: ConditionedFrame[];
}

/** Word offsets in the Job struct (u32 words); m and h share word `mh` (m | h << 16). */
export const LTS_JOB_WORD = { pointOffset: 0, mh: 1, seed: 2, bounds: 3, theta0: 4 } as const;
/** Word offsets in the Bounds struct (f32 words). */
export const LTS_BOUNDS_WORD = { lower: 0, upper: 4, c0Fixed: 8 } as const;

const finiteF32 = (v: number): number => (v > F32_HUGE ? F32_HUGE : v < -F32_HUGE ? -F32_HUGE : v);

/**
 * Internal sigmoid parameters theta[from..from+p) → the conditioned frame, written straight into a Job or Bounds
 * struct at out[at..at+p) (no temporary arrays: this runs per job). Bounds (`bound`) map ±Infinity to ±F32_HUGE.
 */
function writeFrameParams(theta: ArrayLike<number>, from: number, frame: ConditionedFrame, p: number, out: Float32Array, at: number, bound: boolean): void {
  out[at] = bound ? finiteF32(theta[from]) : theta[from];
  const m = theta[from + 1] - frame.tShift;
  out[at + 1] = bound ? finiteF32(m) : m;
  for (let q = 2; q < p; q++) {
    const v = (theta[from + q] - frame.yShift) / frame.yScale;
    out[at + q] = bound ? finiteF32(v) : v;
  }
}

/**
 * Ids of distinct (curve, key) pairs in first-seen order, for a key that jobs of one curve share:
 * a pool array, a model. Each curve remembers its last key (a sweep's jobs come per curve, or
 * cycle over curves with one key each); a map holds the rest once a curve has seen a second.
 */
export class PerCurveIds<K> {
  /** Ids handed out so far (0 .. count − 1): a new pair gets `count`. */
  count = 0;
  private readonly lastKey: Array<K | undefined> = [];
  private readonly lastId: number[] = [];
  private seen: Map<K, Map<number, number>> | undefined;

  id(curve: number, key: K): number {
    const last = this.lastKey[curve];
    if (last === key) return this.lastId[curve];
    let id: number | undefined;
    if (last !== undefined) {
      this.seen ??= new Map();
      const known = this.seen.get(last) ?? new Map<number, number>();
      known.set(curve, this.lastId[curve]);
      this.seen.set(last, known);
      id = this.seen.get(key)?.get(curve);
    }
    id ??= this.count++;
    this.lastKey[curve] = key;
    this.lastId[curve] = id;
    return id;
  }
}

/**
 * What packing reads: a batch checked and as tables (prepareLtsBatch). Per job only indices and
 * scalars; `poolOf` and `boundsOf` number the batch's distinct (curve, pool array) and (curve,
 * model) pairs, which a chunk uploads once each however many of its jobs share them.
 */
export interface LtsPackTables {
  curves: readonly LtsCurve[];
  /** Per job: index into curves. */
  curveOf: Int32Array;
  models: readonly Model[];
  /** Per job: index into models. */
  modelOf: Int32Array;
  /** Per (curve, pool) pair: the pool array (its curve is that of any job of the pair). */
  pools: readonly Int32Array[];
  /** Per job: its (curve, pool) pair. */
  poolOf: Int32Array;
  /** Per job: its (curve, model) pair, 0 .. boundsCount − 1. */
  boundsOf: Int32Array;
  boundsCount: number;
  h: Int32Array;
  seed: Uint32Array;
  /** Per job, thetaStride entries; the first nParams of the job's model are theta0. */
  theta0: Float64Array;
  thetaStride: number;
}

/**
 * Packs jobs (all with the same nParams) of a batch: `order[j]` is the batch index of the chunk's
 * job j. Work per job is its 32-byte Job struct, from typed arrays only; each distinct curve's
 * points, each distinct (curve, pool array)'s indices and each distinct (curve, model)'s bounds
 * are written once. The pools have been checked against their curves (prepareLtsBatch). With
 * `scratch`, the packed arrays are views of its memory (see HostScratch), valid until the next
 * packLtsJobs call with it (the WebGPU backend uploads them before: queue.writeBuffer copies the
 * data during the call); without, they are new arrays.
 */
export function packLtsJobs(tables: LtsPackTables, order: ArrayLike<number>, scratch?: HostScratch): PackedLtsChunk {
  const { curves, curveOf, models, modelOf, pools, poolOf, boundsOf } = tables;
  const jobCount = order.length;
  // Offsets in this chunk of each curve's points, pair's pool and pair's bounds entry: −1 until
  // the chunk's first job with it.
  const curveOffset = new Int32Array(curves.length).fill(-1);
  const poolOffset = new Int32Array(pools.length).fill(-1);
  const boundsEntry = new Int32Array(tables.boundsCount).fill(-1);
  const chunkCurves: number[] = [];
  const chunkPools: number[] = [];
  const boundsFirstJob: number[] = [];
  let totalPoints = 0;
  let curvePointCount = 0;
  for (let j = 0; j < jobCount; j++) {
    const b = order[j];
    const c = curveOf[b];
    if (curveOffset[c] < 0) {
      curveOffset[c] = curvePointCount;
      chunkCurves.push(c);
      curvePointCount += curves[c].points.length / 2;
    }
    const g = poolOf[b];
    if (poolOffset[g] < 0) {
      poolOffset[g] = totalPoints;
      chunkPools.push(g, c);
      totalPoints += pools[g].length;
    }
    const e = boundsOf[b];
    if (boundsEntry[e] < 0) boundsEntry[e] = boundsFirstJob.push(j) - 1;
  }
  // Every element of curvePoints, poolIndex and gathers is written below; the job and bounds
  // structs are zeroed first, since not every word of a struct is (unused parameter slots, padding).
  const curvePoints = scratchArray(scratch, 'pack.curvePoints', Float32Array, 2 * curvePointCount);
  for (const c of chunkCurves) curvePoints.set(curves[c].points, 2 * curveOffset[c]);
  const poolIndex = scratchArray(scratch, 'pack.poolIndex', Uint32Array, totalPoints);
  const poolCount = chunkPools.length / 2;
  const gatherWords = (poolCount * LTS_GATHER_BYTES) / 4;
  const gathers = scratchArray(scratch, 'pack.gathers', Uint32Array, gatherWords);
  for (let k = 0; k < poolCount; k++) {
    const g = chunkPools[2 * k];
    const pool = pools[g];
    const offset = poolOffset[g];
    gathers[4 * k] = offset;
    gathers[4 * k + 1] = pool.length;
    gathers[4 * k + 2] = curveOffset[chunkPools[2 * k + 1]];
    gathers[4 * k + 3] = 0;
    // A loop, not set(): TypedArray.prototype.set costs about 1 µs per call in V8, more than the copy.
    for (let i = 0; i < pool.length; i++) poolIndex[offset + i] = pool[i];
  }
  const boundsWords = (boundsFirstJob.length * LTS_BOUNDS_BYTES) / 4;
  const bounds = scratchArray(scratch, 'pack.bounds', Float32Array, boundsWords);
  if (scratch) bounds.fill(0);
  for (let e = 0; e < boundsFirstJob.length; e++) {
    const b = order[boundsFirstJob[e]];
    const model = models[modelOf[b]];
    const frame = curves[curveOf[b]].frame;
    const word = (e * LTS_BOUNDS_BYTES) / 4;
    writeFrameParams(model.lower, 0, frame, model.nParams, bounds, word + LTS_BOUNDS_WORD.lower, true);
    writeFrameParams(model.upper, 0, frame, model.nParams, bounds, word + LTS_BOUNDS_WORD.upper, true);
    // c0 = 0 in the frame, used when c0 is not fitted.
    bounds[word + LTS_BOUNDS_WORD.c0Fixed] = -frame.yShift / frame.yScale;
  }
  const jobWords = (jobCount * LTS_JOB_BYTES) / 4;
  const u32 = scratchArray(scratch, 'pack.jobs', Uint32Array, jobWords);
  if (scratch) u32.fill(0);
  const f32 = new Float32Array(u32.buffer, 0, jobWords);
  const frames: ConditionedFrame[] = new Array(jobCount);
  const { h, seed, theta0, thetaStride } = tables;
  for (let j = 0; j < jobCount; j++) {
    const b = order[j];
    const frame = curves[curveOf[b]].frame;
    frames[j] = frame;
    const g = poolOf[b];
    const word = (j * LTS_JOB_BYTES) / 4;
    u32[word + LTS_JOB_WORD.pointOffset] = poolOffset[g];
    u32[word + LTS_JOB_WORD.mh] = pools[g].length | (h[b] << 16);
    u32[word + LTS_JOB_WORD.seed] = seed[b];
    u32[word + LTS_JOB_WORD.bounds] = boundsEntry[boundsOf[b]];
    writeFrameParams(theta0, b * thetaStride, frame, models[modelOf[b]].nParams, f32, word + LTS_JOB_WORD.theta0, false);
  }
  return { jobs: u32, bounds, poolIndex, gathers, curvePoints, frames };
}

/** What gather_pool.wgsl computes, on the host: each distinct pool's points in pool order (where its jobs read them). */
export function gatherPoolPoints(packed: PackedLtsChunk): Float32Array<ArrayBuffer> {
  const points = new Float32Array(2 * packed.poolIndex.length);
  const gathers = packed.gathers;
  for (let g = 0; g < gathers.length; g += 4) {
    const pointOffset = gathers[g];
    const m = gathers[g + 1];
    const curveOffset = gathers[g + 2];
    for (let i = 0; i < m; i++) {
      const from = 2 * (curveOffset + packed.poolIndex[pointOffset + i]);
      points[2 * (pointOffset + i)] = packed.curvePoints[from];
      points[2 * (pointOffset + i) + 1] = packed.curvePoints[from + 1];
    }
  }
  return points;
}

/** The Params uniform: jobCount, nCandidates, cSteps, gnIterations. */
export function ltsParamsData(jobCount: number, nCandidates: number, cSteps: number, gnIterations: number): Uint32Array<ArrayBuffer> {
  return Uint32Array.of(jobCount, nCandidates, cSteps, gnIterations);
}
