/**
 * Profile of the LTS candidate kernel's layouts (tuning.ts) on one GPU: for each pool size n and
 * each variant, candidates/s end to end (cold: the first call, pipeline compilation included;
 * warm: best of the next calls, which write into the first call's result; upload and readback
 * always included; the jobs come as a table, LtsJobTable), then one call without
 * chunk overlap split into host packing, GPU (submit → records mapped) and host decoding, whose
 * GPU part gives gpuCandidatesPerS; a sample of jobs against ltsCandidate in f64 (same best
 * subset, objective within the f32 tolerance of the conformance spec) and every job's best
 * objective against the 'baseline' variant when it ran first.
 *
 * Used by dist/gpu-perf.js (Node, the GPU machine's run) and by the benchmark page (a user's own
 * GPU), which both read `fastestVariant` of the result. A row that throws (compilation, device
 * loss) records `error` and the profile goes on; after a device loss the next row gets a new device.
 */
import { checkCount, jobResult, toJobTable, type BatchResult, type LtsBatch, type LtsJob } from '../backend.js';
import { keepLowest, ltsCandidate, sameSubset, smallestH, squaredResiduals } from '../../core/lts.js';
import { createModel, DEFAULT_MODEL_SETTINGS } from '../../core/models/index.js';
import { rngUniform } from '../../core/rng.js';
import { syntheticSigmoid } from '../../core/synthetic.js';
import { TrimfitError } from '../../api/errors.js';
import { acquireGpuDevice } from './device.js';
import { f32ObjectiveTolerance } from './f32-tolerance.js';
import { ltsCurve } from './kernels/lts_candidates.js';
import { H100_SXM_FP32_PEAK_FLOPS, H100_SXM_SFU_PEAK_OPS, ltsOpCount } from './flops.js';
import { LTS_KERNEL_VARIANTS, LTS_POOL_TIERS, checkKernelVariant, defaultVariantFor, isLtsKernelVariantName, type LtsKernelVariantName } from './tuning.js';
import { createWebGpuBackend, type WebGpuPassTimings } from './webgpu-backend.js';

export interface KernelProfileOptions {
  /** The GPUDevice to profile on (never destroyed by trimfit). @default undefined — trimfit requests its own */
  device?: GPUDevice;
  /** Pool sizes n (points per curve, all in the pool). @default [16, 64, 256] */
  poolSizes?: readonly number[];
  /** Layouts to profile, in this order; 'baseline' first lets every row compare with it. @default every variant of LTS_KERNEL_VARIANTS */
  variants?: readonly LtsKernelVariantName[];
  /** Candidates per measurement (jobs of 64 over 256 distinct curves). @default 4194304 (2^22) */
  candidates?: number;
  /** Warm calls per row (the best counts). @default 3 */
  warmRuns?: number;
  /**
   * C-steps per candidate. Other values than the pipeline's default place time inside the kernel
   * (0 leaves only the start fit and the final selection). @default 2
   */
  cSteps?: number;
  /** Gauss–Newton iterations per fit (start fit and every C-step's refit); 0 leaves the fits out. @default 8 */
  gnIterations?: number;
  /**
   * Runs of the candidate pass per chunk in the call timed on the GPU clock (the fastest run
   * counts): enough sustained work for a GPU whose clock follows its load to reach its top
   * clock (see WebGpuBackendOptions.candidatePassRepeats). @default 16
   */
  kernelRepeats?: number;
  /** Jobs per row checked against the f64 reference. @default 8 */
  checkJobs?: number;
  /** No row starts after this much time; the rest are marked skipped. @default Infinity */
  budgetMs?: number;
  /** Called after every row, measured, failed or skipped, with the report so far. @default undefined */
  onRow?: (row: KernelProfileRow, report: KernelProfileReport) => void;
  /** Progress lines. @default no output */
  log?: (line: string) => void;
}

export interface KernelProfileCheck {
  jobs: number;
  agree: number;
  sameSubset: number;
  detail: string[];
}

export interface KernelProfileRow {
  n: number;
  variant: LtsKernelVariantName;
  candidates?: number;
  coldMs?: number;
  warmMs?: number[];
  /** End to end: host preparation, upload, passes, readback and decoding. */
  candidatesPerS?: number;
  coldCandidatesPerS?: number;
  /** The best (least GPU time) of two calls with chunksInFlight = 1, split by WebGpuEvaluationTimings (hostPack = prepare + pack + upload). */
  serialMs?: { hostPack: number; gpu: number; decode: number; chunks: number; prepare: number; pack: number; upload: number };
  /** Candidates per second of the GPU part of that call (upload, passes, readback, and the host's wait for them). */
  gpuCandidatesPerS?: number;
  /**
   * GPU clock per pass (timestamp queries, on devices that have them), summed over the chunks of
   * the faster of two serial calls whose chunks run the candidate pass kernelRepeats times
   * (the fastest run of each chunk counts): no upload, readback or synchronisation.
   */
  passMs?: WebGpuPassTimings;
  /** Candidates per second of the three passes together (gather_pool, lts_candidates, select_best), from passMs. */
  passesCandidatesPerS?: number;
  /** Candidates per second of the candidate pass alone, from passMs. */
  kernelCandidatesPerS?: number;
  flopsPerCandidate?: number;
  sfuOpsPerCandidate?: number;
  estimatedTflops?: number;
  fractionOfH100Fp32Peak?: number;
  fractionOfH100SfuPeak?: number;
  checkF64?: KernelProfileCheck;
  vsBaseline?: { jobs: number; agree: number };
  error?: string;
  skipped?: string;
}

export interface KernelProfileReport {
  startedAt: string;
  device?: string;
  /** The layout a backend on this adapter uses unless told otherwise. */
  defaultVariant?: string;
  config: Record<string, unknown>;
  rows: KernelProfileRow[];
  totalS?: number;
}

// The pipeline's defaults (src/api/options.ts); cSteps and gnIterations can be overridden.
const SHAPE = { nCandidates: 64, cSteps: 2, gnIterations: 8, keepBest: 10 };
/**
 * Calls per row for the host/GPU split and for the pass timings (the best counts): an H100's
 * clock follows its load (345 to 1980 MHz), so one call's GPU time varies by up to 4×.
 */
const SERIAL_RUNS = 2;
/** Distinct curves per n; jobs cycle over them with their own seeds, as a sweep does. */
const N_CURVES = 256;

/** A contaminated sigmoid curve with n points, x = 0 first, c0 fixed at 0; fully determined by (n, i). */
function makeCurve(n: number, i: number): { job: Omit<LtsJob, 'seed'>; yScale: number } {
  let counter = 0;
  const u01 = (): number => rngUniform(777 + n, i, counter++);
  const { x, y, b, m, u } = syntheticSigmoid(u01, n, { freeEpsilon: false, contaminated: true });
  const settings = { ...DEFAULT_MODEL_SETTINGS };
  const range = { xMin: 0, xMax: x[n - 1], xMinPositive: x[1] };
  const model = createModel('sigmoid', settings, range);
  const start = [b * (0.8 + 0.4 * u01()), m + 0.6 * (u01() - 0.5), u * (0.9 + 0.2 * u01())];
  const theta0 = Float64Array.from({ length: 3 }, (_, q) => Math.min(Math.max(start[q], model.lower[q]), model.upper[q]));
  const pool = Int32Array.from({ length: n }, (_, k) => k);
  // The scale of the frame the kernel works in (every point is usable and in the pool).
  const yScale = ltsCurve(x, y).frame.yScale;
  return { job: { x, y, pool, h: Math.floor(0.75 * n), theta0, ...range, settings }, yScale };
}

/** The conformance spec's agreement test on `count` jobs spread over the batch. */
function checkAgainstF64(batch: LtsBatch, jobs: readonly LtsJob[], results: BatchResult, yScales: number[], count: number): KernelProfileCheck {
  const check: KernelProfileCheck = { jobs: 0, agree: 0, sameSubset: 0, detail: [] };
  const stride = Math.max(1, Math.floor(jobs.length / count));
  for (let j = 0; j < jobs.length && check.jobs < count; j += stride) {
    const job = jobs[j];
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
    const same = sameSubset(subset, ref.subset);
    const allowed = f32ObjectiveTolerance(ref.objective, job.h, yScales[j % yScales.length]);
    if (same) check.sameSubset++;
    if (same && Math.abs(mine.objective - ref.objective) <= allowed) check.agree++;
    else check.detail.push(`job ${j}: ${same ? 'same' : 'different'} subset, objective ${mine.objective} vs ${ref.objective} (±${allowed.toPrecision(3)})`);
  }
  return check;
}

/** Jobs whose best objective equals the baseline's within the f32 tolerance. */
function compareWithBaseline(jobs: readonly LtsJob[], results: BatchResult, baseline: BatchResult, yScales: number[]): { jobs: number; agree: number } {
  let agree = 0;
  const bestOf = (r: BatchResult, j: number) => (r.count[j] > 0 ? r.objective[j * r.keepBest] : undefined);
  for (let j = 0; j < results.jobCount; j++) {
    const a = bestOf(results, j);
    const b = bestOf(baseline, j);
    if (a === undefined || b === undefined) { if (a === b) agree++; continue; }
    const h = jobs[j].h;
    if (Math.abs(a - b) <= f32ObjectiveTolerance(b, h, yScales[j % yScales.length])) agree++;
  }
  return { jobs: results.jobCount, agree };
}

/** An optional count option: its value (an integer ≥ min) or the default. */
const countOption = (value: number | undefined, fallback: number, field: string, min = 1): number => (value === undefined ? fallback : checkCount(value, min, field));

const round = (ms: number): number => Math.round(ms * 10) / 10;
const round2 = (ms: number): number => Math.round(ms * 100) / 100;
const sci = (v: number): number => Number(v.toPrecision(4));

export async function profileKernelVariants(options: KernelProfileOptions = {}): Promise<KernelProfileReport> {
  const poolSizes = options.poolSizes ?? [16, 64, 256];
  // h = ⌊0.75 n⌋ must exceed the sigmoid's 3 parameters, and the largest pool tier bounds n.
  const maxPool = LTS_POOL_TIERS[LTS_POOL_TIERS.length - 1];
  for (const n of poolSizes) {
    if (!Number.isInteger(n) || n < 6 || n > maxPool) throw new TrimfitError('invalid-option', 'poolSizes', `integers in [6, ${maxPool}]`, n);
  }
  const variants = options.variants ?? (Object.keys(LTS_KERNEL_VARIANTS) as LtsKernelVariantName[]);
  for (const name of variants) checkKernelVariant(name, 'variants');
  const totalCandidates = countOption(options.candidates, 1 << 22, 'candidates');
  const warmRuns = countOption(options.warmRuns, 3, 'warmRuns');
  const checkJobs = countOption(options.checkJobs, 8, 'checkJobs');
  const kernelRepeats = countOption(options.kernelRepeats, 16, 'kernelRepeats');
  const shape = {
    ...SHAPE,
    cSteps: countOption(options.cSteps, SHAPE.cSteps, 'cSteps', 0),
    gnIterations: countOption(options.gnIterations, SHAPE.gnIterations, 'gnIterations', 0),
  };
  const budgetMs = options.budgetMs ?? Infinity;
  if (!(budgetMs > 0)) throw new TrimfitError('invalid-option', 'budgetMs', 'a number > 0', budgetMs);
  const log = options.log ?? (() => undefined);
  const t0 = performance.now();
  const report: KernelProfileReport = {
    startedAt: new Date().toISOString(),
    config: { poolSizes, variants, totalCandidates, warmRuns, checkJobs, budgetS: budgetMs / 1000, kernelRepeats, ...shape },
    rows: [],
  };
  const done = (row: KernelProfileRow): void => {
    report.totalS = Number(((performance.now() - t0) / 1000).toFixed(1));
    options.onRow?.(row, report);
  };

  let gpu = await acquireGpuDevice({ device: options.device });
  report.device = gpu.description;
  report.defaultVariant = defaultVariantFor(gpu.description);
  log(`device: ${gpu.description}`);
  try {
    for (const n of poolSizes) {
      const curves = Array.from({ length: N_CURVES }, (_, i) => makeCurve(n, i));
      const yScales = curves.map((c) => c.yScale);
      const jobCount = Math.max(1, Math.round(totalCandidates / shape.nCandidates));
      const jobs: LtsJob[] = Array.from({ length: jobCount }, (_, j) => ({ ...curves[j % N_CURVES].job, seed: (j * 2654435761) >>> 0 }));
      // As a table, the form for large batches (the host work per job is then a few typed-array reads).
      const batch: LtsBatch = { model: 'sigmoid', jobs: toJobTable(jobs), ...shape };
      const candidates = jobCount * shape.nCandidates;
      let baseline: BatchResult | undefined;
      for (const variant of variants) {
        const row: KernelProfileRow = { n, variant };
        report.rows.push(row);
        if (performance.now() - t0 > budgetMs) {
          row.skipped = `time budget of ${budgetMs / 1000} s spent`;
          log(`n=${n} ${variant}: skipped (budget)`);
          done(row);
          continue;
        }
        // A lost device (e.g. a watchdog) costs this row only: the next row gets a new one.
        if (gpu.lostDetail()) {
          gpu.release();
          gpu = await acquireGpuDevice({ device: options.device });
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
          for (let r = 0; r < warmRuns; r++) {
            start = performance.now();
            results = await backend.evaluate(batch, undefined, results);
            warmMs.push(performance.now() - start);
          }
          const best = Math.min(...warmMs);
          const serial = await createWebGpuBackend({ device, variant, chunksInFlight: 1 });
          // The timed calls write into one result of their own (`results` is checked below).
          let spare: BatchResult | undefined;
          try {
            for (let r = 0; r < SERIAL_RUNS; r++) {
              spare = await serial.evaluate(batch, undefined, spare);
              const t = serial.timings;
              if (row.serialMs !== undefined && row.serialMs.gpu <= t.gpuMs) continue;
              row.serialMs = { hostPack: round(t.hostPackMs), gpu: round(t.gpuMs), decode: round(t.decodeMs), chunks: t.chunks, prepare: round(t.prepareMs), pack: round(t.packMs), upload: round(t.uploadMs) };
              row.gpuCandidatesPerS = sci((candidates / t.gpuMs) * 1000);
            }
          } finally {
            await serial.dispose();
          }
          const timed = await createWebGpuBackend({ device, variant, chunksInFlight: 1, passTimings: true, candidatePassRepeats: kernelRepeats });
          try {
            // Two calls: the first also brings a load-following clock up (the host work around
            // each chunk leaves the GPU idle long enough for it to fall back); the faster counts.
            let bestPassesMs = Infinity;
            for (let r = 0; r < SERIAL_RUNS; r++) {
              spare = await timed.evaluate(batch, undefined, spare);
              const p = timed.timings.passMs;
              const passesMs = p ? p.gatherPool + p.candidates + p.selectBest : 0;
              // Zero spans: an implementation whose timestamps do not advance (they say nothing).
              if (!p || !(passesMs > 0) || !(p.candidates > 0) || passesMs >= bestPassesMs) continue;
              bestPassesMs = passesMs;
              row.passMs = { gatherPool: round2(p.gatherPool), candidates: round2(p.candidates), selectBest: round2(p.selectBest) };
              row.passesCandidatesPerS = sci((candidates / passesMs) * 1000);
              row.kernelCandidatesPerS = sci((candidates / p.candidates) * 1000);
            }
          } finally {
            await timed.dispose();
          }
          const spec = LTS_KERNEL_VARIANTS[variant];
          const ops = ltsOpCount({ m: n, h: Math.floor(0.75 * n), nParams: 3, ...shape, fusedGn: spec.unrolledGn, denseGn: spec.denseGn, bisectionPasses: 33 });
          Object.assign(row, {
            candidates, coldMs: round(coldMs), warmMs: warmMs.map(round), candidatesPerS: sci((candidates / best) * 1000), coldCandidatesPerS: sci((candidates / coldMs) * 1000),
            flopsPerCandidate: ops.flops, sfuOpsPerCandidate: ops.sfuOps,
          });
          // Distance to the hardware limit, on the candidate pass's own throughput where it was
          // timed on the GPU clock, else on the GPU part of the serial call.
          const gpuPerS = row.gpuCandidatesPerS!;
          const limitPerS = row.kernelCandidatesPerS ?? gpuPerS;
          row.estimatedTflops = sci((ops.flops * limitPerS) / 1e12);
          row.fractionOfH100Fp32Peak = sci((ops.flops * limitPerS) / H100_SXM_FP32_PEAK_FLOPS);
          row.fractionOfH100SfuPeak = sci((ops.sfuOps * limitPerS) / H100_SXM_SFU_PEAK_OPS);
          const passes = row.passMs ? `; passes ${row.passMs.gatherPool}/${row.passMs.candidates}/${row.passMs.selectBest} ms → ${row.passesCandidatesPerS} candidates/s (candidate pass alone ${row.kernelCandidatesPerS})` : '';
          log(`n=${n} ${variant}: cold ${round(coldMs)} ms, warm ${row.warmMs!.join('/')} ms → ${row.candidatesPerS} candidates/s end to end; serial split ${JSON.stringify(row.serialMs)} → GPU ${gpuPerS} candidates/s${passes} (${candidates} candidates)`);
          if (variant === 'baseline') baseline = results;
          if (baseline) row.vsBaseline = compareWithBaseline(jobs, results, baseline, yScales);
          const checkStart = performance.now();
          row.checkF64 = checkAgainstF64(batch, jobs, results, yScales, checkJobs);
          log(`n=${n} ${variant}: f64 check ${row.checkF64.agree}/${row.checkF64.jobs} agree (${round(performance.now() - checkStart)} ms)${row.vsBaseline ? `, vs baseline ${row.vsBaseline.agree}/${row.vsBaseline.jobs}` : ''}`);
        } catch (e) {
          row.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          log(`n=${n} ${variant}: ERROR ${row.error}`);
        } finally {
          await backend?.dispose();
        }
        done(row);
      }
    }
  } finally {
    gpu.release();
  }
  report.totalS = Number(((performance.now() - t0) / 1000).toFixed(1));
  return report;
}

/**
 * A row's GPU rate: its passes on the GPU clock where they were timed (steady from run to run),
 * else the GPU part of its serial call (which includes the host's wait, noisy by up to 2×).
 */
export function profileRowGpuRate(row: Pick<KernelProfileRow, 'passesCandidatesPerS' | 'gpuCandidatesPerS'>): number | undefined {
  return row.passesCandidatesPerS ?? row.gpuCandidatesPerS;
}

/**
 * The variant with the highest GPU rate (profileRowGpuRate) at pool size n among the rows that ran
 * without error and agreed with the f64 reference on every checked job; undefined when none did.
 * Works on a parsed gpu-perf.json as well (rows of variants no longer registered are passed over).
 */
export function fastestVariant(report: Pick<KernelProfileReport, 'rows'>, n: number): LtsKernelVariantName | undefined {
  let best: KernelProfileRow | undefined;
  for (const row of report.rows) {
    const checked = row.checkF64 !== undefined && row.checkF64.jobs > 0 && row.checkF64.agree === row.checkF64.jobs;
    const rate = profileRowGpuRate(row);
    if (row.n !== n || row.error !== undefined || !Number.isFinite(rate) || !checked || !isLtsKernelVariantName(row.variant)) continue;
    if (best === undefined || rate! > profileRowGpuRate(best)!) best = row;
  }
  return best?.variant;
}
