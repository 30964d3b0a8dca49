// Per job, the keepBest lowest-objective candidates (ties → lower candidate index), as keepLowest
// in src/core/lts.ts, so only those travel back to the host. One workgroup per job; each round is
// a workgroup argmin over the keys (objective bits, candidate) strictly above the previous winner.
// Prepended by the host: N_PARAMS, WORKGROUP_SIZE (a power of two). See README.md.

struct Params {
  jobCount: u32,
  nCandidates: u32,
  keepBest: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
// Objective keys from lts_candidates (f32 bits, NONE when not finite).
@group(0) @binding(1) var<storage, read> objectives: array<u32>;
@group(0) @binding(2) var<storage, read> thetas: array<f32>;
// Arrays over the chunk's J jobs and J·keepBest slots (slot = job·keepBest + r), one after the
// other, so the host reads each as one typed-array view: nonFinite[J], count[J] (rows filled),
// candidate[J·keepBest], objective bits[J·keepBest], theta bits[J·keepBest·N_PARAMS] (slot-major).
// Slots at r ≥ count hold candidate 0xffffffff, objective 0xffffffff and theta 0.
@group(0) @binding(3) var<storage, read_write> best: array<u32>;

const NONE: u32 = 0xffffffffu;

var<workgroup> wgKey: array<u32, WORKGROUP_SIZE>;
var<workgroup> wgIndex: array<u32, WORKGROUP_SIZE>;
var<workgroup> wgNonFinite: atomic<u32>;

fn objective_key(c: u32) -> u32 {
  return objectives[c];
}

fn lex_less(keyA: u32, idxA: u32, keyB: u32, idxB: u32) -> bool {
  return keyA < keyB || (keyA == keyB && idxA < idxB);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let job = wid.x;
  let nCand = params.nCandidates;
  let nTotal = params.jobCount * nCand;
  let base = job * nCand;
  let jobs = params.jobCount;
  let slots = jobs * params.keepBest;
  let candidateAt = 2u * jobs;
  let objectiveAt = candidateAt + slots;
  let thetaAt = objectiveAt + slots;
  var filled = 0u;

  if (lid == 0u) { atomicStore(&wgNonFinite, 0u); }
  workgroupBarrier();
  var nonFinite = 0u;
  for (var k = lid; k < nCand; k += WORKGROUP_SIZE) { nonFinite += select(0u, 1u, objective_key(base + k) == NONE); }
  atomicAdd(&wgNonFinite, nonFinite);

  var prevKey = 0u;
  var prevIndex = 0u;
  var havePrev = false;
  for (var r = 0u; r < params.keepBest; r += 1u) {
    var bestKey = NONE;
    var bestIndex = NONE;
    for (var k = lid; k < nCand; k += WORKGROUP_SIZE) {
      let key = objective_key(base + k);
      let above = !havePrev || lex_less(prevKey, prevIndex, key, k);
      if (key != NONE && above && lex_less(key, k, bestKey, bestIndex)) { bestKey = key; bestIndex = k; }
    }
    wgKey[lid] = bestKey;
    wgIndex[lid] = bestIndex;
    workgroupBarrier();
    for (var width = WORKGROUP_SIZE / 2u; width > 0u; width /= 2u) {
      if (lid < width && lex_less(wgKey[lid + width], wgIndex[lid + width], wgKey[lid], wgIndex[lid])) {
        wgKey[lid] = wgKey[lid + width];
        wgIndex[lid] = wgIndex[lid + width];
      }
      workgroupBarrier();
    }
    let winKey = wgKey[0];
    let winIndex = wgIndex[0];
    let slot = job * params.keepBest + r;
    if (winIndex != NONE) { filled += 1u; }
    if (lid == 0u) {
      best[candidateAt + slot] = winIndex;
      best[objectiveAt + slot] = winKey;
      for (var q = 0u; q < N_PARAMS; q += 1u) {
        var bits = 0u;
        if (winIndex != NONE) { bits = bitcast<u32>(thetas[q * nTotal + base + winIndex]); }
        best[thetaAt + slot * N_PARAMS + q] = bits;
      }
    }
    prevKey = winKey;
    prevIndex = winIndex;
    // After an empty round (winner NONE) nothing is above (NONE, NONE): later rounds stay empty.
    havePrev = true;
    // Everyone has read the winner before the next round overwrites the scratch.
    workgroupBarrier();
  }
  workgroupBarrier();
  if (lid == 0u) {
    best[job] = atomicLoad(&wgNonFinite);
    best[jobs + job] = filled;
  }
}
