import { describe, expect, it } from 'vitest';
import { boundedLeastSquaresSmall } from '../../src/core/linalg.js';
import { createModel, DEFAULT_MODEL_SETTINGS, MODEL_NAMES, type Model, type ModelName } from '../../src/core/models/index.js';
import { rngUniform } from '../../src/core/rng.js';

const DATA = { xMin: 0, xMax: 100, xMinPositive: 0.5 };

function model(name: ModelName, freeEpsilon = false): Model {
  return createModel(name, { ...DEFAULT_MODEL_SETTINGS, freeEpsilon, uMax: 80 }, DATA);
}

/** Natural parameters drawn uniformly from ranges where each model is well defined on DATA. */
function randomNatural(name: ModelName, draw: () => number): Record<string, number> {
  const u = (lo: number, hi: number) => lo + (hi - lo) * draw();
  switch (name) {
    case 'sigmoid':
      return { b: u(0.2, 5), cMid: Math.exp(u(0, 4)), u: u(-10, 60), c0: u(0, 5) };
    case 'power':
      return { a: u(-5, 5), b: u(-2, 3), c: u(0.01, 50) };
    case 'log':
      return { a: u(-5, 5), b: u(-10, 10), c: u(0.01, 50) };
    case 'exp':
      return { a: u(-20, 20), b: u(0.005, 0.5), c: u(-5, 5) };
    case 'linear':
      return { a: u(-3, 3), b: u(-10, 10) };
  }
}

const VARIANTS: [ModelName, boolean][] = [...MODEL_NAMES.map((n): [ModelName, boolean] => [n, false]), ['sigmoid', true]];

describe('model gradients', () => {
  it.each(VARIANTS)('%s (free c0: %s): analytic gradient matches central differences', (name, free) => {
    const m = model(name, free);
    let counter = 0;
    const draw = () => rngUniform(7, 1, counter++);
    const grad = new Float64Array(m.nParams);
    let checked = 0;
    for (let trial = 0; trial < 40; trial++) {
      const theta = m.fromNatural(randomNatural(name, draw));
      const x = 0.05 + 99.95 * draw();
      const f = m.valueAndGradient(x, theta, grad);
      expect(f).toBeCloseTo(m.value(x, theta), 12);
      for (let k = 0; k < m.nParams; k++) {
        const h = 1e-6 * Math.max(1, Math.abs(theta[k]));
        const tp = theta.slice();
        const tm = theta.slice();
        tp[k] += h;
        tm[k] -= h;
        const fd = (m.value(x, tp) - m.value(x, tm)) / (2 * h);
        const scale = Math.max(1, Math.abs(f), Math.abs(fd));
        expect(Math.abs(grad[k] - fd)).toBeLessThan(1e-6 * scale);
        checked++;
      }
    }
    expect(checked).toBe(40 * m.nParams);
  });

  it.each([false, true])('sigmoid at x = 0 (free c0: %s) is c0 with zero gradient in b, m, u', (free) => {
    const m = model('sigmoid', free);
    const theta = m.fromNatural({ b: 1.3, cMid: 4, u: 30, c0: 2.5 });
    const grad = new Float64Array(m.nParams).fill(NaN);
    const f = m.valueAndGradient(0, theta, grad);
    const c0 = free ? 2.5 : 0;
    expect(f).toBe(c0);
    expect(m.value(0, theta)).toBe(c0);
    expect(Array.from(grad.subarray(0, 3))).toEqual([0, 0, 0]);
    if (free) expect(grad[3]).toBe(1);
    // and the value is continuous from the right
    expect(Math.abs(m.value(1e-12, theta) - c0)).toBeLessThan(1e-9);
  });

  it('sigmoid evaluates without overflow far from the midpoint', () => {
    const m = model('sigmoid');
    const theta = m.fromNatural({ b: 20, cMid: 1e-3, u: 10 });
    const grad = new Float64Array(3);
    expect(m.valueAndGradient(1e4, theta, grad)).toBe(10);
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    // exp(20·ln(1e33)) overflows to Infinity: s must be exactly 0 with a zero, finite gradient
    const far = m.fromNatural({ b: 20, cMid: 1e30, u: 10 });
    expect(m.valueAndGradient(1e-3, far, grad)).toBe(0);
    expect(Array.from(grad).every((g) => g === 0)).toBe(true);
  });
});

describe('model parametrisation', () => {
  it.each(VARIANTS)('%s (free c0: %s): toNatural inverts fromNatural', (name, free) => {
    const m = model(name, free);
    let counter = 0;
    const p = randomNatural(name, () => rngUniform(3, 2, counter++));
    const back = m.toNatural(m.fromNatural(p));
    for (const key of m.paramNames) expect(back[key]).toBeCloseTo(p[key], 10);
    expect(m.paramNames.length).toBe(m.nParams);
    expect(m.lower.length).toBe(m.nParams);
  });

  it('sigmoid reports c0 = 0 when fixed and lists only fitted names', () => {
    const m = model('sigmoid');
    expect(m.paramNames).toEqual(['b', 'cMid', 'u']);
    expect(m.toNatural(m.fromNatural({ b: 1, cMid: 2, u: 3 })).c0).toBe(0);
    expect(model('sigmoid', true).paramNames).toEqual(['b', 'cMid', 'u', 'c0']);
  });

  it('derives cMid bounds from the data when NaN and honours explicit ones', () => {
    const m = model('sigmoid', true);
    expect(Math.exp(m.lower[1])).toBeCloseTo(DATA.xMinPositive / 100, 12);
    expect(Math.exp(m.upper[1])).toBeCloseTo(DATA.xMax * 100, 9);
    expect(Array.from(m.lower)).toEqual([0.05, m.lower[1], -Infinity, 0]);
    expect(m.upper[2]).toBe(80);
    // ε is the gain at x = 0: the score cap bounds it like u.
    expect(m.upper[3]).toBe(80);
    const explicit = createModel('sigmoid', { ...DEFAULT_MODEL_SETTINGS, cMidMin: 2, cMidMax: 3 }, DATA);
    expect(Math.exp(explicit.lower[1])).toBeCloseTo(2, 12);
    expect(Math.exp(explicit.upper[1])).toBeCloseTo(3, 12);
    expect(() => createModel('sigmoid', DEFAULT_MODEL_SETTINGS, { xMin: 0, xMax: 0, xMinPositive: Infinity })).toThrow(/cMid/);
  });

  it('power and log stay defined down to the smallest data x at every shift in the box', () => {
    for (const name of ['power', 'log'] as const) {
      const m = model(name);
      for (const g of [m.lower[2], m.upper[2]]) {
        const theta = Float64Array.of(1, name === 'power' ? m.upper[1] : 1, g);
        expect(Number.isFinite(m.value(DATA.xMin, theta))).toBe(true);
        expect(Number.isFinite(m.value(DATA.xMax, theta))).toBe(true);
      }
    }
  });
});

describe('power law: a = A·xRef^(−b) at the edges of f64', () => {
  // x near 1e-300 makes xRef^(−b) overflow for b > 0 (about 1e-300^(−6.6) here).
  const tiny = createModel('power', DEFAULT_MODEL_SETTINGS, { xMin: 1e-300, xMax: 1e-299, xMinPositive: 1e-300 });
  // ln xRef (the model's x scale), read back through a factor that stays representable.
  const lnRef = -100 * Math.log(tiny.toNatural(Float64Array.of(1, 0.01, 0)).a);
  it('gives a = 0 for A = 0 (not 0·∞ = NaN), a representable product where the factor alone overflows, and ±Infinity only beyond f64', () => {
    expect(tiny.toNatural(Float64Array.of(0, 6.6, 0)).a).toBe(0);
    expect(lnRef).toBeLessThan(-680);
    const big = tiny.toNatural(Float64Array.of(-1e-200, 1.2, 0)).a;
    expect(Math.exp(-1.2 * lnRef)).toBe(Infinity);
    expect(big / -Math.exp(Math.log(1e-200) - 1.2 * lnRef)).toBeCloseTo(1, 12);
    expect(Number.isFinite(big)).toBe(true);
    expect(tiny.toNatural(Float64Array.of(1e100, 6.6, 0)).a).toBe(Infinity);
    // A and a round-trip through the log-space form.
    expect(tiny.fromNatural({ a: big, b: 1.2, c: 0 })[0] / -1e-200).toBeCloseTo(1, 12);
  });
  it('is the plain product wherever that is representable', () => {
    const m = model('power');
    const theta = Float64Array.of(3.7, 1.3, 0.2);
    expect(m.toNatural(theta).a).toBe(theta[0] * Math.exp(-theta[1] * Math.log(100)));
  });
});

describe('linear model far from x = 0', () => {
  it('fits x = 1e9 + i exactly: the centred parametrisation keeps the normal equations conditioned', async () => {
    const { fit } = await import('../../src/api/fit.js');
    const x = Array.from({ length: 40 }, (_, i) => 1e9 + i);
    const r = fit({ x, y: x.map((_, i) => 2 * i + 1) }, { model: 'linear', tau: 1e6, train: [0, 40], val: [0, 40] });
    expect(r.status).toBe('converged');
    expect(r.params.a).toBeCloseTo(2, 9);
    // b = 1 − 2e9: relative accuracy of a few ulps of the intercept's size.
    expect((r.params.b - (1 - 2e9)) / 2e9).toBeCloseTo(0, 9);
    expect(r.r2Train).toBeCloseTo(1, 9);
  });
});

describe('model starts', () => {
  const x = Float64Array.from({ length: 30 }, (_, i) => (i === 0 ? 0 : 0.5 + 3.3 * i));
  it.each(VARIANTS)('%s (free c0: %s): starts are inside the box and sorted by SSE', (name, free) => {
    const m = model(name, free);
    let counter = 0;
    const truth = m.fromNatural(randomNatural(name, () => rngUniform(11, 3, counter++)));
    const y = Float64Array.from(x, (xi) => m.value(xi, truth) + 0.3 * (rngUniform(11, 4, counter++) - 0.5));
    const idx = Int32Array.from(x, (_, i) => i);
    const starts = m.starts(x, y, idx, 5);
    expect(starts.length).toBeGreaterThanOrEqual(1);
    expect(starts.length).toBeLessThanOrEqual(5);
    if (name !== 'linear') expect(starts.length).toBe(5);
    const sse = starts.map((t) => {
      for (let k = 0; k < m.nParams; k++) {
        expect(t[k]).toBeGreaterThanOrEqual(m.lower[k]);
        expect(t[k]).toBeLessThanOrEqual(m.upper[k]);
      }
      let s = 0;
      for (const i of idx) s += (y[i] - m.value(x[i], t)) ** 2;
      return s;
    });
    for (let k = 1; k < sse.length; k++) expect(sse[k]).toBeGreaterThanOrEqual(sse[k - 1] * (1 - 1e-9));
  });

  it('sigmoid starts respect a binding uMax and c0 ≥ 0', () => {
    const m = createModel('sigmoid', { ...DEFAULT_MODEL_SETTINGS, freeEpsilon: true, uMax: 5 }, DATA);
    const truth = m.fromNatural({ b: 2, cMid: 10, u: 5, c0: 0 });
    // data rising to 20 (above uMax) and dipping below 0 at the start
    const y = Float64Array.from(x, (xi) => 4 * m.value(xi, truth) - 1);
    const starts = m.starts(x, y, Int32Array.from(x, (_, i) => i), 4);
    for (const t of starts) {
      expect(t[2]).toBeLessThanOrEqual(5);
      expect(t[3]).toBeGreaterThanOrEqual(0);
    }
    expect(starts[0][2]).toBe(5);
  });

  it('returns a start even when every x is equal', () => {
    for (const name of MODEL_NAMES) {
      const m = model(name);
      const xs = new Float64Array(6).fill(7);
      const ys = Float64Array.of(1, 2, 3, 1, 2, 3);
      const starts = m.starts(xs, ys, Int32Array.from(xs, (_, i) => i), 3);
      expect(starts.length).toBeGreaterThanOrEqual(1);
      expect(Array.from(starts[0]).every(Number.isFinite)).toBe(true);
    }
  });
});

describe('boundedLeastSquaresSmall', () => {
  it('matches a brute-force search over the box', () => {
    // G columns over 5 rows; the unconstrained optimum violates both bounds
    const g = [
      [1, 0.2],
      [1, 0.4],
      [1, 0.6],
      [1, 0.8],
      [1, 1.0],
    ];
    const y = [3, 2.6, 2.1, 1.4, 1.2];
    const gram = new Float64Array(4);
    const rhs = new Float64Array(2);
    let yy = 0;
    g.forEach((row, i) => {
      for (let a = 0; a < 2; a++) {
        rhs[a] += row[a] * y[i];
        for (let b = 0; b < 2; b++) gram[a * 2 + b] += row[a] * row[b];
      }
      yy += y[i] * y[i];
    });
    const lower = [-Infinity, -1];
    const upper = [3, Infinity];
    const out = new Float64Array(2);
    const sse = boundedLeastSquaresSmall(gram, rhs, yy, 2, lower, upper, out);
    let best = Infinity;
    for (let c0 = -1; c0 <= 3; c0 += 0.002) {
      for (let c1 = -1; c1 <= 3; c1 += 0.002) {
        let s = 0;
        g.forEach((row, i) => (s += (y[i] - row[0] * c0 - row[1] * c1) ** 2));
        best = Math.min(best, s);
      }
    }
    expect(out[0]).toBeLessThanOrEqual(3);
    expect(out[1]).toBeGreaterThanOrEqual(-1);
    expect(sse).toBeLessThanOrEqual(best + 1e-12);
    expect(sse).toBeGreaterThan(best - 1e-3);
  });
});
