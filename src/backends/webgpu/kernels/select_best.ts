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
 * Results of job j (ascending objective, ties → lower candidate) and its non-finite count, from the
 * record words (u32 and f32 view the same words). `objectiveScale` and `theta` map an objective and
 * the θ at f32[at..at+nParams) out of the kernel's conditioned frame.
 */
export function decodeSelectBest(
  u32: Uint32Array,
  f32: Float32Array,
  job: number,
  keepBest: number,
  nParams: number,
  objectiveScale: number,
  theta: (f32: Float32Array, at: number) => Float64Array,
): JobResult {
  const base = job * selectBestWordsPerJob(keepBest, nParams);
  const best: CandidateResult[] = [];
  for (let r = 0; r < keepBest; r++) {
    const rec = base + 1 + r * (2 + nParams);
    if (u32[rec] === NONE) break;
    best.push({ candidate: u32[rec], objective: f32[rec + 1] * objectiveScale, theta: theta(f32, rec + 2) });
  }
  return { best, nonFinite: u32[base] };
}
