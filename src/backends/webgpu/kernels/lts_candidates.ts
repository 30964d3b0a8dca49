/**
 * Host side of shaders/lts_candidates.wgsl: conditions and packs a chunk of LTS jobs, and builds
 * the pass. Only the sigmoid is mirrored in WGSL so far.
 *
 * Conditioned frame (per job, computed in f64): t = ln x − tShift with tShift the mean ln x of
 * the pool's positive x; y' = (y − yShift)/yScale with the pool's mean and RMS deviation. The
 * sigmoid keeps its form (b' = b, m' = m − tShift, u' = (u − yShift)/yScale, c0' likewise), and
 * damped Gauss–Newton is equivariant under it (Marquardt damping λ·diag(JᵀJ) and the SSE
 * comparison are scale-free; only the 1e-12 diagonal floor is not, and it only matters for
 * a column of zeros), so the f32 kernel follows the f64 reference in a frame where |t|, |y| are O(1).
 */
import type { Model } from '../../../core/models/model.js';
import type { LtsJob } from '../../backend.js';
import { assembleShader } from '../shader-source.js';
import type { PipelineSpec } from '../pipeline-cache.js';
import { LTS_POOL_TIERS, sharedKeyBytes, type LtsKernelVariant } from '../tuning.js';

export { LTS_POOL_TIERS };
/** Parameter slots of the Job struct (vec4): the sigmoid with free c0 uses all four. */
export const LTS_MAX_PARAMS = 4;
export const LTS_JOB_BYTES = 80;
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

/** The pass for one (variant, nParams, pool tier); `variant` as effectiveVariant() resolved it for the device. */
export function ltsCandidatesPipelineSpec(modelName: 'sigmoid', nParams: number, maxPool: number, variant: LtsKernelVariant): PipelineSpec {
  const shared = variant.keys === 'workgroup';
  const constants = {
    N_PARAMS: nParams,
    MAX_POOL: maxPool,
    WORKGROUP_SIZE: variant.workgroupSize,
    GN_FUSED: variant.fusedGn ? 1 : 0,
    SELECT_EARLY_EXIT: variant.select === 'bisect-early' ? 1 : 0,
    KEYS_IN_WORKGROUP: shared ? 1 : 0,
    PRIVATE_KEYS: shared ? 1 : maxPool,
    SHARED_KEYS: shared ? sharedKeyBytes(maxPool, variant.workgroupSize) / 4 : 1,
  };
  return {
    key: `lts_candidates|${modelName}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join('|')}`,
    label: 'trimfit.lts_candidates',
    code: assembleShader('lts_candidates', ['rng', modelName], constants),
  };
}

/** ln x of every point of a curve (NaN for x = 0). */
export function logX(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? Math.log(x[i]) : NaN;
  return out;
}

/**
 * The frame of one job, from its pool points (see the module comment). `lnCurve` (logX of job.x),
 * when given, supplies the logarithms; `lnX`, when given, receives ln x of each pool point, so the
 * packer takes each logarithm once per curve.
 */
export function conditionedFrame(job: LtsJob, lnX?: Float64Array, lnCurve?: Float64Array): ConditionedFrame {
  const { x, y, pool } = job;
  let tSum = 0;
  let tCount = 0;
  let ySum = 0;
  for (let k = 0; k < pool.length; k++) {
    const xi = x[pool[k]];
    const t = lnCurve ? lnCurve[pool[k]] : xi > 0 ? Math.log(xi) : NaN;
    if (lnX) lnX[k] = t;
    if (xi > 0) { tSum += t; tCount++; }
    ySum += y[pool[k]];
  }
  const yShift = ySum / pool.length;
  let dev2 = 0;
  for (let k = 0; k < pool.length; k++) dev2 += (y[pool[k]] - yShift) ** 2;
  const rms = Math.sqrt(dev2 / pool.length);
  return { tShift: tCount > 0 ? tSum / tCount : 0, yShift, yScale: rms > 0 && Number.isFinite(rms) ? rms : 1 };
}

/** The conditioned frame → internal sigmoid parameters (f64), from thetaFrame[at..at+nParams). */
export function sigmoidFromFrame(thetaFrame: ArrayLike<number>, frame: ConditionedFrame, nParams: number, at = 0): Float64Array {
  const theta = new Float64Array(nParams);
  theta[0] = thetaFrame[at];
  theta[1] = thetaFrame[at + 1] + frame.tShift;
  for (let q = 2; q < nParams; q++) theta[q] = thetaFrame[at + q] * frame.yScale + frame.yShift;
  return theta;
}

export interface PackedLtsChunk {
  jobs: ArrayBuffer;
  points: Float32Array<ArrayBuffer>;
  frames: ConditionedFrame[];
}

const finiteF32 = (v: number): number => (v > F32_HUGE ? F32_HUGE : v < -F32_HUGE ? -F32_HUGE : v);

/**
 * Internal sigmoid parameters → the conditioned frame, written straight into the Job struct at
 * out[at..at+p) (no temporary arrays: this runs per job). Bounds (`bound`) map ±Infinity to ±F32_HUGE.
 */
function writeFrameParams(theta: ArrayLike<number>, frame: ConditionedFrame, p: number, out: Float32Array, at: number, bound: boolean): void {
  out[at] = bound ? finiteF32(theta[0]) : theta[0];
  const m = theta[1] - frame.tShift;
  out[at + 1] = bound ? finiteF32(m) : m;
  for (let q = 2; q < p; q++) {
    const v = (theta[q] - frame.yShift) / frame.yScale;
    out[at + q] = bound ? finiteF32(v) : v;
  }
}

/**
 * Packs jobs (all with the same model and nParams) into the Job structs and the points array.
 * `lnCache` (kept by the caller across chunks) holds logX per curve x array: a sweep's jobs on one
 * curve share it, so each logarithm is taken once per batch.
 */
export function packLtsChunk(jobs: readonly LtsJob[], models: readonly Model[], lnCache = new Map<Float64Array, Float64Array>()): PackedLtsChunk {
  let totalPoints = 0;
  let maxPool = 0;
  for (const job of jobs) {
    totalPoints += job.pool.length;
    maxPool = Math.max(maxPool, job.pool.length);
  }
  const buffer = new ArrayBuffer(jobs.length * LTS_JOB_BYTES);
  const u32 = new Uint32Array(buffer);
  const f32 = new Float32Array(buffer);
  const points = new Float32Array(2 * totalPoints);
  const frames: ConditionedFrame[] = new Array(jobs.length);
  const lnX = new Float64Array(maxPool);
  let offset = 0;
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j];
    const model = models[j];
    const p = model.nParams;
    let lnCurve = lnCache.get(job.x);
    if (!lnCurve) {
      lnCurve = logX(job.x);
      lnCache.set(job.x, lnCurve);
    }
    const frame = conditionedFrame(job, lnX, lnCurve);
    frames[j] = frame;
    const word = (j * LTS_JOB_BYTES) / 4;
    u32[word] = offset;
    u32[word + 1] = job.pool.length;
    u32[word + 2] = job.h;
    u32[word + 3] = job.seed >>> 0;
    writeFrameParams(job.theta0, frame, p, f32, word + 4, false);
    writeFrameParams(model.lower, frame, p, f32, word + 8, true);
    writeFrameParams(model.upper, frame, p, f32, word + 12, true);
    // c0 = 0 in the frame, used when c0 is not fitted.
    f32[word + 16] = -frame.yShift / frame.yScale;
    const { pool, x, y } = job;
    const { tShift, yShift, yScale } = frame;
    for (let k = 0, w = 2 * offset; k < pool.length; k++, w += 2) {
      points[w] = x[pool[k]] === 0 ? T_OF_ZERO_X : lnX[k] - tShift;
      points[w + 1] = (y[pool[k]] - yShift) / yScale;
    }
    offset += pool.length;
  }
  return { jobs: buffer, points, frames };
}

/** The Params uniform: jobCount, nCandidates, cSteps, gnIterations. */
export function ltsParamsData(jobCount: number, nCandidates: number, cSteps: number, gnIterations: number): Uint32Array<ArrayBuffer> {
  return Uint32Array.of(jobCount, nCandidates, cSteps, gnIterations);
}
