/**
 * What every backend (CPU f64, WebGPU f32) computes: LTS candidate fits. A *job* is one
 * (curve, hyperparameter setting): a pool of points (the train points that survived Stage 1), the
 * trim size h, the Stage-1 fit theta0 (internal parameters) that every candidate starts from, and a
 * seed. Candidate k of a job is fully defined by `ltsCandidate` in src/core/lts.ts, so the backends
 * can be compared candidate by candidate. Backends return, per job, the `keepBest` lowest-objective
 * candidates (a flat BatchResult); the caller polishes those in f64 (C-steps to convergence) and
 * keeps the best.
 */
import type { ModelName, ModelSettings } from '../core/models/model.js';
import { TrimfitError } from '../api/errors.js';

export type BackendName = 'cpu' | 'webgpu';

export interface LtsJob {
  /** All points of the curve (the pool indexes into these). */
  x: Float64Array;
  y: Float64Array;
  /** Indices into x/y of the points candidates may use (length m ≥ nParams + 1). */
  pool: Int32Array;
  /** Number of points kept by the trimmed objective, nParams < h ≤ m. */
  h: number;
  /** Internal parameters of the Stage-1 fit; every candidate starts from it. */
  theta0: Float64Array;
  /** u32 seed for this job's elemental subsets (candidate k uses stream k). */
  seed: number;
  /** Data range the model bounds were derived from (passed to createModel). */
  xMin: number;
  xMax: number;
  xMinPositive: number;
  /** Model settings of this job (freeEpsilon, uMax, bounds). */
  settings: ModelSettings;
}

export interface LtsBatch {
  model: ModelName;
  jobs: LtsJob[];
  /** Candidates per job: candidate 0 starts from theta0 itself, 1..n−1 from elemental subsets. */
  nCandidates: number;
  /** C-steps per candidate (FAST-LTS uses 2 before keeping the best few). */
  cSteps: number;
  /** Damped Gauss–Newton iterations per (re)fit inside a candidate. */
  gnIterations: number;
  /** How many lowest-objective candidates to return per job. */
  keepBest: number;
}

/**
 * What a backend returns for a batch: per job, its `keepBest` lowest-objective candidates, sorted by
 * objective ascending (ties: lower candidate index first), in flat typed arrays. Row r of job j is
 * slot s = j·keepBest + r and is filled for r < count[j]; its θ is theta[s·thetaStride ..
 * s·thetaStride + nParams[j]). One array per field, not an object per candidate: a GPU batch holds
 * millions of rows, and objects cost about 100× more to create, keep and send between threads
 * (docs/performance.md). `jobResults` gives the object form where that does not matter.
 */
export interface BatchResult {
  readonly jobCount: number;
  readonly keepBest: number;
  /** Entries per slot in `theta` (the largest nParams of the batch). */
  readonly thetaStride: number;
  /** Per job: the model's number of internal parameters. */
  readonly nParams: Int32Array;
  /** Per job: filled rows, ≤ keepBest (fewer when fewer candidates had a finite objective). */
  readonly count: Int32Array;
  /** Per job: candidates whose objective was not finite (excluded from the rows). */
  readonly nonFinite: Int32Array;
  /** Per slot: the candidate index. Slots at r ≥ count[j] hold no candidate (their entries are 0). */
  readonly candidate: Int32Array;
  /** Per slot: the trimmed objective. */
  readonly objective: Float64Array;
  /** Per slot: the internal parameters after the candidate's last C-step (thetaStride entries). */
  readonly theta: Float64Array;
}

/**
 * An empty result for `jobCount` jobs: no rows filled, every entry 0. Unfilled slots are not
 * marked: filling 2^22 candidates' worth of slots with a marker costs more than decoding them.
 */
export function createBatchResult(jobCount: number, keepBest: number, thetaStride: number): BatchResult {
  const slots = jobCount * keepBest;
  return {
    jobCount,
    keepBest,
    thetaStride,
    nParams: new Int32Array(jobCount),
    count: new Int32Array(jobCount),
    nonFinite: new Int32Array(jobCount),
    candidate: new Int32Array(slots),
    objective: new Float64Array(slots),
    theta: new Float64Array(slots * thetaStride),
  };
}

/** Copies job `from` of `src` into job `to` of `dst` (same keepBest; dst.thetaStride ≥ the job's nParams). */
export function copyJobResult(src: BatchResult, from: number, dst: BatchResult, to: number): void {
  const p = src.nParams[from];
  dst.nParams[to] = p;
  dst.count[to] = src.count[from];
  dst.nonFinite[to] = src.nonFinite[from];
  for (let r = 0; r < src.count[from]; r++) {
    const a = from * src.keepBest + r;
    const b = to * dst.keepBest + r;
    dst.candidate[b] = src.candidate[a];
    dst.objective[b] = src.objective[a];
    dst.theta.set(src.theta.subarray(a * src.thetaStride, a * src.thetaStride + p), b * dst.thetaStride);
  }
}

/** The buffers of a result, for a zero-copy transfer to another thread. */
export function batchResultBuffers(r: BatchResult): ArrayBuffer[] {
  return [r.nParams, r.count, r.nonFinite, r.candidate, r.objective, r.theta].map((a) => a.buffer as ArrayBuffer);
}

export interface CandidateResult {
  candidate: number;
  objective: number;
  /** Internal parameters after the candidate's last C-step. */
  theta: Float64Array;
}

/** One job of a BatchResult as objects (see `jobResults`). */
export interface JobResult {
  /** Sorted by objective ascending (ties: lower candidate index first). */
  best: CandidateResult[];
  /** Candidates whose objective was not finite (excluded from best). */
  nonFinite: number;
}

/** Rows of job j as objects; each θ is a copy, so it outlives and does not pin the batch's arrays. */
export function jobResult(r: BatchResult, j: number): JobResult {
  if (!(Number.isInteger(j) && j >= 0 && j < r.jobCount)) throw new TrimfitError('invalid-option', 'job', r.jobCount > 0 ? `an integer in [0, ${r.jobCount - 1}]` : 'no index (the result has no jobs)', j);
  const best: CandidateResult[] = [];
  const p = r.nParams[j];
  for (let k = 0, s = j * r.keepBest; k < r.count[j]; k++, s++) {
    best.push({ candidate: r.candidate[s], objective: r.objective[s], theta: r.theta.slice(s * r.thetaStride, s * r.thetaStride + p) });
  }
  return { best, nonFinite: r.nonFinite[j] };
}

/** Every job of a BatchResult as objects, in batch order. */
export function jobResults(r: BatchResult): JobResult[] {
  return Array.from({ length: r.jobCount }, (_, j) => jobResult(r, j));
}

export interface CandidateBackend {
  readonly name: BackendName;
  /** Human-readable description, e.g. the adapter name. */
  readonly description: string;
  /** The keepBest lowest-objective candidates of every job, in batch order. */
  evaluate(batch: LtsBatch, signal?: AbortSignal): Promise<BatchResult>;
  dispose(): Promise<void>;
}
