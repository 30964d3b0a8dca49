/**
 * Per-curve hyperparameter search over many curves: every (curve, setting) is prepared on the CPU
 * (Stage 1 shared between settings that differ only in LTS/alpha), all LTS jobs of a chunk of curves
 * go to the candidate evaluator in one batch (the GPU, the worker pool, or f64 in-line), and the
 * winners are polished and scored in f64. The best setting per curve is the highest score
 * r2Val − g·max(0, r2Train − r2Val); scores within SCORE_TIE_TOLERANCE (1e-6) of the highest tie, and ties keep the earlier setting in grid order.
 */
import { bootstrapProcedure, createStage1Cache, evaluateCandidatesF64, finishRobustFit, jobSeed, prepareRobustFit, type Hyper, type PipelineOptions, type Prepared, type RobustFitCore } from '../core/pipeline.js';
import { pickBest } from '../core/search.js';
import { bootstrapFit } from '../core/bootstrap.js';
import type { ModelName } from '../core/models/model.js';
import type { BatchResult, CandidateBackend, LtsBatch } from '../backends/backend.js';
import { toFitResult, type BackendInfo, type FitResult } from './result.js';
import type { ResolvedBootstrap } from './options.js';

export interface SearchCurve {
  /** Seeds derive from it (the fitter uses a hash of the curve id), so results do not depend on how curves are chunked, ordered or spread over workers. */
  seedIndex: number;
  /** Validated, sorted by x. */
  x: Float64Array;
  y: Float64Array;
  order: Int32Array;
  grid: Hyper[];
  pipeline: PipelineOptions;
  /** x values for this curve's bootstrap prediction intervals (overrides the sweep's). */
  predictAt?: number[];
}

export interface SearchOutcome {
  /** Index within the `curves` argument. */
  curveIndex: number;
  best: FitResult | null;
  bestSetting: number;
  settingsTried: number;
  /** Score of every setting, in grid order. */
  scores: number[];
}

/** Evaluates the LTS candidates of prepared jobs (all with a job) and returns the best per job. */
export type CandidateEvaluator = (prepared: Prepared[], pipeline: PipelineOptions) => Promise<Array<Array<{ candidate: number; theta: ArrayLike<number> }>>>;

/**
 * Lets timers and messages run (a cancel button's message to a worker, an `abort()` from a timer):
 * work on the calling thread otherwise holds it from a sweep's start to its end, since awaiting an
 * already-settled promise runs no macrotask. setImmediate in Node; a MessageChannel elsewhere, which
 * browsers do not clamp to 4 ms as they do nested setTimeout.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Jobs evaluated between two yields of the in-line path: about 10–50 ms of work at n = 30–80. */
const INLINE_JOBS_PER_YIELD = 16;

/** The f64 reference on this thread, yielding to the event loop every few jobs so a sweep can be aborted. */
export const evaluateInlineF64: CandidateEvaluator = async (prepared, pipeline) => {
  const out: ReturnType<typeof evaluateCandidatesF64>[] = [];
  for (let j = 0; j < prepared.length; j++) {
    if (j > 0 && j % INLINE_JOBS_PER_YIELD === 0) await yieldToEventLoop();
    out.push(evaluateCandidatesF64(prepared[j], pipeline));
  }
  return out;
};

/** Evaluator backed by a CandidateBackend (GPU or worker pool). */
export function backendEvaluator(backend: CandidateBackend, signal?: AbortSignal): CandidateEvaluator {
  return batchEvaluator((batch) => backend.evaluate(batch, signal));
}

/** Evaluator that sends each batch of LTS jobs to `evaluateBatch` (a backend, or one on another thread). */
export function batchEvaluator(evaluateBatch: (batch: LtsBatch) => Promise<BatchResult>): CandidateEvaluator {
  return async (prepared, pipeline) => {
    if (prepared.length === 0) return [];
    const batch: LtsBatch = {
      model: prepared[0].modelName,
      nCandidates: pipeline.ltsStarts,
      cSteps: pipeline.cSteps,
      gnIterations: pipeline.gnIterations,
      keepBest: pipeline.keepBest,
      jobs: prepared.map((p) => ({
        x: p.curve.x,
        y: p.curve.y,
        pool: p.job!.pool,
        h: p.job!.h,
        theta0: p.job!.theta0,
        seed: p.job!.seed,
        ...p.dataRange,
        settings: p.settings,
      })),
    };
    const r = await evaluateBatch(batch);
    // Views into the result's θ array: each is read once by the polish that follows.
    return prepared.map((_, j) => {
      const rows: Array<{ candidate: number; theta: Float64Array }> = [];
      for (let k = 0, s = j * r.keepBest; k < r.count[j]; k++, s++) rows.push({ candidate: r.candidate[s], theta: r.theta.subarray(s * r.thetaStride, s * r.thetaStride + r.nParams[j]) });
      return rows;
    });
  };
}

/**
 * Runs the search for each curve; yields curve results in input order, one chunk at a time, so memory
 * stays bounded by `chunkCurves`.
 */
export async function* searchCurves(
  model: ModelName,
  curves: SearchCurve[],
  evaluate: CandidateEvaluator,
  backend: BackendInfo,
  bootstrap: ResolvedBootstrap,
  chunkCurves = 8,
  signal?: AbortSignal,
): AsyncGenerator<SearchOutcome> {
  for (let c0 = 0; c0 < curves.length; c0 += chunkCurves) {
    await yieldToEventLoop();
    signal?.throwIfAborted();
    const chunk = curves.slice(c0, c0 + chunkCurves);
    const prepared: Prepared[][] = chunk.map((curve) => {
      const cache = createStage1Cache();
      return curve.grid.map((hyper, s) => prepareRobustFit(model, curve, hyper, curve.pipeline, jobSeed(curve.pipeline.seed, curve.seedIndex, s), cache));
    });
    // Jobs of one batch share the numerical options; group by the pipeline object.
    const byPipeline = new Map<PipelineOptions, Prepared[]>();
    chunk.forEach((curve, k) => {
      const list = byPipeline.get(curve.pipeline) ?? [];
      list.push(...prepared[k].filter((p) => p.job !== null));
      byPipeline.set(curve.pipeline, list);
    });
    const candidates = new Map<Prepared, Array<{ candidate: number; theta: ArrayLike<number> }>>();
    for (const [pipeline, list] of byPipeline) {
      const res = await evaluate(list, pipeline);
      list.forEach((p, i) => candidates.set(p, res[i]));
    }
    for (let k = 0; k < chunk.length; k++) {
      // Each curve's polish and scoring is a macrotask of its own: an abort can land between curves.
      await yieldToEventLoop();
      signal?.throwIfAborted();
      const curve = chunk[k];
      const cores: RobustFitCore[] = prepared[k].map((p) => finishRobustFit(p, candidates.get(p) ?? [], curve.pipeline));
      const scores = cores.map((c) => c.score);
      // Only fits that reached an optimum (converged, or converged on a bound) compete; a singular or
      // unconverged fit can have any score. If none did, the best score among the rest is reported,
      // and if nothing has a score, the first setting; the message says which.
      const eligible = cores.map((c) => (c.status === 'converged' || c.status === 'at-bound' ? c.score : -Infinity));
      let ranked = pickBest(eligible);
      let note = '';
      if (ranked < 0) {
        ranked = pickBest(scores);
        if (ranked >= 0) note = '; no setting converged, so the best-scoring unconverged fit is reported';
      }
      const bestSetting = ranked >= 0 ? ranked : cores.length > 0 ? 0 : -1;
      if (ranked < 0 && bestSetting === 0) note = '; no setting had a defined validation R², so the first setting is reported unranked';
      let best: FitResult | null = null;
      if (bestSetting >= 0) {
        const core = cores[bestSetting];
        core.message += note;
        const procedure = bootstrapProcedure(core.model, curve.x.length, curve.grid[bestSetting], curve.pipeline);
        const ci = bootstrap.resamples > 0 ? bootstrapFit(core.model, curve.x, curve.y, procedure, core.theta, { ...bootstrap, predictAt: curve.predictAt ?? bootstrap.predictAt, seed: curve.pipeline.seed }) : null;
        best = toFitResult(core, curve.grid[bestSetting], curve.order, ci, backend, model);
      }
      yield { curveIndex: c0 + k, best, bestSetting, settingsTried: curve.grid.length, scores };
    }
  }
}

/** Every item of an async iterable (a unit's search outcomes), in order. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}
