/**
 * LTS candidate fits for the sigmoid as one gpu.js kernel (one candidate per thread), measured
 * against shaders/lts_candidates.wgsl and the f64 reference (ltsCandidate in src/core/lts.ts).
 *
 * It evaluates the same procedure in the same conditioned frame: packLtsChunk (the WebGPU host
 * code) conditions and packs the points, fused damped Gauss–Newton as in damped_gn_fused, C-steps,
 * and the trimmed objective summed (Kahan) in pool order. What gpu.js's kernel language cannot
 * express, and the workaround used here:
 * - No per-thread arrays beyond 4 floats: the h-smallest selection cannot keep keys or a mask.
 *   Selection is a bisection on the squared-residual value (geometric while the bracket spans
 *   orders of magnitude) whose every probe recomputes all m residuals; the selected set is then
 *   remembered as (θ at selection, threshold K, last tied position) and membership is recomputed
 *   (one more exp per point) inside every Gauss–Newton pass.
 * - No integer/bit arithmetic (no u32 hash, no bitcast): the elemental start subsets come from
 *   the host (elementalSubset, 4 floats per candidate), and "non-finite" is `!(v < FINITE_LIMIT)`.
 * - No arrays for the 4×4 system: JᵀJ (10 entries), Jᵀr and the Cholesky factor are scalars,
 *   the solve unrolled. Fixed c0 runs as 4 parameters with a zero gradient column and
 *   lower = upper = c0, which leaves the 3-parameter Cholesky results bit-identical.
 * - One value of at most 4 floats per thread: [objective, b, m, u]; c0 leaves through a kernel map
 *   (4 floats again, 3 of them unused).
 */
import { batchJobs, type LtsBatch } from '../../src/backends/backend.js';
import { LTS_BOUNDS_WORD, LTS_JOB_WORD, sigmoidFromFrame, type ConditionedFrame } from '../../src/backends/webgpu/kernels/lts_candidates.js';
import { packLtsChunk } from '../../src/backends/webgpu/prepare.js';
import { createModel } from '../../src/core/models/index.js';
import type { Model } from '../../src/core/models/model.js';
import { elementalSubset } from '../../src/core/rng.js';

/** Floats per job row of the `jobs` input: offset, m, h, free c0, θ0[4], lower[4], upper[4]. */
export const JOB_FLOATS = 16;
/** Floats per candidate of the `starts` input (pool positions, −1 when unused or k = 0). */
export const START_FLOATS = 4;
/** Objective written for a candidate whose trimmed objective is not finite. */
export const NOT_FINITE_OBJECTIVE = -1;

export interface KernelConstants {
  nCandidates: number;
  cSteps: number;
  gnIterations: number;
  /** Largest pool of the batch: the constant bound of every loop over pool positions. */
  maxPool: number;
  [key: string]: number;
}

/** What gpu.js binds `this` to inside a kernel (the part used here). */
export interface KernelThis {
  thread: { x: number };
  constants: KernelConstants;
}

/**
 * Squared residual of f(t) = c0 + (u − c0)/(1 + exp(b·(mid − t))) (model_value in
 * shaders/lib/sigmoid.wgsl, conditioned frame); NaN and values ≥ 3e38 become 3e38, which counts as
 * infinite (trimmed first). f is inlined: gpu.js emits helper functions in an order GLSL rejects
 * when one calls another that the kernel does not call first.
 */
export function squaredResidual(t: number, y: number, b: number, mid: number, u: number, c0: number): number {
  let f = c0;
  if (t > -1e38) f = c0 + (u - c0) / (1 + Math.exp(Math.min(Math.max(b * (mid - t), -80), 80)));
  const r = y - f;
  const v = r * r;
  if (v < 3e38) return v;
  return 3e38;
}

/**
 * 1 when pool position i is in the current fit set: phase 0 the elemental subset s0..s3, later the
 * h smallest squared residuals under the selection θ (sb, sm, su, sc): v < kth, or v = kth up to
 * position lastEq (ties → lower position, as smallestH).
 */
export function isMember(i: number, phase: number, s0: number, s1: number, s2: number, s3: number, t: number, y: number, sb: number, sm: number, su: number, sc: number, kth: number, lastEq: number): number {
  if (phase < 0.5) {
    if (i === s0 || i === s1 || i === s2 || i === s3) return 1;
    return 0;
  }
  const v = squaredResidual(t, y, sb, sm, su, sc);
  if (v < kth) return 1;
  if (v === kth && i <= lastEq) return 1;
  return 0;
}

/**
 * Records c0 through a kernel map as a second output. It returns 4 floats because gpu.js gives a
 * kernel map's outputs the kernel's return type.
 */
export function keepC0(v: number): number[] {
  return [v, 0, 0, 0];
}

/** The kernel body (gpu.js parses this function's source: plain arithmetic, scalars, loops). */
export function ltsCandidatesKernel(this: KernelThis, points: number[], jobs: number[], starts: number[]): number[] {
  const c = this.thread.x;
  const j = Math.floor(c / this.constants.nCandidates);
  const k = c - j * this.constants.nCandidates;
  const jb = j * 16;
  const offset = jobs[jb];
  const m = jobs[jb + 1];
  const h = jobs[jb + 2];
  const free = jobs[jb + 3];
  let b = jobs[jb + 4];
  let mid = jobs[jb + 5];
  let u = jobs[jb + 6];
  let c0 = jobs[jb + 7];
  const lo0 = jobs[jb + 8];
  const lo1 = jobs[jb + 9];
  const lo2 = jobs[jb + 10];
  const lo3 = jobs[jb + 11];
  const up0 = jobs[jb + 12];
  const up1 = jobs[jb + 13];
  const up2 = jobs[jb + 14];
  const up3 = jobs[jb + 15];
  const s0 = starts[c * 4];
  const s1 = starts[c * 4 + 1];
  const s2 = starts[c * 4 + 2];
  const s3 = starts[c * 4 + 3];
  let sb = b;
  let sm = mid;
  let su = u;
  let sc = c0;
  let kth = 0;
  let lastEq = 0;
  let objective = 0;
  const finalPhase = this.constants.cSteps + 1;
  for (let phase = 0; phase < 64; phase++) {
    if (phase > 0) {
      // Select the h smallest squared residuals under the current θ.
      sb = b;
      sm = mid;
      su = u;
      sc = c0;
      let keyMin = 3e38;
      let keyMax = 0;
      for (let i = 0; i < this.constants.maxPool; i++) {
        if (i >= m) break;
        const v = squaredResidual(points[2 * (offset + i)], points[2 * (offset + i) + 1], sb, sm, su, sc);
        keyMin = Math.min(keyMin, v);
        keyMax = Math.max(keyMax, v);
      }
      // kth: the smallest value with at least h keys ≤ it; exact when exactly h keys are ≤ kth.
      // Invariant: count(≤ lo) < h ≤ count(≤ hi); the first probe is keyMin (nothing lies below).
      let exact = 0;
      let lo = -1;
      let hi = keyMax;
      for (let probe = 0; probe < 400; probe++) {
        let p = keyMin;
        if (probe > 0) {
          p = lo + (hi - lo) / 2;
          if (lo <= 0) p = hi / 1024;
          if (lo > 0 && hi > 4 * lo) p = Math.sqrt(lo) * Math.sqrt(hi);
          if (!(p > lo && p < hi)) p = lo + (hi - lo) / 2;
          // lo and hi are adjacent floats: kth = hi.
          if (!(p > lo && p < hi)) break;
        }
        let n = 0;
        for (let i = 0; i < this.constants.maxPool; i++) {
          if (i >= m) break;
          if (squaredResidual(points[2 * (offset + i)], points[2 * (offset + i) + 1], sb, sm, su, sc) <= p) n += 1;
        }
        if (n === h) {
          hi = p;
          exact = 1;
          break;
        }
        if (n > h) {
          hi = p;
          if (probe === 0) break;
        } else {
          lo = p;
        }
      }
      kth = hi;
      lastEq = this.constants.maxPool;
      if (exact < 0.5) {
        // kth is a key value: take the keys equal to it by position until h are in.
        let below = 0;
        for (let i = 0; i < this.constants.maxPool; i++) {
          if (i >= m) break;
          if (squaredResidual(points[2 * (offset + i)], points[2 * (offset + i) + 1], sb, sm, su, sc) < kth) below += 1;
        }
        let equal = 0;
        for (let i = 0; i < this.constants.maxPool; i++) {
          if (i >= m) break;
          if (squaredResidual(points[2 * (offset + i)], points[2 * (offset + i) + 1], sb, sm, su, sc) === kth) {
            equal += 1;
            if (equal >= h - below) {
              lastEq = i;
              break;
            }
          }
        }
      }
    }
    if (phase === finalPhase) {
      let sum = 0;
      let comp = 0;
      let anyInfinite = 0;
      for (let i = 0; i < this.constants.maxPool; i++) {
        if (i >= m) break;
        const v = squaredResidual(points[2 * (offset + i)], points[2 * (offset + i) + 1], sb, sm, su, sc);
        if (v < kth || (v === kth && i <= lastEq)) {
          if (v >= 3e38) anyInfinite = 1;
          const x = v - comp;
          const next = sum + x;
          comp = next - sum - x;
          sum = next;
        }
      }
      objective = sum;
      if (anyInfinite > 0.5 || !(sum < 3e38)) objective = -1;
      break;
    }
    if (phase > 0 || k > 0) {
      // Fused damped Gauss–Newton over the fit set: one pass per iteration at the probe point.
      let lambda = 0.001;
      let cSse = 0;
      let c00 = 0;
      let c10 = 0;
      let c11 = 0;
      let c20 = 0;
      let c21 = 0;
      let c22 = 0;
      let c30 = 0;
      let c31 = 0;
      let c32 = 0;
      let c33 = 0;
      let cr0 = 0;
      let cr1 = 0;
      let cr2 = 0;
      let cr3 = 0;
      let pb = b;
      let pm = mid;
      let pu = u;
      let pc = c0;
      let haveProbe = 1;
      for (let it = 0; it < 1000; it++) {
        let accepted = 0;
        if (haveProbe > 0.5) {
          let sse = 0;
          let comp = 0;
          let n00 = 0;
          let n10 = 0;
          let n11 = 0;
          let n20 = 0;
          let n21 = 0;
          let n22 = 0;
          let n30 = 0;
          let n31 = 0;
          let n32 = 0;
          let n33 = 0;
          let r0 = 0;
          let r1 = 0;
          let r2 = 0;
          let r3 = 0;
          for (let i = 0; i < this.constants.maxPool; i++) {
            if (i >= m) break;
            const t = points[2 * (offset + i)];
            const y = points[2 * (offset + i) + 1];
            if (isMember(i, phase, s0, s1, s2, s3, t, y, sb, sm, su, sc, kth, lastEq) > 0.5) {
              let g0 = 0;
              let g1 = 0;
              let g2 = 0;
              let g3 = free;
              let f = pc;
              if (t > -1e38) {
                const d = pm - t;
                const e = Math.exp(Math.min(Math.max(pb * d, -80), 80));
                const s = 1 / (1 + e);
                const oneMinusS = e * s;
                const amp = pu - pc;
                const dfdz = -amp * s * oneMinusS;
                g0 = dfdz * d;
                g1 = dfdz * pb;
                g2 = s;
                g3 = free * oneMinusS;
                f = pc + amp * s;
              }
              const r = y - f;
              const x = r * r - comp;
              const next = sse + x;
              comp = next - sse - x;
              sse = next;
              r0 += g0 * r;
              r1 += g1 * r;
              r2 += g2 * r;
              r3 += g3 * r;
              n00 += g0 * g0;
              n10 += g1 * g0;
              n11 += g1 * g1;
              n20 += g2 * g0;
              n21 += g2 * g1;
              n22 += g2 * g2;
              n30 += g3 * g0;
              n31 += g3 * g1;
              n32 += g3 * g2;
              n33 += g3 * g3;
            }
          }
          if (it === 0 || (sse < 3e38 && sse < cSse)) {
            if (it > 0) accepted = 1;
            b = pb;
            mid = pm;
            u = pu;
            c0 = pc;
            cSse = sse;
            c00 = n00;
            c10 = n10;
            c11 = n11;
            c20 = n20;
            c21 = n21;
            c22 = n22;
            c30 = n30;
            c31 = n31;
            c32 = n32;
            c33 = n33;
            cr0 = r0;
            cr1 = r1;
            cr2 = r2;
            cr3 = r3;
          }
        }
        if (it > 0) {
          if (accepted > 0.5) lambda = Math.max(lambda / 10, 1e-7);
          else lambda = Math.min(lambda * 10, 1e7);
        }
        if (it >= this.constants.gnIterations) break;
        // A = JᵀJ + λ·diag(JᵀJ) + 1e-12·I, Cholesky (unrolled), solve A·δ = Jᵀr.
        haveProbe = 0;
        let dd = c00 + (lambda * c00 + 1e-12);
        if (dd > 0 && dd < 3e38) {
          const l00 = Math.sqrt(dd);
          const l10 = c10 / l00;
          const l20 = c20 / l00;
          const l30 = c30 / l00;
          dd = c11 + (lambda * c11 + 1e-12) - l10 * l10;
          if (dd > 0 && dd < 3e38) {
            const l11 = Math.sqrt(dd);
            const l21 = (c21 - l20 * l10) / l11;
            const l31 = (c31 - l30 * l10) / l11;
            dd = c22 + (lambda * c22 + 1e-12) - l20 * l20 - l21 * l21;
            if (dd > 0 && dd < 3e38) {
              const l22 = Math.sqrt(dd);
              const l32 = (c32 - l30 * l20 - l31 * l21) / l22;
              dd = c33 + (lambda * c33 + 1e-12) - l30 * l30 - l31 * l31 - l32 * l32;
              if (dd > 0 && dd < 3e38) {
                const l33 = Math.sqrt(dd);
                const z0 = cr0 / l00;
                const z1 = (cr1 - l10 * z0) / l11;
                const z2 = (cr2 - l20 * z0 - l21 * z1) / l22;
                const z3 = (cr3 - l30 * z0 - l31 * z1 - l32 * z2) / l33;
                const d3 = z3 / l33;
                const d2 = (z2 - l32 * d3) / l22;
                const d1 = (z1 - l21 * d2 - l31 * d3) / l11;
                const d0 = (z0 - l10 * d1 - l20 * d2 - l30 * d3) / l00;
                pb = Math.min(Math.max(b + d0, lo0), up0);
                pm = Math.min(Math.max(mid + d1, lo1), up1);
                pu = Math.min(Math.max(u + d2, lo2), up2);
                pc = Math.min(Math.max(c0 + d3, lo3), up3);
                haveProbe = 1;
              }
            }
          }
        }
      }
    }
  }
  keepC0(c0);
  return [objective, b, mid, u];
}

/** The kernel's inputs for a batch (sigmoid only), and what is needed to map results back. */
export interface PackedBatch {
  points: Float32Array;
  jobs: Float32Array;
  starts: Float32Array;
  frames: ConditionedFrame[];
  models: Model[];
  constants: KernelConstants;
  nTotal: number;
}

export function packBatch(batch: LtsBatch): PackedBatch {
  const batchJobList = batchJobs(batch);
  const models = batchJobList.map((job) => createModel(batch.model, job.settings, { xMin: job.xMin, xMax: job.xMax, xMinPositive: job.xMinPositive }));
  // Each job is packed alone (packLtsChunk) and the points concatenated.
  let totalPoints = 0;
  let maxPool = 0;
  for (const job of batchJobList) {
    totalPoints += job.pool.length;
    maxPool = Math.max(maxPool, job.pool.length);
  }
  const nTotal = batchJobList.length * batch.nCandidates;
  const points = new Float32Array(2 * totalPoints);
  const jobs = new Float32Array(JOB_FLOATS * batchJobList.length);
  const starts = new Float32Array(START_FLOATS * nTotal).fill(-1);
  const frames: ConditionedFrame[] = [];
  let offset = 0;
  batchJobList.forEach((job, j) => {
    const model = models[j];
    const p = model.nParams;
    const packed = packLtsChunk([job]);
    frames.push(packed.frames[0]);
    points.set(packed.points, 2 * offset);
    // The packed Job struct (theta0) and its Bounds struct (lower, upper, c0Fixed), in the frame.
    const f32 = new Float32Array(packed.jobs.buffer, packed.jobs.byteOffset, packed.jobs.length);
    const bounds = packed.bounds;
    const row = JOB_FLOATS * j;
    jobs[row] = offset;
    jobs[row + 1] = job.pool.length;
    jobs[row + 2] = job.h;
    jobs[row + 3] = p === 4 ? 1 : 0;
    for (let q = 0; q < 4; q++) {
      jobs[row + 4 + q] = f32[LTS_JOB_WORD.theta0 + q];
      jobs[row + 8 + q] = bounds[LTS_BOUNDS_WORD.lower + q];
      jobs[row + 12 + q] = bounds[LTS_BOUNDS_WORD.upper + q];
    }
    if (p === 3) {
      // c0 fixed at its frame value (Bounds.c0Fixed): pinned by equal bounds, zero gradient.
      jobs[row + 7] = jobs[row + 11] = jobs[row + 15] = bounds[LTS_BOUNDS_WORD.c0Fixed];
    }
    const subset = new Int32Array(p);
    for (let k = 1; k < batch.nCandidates; k++) {
      elementalSubset(job.seed, k, job.pool.length, p, subset);
      starts.set(subset, START_FLOATS * (j * batch.nCandidates + k));
    }
    offset += job.pool.length;
  });
  return { points, jobs, starts, frames, models, constants: { nCandidates: batch.nCandidates, cSteps: batch.cSteps, gnIterations: batch.gnIterations, maxPool }, nTotal };
}

export interface DecodedCandidate {
  candidate: number;
  /** Trimmed objective in the data's units (NaN when the kernel reported it non-finite). */
  objective: number;
  theta: Float64Array;
}

/** Kernel outputs → per job, every candidate in data units (f64 from the frame). */
export function decode(packed: PackedBatch, result: ArrayLike<ArrayLike<number>>, c0: ArrayLike<ArrayLike<number>>): DecodedCandidate[][] {
  const { frames, models, constants } = packed;
  return frames.map((frame, j) => {
    const p = models[j].nParams;
    return Array.from({ length: constants.nCandidates }, (_, k) => {
      const r = result[j * constants.nCandidates + k];
      const thetaFrame = [r[1], r[2], r[3], c0[j * constants.nCandidates + k][0]];
      return {
        candidate: k,
        objective: r[0] === NOT_FINITE_OBJECTIVE ? NaN : r[0] * frame.yScale * frame.yScale,
        theta: sigmoidFromFrame(thetaFrame, frame, p),
      };
    });
  });
}
