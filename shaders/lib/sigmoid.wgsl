// The sigmoid in its internal parametrisation, mirroring src/core/models/sigmoid.ts:
//   theta = [b, m = ln cMid, u] (+ c0 when N_PARAMS == 4), s = 1/(1 + exp(b·(m − t))), t = ln x,
//   f = c0 + (u − c0)·s; x = 0 gives f = c0 with zero gradient for b, m, u.
// Values live in the per-curve conditioned frame of lts_candidates.wgsl: t is centred by the host
// (m with it) and y, u, c0 are shifted and scaled, which leaves the sigmoid's form unchanged.
// Needs: N_PARAMS, the private `job_c0_fixed` (c0 in that frame when c0 is not fitted).

alias Theta = array<f32, 4>;

// Host writes this t for x = 0 (ln 0 has no f32 value and WGSL may assume no infinities).
const T_OF_ZERO_X: f32 = -3.0e38;
// |b·(m − t)| beyond this changes s by less than f32 resolves next to 0 or 1, and exp stays finite.
const SIGMOID_Z_MAX: f32 = 80.0;

fn model_c0(theta: ptr<function, Theta>) -> f32 {
  if (N_PARAMS == 4u) { return (*theta)[3]; }
  return job_c0_fixed;
}

fn model_value(t: f32, theta: ptr<function, Theta>) -> f32 {
  let c0 = model_c0(theta);
  if (t <= T_OF_ZERO_X) { return c0; }
  let z = clamp((*theta)[0] * ((*theta)[1] - t), -SIGMOID_Z_MAX, SIGMOID_Z_MAX);
  let s = 1.0 / (1.0 + exp(z));
  return c0 + ((*theta)[2] - c0) * s;
}

// Writes ∂f/∂theta into grad[0..N_PARAMS) and returns f.
fn model_value_grad(t: f32, theta: ptr<function, Theta>, grad: ptr<function, Theta>) -> f32 {
  let c0 = model_c0(theta);
  if (t <= T_OF_ZERO_X) {
    (*grad)[0] = 0.0; (*grad)[1] = 0.0; (*grad)[2] = 0.0; (*grad)[3] = 1.0;
    return c0;
  }
  let b = (*theta)[0];
  let d = (*theta)[1] - t;
  let e = exp(clamp(b * d, -SIGMOID_Z_MAX, SIGMOID_Z_MAX));
  let s = 1.0 / (1.0 + e);
  // 1 − s as e·s (no cancellation near s = 1); s·(1 − s) never forms (1 + e)², which overflows.
  let oneMinusS = e * s;
  let amp = (*theta)[2] - c0;
  let dfdz = -amp * s * oneMinusS;
  (*grad)[0] = dfdz * d;
  (*grad)[1] = dfdz * b;
  (*grad)[2] = s;
  (*grad)[3] = oneMinusS;
  return c0 + amp * s;
}
