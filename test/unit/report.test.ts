// The fit figure (src/report): where its x values start, how points are placed, and the SVG.
import { describe, expect, test } from 'vitest';
import { createFitter, fit, fitPlotSpec, modelValue, plotSvg, plotXs, type FitResult } from '../../src/index.js';
import { createModel, DEFAULT_MODEL_SETTINGS } from '../../src/core/models/index.js';
import { MODEL_NAMES, type ModelName } from '../../src/core/models/model.js';
import { dataRange } from '../../src/core/pipeline.js';

const risingCurve = (n = 30) => {
  const x = Array.from({ length: n }, (_, i) => 10 * (i + 1));
  return { x, y: x.map((v, i) => 3 * Math.pow(v, 0.4) + 0.1 * Math.sin(2.3 * i)) };
};

describe('plotXs', () => {
  test('from 0 for the sigmoid, from the smallest x for the power and log models, to 3× the largest', () => {
    const { x } = risingCurve();
    expect(plotXs(x)[0]).toBe(0);
    expect(plotXs(x, 'sigmoid')[0]).toBe(0);
    for (const model of ['power', 'log'] as const) expect(plotXs(x, model)[0]).toBeCloseTo(10, 12);
    expect(plotXs(x).at(-1)).toBeCloseTo(900, 9);
    expect(plotXs([0, 0])).toEqual([]);
  });

  test('a power fit with a band drawn at plotXs keeps its bootstrap intervals (a prediction at 0 dropped them)', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    const { x, y } = risingCurve();
    const run = async (predictAt: number[]) => {
      for await (const item of fitter.fitSweep([{ x, y, predictAt }], { model: 'power', grid: 'single', bootstrap: { resamples: 50 } })) return item.result as FitResult;
      throw new Error('no result');
    };
    const before = await run([0, ...plotXs(x, 'power')]);
    expect(before.ci).toBeNull();
    expect(before.message).toMatch(/no bootstrap intervals: the prediction at x = 0 is undefined/);
    const now = await run(plotXs(x, 'power'));
    expect(now.ci?.predictions.length).toBe(plotXs(x, 'power').length);
    await fitter.dispose();
  });
});

describe('modelValue', () => {
  test('draws what each core model computes from the same natural parameters', () => {
    // modelValue writes each model's formula in natural parameters; the core models evaluate their
    // internal ones. Both must give one curve, or the figure would show another fit than the table.
    const { x } = risingCurve();
    const natural: Record<ModelName, Record<string, number>> = {
      sigmoid: { u: 30, cMid: 50, b: 1.5, c0: 2 },
      power: { a: 3, b: 0.4, c: 5 },
      log: { a: 2, b: 1, c: 5 },
      exp: { a: 10, b: 0.02, c: 1 },
      linear: { a: 0.5, b: 3 },
    };
    for (const name of MODEL_NAMES) {
      const model = createModel(name, { ...DEFAULT_MODEL_SETTINGS, freeEpsilon: true }, dataRange(x));
      const theta = model.fromNatural(natural[name]);
      for (const at of [10, 55, 300, 900]) {
        const core = model.value(at, theta);
        expect(Math.abs(modelValue(name, natural[name], at) - core), `${name} at ${at}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(core)));
      }
    }
  });
});

describe('fitPlotSpec', () => {
  test('points by their role, counted in x order even when the input is not sorted', () => {
    // A sigmoid with a spike at x = 40; the input lists the points in reverse.
    const x = Array.from({ length: 20 }, (_, i) => 10 * (i + 1));
    const y = x.map((v) => 20 / (1 + Math.pow(60 / v, 1.5)) + (v === 40 ? 9 : 0));
    const r = fit({ x, y }, { train: [0, 14], lts: true, seed: 1 });
    const reversed = fit({ x: [...x].reverse(), y: [...y].reverse() }, { train: [0, 14], lts: true, seed: 1 });
    const spec = (res: FitResult, xs: number[], ys: number[]) => fitPlotSpec({ title: 't', x: xs, y: ys, fit: res });
    const a = spec(r, x, y);
    const b = spec(reversed, [...x].reverse(), [...y].reverse());
    expect(b.series.map((s) => [s.label, s.values])).toEqual(a.series.map((s) => [s.label, s.values]));
    const byLabel = (label: string) => a.series.find((s) => s.label === label)!.values;
    const at = (v: number) => a.xs.indexOf(v);
    // The spike is rejected or trimmed, not a train point; the last 6 points are validation.
    expect(byLabel('train')[at(40)]).toBeNull();
    expect((byLabel('Stage-1 rejected')[at(40)] ?? byLabel('LTS-trimmed')[at(40)])).toBe(y[3]);
    expect(byLabel('validation')[at(200)]).toBe(y[19]);
    expect(byLabel('train')[at(10)]).toBe(y[0]);
    // The fitted curve up to the last x, the extrapolation after it.
    // A curve x equal to a point's has a slot of its own, after the point's.
    const fitted = byLabel('sigmoid fit');
    expect(fitted[a.xs.lastIndexOf(100)]).toBeCloseTo(modelValue('sigmoid', r.params, 100), 12);
    expect(fitted[a.xs.length - 1]).toBeNull();
    expect(byLabel('extrapolation')[a.xs.length - 1]).toBeCloseTo(modelValue('sigmoid', r.params, 600), 12);
  });

  test('the display moves points and curve by P_sft and draws the P_sft and A_post lines and the band', () => {
    const x = Array.from({ length: 20 }, (_, i) => 10 * i);
    const gain = x.map((v) => (v === 0 ? 0 : 20 / (1 + Math.pow(60 / v, 1.5))));
    const r = fit({ x, y: gain }, { pSft: 50, seed: 1 });
    const xs = plotXs(x);
    const spec = fitPlotSpec({ title: 't', x, y: gain, yOffset: 50, pSft: 50, fit: r, aPost: 50 + r.params.u, band: { level: 0.9, points: xs.map((v) => ({ x: v, lower: 49, upper: 71 })) } });
    const labels = spec.series.map((s) => s.label);
    expect(labels).toContain('P_sft 50.00');
    expect(labels).toContain(`A_post ${(50 + r.params.u).toFixed(2)}`);
    expect(labels).toContain('90% bootstrap band');
    expect(spec.band).toBeDefined();
    expect(spec.series[0].values[spec.xs.indexOf(0)]).toBe(50);
    expect(spec.series.find((s) => s.label === 'sigmoid fit')!.values[spec.xs.lastIndexOf(0)]).toBe(50);
  });

  test('two points at one x are both drawn, each in its role', () => {
    // Repeated evaluations: every x twice, one of the copies at x = 60 far off the curve.
    const base = Array.from({ length: 15 }, (_, i) => 10 * (i + 1));
    const x = base.flatMap((v) => [v, v]);
    const y = x.map((v, i) => 20 / (1 + Math.pow(60 / v, 1.5)) + 0.2 * Math.sin(i) + (v === 60 && i % 2 === 1 ? 12 : 0));
    const r = fit({ x, y }, { train: [0, 20], seed: 1 });
    const spec = fitPlotSpec({ title: 't', x, y, fit: r });
    const pointSeries = spec.series.filter((s) => s.style === 'points');
    const drawn = pointSeries.flatMap((s) => s.values.map((v, k) => (v === null ? null : [spec.xs[k], v] as const)).filter((p) => p !== null));
    expect(drawn).toHaveLength(x.length);
    expect(drawn.map(([px, py]) => `${px},${py}`).sort()).toEqual(x.map((v, i) => `${v},${y[i]}`).sort());
    // The outlier was rejected by Stage 1 while its twin at the same x stays a train point.
    const roleAt = (label: string, value: number) => spec.series.find((s) => s.label === label)!.values.some((v, k) => spec.xs[k] === 60 && v === value);
    expect(r.stage1Rejected).toEqual([11]);
    expect(roleAt('Stage-1 rejected', y[11])).toBe(true);
    expect(roleAt('train', y[10])).toBe(true);
  });
});

describe('plotSvg', () => {
  test('a standalone SVG with the curve, the legend and escaped text', () => {
    const { x, y } = risingCurve();
    const r = fit({ x, y }, { model: 'power' });
    const svg = plotSvg(fitPlotSpec({ title: 'run <1> & "2"', x, y, fit: r }), 640, 400);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="400"/);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('run &lt;1&gt; &amp; &quot;2&quot;');
    for (const label of ['train', 'validation', 'power fit', 'extrapolation']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toMatch(/NaN/);
  });
});
