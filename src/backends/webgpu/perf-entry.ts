/**
 * GPU performance run of the LTS candidate kernel, built to dist/gpu-perf.js so that a machine with
 * only Node and the `webgpu` package can run it (`node dist/gpu-perf.js`). For each pool size n and
 * each variant of tuning.ts: candidates/s at about TRIMFIT_PERF_CANDIDATES candidates (cold: the
 * first call, pipeline compilation included; warm: best of the next calls; upload and readback
 * always included), then one call without chunk overlap split into host packing, GPU (submit →
 * records mapped) and host decoding, whose GPU part gives gpuCandidatesPerS; a sample of jobs against ltsCandidate in f64
 * (same best subset, objective within the f32 tolerance of the conformance spec) and every job's
 * best objective against the 'baseline' variant. Writes $OUT/gpu-perf.json (./gpu-perf.json
 * without OUT) after every row, so a run cut short still leaves its rows.
 *
 * Environment (all optional):
 *   TRIMFIT_PERF_SMALL=1           tiny sizes for a software adapter (SwiftShader)
 *   TRIMFIT_PERF_N=16,64,256       pool sizes
 *   TRIMFIT_PERF_VARIANTS=a,b      variant names (default: all, 'baseline' first)
 *   TRIMFIT_PERF_CANDIDATES=N      candidates per measurement (default 4194304; small: 2048)
 *   TRIMFIT_PERF_WARM_RUNS=N       warm repetitions (default 3; small: 1)
 *   TRIMFIT_PERF_CHECK_JOBS=N      jobs checked against f64 per row (default 8; small: 4)
 *   TRIMFIT_PERF_BUDGET_S=S        stop starting new rows after S seconds (default 200)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobResult, type BatchResult, type LtsBatch, type LtsJob } from '../backend.js';
import { keepLowest, ltsCandidate, smallestH, squaredResiduals } from '../../core/lts.js';
import { createModel, DEFAULT_MODEL_SETTINGS } from '../../core/models/index.js';
import { rngUniform } from '../../core/rng.js';
import { acquireGpuDevice } from './device.js';
import { H100_SXM_FP32_PEAK_FLOPS, H100_SXM_SFU_PEAK_OPS, ltsOpCount } from './flops.js';
import { LTS_KERNEL_VARIANTS, defaultVariantFor, isLtsKernelVariantName, type LtsKernelVariantName } from './tuning.js';
import { createWebGpuBackend } from './webgpu-backend.js';

const env = process.env;
const small = env.TRIMFIT_PERF_SMALL === '1';
const intEnv = (name: string, fallback: number): number => {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${v}`);
  return n;
};
const N_LIST = (env.TRIMFIT_PERF_N ?? '16,64,256').split(',').map(Number);
const ALL_VARIANTS = Object.keys(LTS_KERNEL_VARIANTS) as LtsKernelVariantName[];
const VARIANTS = (env.TRIMFIT_PERF_VARIANTS ? env.TRIMFIT_PERF_VARIANTS.split(',') : ALL_VARIANTS).map((name) => {
  if (!isLtsKernelVariantName(name)) throw new RangeError(`TRIMFIT_PERF_VARIANTS: unknown variant ${name} (known: ${ALL_VARIANTS.join(', ')})`);
  return name;
});
const TOTAL_CANDIDATES = intEnv('TRIMFIT_PERF_CANDIDATES', small ? 2048 : 1 << 22);
const WARM_RUNS = intEnv('TRIMFIT_PERF_WARM_RUNS', small ? 1 : 3);
const CHECK_JOBS = intEnv('TRIMFIT_PERF_CHECK_JOBS', small ? 4 : 8);
const BUDGET_MS = 1000 * intEnv('TRIMFIT_PERF_BUDGET_S', 200);
// The pipeline's defaults (src/api/options.ts).
const SHAPE = { nCandidates: 64, cSteps: 2, gnIterations: 8, keepBest: 10 };
/** Distinct curves per n; jobs cycle over them with their own seeds, as a sweep does. */
const N_CURVES = 256;
/** The conformance spec's f32 factor (test/conformance/lts-candidates.webgpu.test.ts). */
const TOLERANCE_K = 2 ** 8;
const F32_EPS = 2 ** -23;

const outPath = join(env.OUT ?? '.', 'gpu-perf.json');
const t0 = performance.now();
const elapsedS = (): string => ((performance.now() - t0) / 1000).toFixed(1);
const log = (msg: string): void => console.log(`[gpu-perf ${elapsedS()}s] ${msg}`);

/** A contaminated sigmoid curve with n points, x = 0 first, c0 fixed at 0; fully determined by (n, i). */
function makeCurve(n: number, i: number): { job: Omit<LtsJob, 'seed'>; yScale: number } {
  let counter = 0;
  const u01 = (): number => rngUniform(777 + n, i, counter++);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const logSpan = 2 + 6 * u01();
  const logStart = -3 + 4 * u01();
  for (let k = 1; k < n; k++) x[k] = Math.exp(logStart + (logSpan * (k - 1 + 0.8 * u01())) / (n - 1));
  const b = 0.5 + 4.5 * u01();
  const m = logStart + logSpan * (0.2 + 0.6 * u01());
  const u = 5 + 45 * u01();
  const sigma = 0.02 * u * (0.2 + u01());
  for (let k = 0; k < n; k++) {
    const s = x[k] === 0 ? 0 : 1 / (1 + Math.exp(b * (m - Math.log(x[k]))));
    const outlier = u01() < 0.2 ? (u01() < 0.5 ? -1 : 1) * (8 + 10 * u01()) * sigma : 0;
    y[k] = u * s + sigma * (u01() + u01() + u01() - 1.5) * 2 + outlier;
  }
  const settings = { ...DEFAULT_MODEL_SETTINGS };
  const range = { xMin: 0, xMax: x[n - 1], xMinPositive: x[1] };
  const model = createModel('sigmoid', settings, range);
  const start = [b * (0.8 + 0.4 * u01()), m + 0.6 * (u01() - 0.5), u * (0.9 + 0.2 * u01())];
  const theta0 = Float64Array.from({ length: 3 }, (_, q) => Math.min(Math.max(start[q], model.lower[q]), model.upper[q]));
  const pool = Int32Array.from({ length: n }, (_, k) => k);
  let mean = 0;
  for (let k = 0; k < n; k++) mean += y[k] / n;
  let dev2 = 0;
  for (let k = 0; k < n; k++) dev2 += (y[k] - mean) ** 2 / n;
  return { job: { x, y, pool, h: Math.floor(0.75 * n), theta0, ...range, settings }, yScale: Math.sqrt(dev2) };
}

interface Check {
  jobs: number;
  agree: number;
  sameSubset: number;
  detail: string[];
}

/** The conformance spec's agreement test on the first `count` jobs of the batch. */
function checkAgainstF64(batch: LtsBatch, results: BatchResult, yScales: number[], count: number): Check {
  const check: Check = { jobs: 0, agree: 0, sameSubset: 0, detail: [] };
  const stride = Math.max(1, Math.floor(batch.jobs.length / count));
  for (let j = 0; j < batch.jobs.length && check.jobs < count; j += stride) {
    const job = batch.jobs[j];
    const model = createModel('sigmoid', job.settings, job);
    const spec = { model, x: job.x, y: job.y, pool: job.pool, h: job.h, theta0: job.theta0, seed: job.seed, cSteps: batch.cSteps, gnIterations: batch.gnIterations };
    const all = Array.from({ length: batch.nCandidates }, (_, k) => ltsCandidate(spec, k));
    const ref = keepLowest(all, 1)[0];
    const mine = jobResult(results, j).best[0];
    check.jobs++;
    if (!ref || !mine) {
      check.detail.push(`job ${j}: ${ref ? 'no' : 'no reference'} finite candidate`);
      continue;
    }
    const subset = smallestH(squaredResiduals(model, job.x, job.y, job.pool, mine.theta), job.h).subset;
    const sameSubset = subset.join(',') === ref.subset.join(',');
    const yScale = yScales[j % yScales.length];
    const allowed = TOLERANCE_K * F32_EPS * (ref.objective + 2 * Math.sqrt(job.h * ref.objective) * yScale);
    if (sameSubset) check.sameSubset++;
    if (sameSubset && Math.abs(mine.objective - ref.objective) <= allowed) check.agree++;
    else check.detail.push(`job ${j}: ${sameSubset ? 'same' : 'different'} subset, objective ${mine.objective} vs ${ref.objective} (±${allowed.toPrecision(3)})`);
  }
  return check;
}

/** Jobs whose best objective equals the baseline's within the f32 tolerance. */
function compareWithBaseline(batch: LtsBatch, results: BatchResult, baseline: BatchResult, yScales: number[]): { jobs: number; agree: number } {
  let agree = 0;
  const bestOf = (r: BatchResult, j: number) => (r.count[j] > 0 ? r.objective[j * r.keepBest] : undefined);
  for (let j = 0; j < results.jobCount; j++) {
    const a = bestOf(results, j);
    const b = bestOf(baseline, j);
    if (a === undefined || b === undefined) { if (a === b) agree++; continue; }
    const h = batch.jobs[j].h;
    if (Math.abs(a - b) <= TOLERANCE_K * F32_EPS * (b + 2 * Math.sqrt(h * b) * yScales[j % yScales.length])) agree++;
  }
  return { jobs: results.jobCount, agree };
}

interface Row {
  n: number;
  variant: LtsKernelVariantName;
  candidates?: number;
  coldMs?: number;
  warmMs?: number[];
  candidatesPerS?: number;
  coldCandidatesPerS?: number;
  /** One call with chunksInFlight = 1, split by WebGpuEvaluationTimings. */
  serialMs?: { hostPack: number; gpu: number; decode: number; chunks: number };
  gpuCandidatesPerS?: number;
  flopsPerCandidate?: number;
  sfuOpsPerCandidate?: number;
  estimatedTflops?: number;
  fractionOfH100Fp32Peak?: number;
  fractionOfH100SfuPeak?: number;
  checkF64?: Check;
  vsBaseline?: { jobs: number; agree: number };
  error?: string;
  skipped?: string;
}

const report: { startedAt: string; device?: string; defaultVariant?: string; config: Record<string, unknown>; rows: Row[]; error?: string; totalS?: number } = {
  startedAt: new Date().toISOString(),
  config: { small, nList: N_LIST, variants: VARIANTS, totalCandidates: TOTAL_CANDIDATES, warmRuns: WARM_RUNS, checkJobs: CHECK_JOBS, budgetS: BUDGET_MS / 1000, ...SHAPE },
  rows: [],
};
/** Never throws: a failed write is reported and the run goes on (the rows are also in the log). */
const save = (): void => {
  report.totalS = Number(elapsedS());
  try {
    mkdirSync(env.OUT ?? '.', { recursive: true });
    writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
  } catch (e) {
    log(`cannot write ${outPath}: ${(e as Error).message}`);
  }
};

async function main(): Promise<void> {
  let gpu = await acquireGpuDevice();
  report.device = gpu.description;
  report.defaultVariant = defaultVariantFor(gpu.description);
  log(`device: ${gpu.description}; writing ${outPath}`);
  try {
    for (const n of N_LIST) {
      const curves = Array.from({ length: N_CURVES }, (_, i) => makeCurve(n, i));
      const yScales = curves.map((c) => c.yScale);
      const jobCount = Math.max(1, Math.round(TOTAL_CANDIDATES / SHAPE.nCandidates));
      const jobs: LtsJob[] = Array.from({ length: jobCount }, (_, j) => ({ ...curves[j % N_CURVES].job, seed: (j * 2654435761) >>> 0 }));
      const batch: LtsBatch = { model: 'sigmoid', jobs, ...SHAPE };
      const candidates = jobCount * SHAPE.nCandidates;
      let baseline: BatchResult | undefined;
      for (const variant of VARIANTS) {
        const row: Row = { n, variant };
        report.rows.push(row);
        if (performance.now() - t0 > BUDGET_MS) {
          row.skipped = `time budget of ${BUDGET_MS / 1000} s spent`;
          log(`n=${n} ${variant}: skipped (budget)`);
          save();
          continue;
        }
        // A lost device (e.g. a watchdog) costs this row only: the next row gets a new one.
        if (gpu.lostDetail()) {
          gpu.release();
          gpu = await acquireGpuDevice();
          log(`device lost; new device ${gpu.description}`);
        }
        const device = gpu.device;
        let backend: Awaited<ReturnType<typeof createWebGpuBackend>> | undefined;
        try {
          backend = await createWebGpuBackend({ device, variant });
          let start = performance.now();
          let results = await backend.evaluate(batch);
          const coldMs = performance.now() - start;
          const warmMs: number[] = [];
          for (let r = 0; r < WARM_RUNS; r++) {
            start = performance.now();
            results = await backend.evaluate(batch);
            warmMs.push(performance.now() - start);
          }
          const best = Math.min(...warmMs);
          const serial = await createWebGpuBackend({ device, variant, chunksInFlight: 1 });
          try {
            await serial.evaluate(batch);
            const t = serial.timings;
            row.serialMs = { hostPack: round(t.hostPackMs), gpu: round(t.gpuMs), decode: round(t.decodeMs), chunks: t.chunks };
            row.gpuCandidatesPerS = sci((candidates / t.gpuMs) * 1000);
          } finally {
            await serial.dispose();
          }
          const spec = LTS_KERNEL_VARIANTS[variant];
          const ops = ltsOpCount({ m: n, h: Math.floor(0.75 * n), nParams: 3, ...SHAPE, fusedGn: spec.unrolledGn, denseGn: spec.denseGn, bisectionPasses: 33 });
          const perS = (candidates / best) * 1000;
          Object.assign(row, {
            candidates, coldMs: round(coldMs), warmMs: warmMs.map(round), candidatesPerS: sci(perS), coldCandidatesPerS: sci((candidates / coldMs) * 1000),
            flopsPerCandidate: ops.flops, sfuOpsPerCandidate: ops.sfuOps,
          });
          // Distance to the hardware limit, on the GPU's own throughput.
          const gpuPerS = row.gpuCandidatesPerS!;
          row.estimatedTflops = sci((ops.flops * gpuPerS) / 1e12);
          row.fractionOfH100Fp32Peak = sci((ops.flops * gpuPerS) / H100_SXM_FP32_PEAK_FLOPS);
          row.fractionOfH100SfuPeak = sci((ops.sfuOps * gpuPerS) / H100_SXM_SFU_PEAK_OPS);
          log(`n=${n} ${variant}: cold ${round(coldMs)} ms, warm ${row.warmMs!.join('/')} ms → ${row.candidatesPerS} candidates/s end to end; serial split ${JSON.stringify(row.serialMs)} → GPU ${gpuPerS} candidates/s (${candidates} candidates)`);
          if (variant === 'baseline') baseline = results;
          if (baseline) row.vsBaseline = compareWithBaseline(batch, results, baseline, yScales);
          const checkStart = performance.now();
          row.checkF64 = checkAgainstF64(batch, results, yScales, CHECK_JOBS);
          log(`n=${n} ${variant}: f64 check ${row.checkF64.agree}/${row.checkF64.jobs} agree (${round(performance.now() - checkStart)} ms)${row.vsBaseline ? `, vs baseline ${row.vsBaseline.agree}/${row.vsBaseline.jobs}` : ''}`);
        } catch (e) {
          row.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          log(`n=${n} ${variant}: ERROR ${row.error}`);
        } finally {
          await backend?.dispose();
        }
        save();
      }
    }
  } finally {
    gpu.release();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function sci(v: number): number {
  return Number(v.toPrecision(4));
}

main().then(
  () => {
    save();
    log(`done; ${report.rows.filter((r) => r.candidatesPerS !== undefined).length}/${report.rows.length} rows measured`);
    process.exit(0);
  },
  (e: unknown) => {
    report.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    save();
    log(`FAILED: ${report.error}`);
    process.exit(1);
  },
);
