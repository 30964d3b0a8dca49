/**
 * Plots as data and as SVG: a PlotSpec describes a figure (x values shared by every series, points
 * or lines, an optional shaded band), and `plotSvg` renders it as a standalone SVG document. No DOM:
 * the page draws the same spec interactively and exports it through this, and `trimfit sweep
 * --plots` writes it to files.
 */

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

/** Diameter of a point marker. */
export const POINT_SIZE_PX = 7;

/** Text safe inside markup and attribute values. */
const escapeMarkup = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

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

/** The spec as an SVG document of widthPx × heightPx (axes, grid, band, series, a legend below). */
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
  parts.push(`<text x="${widthPx / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeMarkup(spec.title)}</text>`);
  for (const v of spec.logX ? logTicks(xLo, xHi) : linearTicks(xLo, xHi)) {
    parts.push(`<line x1="${px(v)}" x2="${px(v)}" y1="${m.top}" y2="${m.top + h}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${px(v)}" y="${m.top + h + 16}" text-anchor="middle" font-size="11">${fmt(v)}</text>`);
  }
  for (const v of linearTicks(yLo, yHi)) {
    parts.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${py(v)}" y2="${py(v)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="11">${fmt(v)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${m.left + w / 2}" y="${m.top + h + 36}" text-anchor="middle" font-size="12">${escapeMarkup(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${m.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeMarkup(spec.yLabel)}</text>`);
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
    parts.push(`<text x="${lx + 22}" y="${ly}" font-size="11">${escapeMarkup(s.label)}</text>`);
    lx += wItem + 12;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="system-ui, sans-serif">${parts.join('')}</svg>`;
}
