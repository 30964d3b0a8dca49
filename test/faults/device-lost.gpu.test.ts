// GPU faults (gpu project): the device lost mid-sweep → the sweep completes on the CPU with the
// CPU's results and the items say so; candidates split into small chunks give the same results.
import { describe, expect, test } from 'vitest';
import { createFitter, type SweepItem, type SweepOptions } from '../../src/index.js';
import { createWebGpuBackend } from '../../src/backends/webgpu/webgpu-backend.js';
import { backendEvaluator, searchCurves, type SearchOutcome } from '../../src/api/search.js';
import { checkCurve, resolveFitOptions } from '../../src/api/validate.js';
import { requireGpu } from '../gpu/gpu-harness.js';
import { sigmoidCurve } from './curves.js';

const curves = Array.from({ length: 5 }, (_, k) => sigmoidCurve(k));
const options: SweepOptions = { grid: 'single', lts: true, ltsStarts: 64, seed: 3, chunkCurves: 1 };
const noBackend = (item: SweepItem) => ({ ...item, result: { ...item.result, backend: undefined } });

describe('GPU faults', () => {
  test('device lost mid-sweep: the rest runs on the CPU, identical to a CPU sweep, and says so', async () => {
    const gpu = await requireGpu();
    const cpuFitter = await createFitter({ backend: 'cpu', workers: 1 });
    const reference: SweepItem[] = [];
    for await (const item of cpuFitter.fitSweep(curves, options)) reference.push(item);
    await cpuFitter.dispose();

    const fitter = await createFitter({ backend: 'webgpu', device: gpu.device });
    const items: SweepItem[] = [];
    for await (const item of fitter.fitSweep(curves, options)) {
      items.push(item);
      if (item.index === 0) gpu.device.destroy();
    }
    await fitter.dispose();
    expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4]);
    const backendOf = (i: SweepItem) => (i.result as { backend: { name: string; reason: string } }).backend;
    expect(backendOf(items[0]).name).toBe('webgpu');
    // Unit 1 was already in flight when the device went: it may have finished on either side.
    for (const item of items.slice(2)) {
      expect(backendOf(item).name).toBe('cpu');
      expect(backendOf(item).reason).toMatch(/device lost/i);
      expect(noBackend(item)).toEqual(noBackend(reference[item.index]));
    }
  });

  test('small candidate chunks give the same results as one chunk', async () => {
    const gpu = await requireGpu();
    const run = async (maxCandidatesPerChunk?: number): Promise<SearchOutcome[]> => {
      const backend = await createWebGpuBackend({ device: gpu.device, maxCandidatesPerChunk });
      const input = curves.slice(0, 3).map((c, seedIndex) => {
        const { x, y, order } = checkCurve(c, 'sigmoid', 1);
        const resolved = resolveFitOptions({ lts: true, ltsStarts: 64, seed: 3 }, x);
        return { seedIndex, x, y, order, grid: [resolved.hyper], pipeline: resolved.pipeline };
      });
      const out: SearchOutcome[] = [];
      try {
        for await (const o of searchCurves('sigmoid', input, backendEvaluator(backend), { name: 'webgpu', description: 'test', reason: 'test' }, { resamples: 0, level: 0.95, predictAt: [] })) out.push(o);
      } finally {
        await backend.dispose();
      }
      return out;
    };
    const whole = await run();
    // A job's candidates stay in one chunk: 64 per chunk is one job per dispatch, 128 two.
    expect(await run(64)).toEqual(whole);
    expect(await run(128)).toEqual(whole);
    gpu.device.destroy();
  });
});
