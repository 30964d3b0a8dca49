// Determinism (docs/determinism.md): the same seed gives identical results across runs, worker
// counts and chunk sizes. Needs dist/fit.worker.js for the 2-worker pool (`npm test` builds first).
import { describe, expect, test } from 'vitest';
import { createFitter, fit, type GridSpec, type SweepItem, type SweepOptions } from '../../src/index.js';
import { sigmoidCurve } from './curves.js';

/** 54 settings: 6 curves × 54 × 64 candidates is just above the worker threshold (20,000). */
const GRID: GridSpec = { trainEndFractions: [0.5, 0.6, 0.7], trainStartFractions: [0, 0.1], taus: [2.5, 3, 4], ltsAlphas: [null, 0.75, 0.85], freeEpsilon: [false], minTrainPoints: 8, minValPoints: 3 };

const SAME_LENGTH = Array.from({ length: 6 }, (_, k) => sigmoidCurve(k));
/** Lengths out of order, so the pool starts the units (heaviest first) in another order than the input's. */
const MIXED_LENGTHS = [20, 40, 24, 36, 28, 32].map((n, k) => sigmoidCurve(k, n));

async function sweep(workers: number, options: SweepOptions, curves = SAME_LENGTH): Promise<SweepItem[]> {
  const fitter = await createFitter({ backend: 'cpu', workers });
  try {
    const items: SweepItem[] = [];
    for await (const item of fitter.fitSweep(curves, { seed: 7, grid: GRID, ...options })) items.push(item);
    return items;
  } finally {
    await fitter.dispose();
  }
}

/** Everything but the backend description (which names the path that ran). */
const strip = (items: SweepItem[]) => items.map(({ result, ...rest }) => ({ ...rest, result: { ...result, backend: undefined } }));

describe('determinism', () => {
  test('fit: same seed, same result; another seed, another LTS search', () => {
    const c = sigmoidCurve(3);
    const a = fit(c, { lts: true, seed: 11, bootstrap: { resamples: 20, predictAt: [100] } });
    expect(fit(c, { lts: true, seed: 11, bootstrap: { resamples: 20, predictAt: [100] } })).toEqual(a);
    expect(fit(c, { lts: true, seed: 12, bootstrap: { resamples: 20, predictAt: [100] } }).ci).not.toEqual(a.ci);
  });

  test('fitSweep: identical across runs, 1 vs 2 workers and chunk sizes 1, 2, 4', async () => {
    const inline1 = await sweep(1, { chunkCurves: 1 });
    const pool = await sweep(2, { chunkCurves: 2 });
    const backendOf = (items: SweepItem[]) => (items[0].result as { backend: { description: string } }).backend.description;
    expect(backendOf(inline1)).toMatch(/calling thread/);
    expect(backendOf(pool)).toMatch(/worker pool \(2 workers\)/);
    expect(strip(pool)).toEqual(strip(inline1));
    expect(strip(await sweep(1, { chunkCurves: 4 }))).toEqual(strip(inline1));
    // Without chunkCurves the 6 curves run as 6 units of one, three queued per worker.
    expect(strip(await sweep(2, {}))).toEqual(strip(inline1));
    expect(await sweep(1, { chunkCurves: 1 })).toEqual(inline1);
    // Units started heaviest first still come out in input order, with the same results.
    const mixed = await sweep(2, {}, MIXED_LENGTHS);
    expect(mixed.map((item) => item.id)).toEqual(MIXED_LENGTHS.map((c) => c.id));
    expect(strip(mixed)).toEqual(strip(await sweep(1, { chunkCurves: 1 }, MIXED_LENGTHS)));
  }, 300_000);
});
