/**
 * A search worker: fits one curve at a time over the run's hyperparameter settings and posts the
 * chosen fit back as a PageRow. The page runs several of these at once and terminates them to cancel.
 *
 * RETU curves go through `ceilingRows` (the paper's sigmoid on the gain over P_sft, score cap 100),
 * the same path as the CLI's `ceiling` command. Uploaded curves may use any model, which
 * `ceilingRows` does not offer, so they run `fit` once per setting and keep the best score (ties keep
 * the earlier setting, as the library's search does).
 */
/// <reference lib="webworker" />
import { ceilingRows, evaluateInlineF64, expandGrid, fit, isTrimfitError, type BackendInfo, type FitOptions, type FitResult, type Hyper, type RetuCurve } from '../src/index.js';
import type { BackendReport, CurveTask, Interval, PageRow, RunSettings, WorkerMessage, WorkerRequest } from './protocol.js';
import { plotXs } from './curves.js';
import { detectBackend } from './backend.js';

declare const self: DedicatedWorkerGlobalScope;

const post = (m: WorkerMessage): void => self.postMessage(m);

/** Progress messages are throttled to this interval so the page is not flooded. */
const PROGRESS_INTERVAL_MS = 100;

let backendPromise: Promise<BackendReport> | null = null;

function gridOf(n: number, settings: RunSettings): Array<Hyper | null> {
  // null = the library's default setting (what `fit` uses without train/val options).
  return settings.search === 'full' ? expandGrid(n, settings.grid) : [null];
}

function hyperOptions(h: Hyper | null): FitOptions {
  if (h === null) return {};
  return { train: [h.trainStart, h.trainEnd], val: [h.valStart, h.valEnd], tau: h.tau, lts: h.lts, alpha: h.lts ? h.alpha : undefined, freeEpsilon: h.freeEpsilon };
}

function bandOf(r: FitResult, offset: number): PageRow['band'] {
  return (r.ci?.predictions ?? []).map((p) => ({ x: p.x, lower: p.lower + offset, upper: p.upper + offset }));
}

async function runRetu(taskId: number, curve: RetuCurve, s: RunSettings, backend: BackendInfo, t0: number): Promise<PageRow> {
  const fitOptions: FitOptions = { seed: s.seed, ltsStarts: s.ltsStarts, gapWeight: s.gapWeight };
  let row: PageRow | null = null;
  for await (const r of ceilingRows([curve], { search: s.search, evaluate: evaluateInlineF64, backend, bootstrapResamples: s.bootstrapResamples, fit: fitOptions, grid: s.grid })) {
    const ci = r.ci ? { level: r.ci.level, intervals: { aPost: r.ci.aPost, plRl: r.ci.plRl, cMid: r.ci.cMid, b: r.ci.b } } : null;
    row = {
      id: r.id, dataset: r.dataset, model: 'sigmoid', sftStep: r.sftStep, xSft: r.xSft, pSft: r.pSft,
      params: r.hyper ? { u: r.plRl, cMid: r.cMid, b: r.b, c0: r.epsilon } : {},
      aPost: r.hyper ? r.aPost : null, plRl: r.hyper ? r.plRl : null, epsilon: r.hyper ? r.epsilon : null, cMid: r.hyper ? r.cMid : null, b: r.hyper ? r.b : null,
      hyper: r.hyper, r2Train: r.r2Train, r2Val: r.r2Val, rmseVal: r.rmseVal, score: Number.isFinite(r.score) ? r.score : null,
      ci, band: [], status: r.status, message: r.message, settingsTried: r.settingsTried,
      stage1Rejected: r.stage1Rejected, ltsTrimmed: r.ltsTrimmed, elapsedMs: 0,
    };
  }
  if (row === null) throw new Error(`no result for ${curve.id}`);
  post({ type: 'progress', taskId, fitsDone: row.settingsTried });
  // The table's intervals are the search's own bootstrap; the band needs predictions along the
  // curve, which the search does not compute, so the chosen setting is refitted once with them.
  const h = row.hyper;
  if (h !== null && s.bootstrapResamples > 0) {
    const refit = fit({ x: curve.x, y: curve.y }, {
      ...fitOptions, ...hyperOptions(h), model: 'sigmoid', scoreCap: 100, pSft: curve.pSft, gapWeight: curve.released && s.search === 'released' ? curve.released.gapWeight : s.gapWeight,
      bootstrap: { resamples: s.bootstrapResamples, predictAt: plotXs(curve.x) },
    });
    row.band = bandOf(refit, curve.pSft);
  }
  row.elapsedMs = performance.now() - t0;
  return row;
}

function runXy(taskId: number, task: Extract<CurveTask, { kind: 'xy' }>, s: RunSettings, t0: number): PageRow {
  const grid = gridOf(task.x.length, s);
  const base: FitOptions = { model: s.model, seed: s.seed, ltsStarts: s.ltsStarts, gapWeight: s.gapWeight };
  let best: FitResult | null = null;
  let bestSetting = -1;
  let lastError = '';
  let lastPostMs = performance.now();
  grid.forEach((h, k) => {
    try {
      const r = fit({ x: task.x, y: task.y }, { ...base, ...hyperOptions(h) });
      if (Number.isFinite(r.score) && (best === null || r.score > best.score)) {
        best = r;
        bestSetting = k;
      }
    } catch (e) {
      // A setting the curve cannot support (e.g. too few train points) is skipped, like a setting
      // without a validation R²; if every setting fails, the last reason is reported.
      if (!isTrimfitError(e)) throw e;
      lastError = e.message;
    }
    if (performance.now() - lastPostMs > PROGRESS_INTERVAL_MS) {
      post({ type: 'progress', taskId, fitsDone: k + 1 });
      lastPostMs = performance.now();
    }
  });
  const chosen = best as FitResult | null;
  const empty: PageRow = {
    id: task.id, dataset: task.dataset, model: s.model, sftStep: null, xSft: null, pSft: null, params: {},
    aPost: null, plRl: null, epsilon: null, cMid: null, b: null, hyper: null, r2Train: null, r2Val: null, rmseVal: null, score: null,
    ci: null, band: [], status: 'failed', message: lastError || 'no setting had a defined validation R²', settingsTried: grid.length,
    stage1Rejected: [], ltsTrimmed: [], elapsedMs: 0,
  };
  if (chosen === null) return { ...empty, elapsedMs: performance.now() - t0 };
  let ci: PageRow['ci'] = null;
  let band: PageRow['band'] = [];
  if (s.bootstrapResamples > 0) {
    // `fit` is deterministic for fixed options, so this refit reproduces the chosen fit and adds
    // the bootstrap on top.
    const boot = fit({ x: task.x, y: task.y }, { ...base, ...hyperOptions(grid[bestSetting]), bootstrap: { resamples: s.bootstrapResamples, predictAt: plotXs(task.x) } });
    if (boot.ci) ci = { level: boot.ci.level, intervals: sigmoidIntervals(boot.ci.params, s.model === 'sigmoid') };
    band = bandOf(boot, 0);
  }
  const p = chosen.params;
  const sig = s.model === 'sigmoid';
  // The library reports the points in the caller's order; the page keeps curves sorted by x
  // (uploads are sorted on load), so the indices match.
  return {
    ...empty, params: p, aPost: sig ? p.u : null, plRl: null, epsilon: sig ? p.c0 ?? 0 : null, cMid: sig ? p.cMid : null, b: sig ? p.b : null,
    hyper: chosen.hyper, r2Train: chosen.r2Train, r2Val: chosen.r2Val, rmseVal: chosen.rmseVal, score: chosen.score, ci, band,
    status: chosen.status, message: chosen.message, stage1Rejected: chosen.stage1Rejected, ltsTrimmed: chosen.ltsTrimmed, elapsedMs: performance.now() - t0,
  };
}

/** Renames the sigmoid's u to the table's A_post column; other models keep their parameter names. */
function sigmoidIntervals(params: Record<string, Interval>, sigmoid: boolean): Record<string, Interval> {
  if (!sigmoid) return params;
  const { u, ...rest } = params;
  return u ? { ...rest, aPost: u } : rest;
}

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const { taskId, task, settings } = ev.data;
  backendPromise ??= detectBackend(self.navigator as Navigator & { gpu?: GPU }).then((b) => {
    post({ type: 'backend', backend: b });
    return b;
  });
  const backend = await backendPromise;
  const t0 = performance.now();
  try {
    const row = task.kind === 'retu' ? await runRetu(taskId, task.curve, settings, backend, t0) : runXy(taskId, task, settings, t0);
    post({ type: 'row', taskId, row, fitsDone: row.settingsTried });
  } catch (e) {
    post({ type: 'error', taskId, message: isTrimfitError(e) ? e.message : `${(e as Error).name}: ${(e as Error).message}` });
  }
};
