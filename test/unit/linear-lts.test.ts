// Linear LTS against R's robustbase::ltsReg. Fixtures: test/fixtures/lts/*.json, made by
// test/fixtures/make-lts-fixtures.R (header there says how to regenerate).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  hAlphaN, LTS_WEIGHT_CUTOFF, lts, ltsConsistencyFactor, ltsSmallSampleFactor, type LtsResult,
} from '../../src/core/linear-lts.js';
import { normalQuantile } from '../../src/core/normal.js';
import { rngUniform } from '../../src/core/rng.js';

interface Fixture {
  name: string;
  n: number;
  p: number;
  intercept: boolean;
  alpha: number;
  exhaustive: boolean;
  nested: boolean;
  h: number;
  crit: number;
  critOriginal: number;
  rawCoefficients: number[];
  coefficients: number[];
  rawScale: number;
  scale: number;
  rawWeights: number[];
  weights: number[];
  best: number[];
  x: number[][];
  y: number[];
}

const fixtureDir = fileURLToPath(new URL('../fixtures/lts/', import.meta.url));
const fixtures: Fixture[] = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(fixtureDir + f, 'utf8')) as Fixture);

const REL = 1e-8;

function expectClose(actual: number, expected: number, rel: number, what: string): void {
  const error = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
  expect(error, `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(rel);
}

function expectCloseArray(actual: ArrayLike<number>, expected: number[], rel: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((v, i) => expectClose(actual[i], v, rel, `${what}[${i}]`));
}

function sameBest(result: LtsResult, fixture: Fixture): boolean {
  return result.best.length === fixture.best.length && fixture.best.every((v, i) => result.best[i] === v);
}

/** Ordinary least squares by normal equations (independent of the QR used by the implementation). */
function ols(X: number[][], y: number[], intercept: boolean): number[] {
  const rows = X.map((r) => (intercept ? [1, ...r] : r));
  const p = rows[0].length;
  const m = Array.from({ length: p }, (_, i) => [
    ...Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + r[i] * r[j], 0)),
    rows.reduce((s, r, k) => s + r[i] * y[k], 0),
  ]);
  for (let c = 0; c < p; c++) {
    for (let r = c + 1; r < p; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= p; k++) m[r][k] -= f * m[c][k];
    }
  }
  const beta = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let s = m[r][p];
    for (let k = r + 1; k < p; k++) s -= m[r][k] * beta[k];
    beta[r] = s / m[r][r];
  }
  return beta;
}

describe('lts against robustbase::ltsReg fixtures', () => {
  it('has the fixtures (small exhaustive, medium, nested, location, alpha = 1)', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(fixtures.some((f) => f.exhaustive)).toBe(true);
    expect(fixtures.some((f) => f.nested && f.n >= 10000)).toBe(true);
  });

  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const result = lts(fixture.x, fixture.y, { alpha: fixture.alpha, intercept: fixture.intercept });
      expect(result.status, result.message).toBe('ok');
      expect(result.h).toBe(fixture.h);
      // Never worse than R's raw fit, measured the same way (the data's scale).
      expect(result.objective).toBeLessThanOrEqual(fixture.critOriginal * (1 + 1e-9));

      if (fixture.p === 0) {
        // Location only: same exact univariate LTS location; robustbase's raw scale is
        // √(our raw SD / k)·k with k the consistency × small-sample factor (see linear-lts.ts).
        expect(result.search).toBe('none');
        expectCloseArray(result.rawCoefficients, fixture.rawCoefficients, 1e-12, 'location');
        const k = ltsConsistencyFactor(fixture.h, fixture.n) * ltsSmallSampleFactor(1, true, fixture.n, fixture.alpha);
        expectClose(Math.sqrt(result.rawScale / k) * k, fixture.rawScale, REL, 'robustbase raw scale');
        const r = fixture.y.map((v) => v - result.rawCoefficients[0]);
        r.forEach((v, i) => expect(result.rawWeights[i]).toBe(Math.abs(v / result.rawScale) <= LTS_WEIGHT_CUTOFF ? 1 : 0));
        const kept = fixture.y.filter((_, i) => result.rawWeights[i] === 1);
        expectClose(result.coefficients[0], kept.reduce((s, v) => s + v, 0) / kept.length, 1e-12, 'reweighted location');
        return;
      }

      if (fixture.alpha === 1) {
        // robustbase's least-squares branch: raw fit, raw scale, weights and the reweighted fit
        // agree; the final scale here uses the reweighted residuals (robustbase: the raw ones).
        expect(result.search).toBe('none');
        expectCloseArray(result.rawCoefficients, fixture.rawCoefficients, REL, 'raw coefficients');
        expectClose(result.objective, fixture.critOriginal, 1e-12, 'objective');
        expectClose(result.rawScale, fixture.rawScale, REL, 'raw scale');
        expect(Array.from(result.rawWeights)).toEqual(fixture.rawWeights);
        expectCloseArray(result.coefficients, fixture.coefficients, REL, 'coefficients');
        return;
      }

      expect(result.search).toBe(fixture.exhaustive ? 'exhaustive' : fixture.nested ? 'nested' : 'random');
      // The exhaustive search is deterministic in both implementations: the subsets must agree.
      if (fixture.exhaustive) expect(Array.from(result.best)).toEqual(fixture.best);
      if (sameBest(result, fixture)) {
        expectCloseArray(result.rawCoefficients, fixture.rawCoefficients, REL, 'raw coefficients');
        expectCloseArray(result.coefficients, fixture.coefficients, REL, 'coefficients');
        expectClose(result.rawScale, fixture.rawScale, REL, 'raw scale');
        expectClose(result.scale, fixture.scale, REL, 'scale');
        expect(Array.from(result.rawWeights)).toEqual(fixture.rawWeights);
        expect(Array.from(result.weights)).toEqual(fixture.weights);
        expectClose(result.objective, fixture.critOriginal, 1e-9, 'objective');
      } else {
        // A different subset is only acceptable when it is strictly better than R's.
        expect(result.objective).toBeLessThan(fixture.critOriginal);
      }
    });
  }

  it('finds the same best subset as R on most random-start fixtures', () => {
    const random = fixtures.filter((f) => f.p > 0 && f.alpha < 1 && !f.exhaustive);
    const matched = random.filter((f) => sameBest(lts(f.x, f.y, { alpha: f.alpha, intercept: f.intercept }), f));
    expect(matched.length / random.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe('lts on constructed data', () => {
  function makeData(n: number, seed: number, noise: (i: number) => number): { X: number[][]; y: number[] } {
    const X = Array.from({ length: n }, (_, i) => [4 * rngUniform(seed, 0, i) - 2, 4 * rngUniform(seed, 1, i) - 2]);
    const y = X.map((r, i) => 1 + 2 * r[0] - r[1] + noise(i));
    return { X, y };
  }

  it('equals OLS on clean data with bounded noise (no point rejected)', () => {
    const { X, y } = makeData(200, 3, (i) => 0.2 * (rngUniform(3, 2, i) - 0.5));
    const result = lts(X, y);
    expect(result.status).toBe('ok');
    expect(result.weights.every((w) => w === 1)).toBe(true);
    expect(result.rawWeights.every((w) => w === 1)).toBe(true);
    expectCloseArray(result.coefficients, ols(X, y, true), 1e-10, 'coefficients vs OLS');
  });

  it('equals OLS with alpha = 1, with and without intercept', () => {
    const { X, y } = makeData(80, 4, (i) => rngUniform(4, 2, i) - 0.5 + (i % 10 === 0 ? 15 : 0));
    for (const intercept of [true, false]) {
      const result = lts(X, y, { alpha: 1, intercept });
      expect(result.h).toBe(80);
      expectCloseArray(result.rawCoefficients, ols(X, y, intercept), 1e-10, `raw vs OLS (intercept ${intercept})`);
    }
  });

  it('resists 30 % vertical outliers and leverage points', () => {
    const { X, y } = makeData(300, 5, (i) => 0.3 * (rngUniform(5, 2, i) - 0.5));
    for (let i = 0; i < 90; i++) {
      if (i % 2 === 0) y[i] += 30;
      else { X[i][0] = 12; y[i] = -5; }
    }
    const result = lts(X, y, { seed: 11 });
    expect(result.status).toBe('ok');
    expectCloseArray(result.coefficients, [1, 2, -1], 0.05, 'coefficients');
    for (let i = 0; i < 90; i++) expect(result.weights[i]).toBe(0);
  });

  it('reports an exact fit when more than h points lie on a plane', () => {
    const { X, y } = makeData(50, 6, () => 0);
    for (let i = 0; i < 15; i++) y[i] += 5 + i;
    const result = lts(X, y);
    expect(result.status).toBe('exact-fit');
    expect(result.rawScale).toBe(0);
    expectCloseArray(result.rawCoefficients, [1, 2, -1], 1e-10, 'raw coefficients');
    result.rawWeights.forEach((w, i) => expect(w).toBe(i < 15 ? 0 : 1));
    expect(result.objective).toBeLessThan(1e-20);
  });

  it('is deterministic for a seed', () => {
    const { X, y } = makeData(120, 7, (i) => rngUniform(7, 2, i) - 0.5 + (i % 4 === 0 ? 10 : 0));
    const a = lts(X, y, { seed: 5 });
    const b = lts(X, y, { seed: 5 });
    expect(Array.from(a.best)).toEqual(Array.from(b.best));
    expect(Array.from(a.coefficients)).toEqual(Array.from(b.coefficients));
  });

  it('returns a status for degenerate data', () => {
    const constant = lts([[1], [1], [1], [1], [1]], [1, 2, 3, 4, 5]);
    expect(constant.status).toBe('singular');
    expect(constant.message).toContain('column 0');
    expect(constant.coefficients.every((c) => Number.isNaN(c))).toBe(true);
    const collinear = lts([[1, 2], [2, 4], [3, 6], [4, 8], [5, 10], [6, 12], [7, 14]], [1, 2, 3, 4, 5, 6, 8]);
    expect(collinear.status).toBe('singular');
    expect(lts([[1], [2], [3], [4]], [1, 2, 3, 5]).status).toBe('too-few-points');
    expect(lts([[], [], [], []], [1, 2, 3, 4], { intercept: false }).status).toBe('singular');
  });

  it('runs n = 100000, p = 3 in a few seconds (nested subsets)', () => {
    const n = 100_000;
    const X = Array.from({ length: n }, (_, i) => [0, 1, 2].map((j) => 4 * rngUniform(9, j, i) - 2));
    const y = X.map((r, i) => 1 + 2 * r[0] - r[1] + 0.5 * r[2] + (rngUniform(9, 3, i) - 0.5) + (i % 4 === 0 ? 25 : 0));
    const started = performance.now();
    const result = lts(X, y);
    const elapsedMs = performance.now() - started;
    console.log(`lts n=${n} p=3: ${elapsedMs.toFixed(0)} ms`);
    expect(result.search).toBe('nested');
    expect(result.status).toBe('ok');
    expectCloseArray(result.coefficients, [1, 2, -1, 0.5], 0.02, 'coefficients');
    expect(elapsedMs).toBeLessThan(10_000);
  });
});

describe('helpers match R', () => {
  it('normalQuantile matches qnorm', () => {
    const cases: Array<[number, number]> = [
      [0.9875, 2.24140272760494641], [0.975, 1.95996398454005361], [0.75, 0.67448975019608171], [0.5, 0],
      [0.6, 0.25334710313579978], [1e-10, -6.3613409024040557], [0.999999, 4.75342430881708911], [0.01, -2.32634787404084076],
    ];
    for (const [p, q] of cases) expect(Math.abs(normalQuantile(p) - q)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(q)));
  });

  it('hAlphaN matches h.alpha.n', () => {
    expect(hAlphaN(0.75, 101, 4)).toBe(77);
    expect(hAlphaN(0.5, 10, 3)).toBe(7);
    expect(hAlphaN(0.9, 1000, 2)).toBe(900);
  });

  it('ltsSmallSampleFactor matches LTScnp2 and LTScnp2.rew', () => {
    const cases: Array<[number, boolean, number, number, number, number]> = [
      [1, true, 40, 0.5, 1.0780878744343423, 1.0056591011806473],
      [2, true, 100, 0.75, 1.0432719831683959, 1.0105616726452946],
      [3, false, 250, 0.9, 1.0080718599357998, 1.0053434769895186],
      [4, true, 1000, 0.5, 1.0465294697757437, 1.0002389146183344],
      [2, false, 30, 0.9, 1.0443836736380674, 1.0376511595586724],
      [1, false, 20, 0.6, 1.1076507629112979, 1.0302438824921596],
    ];
    for (const [p, intercept, n, alpha, raw, rew] of cases) {
      expectClose(ltsSmallSampleFactor(p, intercept, n, alpha), raw, 1e-13, `LTScnp2(${p}, ${intercept}, ${n}, ${alpha})`);
      expectClose(ltsSmallSampleFactor(p, intercept, n, alpha, true), rew, 1e-13, `LTScnp2.rew(${p}, ${intercept}, ${n}, ${alpha})`);
    }
  });
});
