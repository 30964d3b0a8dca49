/**
 * One page, one batch: the f64 reference, the WebGPU backend and the gpu.js kernel in WebGL2 mode
 * on the same candidates. run.mjs reads `window.__bench`.
 */
import { GPU } from 'gpu.js';
import { createWebGpuBackend } from '../../../src/backends/webgpu/webgpu-backend.js';
import { jobResults, type BatchResult } from '../../../src/backends/backend.js';
import { agreement, makeBatch, referenceAll, runGpuJs, timed, type Agreement, type GpuJs } from '../measure.js';

interface EngineFigures {
  engine: string;
  device: string;
  kernelClass?: string;
  fallbackReason?: string;
  firstCallMs: number;
  runMs: number;
  candidatesPerSecond: number;
  agreement?: Agreement;
}

interface PageOutcome {
  curves: number;
  candidates: number;
  engines: EngineFigures[];
  errors: string[];
}

function webGlRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL2 context';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER));
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function run(curves: number, repeats: number): Promise<PageOutcome> {
  const { cases, batch } = makeBatch(curves);
  const nTotal = curves * batch.nCandidates;
  const engines: EngineFigures[] = [];
  const errors: string[] = [];

  const ref = timed(() => referenceAll(cases, batch));
  engines.push({ engine: 'f64 reference (ltsCandidate, one thread)', device: navigator.userAgent, firstCallMs: ref.ms, runMs: ref.ms, candidatesPerSecond: nTotal / (ref.ms / 1000) });

  try {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null');
    const backend = await createWebGpuBackend();
    try {
      let start = performance.now();
      let results: BatchResult = await backend.evaluate(batch);
      const firstCallMs = performance.now() - start;
      let best = Infinity;
      for (let r = 0; r < repeats; r++) {
        start = performance.now();
        results = await backend.evaluate(batch);
        best = Math.min(best, performance.now() - start);
      }
      const runMs = repeats > 0 ? best : firstCallMs;
      engines.push({ engine: 'WebGPU backend (WGSL)', device: backend.description, firstCallMs, runMs, candidatesPerSecond: nTotal / (runMs / 1000), agreement: agreement(cases, ref.value, jobResults(results).map((r) => r.best), batch.keepBest) });
    } finally {
      await backend.dispose();
    }
  } catch (e) {
    errors.push(`webgpu: ${message(e)}`);
  }

  try {
    const gpu = new GPU({ mode: 'webgl2' }) as unknown as GpuJs;
    try {
      const r = runGpuJs(gpu, batch, repeats);
      engines.push({ engine: `gpu.js ${r.mode}`, kernelClass: r.kernelClass, fallbackReason: r.fallbackReason, device: webGlRenderer(), firstCallMs: r.firstCallMs, runMs: r.runMs, candidatesPerSecond: r.candidatesPerSecond, agreement: agreement(cases, ref.value, r.candidates, batch.keepBest) });
    } finally {
      gpu.destroy();
    }
  } catch (e) {
    errors.push(`gpu.js webgl2: ${message(e)}`);
  }
  return { curves, candidates: nTotal, engines, errors };
}

const query = new URLSearchParams(location.search);
run(Number(query.get('curves') ?? '100'), Number(query.get('repeats') ?? '2'))
  .catch((e: unknown): PageOutcome => ({ curves: 0, candidates: 0, engines: [], errors: [message(e)] }))
  .then((outcome) => {
    (window as unknown as { __bench: PageOutcome }).__bench = outcome;
    document.getElementById('out')!.textContent = JSON.stringify(outcome, null, 2);
  });
