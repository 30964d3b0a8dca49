// LTS candidate fits: one candidate per invocation, mirroring ltsCandidate (src/core/lts.ts) and
// dampedGaussNewton (src/core/gn.ts) step for step, in f32 in a per-curve conditioned frame.
// Prepended by the host (compile-time facts): N_PARAMS, MAX_POOL, WORKGROUP_SIZE and the variant
// switches GN_UNROLLED, MASK_FLAT, DENSE_GN, SELECT_EARLY_EXIT (0/1, see src/backends/webgpu/tuning.ts); then
// lib/rng.wgsl and the model library
// (model_value, model_value_grad, Theta). See README.md.

struct Params {
  jobCount: u32,
  nCandidates: u32,
  cSteps: u32,
  gnIterations: u32,
}

// 32 bytes: what differs from job to job. What jobs of one model on one curve share is in Bounds.
struct Job {
  pointOffset: u32,
  // The pool size m in the low 16 bits, h in the high 16 (both ≤ 1024, the largest pool tier).
  mh: u32,
  seed: u32,
  // The job's entry in `bounds`.
  bounds: u32,
  theta0: vec4<f32>,
}

// 48 bytes per distinct (model, curve) of a chunk, in the curve's frame. Bounds are finite (the
// host maps ±Infinity to ±F32_HUGE).
struct Bounds {
  lower: vec4<f32>,
  upper: vec4<f32>,
  c0Fixed: f32,
  _pad0: f32,
  _pad1: f32,
  _pad2: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> jobs: array<Job>;
// Pool points of every job in pool order: (t = ln x centred, y conditioned).
@group(0) @binding(2) var<storage, read> points: array<vec2<f32>>;
// Per candidate c = job·nCandidates + k: the objective (conditioned frame) as its f32 bits, which
// order like the values since it is ≥ 0, or NOT_FINITE; theta in SoA layout
// thetas[q·(jobCount·nCandidates) + c].
@group(0) @binding(3) var<storage, read_write> objectives: array<u32>;
@group(0) @binding(4) var<storage, read_write> thetas: array<f32>;
@group(0) @binding(5) var<storage, read> bounds: array<Bounds>;

const MASK_WORDS: u32 = (MAX_POOL + 31u) / 32u;
// Positions per mask word that a pool of this tier can reach (16 for the 16-point tier).
const MASK_WORD_BITS: u32 = min(32u, MAX_POOL);
const INF_BITS: u32 = 0x7f800000u;
const NOT_FINITE: u32 = 0xffffffffu;
const GN_LAMBDA_START: f32 = 1e-3;
const GN_LAMBDA_MIN: f32 = 1e-7;
const GN_LAMBDA_MAX: f32 = 1e7;
const GN_DIAG_FLOOR: f32 = 1e-12;

var<private> job_offset: u32;
var<private> job_m: u32;
var<private> job_c0_fixed: f32;
var<private> job_lower: vec4<f32>;
var<private> job_upper: vec4<f32>;
// Pool positions the current fit runs over (bit i of word i/32). Written and read word by word in
// loops of MASK_WORDS trips (except by the MASK_FLAT walk), so that a compiler that unrolls them
// can keep the words in registers instead of local memory.
var<private> mask: array<u32, MASK_WORDS>;
// Set bits of mask, counted whenever the mask is built (MASK_FLAT).
var<private> mask_count: u32;

fn count_mask() {
  var n = 0u;
  for (var w = 0u; w < MASK_WORDS; w += 1u) { n += countOneBits(mask[w]); }
  mask_count = n;
}
// Squared residuals as order-preserving u32 keys (non-negative f32 bits; non-finite → INF_BITS).
var<private> keys: array<u32, MAX_POOL>;

// Bit test, immune to compilers that assume finite arithmetic.
fn is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & INF_BITS) != INF_BITS;
}

// Kahan-compensated SSE over the mask: decides step acceptance, where f32 rounding matters most.
fn sse_over_mask(theta: ptr<function, Theta>) -> f32 {
  var sum = 0.0;
  var comp = 0.0;
  for (var w = 0u; w < MASK_WORDS; w += 1u) {
    var bits = mask[w];
    while (bits != 0u) {
      let i = w * 32u + countTrailingZeros(bits);
      bits &= bits - 1u;
      let p = points[job_offset + i];
      let r = p.y - model_value(p.x, theta);
      let v = r * r - comp;
      let next = sum + v;
      comp = (next - sum) - v;
      sum = next;
    }
  }
  return sum;
}

// Cholesky solve of the N_PARAMS×N_PARAMS SPD system a·delta = g (a overwritten by L).
// False when a pivot is not positive: the step is then rejected, as in choleskySolve.
fn cholesky_solve(a: ptr<function, array<f32, 16>>, g: ptr<function, Theta>, delta: ptr<function, Theta>) -> bool {
  for (var j = 0u; j < N_PARAMS; j += 1u) {
    var d = (*a)[j * 4u + j];
    for (var k = 0u; k < j; k += 1u) { d -= (*a)[j * 4u + k] * (*a)[j * 4u + k]; }
    if (!(d > 0.0) || !is_finite(d)) { return false; }
    let ljj = sqrt(d);
    (*a)[j * 4u + j] = ljj;
    for (var i = j + 1u; i < N_PARAMS; i += 1u) {
      var s = (*a)[i * 4u + j];
      for (var k = 0u; k < j; k += 1u) { s -= (*a)[i * 4u + k] * (*a)[j * 4u + k]; }
      (*a)[i * 4u + j] = s / ljj;
    }
  }
  for (var i = 0u; i < N_PARAMS; i += 1u) {
    var s = (*g)[i];
    for (var k = 0u; k < i; k += 1u) { s -= (*a)[i * 4u + k] * (*delta)[k]; }
    (*delta)[i] = s / (*a)[i * 4u + i];
  }
  for (var ii = 0u; ii < N_PARAMS; ii += 1u) {
    let i = N_PARAMS - 1u - ii;
    var s = (*delta)[i];
    for (var k = i + 1u; k < N_PARAMS; k += 1u) { s -= (*a)[k * 4u + i] * (*delta)[k]; }
    (*delta)[i] = s / (*a)[i * 4u + i];
  }
  return true;
}

// A = JᵀJ + λ·diag(JᵀJ) + floor·I, symmetric, from the lower triangle.
fn damped_matrix(jtj: ptr<function, array<f32, 16>>, lambda: f32) -> array<f32, 16> {
  var a = array<f32, 16>();
  for (var q = 0u; q < N_PARAMS; q += 1u) {
    for (var s = 0u; s <= q; s += 1u) {
      a[q * 4u + s] = (*jtj)[q * 4u + s];
      a[s * 4u + q] = (*jtj)[q * 4u + s];
    }
    a[q * 4u + q] += lambda * (*jtj)[q * 4u + q] + GN_DIAG_FLOOR;
  }
  return a;
}

// GN_UNROLLED: the same normal equations and Cholesky solve with every element a named vector
// component (no array indexed by a loop variable), so they stay in registers whether or not the
// driver unrolls loops. The lower triangle of JᵀJ by columns: l0 = (j00, j10, j20, j30),
// l1 = (j11, j21, j31), l2 = (j22, j32), l3 = j33; the same products summed in the same order as
// normal_equations. For N_PARAMS = 3 the fourth gradient component is 0 and row/column 3 unused.
struct NormalEquationsVec {
  l0: vec4<f32>,
  l1: vec3<f32>,
  l2: vec2<f32>,
  l3: f32,
  jtr: vec4<f32>,
  sse: f32,
}

// Pool point i's residual and gradient at theta (the fourth component 0 for N_PARAMS = 3).
struct PointTerms {
  r: f32,
  g: vec4<f32>,
}

fn point_terms(i: u32, theta: ptr<function, Theta>) -> PointTerms {
  var grad: Theta;
  let p = points[job_offset + i];
  let r = p.y - model_value_grad(p.x, theta, &grad);
  var g = vec4<f32>(grad[0], grad[1], grad[2], 0.0);
  if (N_PARAMS == 4u) { g.w = grad[3]; }
  return PointTerms(r, g);
}

// Adds one point's terms to `out` (Kahan SSE with compensation `comp`).
fn add_terms(terms: PointTerms, out: ptr<function, NormalEquationsVec>, comp: ptr<function, f32>) {
  let r = terms.r;
  let g = terms.g;
  (*out).jtr += g * r;
  (*out).l0 += g * g.x;
  (*out).l1 += g.yzw * g.y;
  (*out).l2 += g.zw * g.z;
  (*out).l3 += g.w * g.w;
  let v = r * r - *comp;
  let next = (*out).sse + v;
  *comp = (next - (*out).sse) - v;
  (*out).sse = next;
}

// MASK_FLAT: one loop of exactly mask_count iterations (the same for every candidate of a job:
// h, or N_PARAMS for the start fit), stepping to the next mask word inside it, instead of a loop
// per word whose trip count differs between the candidates of a warp (a warp then runs the
// maximum per word: about 58 iterations for h = 48 of 64). Same points in the same order.
// DENSE_GN (`dense`, the C-steps' refits over h points): every pool point in position order,
// its terms added only where its mask bit is set. All candidates of a job then run the same trip
// count and read the same point at the same time (one broadcast load per warp instead of up to
// 32 scattered ones), at the price of evaluating the model on the m − h trimmed points too. Same
// points, same order, same sums as the mask walks.
fn normal_equations_vec(theta: ptr<function, Theta>, dense: bool) -> NormalEquationsVec {
  var out = NormalEquationsVec();
  var comp = 0.0;
  if (dense) {
    for (var w = 0u; w < MASK_WORDS; w += 1u) {
      let bits = mask[w];
      for (var j = 0u; j < MASK_WORD_BITS; j += 1u) {
        let i = w * 32u + j;
        if (i >= job_m) { break; }
        let terms = point_terms(i, theta);
        if (((bits >> j) & 1u) != 0u) { add_terms(terms, &out, &comp); }
      }
    }
    return out;
  }
  if (MASK_FLAT == 1u) {
    var w = 0u;
    var bits = mask[0];
    for (var t = 0u; t < mask_count; t += 1u) {
      while (bits == 0u) {
        w += 1u;
        bits = mask[w];
      }
      let i = w * 32u + countTrailingZeros(bits);
      bits &= bits - 1u;
      add_terms(point_terms(i, theta), &out, &comp);
    }
    return out;
  }
  for (var w = 0u; w < MASK_WORDS; w += 1u) {
    var bits = mask[w];
    while (bits != 0u) {
      let i = w * 32u + countTrailingZeros(bits);
      bits &= bits - 1u;
      add_terms(point_terms(i, theta), &out, &comp);
    }
  }
  return out;
}

// cholesky_solve of (JᵀJ + λ·diag(JᵀJ) + floor·I)·delta = Jᵀr, written out for N_PARAMS ≤ 4 in the
// loop order of cholesky_solve. False when a pivot is not positive (the step is rejected).
fn damped_solve_vec(ne: ptr<function, NormalEquationsVec>, lambda: f32, delta: ptr<function, vec4<f32>>) -> bool {
  let l0 = (*ne).l0;
  let l1 = (*ne).l1;
  let l2 = (*ne).l2;
  let g = (*ne).jtr;
  var d = l0.x + (lambda * l0.x + GN_DIAG_FLOOR);
  if (!(d > 0.0) || !is_finite(d)) { return false; }
  let c00 = sqrt(d);
  let c10 = l0.y / c00;
  let c20 = l0.z / c00;
  let c30 = l0.w / c00;
  d = l1.x + (lambda * l1.x + GN_DIAG_FLOOR);
  d -= c10 * c10;
  if (!(d > 0.0) || !is_finite(d)) { return false; }
  let c11 = sqrt(d);
  let c21 = (l1.y - c20 * c10) / c11;
  var s = l1.z;
  s -= c30 * c10;
  let c31 = s / c11;
  d = l2.x + (lambda * l2.x + GN_DIAG_FLOOR);
  d -= c20 * c20;
  d -= c21 * c21;
  if (!(d > 0.0) || !is_finite(d)) { return false; }
  let c22 = sqrt(d);
  s = l2.y;
  s -= c30 * c20;
  s -= c31 * c21;
  let c32 = s / c22;
  var c33 = 1.0;
  if (N_PARAMS == 4u) {
    d = (*ne).l3 + (lambda * (*ne).l3 + GN_DIAG_FLOOR);
    d -= c30 * c30;
    d -= c31 * c31;
    d -= c32 * c32;
    if (!(d > 0.0) || !is_finite(d)) { return false; }
    c33 = sqrt(d);
  }
  let z0 = g.x / c00;
  let z1 = (g.y - c10 * z0) / c11;
  var t = g.z;
  t -= c20 * z0;
  t -= c21 * z1;
  let z2 = t / c22;
  var d3 = 0.0;
  if (N_PARAMS == 4u) {
    t = g.w;
    t -= c30 * z0;
    t -= c31 * z1;
    t -= c32 * z2;
    d3 = (t / c33) / c33;
  }
  t = z2;
  if (N_PARAMS == 4u) { t -= c32 * d3; }
  let d2 = t / c22;
  t = z1;
  t -= c21 * d2;
  if (N_PARAMS == 4u) { t -= c31 * d3; }
  let d1 = t / c11;
  t = z0;
  t -= c10 * d1;
  t -= c20 * d2;
  if (N_PARAMS == 4u) { t -= c30 * d3; }
  *delta = vec4<f32>(t / c00, d1, d2, d3);
  return true;
}

// dampedGaussNewton with one pass per iteration and the unrolled normal equations and solve: the
// trial point's normal equations are those of the next iteration when it is accepted; when it is
// rejected θ is unchanged and so are they.
fn damped_gn_fused_vec(theta: ptr<function, Theta>, iterations: u32, dense: bool) {
  var lambda = GN_LAMBDA_START;
  var cur = normal_equations_vec(theta, dense);
  var delta: vec4<f32>;
  for (var it = 0u; it < iterations; it += 1u) {
    var accepted = false;
    if (damped_solve_vec(&cur, lambda, &delta)) {
      let stepped = clamp(vec4<f32>((*theta)[0], (*theta)[1], (*theta)[2], (*theta)[3]) + delta, job_lower, job_upper);
      var trial: Theta = Theta(stepped.x, stepped.y, stepped.z, (*theta)[3]);
      if (N_PARAMS == 4u) { trial[3] = stepped.w; }
      let next = normal_equations_vec(&trial, dense);
      if (is_finite(next.sse) && next.sse < cur.sse) {
        *theta = trial;
        cur = next;
        accepted = true;
      }
    }
    if (accepted) { lambda = max(lambda / 10.0, GN_LAMBDA_MIN); } else { lambda = min(lambda * 10.0, GN_LAMBDA_MAX); }
  }
}

// dampedGaussNewton over the mask, `iterations` steps, no early exit; theta updated in place.
// `refit`: a C-step's refit over h points (DENSE_GN applies), not the start fit over N_PARAMS.
fn damped_gn(theta: ptr<function, Theta>, iterations: u32, refit: bool) {
  if (GN_UNROLLED == 1u) {
    damped_gn_fused_vec(theta, iterations, refit && DENSE_GN == 1u);
  } else {
    damped_gn_two_pass(theta, iterations);
  }
}

// dampedGaussNewton over the mask as the f64 reference is written: per iteration a JᵀJ pass at θ
// and an SSE pass at the trial point.
fn damped_gn_two_pass(theta: ptr<function, Theta>, iterations: u32) {
  var lambda = GN_LAMBDA_START;
  var sse = sse_over_mask(theta);
  var grad: Theta;
  var trial: Theta;
  var delta: Theta;
  for (var it = 0u; it < iterations; it += 1u) {
    var jtj = array<f32, 16>();
    var jtr = Theta();
    for (var w = 0u; w < MASK_WORDS; w += 1u) {
      var bits = mask[w];
      while (bits != 0u) {
        let i = w * 32u + countTrailingZeros(bits);
        bits &= bits - 1u;
        let p = points[job_offset + i];
        let r = p.y - model_value_grad(p.x, theta, &grad);
        for (var q = 0u; q < N_PARAMS; q += 1u) {
          jtr[q] += grad[q] * r;
          for (var s = 0u; s <= q; s += 1u) { jtj[q * 4u + s] += grad[q] * grad[s]; }
        }
      }
    }
    var a = damped_matrix(&jtj, lambda);
    var accepted = false;
    if (cholesky_solve(&a, &jtr, &delta)) {
      for (var q = 0u; q < N_PARAMS; q += 1u) {
        trial[q] = clamp((*theta)[q] + delta[q], job_lower[q], job_upper[q]);
      }
      let trialSse = sse_over_mask(&trial);
      if (is_finite(trialSse) && trialSse < sse) {
        *theta = trial;
        sse = trialSse;
        accepted = true;
      }
    }
    if (accepted) { lambda = max(lambda / 10.0, GN_LAMBDA_MIN); } else { lambda = min(lambda * 10.0, GN_LAMBDA_MAX); }
  }
}

// Loops over pool positions run to the constant MAX_POOL (and stop at job_m) so that small tiers
// can be unrolled, with keys kept in registers.
fn count_keys_at_most(limit: u32) -> u32 {
  var n = 0u;
  for (var i = 0u; i < MAX_POOL; i += 1u) {
    if (i >= job_m) { break; }
    n += select(0u, 1u, keys[i] <= limit);
  }
  return n;
}

// Mask ← the h pool positions with the smallest squared residuals (ties → lower position), as
// smallestH(squaredResiduals(...)). Partial selection without sorting: bisection on the u32 key
// finds the h-th smallest key K; all keys < K are in, then keys == K by position until h.
// SELECT_EARLY_EXIT: the bisection runs over [min key, max key] and stops at a probe with exactly
// h keys ≤ it; those h keys are then the selection (K ≤ probe and nothing lies between), so the
// set and the position-ordered sum are the same as without the exit.
// Returns the bits of the sum of the selected squared residuals (Kahan), NOT_FINITE when one is
// not finite or the sum overflows.
fn select_h(theta: ptr<function, Theta>, h: u32) -> u32 {
  var keyMin = INF_BITS;
  var keyMax = 0u;
  for (var i = 0u; i < MAX_POOL; i += 1u) {
    if (i >= job_m) { break; }
    let p = points[job_offset + i];
    let r = p.y - model_value(p.x, theta);
    let v = r * r;
    let key = select(INF_BITS, bitcast<u32>(v) & 0x7fffffffu, is_finite(v));
    keys[i] = key;
    keyMin = min(keyMin, key);
    keyMax = max(keyMax, key);
  }
  var lo = 0u;
  var hi = INF_BITS;
  if (SELECT_EARLY_EXIT == 1u) { lo = keyMin; hi = keyMax; }
  var exact = false;
  while (lo < hi) {
    let mid = lo + (hi - lo) / 2u;
    let count = count_keys_at_most(mid);
    if (SELECT_EARLY_EXIT == 1u && count == h) {
      lo = mid;
      exact = true;
      break;
    }
    if (count >= h) { hi = mid; } else { lo = mid + 1u; }
  }
  let kth = lo;
  // After an exact exit every key == kth is in (at most h of them).
  var equalBudget = h;
  if (!exact) { equalBudget = h - select(0u, count_keys_at_most(kth - 1u), kth > 0u); }
  var sum = 0.0;
  var comp = 0.0;
  var anyInfinite = false;
  // Word by word, so that mask is only indexed by the counter of a loop of MASK_WORDS trips.
  for (var w = 0u; w < MASK_WORDS; w += 1u) {
    var word = 0u;
    for (var j = 0u; j < MASK_WORD_BITS; j += 1u) {
      let i = w * 32u + j;
      if (i >= job_m) { break; }
      let key = keys[i];
      var take = key < kth;
      if (key == kth && equalBudget > 0u) { take = true; equalBudget -= 1u; }
      if (take) {
        word |= 1u << j;
        anyInfinite = anyInfinite || key == INF_BITS;
        let v = bitcast<f32>(key) - comp;
        let next = sum + v;
        comp = (next - sum) - v;
        sum = next;
      }
    }
    mask[w] = word;
  }
  count_mask();
  let bits = bitcast<u32>(sum) & 0x7fffffffu;
  return select(bits, NOT_FINITE, anyInfinite || bits >= INF_BITS);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let nTotal = params.jobCount * params.nCandidates;
  let c = gid.x;
  if (c >= nTotal) { return; }
  let job = jobs[c / params.nCandidates];
  let k = c % params.nCandidates;
  let m = job.mh & 0xffffu;
  let h = job.mh >> 16u;
  let jobBounds = bounds[job.bounds];
  job_offset = job.pointOffset;
  job_m = m;
  job_c0_fixed = jobBounds.c0Fixed;
  job_lower = jobBounds.lower;
  job_upper = jobBounds.upper;

  var theta: Theta;
  for (var q = 0u; q < 4u; q += 1u) { theta[q] = job.theta0[q]; }
  if (k > 0u) {
    var start: array<u32, RNG_MAX_SUBSET>;
    elemental_subset(job.seed, k, m, N_PARAMS, &start);
    for (var w = 0u; w < MASK_WORDS; w += 1u) {
      var word = 0u;
      for (var q = 0u; q < N_PARAMS; q += 1u) {
        if (start[q] / 32u == w) { word |= 1u << (start[q] % 32u); }
      }
      mask[w] = word;
    }
    count_mask();
    damped_gn(&theta, params.gnIterations, false);
  }
  for (var step = 0u; step < params.cSteps; step += 1u) {
    _ = select_h(&theta, h);
    damped_gn(&theta, params.gnIterations, true);
  }
  objectives[c] = select_h(&theta, h);
  for (var q = 0u; q < N_PARAMS; q += 1u) { thetas[q * nTotal + c] = theta[q]; }
}
