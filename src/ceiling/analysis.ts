/**
 * The Plasticity–Ceiling table of the paper's data: for each RL branch, fit the sigmoid to the gain
 * over P_sft (score cap 100, so u ≤ 100 − P_sft and A_post = P_sft + u never exceeds 100) with the
 * chosen hyperparameters, and report P_sft, A_post = P_sft + u, PL_rl = u, ε = c0, C_mid, B.
 */
import { expandGrid, FULL_GRID, defaultHyper, type GridSpec } from '../core/search.js';
import type { Hyper } from '../core/pipeline.js';
import type { Interval } from '../core/bootstrap.js';
import type { Fitter, SweepCurve, SweepOptions } from '../api/fitter.js';
import type { FitOptions } from '../api/options.js';
import { checkGridSpec } from '../api/validate.js';
import type { BackendInfo, FitResult, FitWarning, ResultStatus } from '../api/result.js';
import type { RetuCurve } from './retu.js';

export type SearchMode = 'full' | 'released' | 'none';
export const SCORE_CAP_PERCENT = 100;

export interface CeilingRow {
  id: string;
  dataset: string;
  scene: string;
  sftStep: number;
  xSft: number;
  pSft: number;
  /** A_post = P_sft + u. */
  aPost: number;
  /** PL_rl = u. */
  plRl: number;
  /** ε = c0. */
  epsilon: number;
  cMid: number;
  b: number;
  hyper: Hyper | null;
  r2Train: number | null;
  r2Val: number | null;
  rmseVal: number | null;
  score: number;
  ci: { aPost: Interval; plRl: Interval; cMid: Interval; b: Interval; level: number } | null;
  /** Bootstrap intervals of the score (P_sft + fitted gain) at `predictAt` x values. */
  band: Array<{ x: number } & Interval>;
  status: ResultStatus;
  message: string;
  /** What to check before trusting this ceiling (empty for a clean fit or a failed curve): FitResult.warnings. */
  warnings: FitWarning[];
  settingsTried: number;
  /** Which backend ran and why (null when the curve failed). */
  backend: BackendInfo | null;
  /** Point masks for plots: inliers of the final fit, Stage-1 rejects, LTS-trimmed (indices). */
  inlierMask: boolean[];
  stage1Rejected: number[];
  ltsTrimmed: number[];
}

/** A row's sigmoid parameters by their natural names (PL_rl is u, ε is c0), as FitResult.params has them. */
export function ceilingParams(row: Pick<CeilingRow, 'plRl' | 'cMid' | 'b' | 'epsilon'>): Record<string, number> {
  return { u: row.plRl, cMid: row.cMid, b: row.b, c0: row.epsilon };
}

/** The axes of a RETU branch's figure: RL compute since the branch, and the overall score. */
export const RETU_AXIS_LABELS = { xLabel: 'RL compute since the branch (EFLOPs)', yLabel: 'overall score (%)' } as const;

export interface CeilingOptions {
  /** Which settings each curve is fitted with: 'full' searches the grid, 'released' uses the authors' settings, 'none' one default setting (required). */
  search: SearchMode;
  /** Runs the sweep (and owns the backend; required). */
  fitter: Fitter;
  /** Bootstrap resamples for the CIs, 0 = none (required). */
  bootstrapResamples: number;
  /** Numerical options shared by every fit (seed, ltsStarts, …); model, scoreCap, scoreFloor and bootstrap are set by the analysis. @default {} */
  fit?: FitOptions;
  /** The grid of search 'full'. @default FULL_GRID */
  grid?: GridSpec;
  /** Stops the analysis (the iterator then throws TrimfitError 'aborted'). @default undefined */
  signal?: AbortSignal;
  /** Called after every finished curve. @default undefined */
  onProgress?: SweepOptions['onProgress'];
  /** Per curve, x values at which to give bootstrap intervals of the fitted score (for plots). @default none */
  predictAt?: (curve: RetuCurve) => number[];
}

/** The settings a curve is searched over in each mode. */
export function gridFor(curve: RetuCurve, mode: SearchMode, grid: GridSpec = FULL_GRID): Hyper[] {
  const n = curve.x.length;
  if (mode === 'full') return expandGrid(n, grid);
  if (mode === 'released' && curve.released) {
    const r = curve.released;
    return [{ trainStart: r.trainStart, trainEnd: r.trainEnd, valStart: r.valStart, valEnd: r.valEnd, tau: r.tau, lts: r.useLts, alpha: r.alpha, freeEpsilon: r.freeEpsilon }];
  }
  return [defaultHyper(n)];
}

export async function* ceilingRows(curves: RetuCurve[], options: CeilingOptions): AsyncGenerator<CeilingRow> {
  if (options.grid !== undefined) checkGridSpec(options.grid);
  const sweepCurves: SweepCurve[] = curves.map((c) => ({
    id: c.id,
    x: c.x,
    y: c.y,
    pSft: c.pSft,
    grid: gridFor(c, options.search, options.grid),
    gapWeight: options.search === 'released' ? c.released?.gapWeight : undefined,
    predictAt: options.predictAt?.(c),
  }));
  const sweepOptions: SweepOptions = {
    ...options.fit,
    model: 'sigmoid',
    scoreCap: SCORE_CAP_PERCENT,
    scoreFloor: 0,
    bootstrap: { resamples: options.bootstrapResamples, level: 0.95 },
    signal: options.signal,
    onProgress: options.onProgress,
  };
  for await (const item of options.fitter.fitSweep(sweepCurves, sweepOptions)) {
    const c = curves[item.index];
    const r = item.result.status === 'failed' ? null : (item.result as FitResult);
    const u = r?.params.u ?? NaN;
    const ci = r?.ci
      ? {
          aPost: { lower: c.pSft + r.ci.params.u.lower, upper: c.pSft + r.ci.params.u.upper },
          plRl: r.ci.params.u,
          cMid: r.ci.params.cMid,
          b: r.ci.params.b,
          level: r.ci.level,
        }
      : null;
    yield {
      id: c.id,
      dataset: c.dataset,
      scene: c.scene,
      sftStep: c.sftStep,
      xSft: c.xSft,
      pSft: c.pSft,
      aPost: c.pSft + u,
      plRl: u,
      epsilon: r?.params.c0 ?? 0,
      cMid: r?.params.cMid ?? NaN,
      b: r?.params.b ?? NaN,
      hyper: r?.hyper ?? null,
      r2Train: r?.r2Train ?? null,
      r2Val: r?.r2Val ?? null,
      rmseVal: r?.rmseVal ?? null,
      score: r?.score ?? -Infinity,
      ci,
      band: (r?.ci?.predictions ?? []).map((p) => ({ x: p.x, lower: c.pSft + p.lower, upper: c.pSft + p.upper })),
      status: item.result.status,
      message: item.result.message,
      warnings: r?.warnings ?? [],
      settingsTried: item.settingsTried,
      backend: r?.backend ?? null,
      inlierMask: r?.inlierMask ?? [],
      stage1Rejected: r?.stage1Rejected ?? [],
      ltsTrimmed: r?.ltsTrimmed ?? [],
    };
  }
}
