/**
 * Host side of shaders/gather_pool.wgsl: lays each distinct pool's points out in pool order on the
 * GPU from the chunk's curves and pool indices (packLtsJobs), the same as gatherPoolPoints on the
 * host. Dispatch one workgroup per entry of the chunk's gatherJobs.
 */
import { assembleShader } from '../shader-source.js';
import type { PipelineSpec } from '../pipeline-cache.js';
import { LTS_JOB_BYTES, LTS_JOB_WORD } from './lts_candidates.js';

/** Invocations per pool; most pools hold 16–256 points. */
const GATHER_WORKGROUP_SIZE = 64;

export function gatherPoolPipelineSpec(): PipelineSpec {
  const constants = {
    WORKGROUP_SIZE: GATHER_WORKGROUP_SIZE,
    JOB_WORDS: LTS_JOB_BYTES / 4,
    JOB_POINT_OFFSET: LTS_JOB_WORD.pointOffset,
    JOB_M: LTS_JOB_WORD.m,
    JOB_CURVE_OFFSET: LTS_JOB_WORD.curveOffset,
  };
  return {
    key: `gather_pool|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join('|')}`,
    label: 'trimfit.gather_pool',
    code: assembleShader('gather_pool', [], constants),
  };
}
