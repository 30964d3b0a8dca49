/**
 * A WebGPU sweep in the browser with a pool of module workers running Stage 1 and the polish (the
 * bench page's setup), against the same sweep with everything besides the candidates on the page's
 * thread. The Node test reads `window.__sweep`.
 */
import { createFitter, type SweepItem } from '../../../src/index.js';
import { HOST_WORKER_SWEEP } from '../../faults/curves.js';

interface Outcome {
  ok: boolean;
  items: number;
  same: number;
  description: string;
  error?: string;
}

const { curves, options } = HOST_WORKER_SWEEP;

async function sweep(workers: number): Promise<SweepItem[]> {
  const fitter = await createFitter({ backend: 'webgpu', workers, createWorker: () => new Worker(new URL('../../../src/workers/fit.worker.ts', import.meta.url), { type: 'module' }) });
  const items: SweepItem[] = [];
  try {
    for await (const item of fitter.fitSweep(curves, options)) items.push(item);
  } finally {
    await fitter.dispose();
  }
  return items;
}

async function run(): Promise<Outcome> {
  const alone = await sweep(1);
  const withWorkers = await sweep(2);
  const strip = (i: SweepItem) => JSON.stringify({ ...i, result: { ...i.result, backend: undefined } });
  const same = withWorkers.filter((item, k) => strip(item) === strip(alone[k])).length;
  const description = (withWorkers[0]?.result as { backend?: { description: string } }).backend?.description ?? '';
  return { ok: true, items: withWorkers.length, same, description };
}

run()
  .catch((e: unknown): Outcome => ({ ok: false, items: 0, same: 0, description: '', error: e instanceof Error ? e.message : String(e) }))
  .then((outcome) => {
    (window as unknown as { __sweep: Outcome }).__sweep = outcome;
    document.getElementById('out')!.textContent = JSON.stringify(outcome, null, 2);
  });
