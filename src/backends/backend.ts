/**
 * What every backend (CPU f64, WebGPU f32) computes: LTS candidate fits. A *job* is one
 * (curve, hyperparameter setting): a pool of points (the train points that survived Stage 1), the
 * trim size h, the Stage-1 fit theta0 (internal parameters) that every candidate starts from, and a
 * seed. Candidate k of a job is fully defined by `ltsCandidate` in src/core/lts.ts, so the backends
 * can be compared candidate by candidate. Backends return, per job, the `keepBest` lowest-objective
 * candidates; the caller polishes those in f64 (C-steps to convergence) and keeps the best.
 */
import type { ModelName, ModelSettings } from '../core/models/model.js';

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

export interface CandidateResult {
  candidate: number;
  objective: number;
  /** Internal parameters after the candidate's last C-step. */
  theta: Float64Array;
}

export interface JobResult {
  /** Sorted by objective ascending (ties: lower candidate index first). */
  best: CandidateResult[];
  /** Candidates whose objective was not finite (excluded from best). */
  nonFinite: number;
}

export interface CandidateBackend {
  readonly name: BackendName;
  /** Human-readable description, e.g. the adapter name. */
  readonly description: string;
  evaluate(batch: LtsBatch, signal?: AbortSignal): Promise<JobResult[]>;
  dispose(): Promise<void>;
}
