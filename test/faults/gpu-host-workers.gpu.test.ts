// A GPU sweep with a CPU worker pool beside it (gpu project): the workers run Stage 1, the polish
// and the scoring and send their candidate batches to the GPU on the calling thread. The results
// must be those of the same sweep with everything else on the calling thread, and a device lost
// under the workers must still end the sweep on the CPU with the CPU's results.
import { describe, expect, test } from 'vitest';
import { createFitter, type SweepItem } from '../../src/index.js';
import { requireGpu } from '../gpu/gpu-harness.js';
import { HOST_WORKER_SWEEP } from './curves.js';

const { curves, options } = HOST_WORKER_SWEEP;
const noBackend = (item: SweepItem) => ({ ...item, result: { ...item.result, backend: undefined } });
const backendOf = (i: SweepItem) => (i.result as { backend: { name: string; description: string; reason: string } }).backend;

async function sweep(fitter: Awaited<ReturnType<typeof createFitter>>, onItem?: (item: SweepItem) => void): Promise<SweepItem[]> {
  const items: SweepItem[] = [];
  for await (const item of fitter.fitSweep(curves, options)) {
    items.push(item);
    onItem?.(item);
  }
  await fitter.dispose();
  return items;
}

describe('GPU sweep with CPU workers for Stage 1 and the polish', () => {
  test('gives the results of the same sweep on the calling thread', async () => {
    const gpu = await requireGpu();
    const alone = await sweep(await createFitter({ backend: 'webgpu', device: gpu.device, workers: 1 }));
    const withWorkers = await sweep(await createFitter({ backend: 'webgpu', device: gpu.device, workers: 2 }));
    expect(alone.every((i) => backendOf(i).name === 'webgpu' && !/CPU worker/.test(backendOf(i).description))).toBe(true);
    expect(withWorkers.every((i) => backendOf(i).name === 'webgpu' && /Stage 1 and polish in 2 CPU workers/.test(backendOf(i).description))).toBe(true);
    expect(withWorkers.map((i) => i.result.status)).toEqual(alone.map((i) => i.result.status));
    expect(withWorkers.map(noBackend)).toEqual(alone.map(noBackend));
    gpu.release();
  });

  test('a device lost under the workers: the sweep ends on the CPU with the CPU results', async () => {
    const reference = await sweep(await createFitter({ backend: 'cpu', workers: 1 }));
    const gpu = await requireGpu();
    const items = await sweep(await createFitter({ backend: 'webgpu', device: gpu.device, workers: 2 }), (item) => {
      if (item.index === 0) gpu.device.destroy();
    });
    expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(backendOf(items[0]).name).toBe('webgpu');
    // Units already with the workers when the device went may have finished on either side.
    const onCpu = items.filter((i) => backendOf(i).name === 'cpu');
    expect(onCpu.length).toBeGreaterThanOrEqual(3);
    for (const item of onCpu) {
      expect(backendOf(item).reason).toMatch(/device lost/i);
      expect(noBackend(item)).toEqual(noBackend(reference[item.index]));
    }
  });
});
