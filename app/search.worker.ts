/**
 * A search worker: fits one curve at a time over the run's hyperparameter settings and posts the
 * chosen fit back as a PageRow. The page runs several of these at once and terminates them to cancel.
 *
 * RETU curves go through `ceilingRows` (the paper's sigmoid on the gain over P_sft, score cap 100),
 * the path of the CLI's `ceiling` command; uploaded curves through `fitSweep` with the chosen model.
 * Both run on the fitter of the engine the page picked; if WebGPU cannot start here, the worker
 * says so and continues on the CPU.
 */
/// <reference lib="webworker" />
import { ceilingParams, ceilingRows, createFitter, isTrimfitError, plotXs, type Fitter, type FitResult } from '../src/index.js';
import type { BackendReport, CurveTask, PageRow, RunSettings, WorkerMessage, WorkerRequest } from './protocol.js';

declare const self: DedicatedWorkerGlobalScope;

const post = (m: WorkerMessage): void => self.postMessage(m);

let fitterPromise: Promise<{ fitter: Fitter; report: BackendReport }> | null = null;

/**
 * One fitter per worker; `workers: 1` keeps every fit on this thread (no nested pool): the page
 * already runs one search worker per core, and on WebGPU each has its own device for its candidates.
 */
async function startFitter(engine: 'webgpu' | 'cpu', planned: BackendReport): Promise<{ fitter: Fitter; report: BackendReport }> {
  if (engine === 'webgpu') {
    try {
      const fitter = await createFitter({ backend: 'webgpu', workers: 1 });
      // Creating the fitter does not open the device; a one-curve probe does, so a failure shows here.
      for await (const _ of fitter.fitSweep([{ x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], y: [1, 2, 3, 3.5, 4, 4.2, 4.3, 4.4, 4.45, 4.5] }], { grid: 'single', lts: true, ltsStarts: 8 })) { /* drain */ }
      return { fitter, report: planned };
    } catch (e) {
      const why = isTrimfitError(e) || e instanceof Error ? e.message : String(e);
      return { fitter: await createFitter({ backend: 'cpu', workers: 1 }), report: { name: 'cpu', description: 'f64 in Web Workers', reason: `WebGPU failed to start (${why})`, adapter: planned.adapter } };
    }
  }
  return { fitter: await createFitter({ backend: 'cpu', workers: 1 }), report: planned };
}

function rowOfResult(task: Extract<CurveTask, { kind: 'xy' }>, s: RunSettings, r: FitResult | null, status: string, message: string, settingsTried: number): PageRow {
  const p = r?.params ?? {};
  const sig = s.model === 'sigmoid' && r !== null;
  // With a P_sft the fit is of the gain: A_post = P_sft + u, PL_rl = u, and the band moves to scores.
  const off = task.pSft ?? 0;
  const ci = r?.ci
    ? {
        level: r.ci.level,
        intervals: Object.fromEntries(Object.entries(r.ci.params).flatMap(([k, v]) =>
          sig && k === 'u' ? [['aPost', { lower: off + v.lower, upper: off + v.upper }], ...(task.pSft === undefined ? [] : [['plRl', v]])] : [[k, v]])),
      }
    : null;
  return {
    id: task.id, dataset: task.dataset, model: s.model, sftStep: null, xSft: null, pSft: task.pSft ?? null, params: p,
    aPost: sig ? off + p.u : null, plRl: sig && task.pSft !== undefined ? p.u : null, epsilon: sig ? p.c0 ?? 0 : null, cMid: sig ? p.cMid : null, b: sig ? p.b : null,
    hyper: r?.hyper ?? null, r2Train: r?.r2Train ?? null, r2Val: r?.r2Val ?? null, rmseVal: r?.rmseVal ?? null,
    score: r && Number.isFinite(r.score) ? r.score : null, ci,
    band: (r?.ci?.predictions ?? []).map((q) => ({ x: q.x, lower: off + q.lower, upper: off + q.upper })),
    status, message, warnings: r?.warnings ?? [], settingsTried,
    // Uploads are sorted by x on load, so the library's caller-order indices match the plotted points.
    stage1Rejected: r?.stage1Rejected ?? [], ltsTrimmed: r?.ltsTrimmed ?? [], elapsedMs: 0,
  };
}

async function runTask(fitter: Fitter, task: CurveTask, s: RunSettings): Promise<PageRow> {
  const common = { seed: s.seed, ltsStarts: s.ltsStarts, gapWeight: s.gapWeight };
  if (task.kind === 'retu') {
    const c = task.curve;
    for await (const r of ceilingRows([c], { search: s.search, fitter, bootstrapResamples: s.bootstrapResamples, fit: common, grid: s.grid, predictAt: s.bootstrapResamples > 0 ? (cv) => plotXs(cv.x) : undefined })) {
      const ok = r.hyper !== null;
      return {
        id: r.id, dataset: r.dataset, model: 'sigmoid', sftStep: r.sftStep, xSft: r.xSft, pSft: r.pSft,
        params: ok ? ceilingParams(r) : {},
        aPost: ok ? r.aPost : null, plRl: ok ? r.plRl : null, epsilon: ok ? r.epsilon : null, cMid: ok ? r.cMid : null, b: ok ? r.b : null,
        hyper: r.hyper, r2Train: r.r2Train, r2Val: r.r2Val, rmseVal: r.rmseVal, score: Number.isFinite(r.score) ? r.score : null,
        ci: r.ci ? { level: r.ci.level, intervals: { aPost: r.ci.aPost, plRl: r.ci.plRl, cMid: r.ci.cMid, b: r.ci.b } } : null,
        band: r.band, status: r.status, message: r.message, warnings: r.warnings, settingsTried: r.settingsTried,
        stage1Rejected: r.stage1Rejected, ltsTrimmed: r.ltsTrimmed, elapsedMs: 0,
      };
    }
    throw new Error(`no result for ${c.id}`);
  }
  const grid = s.search === 'full' ? s.grid : 'single';
  // The cap and floor bound the sigmoid's u; the other models have no ceiling to bound (the form says so).
  const sigmoid = s.model === 'sigmoid';
  const cap = { ...(sigmoid && s.scoreCap !== null ? { scoreCap: s.scoreCap } : {}), ...(sigmoid && s.scoreFloor !== null ? { scoreFloor: s.scoreFloor } : {}) };
  for await (const item of fitter.fitSweep([{ id: task.id, x: task.x, y: task.y, pSft: task.pSft, predictAt: s.bootstrapResamples > 0 ? plotXs(task.x, s.model) : undefined }], { ...common, ...cap, model: s.model, grid, bootstrap: { resamples: s.bootstrapResamples } })) {
    const r = item.result.status === 'failed' ? null : (item.result as FitResult);
    return rowOfResult(task, s, r, item.result.status, item.result.message, item.settingsTried);
  }
  throw new Error(`no result for ${task.id}`);
}

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const { taskId, task, settings, engine, backend } = ev.data;
  fitterPromise ??= startFitter(engine, backend).then((f) => {
    post({ type: 'backend', backend: f.report });
    return f;
  });
  const { fitter } = await fitterPromise;
  const t0 = performance.now();
  try {
    const row = await runTask(fitter, task, settings);
    row.elapsedMs = performance.now() - t0;
    post({ type: 'row', taskId, row, fitsDone: row.settingsTried });
  } catch (e) {
    post({ type: 'error', taskId, message: isTrimfitError(e) ? e.message : `${(e as Error).name}: ${(e as Error).message}` });
  }
};
