// A small sample of the fuzz properties (test/fuzz/properties.ts), run with the unit tests; the
// full run (10^5 inputs) is `npm run test:fuzz`. Seeds vary per run: a failure prints its seed.
import { describe, test } from 'vitest';
import { fuzzBackends, fuzzCli, fuzzFit, fuzzLoader, fuzzLts, fuzzParse, fuzzSweep } from './properties.js';

describe('fuzz sample', () => {
  test('fit', () => fuzzFit(300));
  test('lts', () => fuzzLts(300));
  test('fitSweep (one corrupted curve fails alone)', () => fuzzSweep(40));
  test('CLI in-process', () => fuzzCli(100));
  test('parse helpers', () => fuzzParse(500));
  test('page file loader', () => fuzzLoader(300));
  test('candidate backends (CPU evaluate and WebGPU host checks agree)', () => fuzzBackends(300));
});
