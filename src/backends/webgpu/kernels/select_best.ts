/**
 * Host side of shaders/select_best.wgsl: per job the keepBest lowest objectives of the candidate
 * pass, with their parameters, decoded from the compact record buffer it writes.
 */
import type { CandidateResult, JobResult } from '../../backend.js';
import { assembleShader } from '../shader-source.js';
import type { PipelineSpec } from '../pipeline-cache.js';

/** A power of two (the workgroup tree reduction halves it). */
export const SELECT_WORKGROUP_SIZE = 64;
export const SELECT_PARAMS_BYTES = 16;
const NONE = 0xffffffff;

export function selectBestPipelineSpec(nParams: number): PipelineSpec {
  return {
    key: `select_best|p${nParams}|wg${SELECT_WORKGROUP_SIZE}`,
    label: 'trimfit.select_best',
    code: assembleShader('select_best', [], { N_PARAMS: nParams, WORKGROUP_SIZE: SELECT_WORKGROUP_SIZE }),
  };
}

export function selectBestWordsPerJob(keepBest: number, nParams: number): number {
  return 1 + keepBest * (2 + nParams);
}

export function selectBestParamsData(jobCount: number, nCandidates: number, keepBest: number): Uint32Array<ArrayBuffer> {
  return Uint32Array.of(jobCount, nCandidates, keepBest, 0);
}

/**
 * Results of every job of a chunk (ascending objective, ties → lower candidate) with their
 * non-finite counts, in one pass over the record words. `objectiveScale[j]` and
 * `mapTheta(src, at, j, out, outAt)` map job j's objectives and the θ at src[at..at+nParams) out of
 * the kernel's conditioned frame into out[outAt..). All θ of the chunk live in one Float64Array
 * and each result holds a subarray view of it: with every result retained, V8 creates such views
 * about 2.5× faster than one small Float64Array per record (the allocation dominates decoding).
 * A structured clone of one θ copies the whole chunk's array; copy it first to send it alone.
 */
export function decodeSelectBest(
  words: ArrayBuffer,
  jobCount: number,
  keepBest: number,
  nParams: number,
  objectiveScale: Float64Array,
  mapTheta: (src: Float32Array, at: number, job: number, out: Float64Array, outAt: number) => void,
): JobResult[] {
  const u32 = new Uint32Array(words);
  const f32 = new Float32Array(words);
  const stride = selectBestWordsPerJob(keepBest, nParams);
  const thetas = new Float64Array(jobCount * keepBest * nParams);
  const results: JobResult[] = new Array(jobCount);
  let thetaAt = 0;
  for (let j = 0, base = 0; j < jobCount; j++, base += stride) {
    const best: CandidateResult[] = [];
    const scale = objectiveScale[j];
    for (let r = 0, rec = base + 1; r < keepBest && u32[rec] !== NONE; r++, rec += 2 + nParams) {
      mapTheta(f32, rec + 2, j, thetas, thetaAt);
      best.push({ candidate: u32[rec], objective: f32[rec + 1] * scale, theta: thetas.subarray(thetaAt, thetaAt + nParams) });
      thetaAt += nParams;
    }
    results[j] = { best, nonFinite: u32[base] };
  }
  return results;
}
