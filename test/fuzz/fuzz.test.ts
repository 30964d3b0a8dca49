// The full property run: 10^5 generated bad or extreme inputs through every entry point
// (`npm run test:fuzz`). Properties and the result contract are in properties.ts.
import { afterAll, describe, expect, test } from 'vitest';
import { fit, isTrimfitError } from '../../src/index.js';
import { fuzzCli, fuzzFit, fuzzLoader, fuzzLts, fuzzParse, fuzzSweep, expectCleanFit, slowestMs, tried } from './properties.js';

afterAll(() => {
  const total = ['fit', 'lts', 'sweep', 'cli', 'parse', 'loader'].reduce((a, k) => a + (tried[k] ?? 0), 0);
  console.log(`fuzz: ${total} generated inputs`, JSON.stringify({ tried, slowestMs }));
  expect(total).toBeGreaterThanOrEqual(100_000);
});

describe('fuzz (10^5 inputs)', () => {
  test('fit: 50,000 curves × options', () => fuzzFit(50_000));
  test('lts: 20,000 matrices × options', () => fuzzLts(20_000));
  test('fitSweep: 3,000 sweeps with corrupted curves', () => fuzzSweep(3_000));
  test('CLI in-process: 7,000 files × flags', () => fuzzCli(7_000));
  test('parse helpers: 15,000 CSV/JSON texts', () => fuzzParse(15_000));
  test('page file loader: 10,000 file drops', () => fuzzLoader(10_000));

  // 10^7 points: no size limit is imposed; one default fit (Stage 1, no LTS) must complete within
  // a bound rather than hang. A caller who needs a hard limit checks x.length before calling.
  test('10^7 points completes in bounded time', () => {
    const n = 10_000_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = (i + 1) / 1000;
      y[i] = 1 / (1 + Math.pow(5000 / x[i], 1.5)) + 0.01 * Math.sin(i);
    }
    const t0 = performance.now();
    try {
      const r = fit({ x, y }, { nStarts: 1 });
      expectCleanFit(r, n);
    } catch (e) {
      expect(isTrimfitError(e)).toBe(true);
    }
    const ms = performance.now() - t0;
    console.log(`fit of 10^7 points: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(240_000);
  }, 300_000);
});
