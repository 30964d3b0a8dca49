/**
 * Host side of shaders/select_best.wgsl: per job the keepBest lowest objectives of the candidate
 * pass, with their parameters, decoded from the compact record buffer it writes.
 */
import type { BatchResult } from '../../backend.js';
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
 * Writes the results of every job of a chunk (ascending objective, ties → lower candidate) and their
 * non-finite counts into `out`, job j of the chunk at batch index jobIndex[j], in one pass over the
 * record words. `objectiveScale[j]` and `mapTheta(src, at, j, out, outAt)` map job j's objectives
 * and the θ at src[at..at+nParams) out of the kernel's conditioned frame into out[outAt..).
 * Nothing is allocated per record (BatchResult is flat for this reason).
 */
export function decodeSelectBest(
  words: ArrayBuffer,
  jobIndex: ArrayLike<number>,
  nParams: number,
  objectiveScale: Float64Array,
  mapTheta: (src: Float32Array, at: number, job: number, out: Float64Array, outAt: number) => void,
  out: BatchResult,
): void {
  const u32 = new Uint32Array(words);
  const f32 = new Float32Array(words);
  const keepBest = out.keepBest;
  const stride = selectBestWordsPerJob(keepBest, nParams);
  for (let j = 0, base = 0; j < jobIndex.length; j++, base += stride) {
    const b = jobIndex[j];
    const scale = objectiveScale[j];
    let r = 0;
    for (let rec = base + 1; r < keepBest && u32[rec] !== NONE; r++, rec += 2 + nParams) {
      const slot = b * keepBest + r;
      mapTheta(f32, rec + 2, j, out.theta, slot * out.thetaStride);
      out.candidate[slot] = u32[rec];
      out.objective[slot] = f32[rec + 1] * scale;
    }
    out.nParams[b] = nParams;
    out.count[b] = r;
    out.nonFinite[b] = u32[base];
  }
}
