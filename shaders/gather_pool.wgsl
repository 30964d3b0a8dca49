// Pool points in pool order for lts_candidates: points[pointOffset + i] =
// curvePoints[curveOffset + poolIndex[pointOffset + i]] for i < m, per distinct pool. The host
// uploads each curve once per chunk and each distinct pool's indices once (jobs on the same curve
// with the same pool share them; see kernels/lts_candidates.ts), so this copy replaces per-job
// point packing on the host. One workgroup per distinct pool (gatherJobs names a job that uses
// it, whose Job struct gives the offsets), invocations over its points; no two workgroups write
// the same point. Prepended by the host: WORKGROUP_SIZE, JOB_WORDS and the Job word offsets
// JOB_POINT_OFFSET, JOB_M, JOB_CURVE_OFFSET (the Job struct of lts_candidates.wgsl as u32 words).

@group(0) @binding(0) var<storage, read> jobWords: array<u32>;
@group(0) @binding(1) var<storage, read> poolIndex: array<u32>;
@group(0) @binding(2) var<storage, read> curvePoints: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> points: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read> gatherJobs: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let base = gatherJobs[wid.x] * JOB_WORDS;
  let pointOffset = jobWords[base + JOB_POINT_OFFSET];
  let m = jobWords[base + JOB_M];
  let curveOffset = jobWords[base + JOB_CURVE_OFFSET];
  for (var i = lid; i < m; i += WORKGROUP_SIZE) {
    points[pointOffset + i] = curvePoints[curveOffset + poolIndex[pointOffset + i]];
  }
}
