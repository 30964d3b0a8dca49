/**
 * Host side of shaders/gather_pool.wgsl: lays each distinct pool's points out in pool order on the
 * GPU from the chunk's curves and pool indices (packLtsJobs), the same as gatherPoolPoints on the
 * host. Dispatch one workgroup per record of the chunk's `gathers`.
 */
import { assembleShader } from '../shader-source.js';
import type { PipelineSpec } from '../pipeline-cache.js';

/** Invocations per pool; most pools hold 16–256 points. */
const GATHER_WORKGROUP_SIZE = 64;

export function gatherPoolPipelineSpec(): PipelineSpec {
  const constants = { WORKGROUP_SIZE: GATHER_WORKGROUP_SIZE };
  return {
    key: `gather_pool|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join('|')}`,
    label: 'trimfit.gather_pool',
    code: assembleShader('gather_pool', [], constants),
  };
}
