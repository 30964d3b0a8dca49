// Faults of the CPU worker pool: a worker that dies is replaced and its work retried; an abort
// mid-sweep terminates every worker and ends the iterator with TrimfitError 'aborted'.
// Needs dist/fit.worker.js (`npm run build`; `npm test` builds first).
import { describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkerPool } from '../../src/backends/cpu/worker-pool.js';
import { createFitter, isTrimfitError, type SweepCurve } from '../../src/index.js';
import { checkCurve, resolveFitOptions } from '../../src/api/validate.js';
import { evaluateInlineF64, searchCurves, type SearchCurve, type SearchOutcome } from '../../src/api/search.js';
import { expandGrid, FULL_GRID } from '../../src/core/search.js';
import { sigmoidCurve } from './curves.js';

const info = { name: 'cpu' as const, description: 'test', reason: 'test' };
const bootstrap = { resamples: 0, level: 0.95, predictAt: [] };

function searchInput(curves: SweepCurve[]): SearchCurve[] {
  return curves.map((c, seedIndex) => {
    const { x, y, order } = checkCurve(c, 'sigmoid', 1);
    const resolved = resolveFitOptions({ ltsStarts: 8, lts: true }, x);
    return { seedIndex, x, y, order, grid: expandGrid(x.length, FULL_GRID).slice(0, 6), pipeline: resolved.pipeline };
  });
}

async function inline(curves: SearchCurve[]): Promise<SearchOutcome[]> {
  const out: SearchOutcome[] = [];
  for await (const o of searchCurves('sigmoid', curves, evaluateInlineF64, info, bootstrap)) out.push(o);
  return out;
}

describe('worker pool faults', () => {
  test('a worker that dies is replaced and its work retried, with the reference result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trimfit-crash-'));
    const marker = join(dir, 'crashed');
    process.env.TRIMFIT_CRASH_MARKER = marker;
    const pool = await createWorkerPool({ workers: 2, workerUrl: new URL('./crashing.worker.mjs', import.meta.url) });
    try {
      const input = searchInput([sigmoidCurve(0), sigmoidCurve(1)]);
      const out = await pool.search('sigmoid', input, bootstrap, info);
      expect(existsSync(marker)).toBe(true); // the fault did fire
      expect(out).toEqual(await inline(input));
    } finally {
      await pool.dispose();
      delete process.env.TRIMFIT_CRASH_MARKER;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without retries the death is reported as a TrimfitError, not a hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trimfit-crash-'));
    process.env.TRIMFIT_CRASH_MARKER = join(dir, 'crashed');
    const pool = await createWorkerPool({ workers: 1, maxRetries: 0, workerUrl: new URL('./crashing.worker.mjs', import.meta.url) });
    try {
      const error = await pool.search('sigmoid', searchInput([sigmoidCurve(0)]), bootstrap, info).then(() => null, (e: unknown) => e);
      expect(isTrimfitError(error) && error.code).toBe('internal');
      expect((error as Error).message).toMatch(/worker exited/);
      // The pool recovers: the next task gets a fresh worker (the marker now exists: no crash).
      const input = searchInput([sigmoidCurve(2)]);
      expect(await pool.search('sigmoid', input, bootstrap, info)).toEqual(await inline(input));
    } finally {
      await pool.dispose();
      delete process.env.TRIMFIT_CRASH_MARKER;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('abort mid-sweep terminates every worker and the iterator ends with TrimfitError aborted', async () => {
    const fitter = await createFitter({ backend: 'cpu', workers: 2 });
    const threadsBefore = liveThreads();
    let threadsDuring = 0;
    const controller = new AbortController();
    const curves = Array.from({ length: 16 }, (_, k) => sigmoidCurve(k));
    const seen: number[] = [];
    let error: unknown = null;
    try {
      // 16 curves × the full grid × 64 candidates: well above the worker threshold, minutes of work.
      for await (const item of fitter.fitSweep(curves, { chunkCurves: 1, signal: controller.signal })) {
        seen.push(item.index);
        threadsDuring = liveThreads();
        controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(isTrimfitError(error) && error.code).toBe('aborted');
    expect(seen).toEqual([0]);
    // The workers' threads were running during the sweep and are gone when the iterator ends.
    expect(threadsDuring).toBeGreaterThan(threadsBefore);
    expect(liveThreads()).toBeLessThanOrEqual(threadsBefore);
    // The fitter still works after an abort (new workers start on the next sweep).
    const again = [];
    for await (const item of fitter.fitSweep([sigmoidCurve(0)], { grid: 'single', ltsStarts: 8 })) again.push(item);
    expect(again[0].result.status).not.toBe('failed');
    await fitter.dispose();
  }, 120_000);
});

/** OS threads of this process (each worker_threads Worker is one, gone once it is terminated). */
function liveThreads(): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}
