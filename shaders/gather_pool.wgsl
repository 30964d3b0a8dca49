// Pool points in pool order for lts_candidates: points[pointOffset + i] =
// curvePoints[curveOffset + poolIndex[pointOffset + i]] for i < m, per distinct pool. The host
// uploads each curve once per chunk and each distinct pool's indices once (jobs on the same curve
// with the same pool share them; see kernels/lts_candidates.ts), so this copy replaces per-job
// point packing on the host. One workgroup per distinct pool, whose record in `gathers` is
// (pointOffset, m, curveOffset, 0); invocations over its points; no two workgroups write the same
// point. Prepended by the host: WORKGROUP_SIZE.

@group(0) @binding(0) var<storage, read> gathers: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read> poolIndex: array<u32>;
@group(0) @binding(2) var<storage, read> curvePoints: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> points: array<vec2<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let gather = gathers[wid.x];
  let pointOffset = gather.x;
  let m = gather.y;
  let curveOffset = gather.z;
  for (var i = lid; i < m; i += WORKGROUP_SIZE) {
    points[pointOffset + i] = curvePoints[curveOffset + poolIndex[pointOffset + i]];
  }
}
