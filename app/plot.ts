/**
 * Plots: one PlotSpec describes a figure; `mountPlot` draws it interactively with uPlot and
 * `plotSvg` renders the same spec as a standalone SVG (the SVG and PNG exports), so what is
 * exported is what was specified, not a screenshot of the canvas.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { escapeHtml } from './html.js';

export interface PlotSeries {
  label: string;
  /** One value per spec x (null where the series has no value). */
  values: Array<number | null>;
  style: 'points' | 'line';
  color: string;
  /** Points drawn as rings rather than discs. @default false */
  hollow?: boolean;
  /** Line dash pattern in px. @default solid */
  dash?: number[];
  /** Lines only: mark each value with a dot. @default false */
  markers?: boolean;
  /** Listed in the legend (false for a band's second edge, which the first edge's entry names). @default true */
  inLegend?: boolean;
}

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  logX: boolean;
  /** Ascending x values shared by every series (uPlot's aligned data). */
  xs: number[];
  series: PlotSeries[];
  /** Shaded band between two series (indices into `series`). */
  band?: { upper: number; lower: number; color: string };
}

const POINT_SIZE_PX = 7;

/** Legend values: blank where a series has no value (uPlot shows "--", also before any hover). */
const legendValue = (_: uPlot, v: number | null): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toPrecision(5))));

export function mountPlot(el: HTMLElement, spec: PlotSpec, widthPx: number, heightPx: number): uPlot {
  const opts: uPlot.Options = {
    width: widthPx,
    height: heightPx,
    title: spec.title,
    scales: { x: { time: false, distr: spec.logX ? 3 : 1 } },
    axes: [{ label: spec.xLabel }, { label: spec.yLabel }],
    series: [
      { label: spec.xLabel, value: legendValue },
      ...spec.series.map((s): uPlot.Series => {
        const common = { label: s.label, stroke: s.color, value: legendValue, class: s.inLegend === false ? 'legend-hidden' : undefined };
        return s.style === 'points'
          ? { ...common, paths: () => null, points: { show: true, size: POINT_SIZE_PX, stroke: s.color, fill: s.hollow ? '#fff' : s.color, width: s.hollow ? 2 : 1 } }
          : { ...common, width: 2, dash: s.dash, points: { show: s.markers ?? false, size: POINT_SIZE_PX, stroke: s.color, fill: s.color }, spanGaps: true };
      }),
    ],
    bands: spec.band ? [{ series: [spec.band.upper + 1, spec.band.lower + 1], fill: spec.band.color }] : [],
    legend: { live: true },
  };
  return new uPlot(opts, [spec.xs, ...spec.series.map((s) => s.values)] as uPlot.AlignedData, el);
}

// ---------------------------------------------------------------------------------------------
// SVG rendering of a PlotSpec
// ---------------------------------------------------------------------------------------------

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(6))));

/** Round-number ticks covering [lo, hi] (about `count` of them). */
function linearTicks(lo: number, hi: number, count = 6): number[] {
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    const v = Math.pow(10, e);
    if (v >= lo && v <= hi) out.push(v);
  }
  return out.length >= 2 ? out : [lo, hi];
}

export function plotSvg(spec: PlotSpec, widthPx = 900, heightPx = 520): string {
  const m = { left: 70, right: 20, top: 40, bottom: 90 };
  const w = widthPx - m.left - m.right;
  const h = heightPx - m.top - m.bottom;
  const keep = (x: number) => !spec.logX || x > 0;
  let xLo = Infinity, xHi = -Infinity, yLo = Infinity, yHi = -Infinity;
  spec.xs.forEach((x, i) => {
    if (!keep(x)) return;
    for (const s of spec.series) {
      const v = s.values[i];
      if (v === null || !Number.isFinite(v)) continue;
      xLo = Math.min(xLo, x); xHi = Math.max(xHi, x);
      yLo = Math.min(yLo, v); yHi = Math.max(yHi, v);
    }
  });
  if (!Number.isFinite(xLo)) { xLo = spec.logX ? 1 : 0; xHi = xLo + 1; yLo = 0; yHi = 1; }
  if (xHi === xLo) xHi = xLo + 1;
  const yPad = (yHi - yLo || 1) * 0.05;
  yLo -= yPad; yHi += yPad;
  const tx = spec.logX ? (x: number) => Math.log10(x) : (x: number) => x;
  const px = (x: number) => m.left + ((tx(x) - tx(xLo)) / (tx(xHi) - tx(xLo))) * w;
  const py = (y: number) => m.top + (1 - (y - yLo) / (yHi - yLo)) * h;
  const parts: string[] = [];
  parts.push(`<rect width="${widthPx}" height="${heightPx}" fill="#fff"/>`);
  parts.push(`<text x="${widthPx / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeHtml(spec.title)}</text>`);
  for (const v of spec.logX ? logTicks(xLo, xHi) : linearTicks(xLo, xHi)) {
    parts.push(`<line x1="${px(v)}" x2="${px(v)}" y1="${m.top}" y2="${m.top + h}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${px(v)}" y="${m.top + h + 16}" text-anchor="middle" font-size="11">${fmt(v)}</text>`);
  }
  for (const v of linearTicks(yLo, yHi)) {
    parts.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${py(v)}" y2="${py(v)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="11">${fmt(v)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${m.left + w / 2}" y="${m.top + h + 36}" text-anchor="middle" font-size="12">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${m.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(spec.yLabel)}</text>`);
  parts.push(`<clipPath id="plot-area"><rect x="${m.left}" y="${m.top}" width="${w}" height="${h}"/></clipPath><g clip-path="url(#plot-area)">`);
  if (spec.band) {
    const up = spec.series[spec.band.upper].values, lo = spec.series[spec.band.lower].values;
    const idx = spec.xs.map((x, i) => i).filter((i) => keep(spec.xs[i]) && up[i] !== null && lo[i] !== null);
    if (idx.length > 1) {
      const pts = [...idx.map((i) => `${px(spec.xs[i])},${py(up[i]!)}`), ...idx.reverse().map((i) => `${px(spec.xs[i])},${py(lo[i]!)}`)];
      parts.push(`<polygon points="${pts.join(' ')}" fill="${spec.band.color}"/>`);
    }
  }
  for (const s of spec.series) {
    if (s.style === 'line') {
      const pts = spec.xs.map((x, i) => (keep(x) && s.values[i] !== null ? `${px(x)},${py(s.values[i]!)}` : null)).filter((p) => p !== null);
      if (pts.length > 1) parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}/>`);
      if (s.markers) for (const p of pts) { const [cx, cy] = p.split(','); parts.push(`<circle cx="${cx}" cy="${cy}" r="${POINT_SIZE_PX / 2}" fill="${s.color}"/>`); }
    } else {
      spec.xs.forEach((x, i) => {
        const v = s.values[i];
        if (keep(x) && v !== null) parts.push(`<circle cx="${px(x)}" cy="${py(v)}" r="${POINT_SIZE_PX / 2}" fill="${s.hollow ? '#fff' : s.color}" stroke="${s.color}" stroke-width="${s.hollow ? 2 : 1}"/>`);
      });
    }
  }
  parts.push('</g>');
  // Legend below the x-axis label, wrapping into rows.
  let lx = m.left, ly = m.top + h + 58;
  for (const s of spec.series.filter((e) => e.inLegend !== false)) {
    const wItem = 26 + s.label.length * 6.5;
    if (lx + wItem > widthPx - m.right) { lx = m.left; ly += 18; }
    parts.push(s.style === 'line'
      ? `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}/>`
      : `<circle cx="${lx + 9}" cy="${ly - 4}" r="${POINT_SIZE_PX / 2}" fill="${s.hollow ? '#fff' : s.color}" stroke="${s.color}" stroke-width="${s.hollow ? 2 : 1}"/>`);
    parts.push(`<text x="${lx + 22}" y="${ly}" font-size="11">${escapeHtml(s.label)}</text>`);
    lx += wItem + 12;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="system-ui, sans-serif">${parts.join('')}</svg>`;
}

/** Rasterises an SVG string to a PNG blob at `scale` × its size. */
export async function svgToPng(svg: string, widthPx: number, heightPx: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = widthPx * scale;
    canvas.height = heightPx * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context for the PNG export');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, widthPx, heightPx);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
