/**
 * The figure of one fit: the points by their role (train, validation, Stage-1 rejected,
 * LTS-trimmed, unused), the fitted curve and its extrapolation, the bootstrap band, and the P_sft
 * and A_post lines. The page shows it and exports it; `trimfit sweep --plots` writes it as SVG.
 */
import type { ModelName } from '../core/models/model.js';
import type { Hyper } from '../core/pipeline.js';
import type { PlotSeries, PlotSpec } from './plot-svg.js';

/**
 * A fitted model's value at x from its natural parameters (FitResult.params), by the formulas the
 * models document (src/core/models/*.ts). NaN outside the model's domain (a power or log model
 * below its shift).
 */
export function modelValue(model: ModelName, p: Record<string, number>, x: number): number {
  switch (model) {
    case 'sigmoid': {
      const c0 = p.c0 ?? 0;
      // y = c0 + (u − c0) / (1 + (cMid/x)^b), with the limit c0 at x = 0.
      return x <= 0 ? c0 : c0 + (p.u - c0) / (1 + Math.pow(p.cMid / x, p.b));
    }
    case 'power':
      return p.a * Math.pow(x + p.c, p.b);
    case 'log':
      return p.a * Math.log(x + p.c) + p.b;
    case 'exp':
      return p.a * (1 - Math.exp(-p.b * x)) + p.c;
    case 'linear':
      return p.a * x + p.b;
  }
}

/** How far past the last point the fitted curve is drawn (extrapolation), as a multiple of max x. */
export const EXTRAPOLATION_FACTOR = 3;
const PLOT_SAMPLES = 120;

/**
 * The x values a fitted curve (and its bootstrap band, as `bootstrap.predictAt`) is drawn at:
 * evenly spaced and log-spaced up to EXTRAPOLATION_FACTOR × max x, merged so the curve looks smooth
 * on linear and log axes. They start at 0 (or the smallest x, if negative), except for the power and
 * log models, which start at the smallest x: below it their shift can leave the domain, and one
 * undefined prediction drops a fit's bootstrap intervals.
 */
export function plotXs(x: ArrayLike<number>, model?: ModelName): number[] {
  let maxX = -Infinity;
  let minData = Infinity;
  let minPos = Infinity;
  for (let i = 0; i < x.length; i++) {
    maxX = Math.max(maxX, x[i]);
    minData = Math.min(minData, x[i]);
    if (x[i] > 0) minPos = Math.min(minPos, x[i]);
  }
  if (!(maxX > 0)) return [];
  const minX = model === 'power' || model === 'log' ? minData : Math.min(0, minData);
  const hi = maxX * EXTRAPOLATION_FACTOR;
  const out = new Set<number>();
  for (let k = 0; k <= PLOT_SAMPLES; k++) out.add(minX + ((hi - minX) * k) / PLOT_SAMPLES);
  const logLo = Math.log(Math.max(minPos, minX));
  const logHi = Math.log(hi);
  for (let k = 0; k <= PLOT_SAMPLES; k++) out.add(Math.exp(logLo + ((logHi - logLo) * k) / PLOT_SAMPLES));
  return [...out].sort((a, b) => a - b);
}

/** The colours of the fit figure's series. */
export const FIT_PLOT_COLORS = { train: '#1f77b4', val: '#ff7f0e', stage1: '#d62728', lts: '#9467bd', unused: '#a0a8b0', fit: '#1d2329', band: 'rgba(31,119,180,0.18)', bandEdge: 'rgba(31,119,180,0.45)', pSft: '#2ca02c', aPost: '#d62728' } as const;

export interface FitPlotInput {
  title: string;
  /** The points in any order, y in the units fitted (the gain over P_sft where there is one). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Added to y and to the fitted curve for display (P_sft where the fit is of the gain). @default 0 */
  yOffset?: number;
  /** Draws the P_sft line at yOffset. @default undefined (no line) */
  pSft?: number;
  /** The chosen fit (FitResult has these fields), or null for the points alone. */
  fit: {
    model: ModelName;
    params: Record<string, number>;
    hyper: Hyper | null;
    /** Indices into x and y. */
    stage1Rejected: readonly number[];
    ltsTrimmed: readonly number[];
  } | null;
  /** Pointwise bootstrap band in display units (FitResult.ci.predictions moved by yOffset), at plotXs. @default none */
  band?: { level: number; points: ReadonlyArray<{ x: number; lower: number; upper: number }> };
  /** Draws the ceiling line. @default undefined (none) */
  aPost?: number;
  /** @default 'x' */
  xLabel?: string;
  /** @default 'y' */
  yLabel?: string;
  /** Log-scaled x axis: points at x ≤ 0 are left out. @default false */
  logX?: boolean;
}

/**
 * The fit figure as a PlotSpec. Train and validation ranges are index ranges over the points sorted
 * by x (Hyper), and the rejected and trimmed indices refer to the input's order, so unsorted input
 * is placed correctly.
 */
export function fitPlotSpec(input: FitPlotInput): PlotSpec {
  const { x, y, fit } = input;
  const off = input.yOffset ?? 0;
  const logX = input.logX ?? false;
  const n = x.length;
  let maxX = -Infinity;
  for (let i = 0; i < n; i++) maxX = Math.max(maxX, x[i]);
  const curveXs = fit && fit.hyper ? plotXs(x, fit.model) : [];
  // Every point has a slot of its own, so two points at one x (repeated evaluations) are both
  // drawn; the curve's and the band's x values share slots among themselves (`at`), after the
  // points' slots at the same x. Lines span the slots where they have no value.
  const lineXs = [...new Set([...curveXs, ...(input.band?.points.map((p) => p.x) ?? [])])];
  const slots = [...Array.from(x, (v, i) => ({ x: v, point: i })), ...lineXs.map((v) => ({ x: v, point: -1 }))]
    .filter((e) => !logX || e.x > 0)
    .sort((a, b) => a.x - b.x || (a.point < 0 ? 1 : 0) - (b.point < 0 ? 1 : 0) || a.point - b.point);
  const all = slots.map((e) => e.x);
  const pointSlot = new Map<number, number>();
  const at = new Map<number, number>();
  slots.forEach((e, k) => (e.point >= 0 ? pointSlot.set(e.point, k) : at.set(e.x, k)));
  const empty = (): Array<number | null> => new Array<number | null>(all.length).fill(null);
  // Each point's rank among the points sorted by x (stable), which the train and validation ranges count.
  const rank = new Int32Array(n);
  Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b).forEach((i, r) => (rank[i] = r));
  const h = fit?.hyper ?? null;
  const rejected = new Set(fit?.stage1Rejected ?? []);
  const trimmed = new Set(fit?.ltsTrimmed ?? []);
  const cats = { train: empty(), val: empty(), stage1: empty(), lts: empty(), unused: empty() };
  for (let i = 0; i < n; i++) {
    const k = pointSlot.get(i);
    if (k === undefined) continue;
    const v = y[i] + off;
    const r = rank[i];
    if (!h) cats.train[k] = v;
    else if (rejected.has(i)) cats.stage1[k] = v;
    else if (trimmed.has(i)) cats.lts[k] = v;
    else if (r >= h.trainStart && r < h.trainEnd) cats.train[k] = v;
    else if (r >= h.valStart && r < h.valEnd) cats.val[k] = v;
    else cats.unused[k] = v;
  }
  const C = FIT_PLOT_COLORS;
  const series: PlotSeries[] = [{ label: h ? 'train' : 'points', values: cats.train, style: 'points', color: C.train }];
  if (h) {
    series.push(
      { label: 'validation', values: cats.val, style: 'points', color: C.val },
      { label: 'Stage-1 rejected', values: cats.stage1, style: 'points', color: C.stage1, hollow: true },
      { label: 'LTS-trimmed', values: cats.lts, style: 'points', color: C.lts, hollow: true },
      { label: 'not in train/val', values: cats.unused, style: 'points', color: C.unused, hollow: true },
    );
  }
  let band: PlotSpec['band'];
  if (fit && h) {
    const fitVals = empty();
    const extrap = empty();
    for (const v of curveXs) {
      const k = at.get(v);
      if (k === undefined) continue;
      const value = modelValue(fit.model, fit.params, v) + off;
      if (v <= maxX) fitVals[k] = value;
      if (v >= maxX) extrap[k] = value;
    }
    series.push({ label: `${fit.model} fit`, values: fitVals, style: 'line', color: C.fit }, { label: 'extrapolation', values: extrap, style: 'line', color: C.fit, dash: [6, 4] });
    if (input.band && input.band.points.length > 0) {
      const lo = empty();
      const up = empty();
      for (const p of input.band.points) {
        const k = at.get(p.x);
        if (k === undefined) continue;
        lo[k] = p.lower;
        up[k] = p.upper;
      }
      series.push({ label: `${Math.round(input.band.level * 100)}% bootstrap band`, values: up, style: 'line', color: C.bandEdge }, { label: 'band lower', values: lo, style: 'line', color: C.bandEdge, inLegend: false });
      band = { upper: series.length - 2, lower: series.length - 1, color: C.band };
    }
  }
  if (input.pSft !== undefined) series.push({ label: `P_sft ${input.pSft.toFixed(2)}`, values: all.map(() => off), style: 'line', color: C.pSft, dash: [3, 3] });
  const aPost = input.aPost;
  if (aPost !== undefined && Number.isFinite(aPost)) series.push({ label: `A_post ${aPost.toFixed(2)}`, values: all.map(() => aPost), style: 'line', color: C.aPost, dash: [8, 4] });
  return { title: input.title, xLabel: input.xLabel ?? 'x', yLabel: input.yLabel ?? 'y', logX, xs: all, series, band };
}
