/**
 * Host side of shaders/select_best.wgsl: per job the keepBest lowest objectives of the candidate
 * pass, with their parameters, decoded from the compact record buffer it writes.
 */
import { clearUnfilled, type BatchResult } from '../../backend.js';
import { assembleShader } from '../shader-source.js';
import type { PipelineSpec } from '../pipeline-cache.js';

/** A power of two (the workgroup tree reduction halves it). */
export const SELECT_WORKGROUP_SIZE = 64;
export const SELECT_PARAMS_BYTES = 16;

export function selectBestPipelineSpec(nParams: number): PipelineSpec {
  return {
    key: `select_best|p${nParams}|wg${SELECT_WORKGROUP_SIZE}`,
    label: 'trimfit.select_best',
    code: assembleShader('select_best', [], { N_PARAMS: nParams, WORKGROUP_SIZE: SELECT_WORKGROUP_SIZE }),
  };
}

/** Words per job of select_best's output: nonFinite and count, and keepBest slots of candidate, objective and θ. */
export function selectBestWordsPerJob(keepBest: number, nParams: number): number {
  return 2 + keepBest * (2 + nParams);
}

export function selectBestParamsData(jobCount: number, nCandidates: number, keepBest: number): Uint32Array<ArrayBuffer> {
  return Uint32Array.of(jobCount, nCandidates, keepBest, 0);
}

/**
 * How parameter q of job j leaves the kernel's frame: θ_q = θ'_q · scale[j] + shift[j] (computed
 * in f64 from the f32 θ'). A missing scale is 1 and a missing shift 0, applied as a plain copy.
 */
export interface FrameMap {
  scale?: Float64Array;
  shift?: Float64Array;
}

/**
 * Writes the results of every job of a chunk (ascending objective, ties → lower candidate), their
 * row counts and non-finite counts into `out`, job j of the chunk at batch index jobIndex[j], from
 * select_best's output arrays (see shaders/select_best.wgsl). Objectives are scaled by
 * `objectiveScale[j]` and θ mapped by `thetaMap[q]` out of the frame. θ is written one parameter
 * at a time, in loops with the job's scale and shift hoisted: about 6× faster than record by
 * record with a callback per record. A job's unfilled entries (rows at r ≥ count, θ past nParams)
 * are zeroed, so `out` may be a reused result; jobs outside the chunk are left as they are.
 */
export function decodeSelectBest(
  words: ArrayBuffer,
  jobIndex: ArrayLike<number>,
  nParams: number,
  objectiveScale: Float64Array,
  thetaMap: readonly FrameMap[],
  out: BatchResult,
): void {
  const jobs = jobIndex.length;
  const keepBest = out.keepBest;
  const slots = jobs * keepBest;
  const nonFinite = new Uint32Array(words, 0, jobs);
  const count = new Uint32Array(words, 4 * jobs, jobs);
  const candidate = new Uint32Array(words, 8 * jobs, slots);
  const objective = new Float32Array(words, 4 * (2 * jobs + slots), slots);
  const theta = new Float32Array(words, 4 * (2 * jobs + 2 * slots), slots * nParams);
  const { thetaStride, candidate: outCandidate, objective: outObjective, theta: outTheta } = out;
  // Rows per job, never past keepBest whatever the words say (they index other jobs' slots).
  const rows = new Int32Array(jobs);
  for (let j = 0; j < jobs; j++) {
    const b = jobIndex[j];
    const n = Math.min(count[j], keepBest);
    rows[j] = n;
    out.nParams[b] = nParams;
    out.count[b] = n;
    out.nonFinite[b] = nonFinite[j];
    const scale = objectiveScale[j];
    for (let r = 0, from = j * keepBest, to = b * keepBest; r < n; r++, from++, to++) {
      outCandidate[to] = candidate[from];
      outObjective[to] = objective[from] * scale;
    }
  }
  for (let q = 0; q < nParams; q++) {
    const { scale, shift } = thetaMap[q];
    for (let j = 0; j < jobs; j++) {
      const n = rows[j];
      let from = j * keepBest * nParams + q;
      let to = jobIndex[j] * keepBest * thetaStride + q;
      if (scale) {
        const s = scale[j];
        const t = shift ? shift[j] : 0;
        for (let r = 0; r < n; r++, from += nParams, to += thetaStride) outTheta[to] = theta[from] * s + t;
      } else if (shift) {
        const t = shift[j];
        for (let r = 0; r < n; r++, from += nParams, to += thetaStride) outTheta[to] = theta[from] + t;
      } else {
        for (let r = 0; r < n; r++, from += nParams, to += thetaStride) outTheta[to] = theta[from];
      }
    }
  }
  // Entries a reused result may hold from an earlier call: rows past count, θ past nParams.
  if (nParams < thetaStride) for (let j = 0; j < jobs; j++) clearUnfilled(out, jobIndex[j]);
  else for (let j = 0; j < jobs; j++) if (rows[j] < keepBest) clearUnfilled(out, jobIndex[j]);
}
