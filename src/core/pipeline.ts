/**
 * The robust fitting pipeline for one curve and one hyperparameter setting (Ding et al. App. F):
 *   1. Stage 1 — iterated modified z-score rejection on the train points (stage1.ts).
 *   2. Stage 2 (when lts) — FAST-LTS over the Stage-1 survivors with h = ⌊N·alpha⌋, N the number of
 *      survivors: candidate 0 starts from the Stage-1 fit, candidates 1.. from elemental subsets;
 *      the keepBest lowest objectives are polished in f64 (C-steps to convergence); lowest wins.
 *   3. Metrics on the final fit: r2Train over the points the final fit used, r2Val and rmseVal over
 *      all validation points, SSE, standard errors.
 * The work is split into prepare → (candidate evaluation, on any backend) → finish, so a sweep can
 * send every LTS job of many curves and settings to the GPU in one batch. `robustFitSync` runs the
 * three in-line in f64.
 */
import { evaluationDomain, type Model, type ModelName, type ModelSettings } from './models/model.js';
import { createModel } from './models/index.js';
import { fitNls, standardErrors } from './nls.js';
import type { FitStatus, NlsResult } from './lm.js';
import { stage1, type Stage1Result } from './stage1.js';
import { evaluateJobF64, polishCandidate, sameSubset, smallestH, squaredResiduals, type CandidateOutcome, type PolishOutcome } from './lts.js';
import { differenceNoiseScale, endRun, indexRange, NOISE_MULTIPLE_OF_A_MISS, rmse, rSquared, selectionScore } from './metrics.js';
import { rngU32 } from './rng.js';
import { ltsConsistencyFactor } from './linear-lts.js';
import type { BootstrapProcedure } from './bootstrap.js';
import { firstFitKey, stage1Key } from './search.js';

/** One hyperparameter setting, fully resolved. Index ranges are over the curve's sorted points. */
export interface Hyper {
  trainStart: number;
  trainEnd: number;
  valStart: number;
  valEnd: number;
  tau: number;
  lts: boolean;
  alpha: number;
  freeEpsilon: boolean;
}

/** Fully-resolved numerical options of the pipeline (the api layer documents defaults). */
export interface PipelineOptions {
  modelSettings: Omit<ModelSettings, 'freeEpsilon'>;
  nStarts: number;
  ltsStarts: number;
  cSteps: number;
  gnIterations: number;
  keepBest: number;
  maxCSteps: number;
  maxStage1Rounds: number;
  gapWeight: number;
  seed: number;
}

export interface Curve {
  x: Float64Array;
  y: Float64Array;
}

export interface LtsJobSpec {
  pool: Int32Array;
  h: number;
  theta0: Float64Array;
  seed: number;
}

export interface Prepared {
  model: Model;
  modelName: ModelName;
  curve: Curve;
  hyper: Hyper;
  train: Int32Array;
  val: Int32Array;
  stage1: Stage1Result;
  /** Present when Stage 2 runs. */
  job: LtsJobSpec | null;
  dataRange: { xMin: number; xMax: number; xMinPositive: number };
  settings: ModelSettings;
}

export interface RobustFitCore {
  model: Model;
  theta: Float64Array;
  params: Record<string, number>;
  stage1Params: Record<string, number>;
  status: FitStatus;
  message: string;
  /** LTS: sum of the h smallest squared residuals; otherwise the SSE over the Stage-1 survivors. */
  objective: number;
  /** Trim size (LTS) or the number of points fitted. */
  h: number;
  /** 1 where the point was used by the final fit. Length n. */
  inlierMask: Uint8Array;
  /** Point indices rejected by Stage 1 and trimmed by LTS. */
  stage1Rejected: Int32Array;
  ltsTrimmed: Int32Array;
  r2Train: number | null;
  r2Val: number | null;
  rmseVal: number | null;
  sse: number;
  score: number;
  standardErrors: Record<string, number>;
  diagnostics: {
    nTrain: number;
    nVal: number;
    stage1Rounds: number;
    stage1Stop: string;
    ltsCandidates: number;
    ltsBestCandidate: number;
    ltsCStepsTaken: number;
    ltsConverged: boolean;
    lmIterations: number;
    /** The curve's point-to-point noise σ from successive differences (differenceNoiseScale), the yardstick of the 'poor-validation' warning. */
    noiseScale: number;
    /**
     * The validation points at the curve's end that all miss the fit on one side by more than
     * NOISE_MULTIPLE_OF_A_MISS·σ (endRun): a collapse (below) or a rise past the fit (above) from
     * x = fromX on. null when the last point is within that, or σ is 0.
     */
    valTail: { points: number; side: 'below' | 'above'; fromX: number } | null;
  };
}

export function dataRange(x: ArrayLike<number>): { xMin: number; xMax: number; xMinPositive: number } {
  let xMin = Infinity;
  let xMax = -Infinity;
  let xMinPositive = Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < xMin) xMin = v;
    if (v > xMax) xMax = v;
    if (v > 0 && v < xMinPositive) xMinPositive = v;
  }
  return { xMin, xMax, xMinPositive };
}

/** Seed of the LTS job for (user seed, curve, setting): a pure function, identical on every backend. */
export function jobSeed(seed: number, curveIndex: number, settingIndex: number): number {
  return rngU32(seed, curveIndex, settingIndex);
}

/**
 * What the settings of one curve's search share (one cache per curve and pipeline options): Stage 1
 * by `stage1Key` (settings that differ only in LTS/alpha) and its first fit by `firstFitKey`
 * (settings that differ only in tau, LTS or alpha).
 */
export interface Stage1Cache {
  stage1: Map<string, Stage1Result>;
  firstFit: Map<string, NlsResult>;
}

export function createStage1Cache(): Stage1Cache {
  return { stage1: new Map(), firstFit: new Map() };
}

/** Stage 1 (shared through `cache` when one is given) and the LTS job of one setting. */
export function prepareRobustFit(modelName: ModelName, curve: Curve, hyper: Hyper, options: PipelineOptions, seed: number, cache?: Stage1Cache): Prepared {
  const n = curve.x.length;
  const settings: ModelSettings = { ...options.modelSettings, freeEpsilon: hyper.freeEpsilon };
  const range = dataRange(curve.x);
  const model = createModel(modelName, settings, range);
  const train = indexRange(hyper.trainStart, hyper.trainEnd, n);
  const val = indexRange(hyper.valStart, hyper.valEnd, n);
  const p = model.nParams;
  const key = stage1Key(hyper);
  let s1 = cache?.stage1.get(key);
  if (!s1) {
    let first: NlsResult | undefined;
    if (cache) {
      const fitKey = firstFitKey(hyper);
      first = cache.firstFit.get(fitKey);
      if (!first) cache.firstFit.set(fitKey, (first = fitNls(model, curve.x, curve.y, train, { nStarts: options.nStarts })));
    }
    s1 = stage1(model, curve.x, curve.y, train, { tau: hyper.tau, maxRounds: options.maxStage1Rounds, minPoints: stage1MinPoints(p), nStarts: options.nStarts }, first);
    cache?.stage1.set(key, s1);
  }
  let job: LtsJobSpec | null = null;
  if (hyper.lts) {
    const m = s1.kept.length;
    const h = Math.floor(m * hyper.alpha);
    // LTS needs more points than parameters in the trimmed set and something to trim.
    if (h > p && h < m) job = { pool: s1.kept, h, theta0: Float64Array.from(s1.fit.theta), seed };
  }
  return { model, modelName, curve, hyper, train, val, stage1: s1, job, dataRange: range, settings };
}

/** Stage 1 never keeps fewer points than the parameters plus two. */
function stage1MinPoints(nParams: number): number {
  return nParams + 2;
}

/** The robust fit of one setting as the bootstrap repeats it on every resample (core/bootstrap.ts). */
export function bootstrapProcedure(model: Model, n: number, hyper: Hyper, options: Pick<PipelineOptions, 'maxStage1Rounds' | 'maxCSteps'>): BootstrapProcedure {
  return {
    train: indexRange(hyper.trainStart, hyper.trainEnd, n),
    tau: hyper.tau,
    maxStage1Rounds: options.maxStage1Rounds,
    minPoints: stage1MinPoints(model.nParams),
    ltsAlpha: hyper.lts ? hyper.alpha : null,
    maxCSteps: options.maxCSteps,
  };
}

/** All candidates of a job in f64, keeping the keepBest lowest (the CPU reference of a backend). */
export function evaluateCandidatesF64(prepared: Prepared, options: Pick<PipelineOptions, 'ltsStarts' | 'cSteps' | 'gnIterations' | 'keepBest'>): CandidateOutcome[] {
  const job = prepared.job;
  if (!job) return [];
  const spec = { model: prepared.model, x: prepared.curve.x, y: prepared.curve.y, pool: job.pool, h: job.h, theta0: job.theta0, seed: job.seed, cSteps: options.cSteps, gnIterations: options.gnIterations };
  return evaluateJobF64(spec, options.ltsStarts, options.keepBest).best;
}

export function finishRobustFit(
  prepared: Prepared,
  candidates: ReadonlyArray<{ candidate: number; theta: ArrayLike<number> }>,
  options: Pick<PipelineOptions, 'maxCSteps' | 'gapWeight' | 'ltsStarts'>,
): RobustFitCore {
  const { model, curve, train, val, stage1: s1, job } = prepared;
  const { x, y } = curve;
  const n = x.length;
  let fit: NlsResult = s1.fit;
  let fitIdx: Int32Array = s1.kept;
  let objective = s1.fit.sse;
  let h = s1.kept.length;
  let best: PolishOutcome | null = null;
  if (job) {
    // Candidates that select the same h-subset polish to the same optimum (the first C-step refits
    // that subset): polish each distinct subset once, from its best-ranked candidate.
    // Subsets are in position order and all of length h, so equal subsets are equal arrays; there
    // are at most keepBest of them, so a linear scan beats building string keys.
    const seen: Int32Array[] = [];
    const r2 = new Float64Array(job.pool.length);
    // The logs of x once for every polish here, not in each of its LM fits (the same bits).
    const on = evaluationDomain(model, x, job.pool);
    for (const c of candidates) {
      const { subset } = smallestH(squaredResiduals(on.model, on.x, y, job.pool, c.theta, r2), job.h);
      if (seen.some((s) => sameSubset(s, subset))) continue;
      seen.push(subset);
      const polished = polishCandidate(on.model, on.x, y, job.pool, job.h, c.theta, options.maxCSteps, c.candidate);
      if (best === null || polished.objective < best.objective) best = polished;
    }
    if (best) {
      fit = best.fit;
      fitIdx = Int32Array.from(best.subset, (k) => job.pool[k]);
      objective = best.objective;
      h = job.h;
    }
  }
  const inlierMask = new Uint8Array(n);
  for (const i of fitIdx) inlierMask[i] = 1;
  const inKept = new Uint8Array(n);
  for (const i of s1.kept) inKept[i] = 1;
  const ltsTrimmed = Int32Array.from(s1.kept.filter((i) => !inlierMask[i]));
  const theta = fit.theta;
  const r2Train = rSquared(model, x, y, fitIdx, theta);
  const r2Val = rSquared(model, x, y, val, theta);
  const rmseVal = rmse(model, x, y, val, theta);
  const noiseScale = noiseScaleOf(y);
  const tail = noiseScale > 0 ? endRun(model, x, y, val, theta, NOISE_MULTIPLE_OF_A_MISS * noiseScale) : null;
  let status = fit.status;
  let message = fit.message;
  if (job && !best) {
    status = 'non-finite';
    message = 'every LTS candidate had a non-finite objective; reporting the Stage-1 fit';
  }
  return {
    model,
    theta: Float64Array.from(theta),
    params: model.toNatural(theta),
    stage1Params: model.toNatural(s1.fit.theta),
    status,
    message,
    objective,
    h,
    inlierMask,
    stage1Rejected: s1.rejected,
    ltsTrimmed,
    r2Train,
    r2Val,
    rmseVal,
    sse: fit.sse,
    score: selectionScore(r2Train, r2Val, options.gapWeight),
    // After trimming, the scale of the kept residuals is made consistent for the errors' σ.
    standardErrors: standardErrors(model, x, y, fitIdx, theta, best && job ? ltsConsistencyFactor(job.h, job.pool.length) ** 2 : 1),
    diagnostics: {
      nTrain: train.length,
      nVal: val.length,
      stage1Rounds: s1.rounds,
      stage1Stop: s1.stop,
      ltsCandidates: job ? options.ltsStarts : 0,
      ltsBestCandidate: best ? best.candidate : -1,
      ltsCStepsTaken: best ? best.cStepsTaken : 0,
      ltsConverged: best ? best.converged : false,
      lmIterations: fit.iterations,
      noiseScale,
      valTail: tail && { points: tail.points, side: tail.side, fromX: x[tail.first] },
    },
  };
}

/** differenceNoiseScale per curve (y in x order), computed once for all of a curve's settings. */
const noiseScales = new WeakMap<object, number>();
function noiseScaleOf(y: ArrayLike<number>): number {
  let s = noiseScales.get(y);
  if (s === undefined) noiseScales.set(y, (s = differenceNoiseScale(y)));
  return s;
}

/** prepare → f64 candidates → finish, in-line. */
export function robustFitSync(modelName: ModelName, curve: Curve, hyper: Hyper, options: PipelineOptions, seed = options.seed): RobustFitCore {
  const prepared = prepareRobustFit(modelName, curve, hyper, options, seed);
  return finishRobustFit(prepared, evaluateCandidatesF64(prepared, options), options);
}
