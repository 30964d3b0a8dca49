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

/** Parameter slots of the Job struct (vec4): the sigmoid with free c0 uses all four. */
export const LTS_MAX_PARAMS = 4;
/** MAX_POOL variants: a job runs on the smallest tier that holds its pool (private arrays are sized by it). */
export const LTS_POOL_TIERS: readonly number[] = [64, 256, 1024];
export const LTS_WORKGROUP_SIZE = 64;
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

export function ltsCandidatesPipelineSpec(modelName: 'sigmoid', nParams: number, maxPool: number): PipelineSpec {
  const constants = { N_PARAMS: nParams, MAX_POOL: maxPool, WORKGROUP_SIZE: LTS_WORKGROUP_SIZE };
  return {
    key: `lts_candidates|${modelName}|p${nParams}|pool${maxPool}|wg${LTS_WORKGROUP_SIZE}`,
    label: 'trimfit.lts_candidates',
    code: assembleShader('lts_candidates', ['rng', modelName], constants),
  };
}

/** The frame of one job, from its pool points (see the module comment). */
export function conditionedFrame(job: LtsJob): ConditionedFrame {
  const { x, y, pool } = job;
  let tSum = 0;
  let tCount = 0;
  let ySum = 0;
  for (let k = 0; k < pool.length; k++) {
    const xi = x[pool[k]];
    if (xi > 0) { tSum += Math.log(xi); tCount++; }
    ySum += y[pool[k]];
  }
  const yShift = ySum / pool.length;
  let dev2 = 0;
  for (let k = 0; k < pool.length; k++) dev2 += (y[pool[k]] - yShift) ** 2;
  const rms = Math.sqrt(dev2 / pool.length);
  return { tShift: tCount > 0 ? tSum / tCount : 0, yShift, yScale: rms > 0 && Number.isFinite(rms) ? rms : 1 };
}

/** Internal sigmoid parameters → the conditioned frame (bounds included: ±Infinity stays ±Infinity). */
export function sigmoidToFrame(theta: ArrayLike<number>, frame: ConditionedFrame, out: Float64Array): Float64Array {
  out[0] = theta[0];
  out[1] = theta[1] - frame.tShift;
  for (let q = 2; q < theta.length; q++) out[q] = (theta[q] - frame.yShift) / frame.yScale;
  return out;
}

/** The conditioned frame → internal sigmoid parameters (f64). */
export function sigmoidFromFrame(thetaFrame: ArrayLike<number>, frame: ConditionedFrame, nParams: number): Float64Array {
  const theta = new Float64Array(nParams);
  theta[0] = thetaFrame[0];
  theta[1] = thetaFrame[1] + frame.tShift;
  for (let q = 2; q < nParams; q++) theta[q] = thetaFrame[q] * frame.yScale + frame.yShift;
  return theta;
}

export interface PackedLtsChunk {
  jobs: ArrayBuffer;
  points: Float32Array<ArrayBuffer>;
  frames: ConditionedFrame[];
}

const finiteF32 = (v: number): number => (v > F32_HUGE ? F32_HUGE : v < -F32_HUGE ? -F32_HUGE : v);

/** Packs jobs (all with the same model and nParams) into the Job structs and the points array. */
export function packLtsChunk(jobs: readonly LtsJob[], models: readonly Model[]): PackedLtsChunk {
  let totalPoints = 0;
  for (const job of jobs) totalPoints += job.pool.length;
  const buffer = new ArrayBuffer(jobs.length * LTS_JOB_BYTES);
  const u32 = new Uint32Array(buffer);
  const f32 = new Float32Array(buffer);
  const points = new Float32Array(2 * totalPoints);
  const frames: ConditionedFrame[] = [];
  const scratch = new Float64Array(LTS_MAX_PARAMS);
  let offset = 0;
  jobs.forEach((job, j) => {
    const model = models[j];
    const p = model.nParams;
    const frame = conditionedFrame(job);
    frames.push(frame);
    const word = (j * LTS_JOB_BYTES) / 4;
    u32[word] = offset;
    u32[word + 1] = job.pool.length;
    u32[word + 2] = job.h;
    u32[word + 3] = job.seed >>> 0;
    const theta0 = sigmoidToFrame(job.theta0, frame, scratch.subarray(0, p));
    for (let q = 0; q < p; q++) f32[word + 4 + q] = theta0[q];
    const lower = sigmoidToFrame(model.lower, frame, scratch.subarray(0, p));
    for (let q = 0; q < p; q++) f32[word + 8 + q] = finiteF32(lower[q]);
    const upper = sigmoidToFrame(model.upper, frame, scratch.subarray(0, p));
    for (let q = 0; q < p; q++) f32[word + 12 + q] = finiteF32(upper[q]);
    // c0 = 0 in the frame, used when c0 is not fitted.
    f32[word + 16] = -frame.yShift / frame.yScale;
    for (let k = 0; k < job.pool.length; k++) {
      const i = job.pool[k];
      const xi = job.x[i];
      points[2 * (offset + k)] = xi === 0 ? T_OF_ZERO_X : Math.log(xi) - frame.tShift;
      points[2 * (offset + k) + 1] = (job.y[i] - frame.yShift) / frame.yScale;
    }
    offset += job.pool.length;
  });
  return { jobs: buffer, points, frames };
}

/** The Params uniform: jobCount, nCandidates, cSteps, gnIterations. */
export function ltsParamsData(jobCount: number, nCandidates: number, cSteps: number, gnIterations: number): Uint32Array<ArrayBuffer> {
  return Uint32Array.of(jobCount, nCandidates, cSteps, gnIterations);
}
