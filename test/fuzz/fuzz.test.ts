// The full property run: over 10^5 generated bad or extreme inputs through every entry point,
// the candidate backends included (`npm run test:fuzz`). Properties and the result contract are
// in properties.ts.
import { describe, expect, test } from 'vitest';
import { fit, isTrimfitError } from '../../src/index.js';
import { checkCurve, MAX_CURVE_POINTS } from '../../src/api/validate.js';
import { fuzzBackends, fuzzCli, fuzzFit, fuzzLoader, fuzzLts, fuzzParse, fuzzSweep, slowestMs, tried } from './properties.js';

describe('fuzz (10^5 inputs)', () => {
  test('fit: 50,000 curves × options', () => fuzzFit(50_000));
  test('lts: 20,000 matrices × options', () => fuzzLts(20_000));
  test('fitSweep: 3,000 sweeps with corrupted curves', () => fuzzSweep(3_000));
  test('CLI in-process: 7,000 files × flags', () => fuzzCli(7_000));
  test('parse helpers: 15,000 CSV/JSON texts', () => fuzzParse(15_000));
  test('page file loader: 10,000 file drops', () => fuzzLoader(10_000));
  test('candidate backends: 10,000 batches with one field replaced', () => fuzzBackends(10_000));

  // 10^7 points: curves are capped at MAX_CURVE_POINTS (10^6, about 4 s per default fit on one
  // core); a larger one is rejected at once, naming the field, instead of running for minutes.
  test('10^7 points: rejected at once; 10^6 passes validation', () => {
    const big = (n: number) => {
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = i + 1;
      return { x, y: x.map((v) => Math.log(v)) };
    };
    const t0 = performance.now();
    let error: unknown = null;
    try {
      fit(big(10_000_000));
    } catch (e) {
      error = e;
    }
    expect(isTrimfitError(error) && [error.code, error.field]).toEqual(['invalid-input', 'curve.x']);
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(() => checkCurve(big(MAX_CURVE_POINTS), 'sigmoid', 1)).not.toThrow();
    expect(() => checkCurve(big(MAX_CURVE_POINTS + 1), 'sigmoid', 1)).toThrow(/at most 1000000 points/);
  });

  // Runs last (tests in a file run in order): the count and the slowest call of each entry point.
  test('10^5 inputs in total', () => {
    const total = ['fit', 'lts', 'sweep', 'cli', 'parse', 'loader', 'backends'].reduce((a, k) => a + (tried[k] ?? 0), 0);
    console.log(`fuzz: ${total} generated inputs`, JSON.stringify({ tried, slowestMs }));
    expect(total).toBeGreaterThanOrEqual(100_000);
  });
});
