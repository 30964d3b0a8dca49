/**
 * Public options with their defaults, resolved once into fully-required internal types.
 * Validation happens here, at the door: everything below trusts what it receives.
 */
import type { ModelName } from '../core/models/model.js';
import type { Hyper, PipelineOptions } from '../core/pipeline.js';

export interface BootstrapSettings {
  /** Bootstrap resamples for confidence intervals; 0 turns the bootstrap off. @default 0 */
  resamples?: number;
  /** Two-sided confidence level of the intervals. @default 0.95 */
  level?: number;
  /** x values at which to report prediction intervals. @default [] */
  predictAt?: number[];
}

export interface FitOptions {
  /** Model to fit. @default 'sigmoid' */
  model?: ModelName;
  /** Run Stage 2 (Least Trimmed Squares by C-steps) after Stage 1. @default false */
  lts?: boolean;
  /** LTS coverage: h = ⌊N·alpha⌋ of the N Stage-1 survivors are kept. Range [0.5, 1]. @default 0.75 */
  alpha?: number;
  /** Stage-1 modified z-score threshold τ (> 0). @default 2.5 */
  tau?: number;
  /** Train index range [start, end) over the points sorted by x. @default [0, round(0.6·n)] */
  train?: [number, number];
  /** Validation index range [start, end). @default [train end, n] */
  val?: [number, number];
  /** Sigmoid: fit c0 ≥ 0 (the paper's ε) instead of fixing c0 = 0. @default false */
  freeEpsilon?: boolean;
  /** Sigmoid only: upper limit of the score (100 for percentages). With `pSft`, bounds u ≤ scoreCap − pSft. @default Infinity */
  scoreCap?: number;
  /** Sigmoid only: lower limit of the score (0 for percentages). With `pSft`, bounds u ≥ scoreFloor − pSft. @default -Infinity */
  scoreFloor?: number;
  /** Score of the starting checkpoint that y is a gain over (the paper's P_sft). @default 0 */
  pSft?: number;
  /** Sigmoid: lower bound of the steepness b. @default 0.05 */
  bMin?: number;
  /** Sigmoid: upper bound of the steepness b. @default 20 */
  bMax?: number;
  /** Sigmoid: lower bound of cMid (x units). @default min positive x / 100 */
  cMidMin?: number;
  /** Sigmoid: upper bound of cMid (x units): by default the midpoint must lie within the observed x range. @default max x */
  cMidMax?: number;
  /** Multi-start count of every full nonlinear fit. @default 4 */
  nStarts?: number;
  /** LTS candidates per fit (candidate 0 starts from the Stage-1 fit, the rest from random elemental subsets). @default 64 */
  ltsStarts?: number;
  /** C-steps per candidate before the best are kept. @default 2 */
  cSteps?: number;
  /** Damped Gauss–Newton iterations per refit inside a candidate. @default 8 */
  gnIterations?: number;
  /** Candidates polished to convergence in f64. @default 10 */
  keepBest?: number;
  /** Cap on C-steps when polishing. @default 50 */
  maxCSteps?: number;
  /** Cap on Stage-1 rejection rounds. @default 10 */
  maxStage1Rounds?: number;
  /** Weight g of the overfitting gap in the score r2Val − g·max(0, r2Train − r2Val). @default 0.2 */
  gapWeight?: number;
  /** Seed of every random choice (LTS subsets, bootstrap). @default 1 */
  seed?: number;
  /** Bootstrap confidence intervals. @default { resamples: 0 } */
  bootstrap?: BootstrapSettings;
}

export interface ResolvedBootstrap {
  resamples: number;
  level: number;
  predictAt: number[];
}

/** FitOptions with every field resolved for a curve of n points. */
export interface ResolvedFitOptions {
  model: ModelName;
  hyper: Hyper;
  pipeline: PipelineOptions;
  scoreCap: number;
  pSft: number;
  bootstrap: ResolvedBootstrap;
}

export const DEFAULTS = {
  model: 'sigmoid' as ModelName,
  lts: false,
  alpha: 0.75,
  tau: 2.5,
  trainFraction: 0.6,
  freeEpsilon: false,
  scoreCap: Infinity,
  pSft: 0,
  bMin: 0.05,
  bMax: 20,
  nStarts: 4,
  ltsStarts: 64,
  cSteps: 2,
  gnIterations: 8,
  keepBest: 10,
  maxCSteps: 50,
  maxStage1Rounds: 10,
  gapWeight: 0.2,
  seed: 1,
  bootstrapLevel: 0.95,
} as const;
