/**
 * Plots on the page: `mountPlot` draws a PlotSpec interactively with uPlot; the library's `plotSvg`
 * renders the same spec as a standalone SVG (the SVG and PNG exports), so what is exported is what
 * was specified, not a screenshot of the canvas.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { POINT_SIZE_PX, type PlotSpec } from '../src/index.js';

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
