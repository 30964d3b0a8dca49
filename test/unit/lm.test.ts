import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { levenbergMarquardt } from '../../src/core/lm.js';
import { createModel, DEFAULT_MODEL_SETTINGS, type Model, type ModelName } from '../../src/core/models/index.js';
import { fitNls, standardErrors } from '../../src/core/nls.js';
import { rngUniform } from '../../src/core/rng.js';

const X = Float64Array.from({ length: 31 }, (_, i) => 2 * i); // 0, 2, …, 60
const ALL = Int32Array.from(X, (_, i) => i);
const RANGE = { xMin: 0, xMax: 60, xMinPositive: 2 };

function build(name: ModelName, freeEpsilon = false, uMax = 80): Model {
  return createModel(name, { ...DEFAULT_MODEL_SETTINGS, freeEpsilon, uMax }, RANGE);
}

/** Standard normal by Box–Muller from the shared counter RNG (deterministic per stream). */
function normals(count: number, stream: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u1 = 1 - rngUniform(99, stream, 2 * i);
    const u2 = rngUniform(99, stream, 2 * i + 1);
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}

const CASES: [string, ModelName, boolean, Record<string, number>][] = [
  ['sigmoid', 'sigmoid', false, { b: 1.5, cMid: 8, u: 25 }],
  ['sigmoid free c0', 'sigmoid', true, { b: 2.2, cMid: 15, u: 30, c0: 3 }],
  ['power', 'power', false, { a: 2, b: 0.5, c: 1.5 }],
  ['log', 'log', false, { a: 3, b: 1, c: 2 }],
  ['exp', 'exp', false, { a: 10, b: 0.05, c: 1 }],
  ['linear', 'linear', false, { a: 2, b: -1 }],
];

describe('levenbergMarquardt / fitNls recover known parameters', () => {
  it.each(CASES)('%s, noiseless: relative error ≤ 1e-6', (_label, name, free, truth) => {
    const m = build(name, free);
    const theta = m.fromNatural(truth);
    const y = Float64Array.from(X, (x) => m.value(x, theta));
    const fit = fitNls(m, X, y, ALL);
    expect(fit.status).toBe('converged');
    const got = m.toNatural(fit.theta);
    for (const key of m.paramNames) expect(Math.abs(got[key] - truth[key])).toBeLessThanOrEqual(1e-6 * Math.abs(truth[key]));
  });

  it.each(CASES)('%s, noisy: within 4 standard errors of the truth', (_label, name, free, truth, ) => {
    const m = build(name, free);
    const theta = m.fromNatural(truth);
    const noise = normals(X.length, name.length + (free ? 10 : 0));
    let yRange = 0;
    for (const x of X) yRange = Math.max(yRange, Math.abs(m.value(x, theta)));
    const y = Float64Array.from(X, (x, i) => m.value(x, theta) + 0.01 * yRange * noise[i]);
    const fit = fitNls(m, X, y, ALL);
    expect(['converged', 'at-bound']).toContain(fit.status);
    const got = m.toNatural(fit.theta);
    const se = standardErrors(m, X, y, ALL, fit.theta);
    for (const key of m.paramNames) {
      expect(se[key]).toBeGreaterThan(0);
      expect(Number.isFinite(se[key])).toBe(true);
      expect(Math.abs(got[key] - truth[key])).toBeLessThan(4 * se[key]);
    }
  });
});

describe('standardErrors', () => {
  it('equals the textbook OLS standard errors for the linear model', () => {
    const m = build('linear');
    const noise = normals(X.length, 42);
    const y = Float64Array.from(X, (x, i) => 0.7 * x + 3 + noise[i]);
    const fit = fitNls(m, X, y, ALL);
    const n = X.length;
    const xBar = X.reduce((s, v) => s + v, 0) / n;
    const sxx = X.reduce((s, v) => s + (v - xBar) ** 2, 0);
    const s2 = fit.sse / (n - 2);
    const se = standardErrors(m, X, y, ALL, fit.theta);
    expect(se.a).toBeCloseTo(Math.sqrt(s2 / sxx), 8);
    expect(se.b).toBeCloseTo(Math.sqrt(s2 * (1 / n + (xBar * xBar) / sxx)), 8);
  });

  it('is Infinity (never NaN) when the parameters are not identified', () => {
    const m = build('sigmoid');
    const xs = new Float64Array(8).fill(5);
    const ys = Float64Array.from(xs, (_, i) => i % 2);
    const se = standardErrors(m, xs, ys, Int32Array.from(xs, (_, i) => i), m.fromNatural({ b: 1, cMid: 5, u: 1 }));
    expect(Object.keys(se)).toEqual(['b', 'cMid', 'u']);
    for (const v of Object.values(se)) expect(v).toBe(Infinity);
  });
});

describe('bounds and statuses', () => {
  it('iterates never leave the box, and a binding uMax gives at-bound naming u', () => {
    const truthModel = build('sigmoid');
    const truth = truthModel.fromNatural({ b: 1.5, cMid: 8, u: 25 });
    const y = Float64Array.from(X, (x) => truthModel.value(x, truth));
    const m = build('sigmoid', false, 10);
    let outside = 0;
    let evaluations = 0;
    const check = (t: ArrayLike<number>) => {
      evaluations++;
      for (let k = 0; k < m.nParams; k++) if (!(t[k] >= m.lower[k] && t[k] <= m.upper[k])) outside++;
    };
    const watched: Model = {
      ...m,
      value: (x, t) => (check(t), m.value(x, t)),
      valueAndGradient: (x, t, out) => (check(t), m.valueAndGradient(x, t, out)),
      // Without this, LM would evaluate the spread-in t = ln x form and bypass the watchers.
      logDomain: undefined,
    };
    // start far away and above the cap: LM must project every trial
    const fit = levenbergMarquardt(watched, X, y, ALL, Float64Array.of(0.3, Math.log(40), 60));
    expect(evaluations).toBeGreaterThan(X.length);
    expect(outside).toBe(0);
    expect(fit.status).toBe('at-bound');
    expect(fit.theta[2]).toBe(10);
    expect(fit.atBound).toEqual([false, false, true]);
    expect(fit.message).toMatch(/\bu at its upper bound/);
  });

  it('all x equal is singular', () => {
    for (const name of ['sigmoid', 'linear', 'exp'] as const) {
      const m = build(name);
      const xs = new Float64Array(10).fill(7);
      const ys = Float64Array.from(xs, (_, i) => 1 + (i % 3));
      const fit = fitNls(m, xs, ys, Int32Array.from(xs, (_, i) => i));
      expect(fit.status).toBe('singular');
      expect(Number.isFinite(fit.sse)).toBe(true);
    }
  });

  it('fewer distinct points than parameters is singular', () => {
    const m = build('power');
    const xs = Float64Array.of(1, 1, 4, 4);
    const ys = Float64Array.of(2, 2.2, 4, 4.1);
    const fit = fitNls(m, xs, ys, Int32Array.of(0, 1, 2, 3));
    expect(fit.status).toBe('singular');
    const tiny = fitNls(build('sigmoid'), X, Float64Array.from(X, (x) => x), Int32Array.of(3, 9));
    expect(tiny.status).toBe('singular');
    expect(tiny.message).toMatch(/2 points for 3 free parameters|rank-deficient/);
  });

  it('maxIterations 1 from a poor start stops with max-iterations', () => {
    const m = build('sigmoid');
    const truth = m.fromNatural({ b: 1.5, cMid: 8, u: 25 });
    const y = Float64Array.from(X, (x) => m.value(x, truth));
    const fit = levenbergMarquardt(m, X, y, ALL, m.fromNatural({ b: 0.3, cMid: 100, u: 5 }), { maxIterations: 1 });
    expect(fit.status).toBe('max-iterations');
    expect(fit.iterations).toBe(1);
    const full = levenbergMarquardt(m, X, y, ALL, m.fromNatural({ b: 0.3, cMid: 100, u: 5 }));
    expect(full.status).toBe('converged');
    expect(full.iterations).toBeGreaterThan(1);
  });

  it('non-finite data, starts or model values give non-finite without throwing', () => {
    const m = build('linear');
    const y = Float64Array.from(X, (x) => x);
    y[4] = NaN;
    const nanData = fitNls(m, X, y, ALL);
    expect(nanData.status).toBe('non-finite');
    expect(nanData.sse).toBe(Infinity);
    const nanStart = levenbergMarquardt(m, X, Float64Array.from(X), ALL, Float64Array.of(NaN, 1));
    expect(nanStart.status).toBe('non-finite');
    // power built for x ≥ 10 with x + c = x − 9: undefined at x = 0 (outside its domain)
    const p = createModel('power', DEFAULT_MODEL_SETTINGS, { xMin: 10, xMax: 60, xMinPositive: 10 });
    const outside = levenbergMarquardt(p, X, Float64Array.from(X), ALL, p.fromNatural({ a: 1, b: 0.5, c: -9 }));
    expect(outside.status).toBe('non-finite');
    expect(outside.message).toMatch(/not finite/);
  });

  it('an exact fit from the truth converges immediately', () => {
    const m = build('exp');
    const truth = m.fromNatural({ a: 10, b: 0.05, c: 1 });
    const y = Float64Array.from(X, (x) => m.value(x, truth));
    const fit = levenbergMarquardt(m, X, y, ALL, truth);
    expect(fit.status).toBe('converged');
    expect(fit.sse).toBeLessThan(1e-20);
  });
});

describe('real curve', () => {
  it('SFT889K ckpt0 (pure RL from the base model) fits the sigmoid with R² > 0.8', () => {
    // The paper's data sits beside the repository (../shared), wherever the checkout is.
    const file = fileURLToPath(new URL('../../../shared/data/retu/cache/sft_then_rl/general/general_step2flops2valPerform_dapo_ckpt0.json', import.meta.url));
    const curve = JSON.parse(readFileSync(file, 'utf8')) as { points: { rl_eflops: number; derived_overall: number }[] };
    const pSft = 46.71;
    const x = Float64Array.from([0, ...curve.points.map((p) => p.rl_eflops)]);
    const y = Float64Array.from([0, ...curve.points.map((p) => p.derived_overall - pSft)]);
    const idx = Int32Array.from(x, (_, i) => i);
    const m = createModel('sigmoid', { ...DEFAULT_MODEL_SETTINGS, uMax: 100 - pSft }, { xMin: 0, xMax: x[x.length - 1], xMinPositive: x[1] });
    const fit = fitNls(m, x, y, idx);
    expect(['converged', 'at-bound']).toContain(fit.status);
    const yBar = y.reduce((s, v) => s + v, 0) / y.length;
    const sst = y.reduce((s, v) => s + (v - yBar) ** 2, 0);
    const r2 = 1 - fit.sse / sst;
    expect(r2).toBeGreaterThan(0.8);
    const params = m.toNatural(fit.theta);
    // the plateau gain sits near the late points (~+24.5), below the cap
    expect(params.u).toBeGreaterThan(20);
    expect(params.u).toBeLessThan(100 - pSft);
    console.log(`ckpt0 sigmoid: R² ${r2.toFixed(4)}, ${JSON.stringify(params)}, ${fit.status}, ${fit.iterations} iterations`);
  });
});

describe('fitNls finds the global minimum on random problems', () => {
  // Geometric x (0, then 0.5·1.25^i) spans 2.4 decades, as compute axes do; 3.5 % uniform noise.
  const xs = Float64Array.from({ length: 25 }, (_, i) => (i === 0 ? 0 : 0.5 * 1.25 ** i));
  const idx = Int32Array.from(xs, (_, i) => i);
  const range = { xMin: 0, xMax: xs[24], xMinPositive: xs[1] };
  const draws: [string, ModelName, boolean, (u: (lo: number, hi: number) => number) => Record<string, number>][] = [
    ['sigmoid', 'sigmoid', false, (u) => ({ b: Math.exp(u(-1.5, 2)), cMid: Math.exp(u(-1, 6)), u: u(5, 50) })],
    ['sigmoid free c0', 'sigmoid', true, (u) => ({ b: Math.exp(u(-1.5, 2)), cMid: Math.exp(u(-1, 6)), u: u(5, 50), c0: u(0, 3) })],
    ['power', 'power', false, (u) => ({ a: u(0.5, 5), b: u(0.1, 1.5), c: Math.exp(u(-3, 3)) })],
    ['log', 'log', false, (u) => ({ a: u(0.5, 5), b: u(-5, 5), c: Math.exp(u(-3, 3)) })],
    ['exp', 'exp', false, (u) => ({ a: u(5, 30), b: Math.exp(u(-6, 0)), c: u(-3, 3) })],
  ];
  it.each(draws)('%s: SSE never above the SSE of the true parameters (40 problems)', (_label, name, free, draw) => {
    const m = createModel(name, { ...DEFAULT_MODEL_SETTINGS, freeEpsilon: free, uMax: 60 }, range);
    let counter = 0;
    const u = (lo: number, hi: number) => lo + (hi - lo) * rngUniform(5, 9, counter++);
    let worse = 0;
    for (let r = 0; r < 40; r++) {
      const truth = m.fromNatural(draw(u));
      let amp = 0;
      for (const x of xs) amp = Math.max(amp, Math.abs(m.value(x, truth)));
      const y = Float64Array.from(xs, (x) => m.value(x, truth) + 0.035 * amp * (u(0, 1) - 0.5) * 2);
      let sseTruth = 0;
      for (const i of idx) sseTruth += (y[i] - m.value(xs[i], truth)) ** 2;
      const fit = fitNls(m, xs, y, idx);
      if (!(fit.sse <= sseTruth * (1 + 1e-9))) worse++;
    }
    expect(worse).toBe(0);
  });
});
