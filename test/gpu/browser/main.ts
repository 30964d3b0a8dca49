/**
 * The conformance suite in the browser: the WebGPU backend through navigator.gpu against the f64
 * reference computed in the same page. The Node test reads `window.__conformance`.
 */
import { createWebGpuBackend } from '../../../src/backends/webgpu/webgpu-backend.js';
import { jobResults } from '../../../src/backends/backend.js';
import { f32ObjectiveTolerance } from '../../../src/backends/webgpu/f32-tolerance.js';
import { BATCH_BASE, bestSubsetOf, makeCase, referenceCandidates } from '../../conformance/cases.js';


interface Outcome {
  ok: boolean;
  adapter: string;
  isFallbackAdapter: boolean | null;
  curves: number;
  agree: number;
  error?: string;
}

async function run(curves: number): Promise<Outcome> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return { ok: false, adapter: 'none', isFallbackAdapter: null, curves, agree: 0, error: 'navigator.gpu.requestAdapter() returned null' };
  const info = adapter.info;
  const adapterName = `${info.vendor}/${info.architecture}/${info.device || info.description}`;
  const cases = Array.from({ length: curves }, (_, i) => makeCase(i));
  const backend = await createWebGpuBackend();
  try {
    const results = jobResults(await backend.evaluate({ ...BATCH_BASE, jobs: cases.map((c) => c.job) }));
    let agree = 0;
    cases.forEach((c, i) => {
      const ref = referenceCandidates(c).best[0];
      const mine = results[i].best[0];
      const allowed = f32ObjectiveTolerance(ref.objective, c.job.h, c.yScale);
      if (bestSubsetOf(c, mine.theta) === Array.from(ref.subset).join(',') && Math.abs(mine.objective - ref.objective) <= allowed) agree++;
    });
    return { ok: true, adapter: adapterName, isFallbackAdapter: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? null, curves, agree };
  } finally {
    await backend.dispose();
  }
}

const curves = Number(new URLSearchParams(location.search).get('curves') ?? '100');
run(curves)
  .catch((e: unknown): Outcome => ({ ok: false, adapter: 'unknown', isFallbackAdapter: null, curves, agree: 0, error: e instanceof Error ? e.message : String(e) }))
  .then((outcome) => {
    (window as unknown as { __conformance: Outcome }).__conformance = outcome;
    document.getElementById('out')!.textContent = JSON.stringify(outcome, null, 2);
  });
