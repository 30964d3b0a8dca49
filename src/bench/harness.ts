/**
 * The benchmark harness: every case runs side by side, in one run, on the f64 CPU backend in-line
 * (`single-thread`), on the worker pool (`workers`) and on WebGPU (`webgpu`, when an adapter exists),
 * plus external baselines where the environment offers them (R robustbase, SciPy,
 * ml-levenberg-marquardt). Runs in Node and in browsers: everything platform-specific comes in
 * through BenchEnv. Uses the public entry only.
 *
 * Timing contract: coldMs = creating the backend (worker start, device request, pipeline compile)
 * plus the first run of the row's work on it; warmMs = median of `repeats` further runs on the same
 * backend, readback included. Work is scaled down per backend so that cold + warm runs of one row
 * stay within `budgetMs`; what was run is in the row, what was not is in `skipped`.
 * A ratio "A/B" is throughput(A) / throughput(B) (> 1: A is faster), from candidate fits per second
 * where both rows have them, else from curves (fits) per second.
 */
import {
  batchJobCount, createCpuBackend, createFitter, createWebGpuBackend, createWorkerPool, ceilingRows, fit, lts,
  checkKernelVariant, fastestVariant, TrimfitError, TUNING, type KernelProfileOptions, type KernelProfileReport,
  type BatchResult, type CandidateBackend, type Fitter, type LtsKernelVariantName, type RetuCurve, type SweepCurve, type WorkerPoolOptions,
} from '../index.js';
import {
  CANDIDATES_PER_JOB, LINEAR_PREDICTORS, LINEAR_ROWS, LTS_CANDIDATE_TOTALS, LTS_POINTS, SWEEP_CURVES, SWEEP_POINTS,
  linearLtsData, naiveSigmoidStart, sigmoidLtsBatch, sigmoidNatural, sigmoidNaturalJacobian, syntheticSweepCurves,
} from './cases.js';

export type BenchBackendName = 'single-thread' | 'workers' | 'webgpu';
export const BENCH_BACKENDS: readonly BenchBackendName[] = ['single-thread', 'workers', 'webgpu'];
export type BenchCaseId = 'lts-candidates' | 'paper-search' | 'synthetic-sweep' | 'linear-lts' | 'single-fit';
export const BENCH_CASES: readonly BenchCaseId[] = ['lts-candidates', 'paper-search', 'synthetic-sweep', 'linear-lts', 'single-fit'];

export interface MachineInfo {
  cpus: number;
  cpuModel: string | null;
  memoryBytes: number | null;
  /** Node version; null in browsers. */
  node: string | null;
  platform: string;
}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/** An external baseline's timings of one workload (a subprocess or another library). */
export interface ExternalTiming {
  /** Every call, first (cold) included. */
  timesMs: number[];
  /** What the baseline computed, for a side-by-side check (e.g. R's crit, SciPy's parameters). */
  result: Record<string, unknown>;
}

/** What the platform provides. Missing pieces skip the rows that need them, with the reason. */
export interface BenchEnv {
  machine: MachineInfo;
  /** navigator.gpu or Dawn's GPU object; null: no WebGPU. */
  gpu: GPU | null;
  /** How the worker pool starts its workers (browsers: a module-worker factory). @default {} */
  workerPool?: WorkerPoolOptions;
  /** The paper's RETU branches; null when the data is not at hand. */
  retuCurves: RetuCurve[] | null;
  /** R robustbase ltsReg on the same data (alpha 0.5, intercept), timed `repeats` times in one process; result.objective is the sum of the h smallest squared raw residuals. */
  rLtsReg?: (data: { X: number[][]; y: number[] }, repeats: number) => Promise<ExternalTiming>;
  /** SciPy curve_fit (LM, analytic Jacobian) of the natural sigmoid from p0, timed `repeats` times. */
  scipyCurveFit?: (curve: { x: number[]; y: number[]; p0: number[] }, repeats: number) => Promise<ExternalTiming>;
  /** ml-levenberg-marquardt's `levenbergMarquardt`. */
  levenbergMarquardt?: (
    data: { x: number[]; y: number[] },
    fn: (p: number[]) => (x: number) => number,
    options: { initialValues: number[]; jacobianFunction: (p: number[]) => (x: number) => number[]; maxIterations?: number },
  ) => { parameterValues: number[]; parameterError: number; iterations: number };
  /** Free-text note stored in the report (e.g. that the machine is shared). */
  note?: string;
}

export interface BenchOptions {
  /** Small sizes and one warm repeat: finishes in about a minute on a 2-core machine. @default false */
  quick?: boolean;
  /** 'auto': every backend available; 'cpu': single-thread and workers; 'webgpu': all three, and no adapter is an error. @default 'auto' */
  backend?: 'auto' | 'cpu' | 'webgpu';
  /** Cases to run. @default BENCH_CASES */
  cases?: readonly BenchCaseId[];
  /** Time allowed for the cold and warm runs of one row. @default 20000 (quick: 1500) */
  budgetMs?: number;
  /** Warm repeats per row. @default 3 (quick: 1) */
  repeats?: number;
  /** Worker pool size. @default hardware concurrency */
  workers?: number;
  /** Overrides the sizes of every case (tests use tiny ones). @default the case definitions */
  sizes?: Partial<BenchSizes>;
  /** Layout of the WebGPU candidate kernel (a name from tuning.ts), for the webgpu rows. @default undefined — the adapter's default */
  kernelVariant?: LtsKernelVariantName;
  /** Progress lines. @default no output */
  log?: (line: string) => void;
}

export interface BenchSizes {
  ltsPoints: readonly number[];
  ltsCandidates: readonly number[];
  /** RETU curves of the paper search (0: all). */
  paperCurves: number;
  sweepCurves: number;
  linearRows: readonly number[];
  /** Timed repetitions of each single fit. */
  singleFitRepeats: number;
}

export type Ratios = Record<string, number | null>;

export interface BenchRow {
  name: string;
  case: BenchCaseId;
  backend: string;
  /** Which engine actually ran, as the library reports it. */
  engine: string;
  /** Points per curve (median for RETU curves); rows for linear LTS. */
  n: number;
  /** Parameters per fit. */
  p: number;
  /** Candidate fits per run; null when the row does not count them. */
  candidates: number | null;
  /** Curves (or LTS jobs, or single fits) per run. */
  curves: number;
  coldMs: number;
  warmMs: number;
  warmRuns: number;
  candidateFitsPerSec: number | null;
  curvesPerSec: number;
  ratios: Ratios;
  detail: string;
  /**
   * WebGPU candidate rows: the host's share of the last warm call (summed over its chunks):
   * checking the jobs and allocating the results (prepare), packing, queue writes and command
   * encoding (upload), and decoding the records into the results. With chunks in flight the GPU
   * works meanwhile, so a warm time near their sum means the host, not the GPU, set the pace.
   */
  hostMs?: { prepare: number; pack: number; upload: number; decode: number };
}

export interface BenchSkip {
  case: BenchCaseId;
  backend: string;
  what: string;
  reason: string;
}

export interface BenchReport {
  machine: MachineInfo;
  adapter: AdapterInfo | null;
  /** The backends compared in this run. */
  backend: string;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  budgetMs: number;
  repeats: number;
  /** The kernel layout asked for with `kernelVariant` (null: each adapter's default); the webgpu rows' `engine` names the one that ran. */
  kernelVariant: LtsKernelVariantName | null;
  note: string;
  definitions: Record<string, string>;
  cases: BenchRow[];
  skipped: BenchSkip[];
}

const DEFINITIONS = {
  coldMs: 'first run of the row, plus creating its backend (worker start, device request, pipeline compile) when the row is the first on it; candidate rows of one n share a backend, every sweep row has its own',
  warmMs: 'median of the warm runs on the same backend, readback included; the candidate rows (case (a), jobs given as an LtsJobTable) write their warm runs into the first run\'s result (evaluate\'s `into`), as repeated batches of one shape can',
  ratios: '"A/B" = throughput of A / throughput of B (> 1: A faster); candidate fits per second where both rows count them, else curves per second',
  scaling: 'work is scaled down per backend so cold + warm runs of a row fit the budget; skipped lists what was not run',
  hostMs: 'WebGPU candidate rows: host time of the last warm run, summed over its chunks (prepare: job checks, packing tables, result allocation when not reused; pack: job structs, distinct pools and curves; upload: queue writes, bind groups, encoding and submit; decode: records into the results); the GPU works meanwhile, so warmMs near their sum means the host set the pace',
};

/** Milliseconds to 0.1 ms, as the reports print them. */
export const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

export const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** A file-name slug of the adapter, e.g. google-swiftshader; cpu-only without one. */
export function adapterSlug(adapter: AdapterInfo | null): string {
  if (!adapter) return 'cpu-only';
  return slug([adapter.vendor, adapter.architecture || adapter.device || adapter.description].filter((p) => p).join('-'));
}

/** The file a kernel profile is saved as (the CLI's --out folders, the page's Download). */
export function kernelProfileFileName(report: Pick<KernelProfileReport, 'device'>): string {
  return `kernel-profile-${slug(report.device ?? '')}.json`;
}

/** Lower-case letters and digits joined by single hyphens, for file names; 'unknown-adapter' when nothing is left. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown-adapter';
}

/**
 * The sizes of a kernel profile run from the page or the CLI. quick: n = 64 only, 2,048 candidates
 * per row, one warm call (minutes on a software adapter); else n = 16, 64 and 256 with 2^20
 * candidates and three warm calls.
 */
export function kernelProfileSizes(quick: boolean): Pick<KernelProfileOptions, 'poolSizes' | 'candidates' | 'warmRuns' | 'checkJobs' | 'kernelRepeats'> {
  return quick
    ? { poolSizes: [64], candidates: 2048, warmRuns: 1, checkJobs: 2, kernelRepeats: 2 }
    : { poolSizes: [16, 64, 256], candidates: 1 << 20, warmRuns: 3, checkJobs: 8, kernelRepeats: 16 };
}

/** A table cell: '—' for no value, 3 significant digits below 10^4, else 3 in exponent form. */
export function cell(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined ? '—' : v >= 1e4 ? v.toExponential(2) : v.toPrecision(digits);
}

/** A kernel profile (profileKernelVariants) as a markdown table, the fastest layout per n named below it. */
export function formatKernelProfileTable(report: KernelProfileReport): string {
  const lines = [
    `device: ${report.device ?? '?'}; default layout: ${report.defaultVariant ?? '?'}`,
    '',
    '| n | variant | passes cand./s (GPU clock) | GPU only cand./s | end to end cand./s | host pack / GPU / decode ms | f64 check | vs baseline |',
    '|---:|---|---:|---:|---:|---|---|---|',
    ...report.rows.map((r) => {
      if (r.skipped || r.error) return `| ${r.n} | ${r.variant} | ${r.skipped ? `skipped: ${r.skipped}` : `error: ${r.error}`} | | | | | |`;
      const split = r.serialMs ? `${r.serialMs.hostPack} / ${r.serialMs.gpu} / ${r.serialMs.decode}` : '—';
      const check = r.checkF64 ? `${r.checkF64.agree}/${r.checkF64.jobs}` : '—';
      const base = r.vsBaseline ? `${r.vsBaseline.agree}/${r.vsBaseline.jobs}` : '—';
      return `| ${r.n} | ${r.variant} | ${cell(r.passesCandidatesPerS)} | ${cell(r.gpuCandidatesPerS)} | ${cell(r.candidatesPerS)} | ${split} | ${check} | ${base} |`;
    }),
    '',
  ];
  for (const n of new Set(report.rows.map((r) => r.n))) lines.push(`fastest at n = ${n}: ${fastestVariant(report, n) ?? 'none (no row ran cleanly and agreed with f64)'}`);
  return lines.join('\n');
}

export async function adapterInfo(gpu: GPU | null): Promise<AdapterInfo | null> {
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const { vendor, architecture, device, description } = adapter.info;
  return { vendor, architecture, device, description };
}

interface Timed<T> {
  coldMs: number;
  warmMs: number;
  warmRuns: number;
  last: T;
}

/**
 * cold = `setupMs` (creating the backend, when this is its first row) + the first run; warm = median
 * of up to `repeats` further runs (at least one), stopping early once the row has used `budgetMs`.
 */
async function timeRuns<T>(run: () => Promise<T>, setupMs: number, repeats: number, budgetMs: number): Promise<Timed<T>> {
  const t0 = performance.now();
  let last = await run();
  const coldMs = setupMs + performance.now() - t0;
  const warm: number[] = [];
  while (warm.length < Math.max(1, repeats)) {
    const t = performance.now();
    last = await run();
    warm.push(performance.now() - t);
    if (performance.now() - t0 > budgetMs) break;
  }
  return { coldMs, warmMs: median(warm), warmRuns: warm.length, last };
}

/** The host's share of a WebGPU backend's last call (its `timings`); undefined for other backends. */
export function hostShare(backend: CandidateBackend): BenchRow['hostMs'] {
  const timings = (backend as { timings?: { prepareMs: number; packMs: number; uploadMs: number; decodeMs: number } }).timings;
  if (timings === undefined) return undefined;
  return { prepare: roundMs(timings.prepareMs), pack: roundMs(timings.packMs), upload: roundMs(timings.uploadMs), decode: roundMs(timings.decodeMs) };
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t };
}

/** True for a row whose every engine was the f64 path on the calling thread. */
export function ranOnCallingThread(r: BenchRow): boolean {
  return r.engine.split(' | ').every((e) => e.includes('calling thread'));
}

/** Throughput keys and ratios between rows of the same name (one name = one workload). */
export function computeRatios(rows: BenchRow[]): void {
  const rate = (r: BenchRow | undefined, other: BenchRow | undefined): number | null => {
    if (!r || !other) return null;
    return r.candidateFitsPerSec !== null && other.candidateFitsPerSec !== null ? r.candidateFitsPerSec : r.curvesPerSec;
  };
  const byName = new Map<string, BenchRow[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  for (const group of byName.values()) {
    // A 'workers' sweep too small for the pool runs on the calling thread (the fitter's choice, see
    // TUNING.minWorkerCandidates): its row is kept, but it says nothing about the pool.
    const of = (b: string) => group.find((r) => r.backend === b && !(b === 'workers' && ranOnCallingThread(r)));
    const ratio = (a: string, b: string): number | null => {
      const ra = rate(of(a), of(b));
      const rb = rate(of(b), of(a));
      return ra !== null && rb !== null && rb > 0 ? ra / rb : null;
    };
    const ratios: Ratios = {
      'workers/single-thread': ratio('workers', 'single-thread'),
      'webgpu/workers': ratio('webgpu', 'workers'),
      'webgpu/single-thread': ratio('webgpu', 'single-thread'),
    };
    // Baselines (R, SciPy, …) are compared with each trimfit single-thread row of the group.
    const own = group.filter((r) => r.backend.startsWith('single-thread')).map((r) => r.backend);
    for (const r of group) if (!r.backend.startsWith('single-thread') && !BENCH_BACKENDS.includes(r.backend as BenchBackendName)) for (const o of own) ratios[`${o}/${r.backend}`] = ratio(o, r.backend);
    for (const r of group) r.ratios = { ...ratios };
  }
}

export async function runBench(env: BenchEnv, options: BenchOptions = {}): Promise<BenchReport> {
  const quick = options.quick ?? false;
  const choice = options.backend ?? 'auto';
  if (!['auto', 'cpu', 'webgpu'].includes(choice)) throw new TrimfitError('invalid-option', 'backend', 'auto, webgpu or cpu', choice);
  const budgetMs = options.budgetMs ?? (quick ? 1500 : 20_000);
  const repeats = options.repeats ?? (quick ? 1 : 3);
  const cases = options.cases ?? BENCH_CASES;
  for (const c of cases) if (!BENCH_CASES.includes(c)) throw new TrimfitError('invalid-option', 'cases', BENCH_CASES.join(', '), c);
  checkKernelVariant(options.kernelVariant, 'kernelVariant');
  const sizes: BenchSizes = {
    ltsPoints: quick ? [16, 64] : LTS_POINTS,
    ltsCandidates: quick ? [1e3, 1e4] : LTS_CANDIDATE_TOTALS,
    paperCurves: quick ? 6 : 0,
    sweepCurves: quick ? 40 : SWEEP_CURVES,
    linearRows: quick ? [1e3, 1e4] : LINEAR_ROWS,
    singleFitRepeats: quick ? 5 : 50,
    ...options.sizes,
  };
  const log = options.log ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const adapter = choice === 'cpu' ? null : await adapterInfo(env.gpu);
  if (choice === 'webgpu' && !adapter) throw new TrimfitError('backend-unavailable', 'backend', 'a WebGPU adapter', null, 'backend: webgpu was requested but no WebGPU adapter is available');
  const backends: BenchBackendName[] = adapter ? ['single-thread', 'workers', 'webgpu'] : ['single-thread', 'workers'];
  const rows: BenchRow[] = [];
  const skipped: BenchSkip[] = [];
  const push = (row: Omit<BenchRow, 'ratios'>) => {
    const full = { ...row, ratios: {} };
    rows.push(full);
    log(`${row.name} [${row.backend}] cold ${row.coldMs.toFixed(1)} ms, warm ${row.warmMs.toFixed(1)} ms (${row.engine})`);
  };
  const workersOption = { ...env.workerPool, workers: options.workers ?? env.workerPool?.workers };

  /** A new candidate backend of each kind (its start counts in the cold time of its first row). */
  const candidateBackend = async (b: BenchBackendName): Promise<CandidateBackend> =>
    b === 'single-thread' ? createCpuBackend() : b === 'workers' ? createWorkerPool(workersOption) : createWebGpuBackend({ variant: options.kernelVariant });
  /** A fitter whose sweeps run on backend b (the in-line f64 path for single-thread). */
  const fitterFor = (b: BenchBackendName): Promise<Fitter> =>
    b === 'single-thread' ? createFitter({ backend: 'cpu', workers: 1 }) : b === 'workers' ? createFitter({ backend: 'cpu', workers: workersOption.workers, createWorker: workersOption.createWorker }) : createFitter({ backend: 'webgpu', workers: workersOption.workers, createWorker: workersOption.createWorker, kernelVariant: options.kernelVariant });
  /** Time of a row whose runs take runMs each: the cold run plus the warm repeats. */
  const rowMs = (runMs: number) => runMs * (repeats + 1);

  // (a) candidate-fit throughput, sigmoid LTS candidates (64 per job), n points per curve.
  if (cases.includes('lts-candidates')) {
    for (const n of sizes.ltsPoints) {
      for (const b of backends) {
        if (quick && b === 'webgpu' && n !== sizes.ltsPoints[0]) {
          skipped.push({ case: 'lts-candidates', backend: b, what: `n=${n}`, reason: 'quick run: WebGPU only at the first n (pipeline compilation dominates on software adapters)' });
          continue;
        }
        // One backend per (n, backend): its creation counts in the cold time of the first row only.
        const created = await timed(() => candidateBackend(b));
        const be = created.value;
        let setupMs = created.ms;
        let perCandidateMs = 0;
        try {
          for (const requested of sizes.ltsCandidates) {
            const batch = sigmoidLtsBatch(n, requested);
            const jobCount = batchJobCount(batch);
            const candidates = jobCount * batch.nCandidates;
            const name = `lts-candidates n=${n} C=${requested.toExponential(0).replace('+', '')}`;
            const predictedMs = perCandidateMs * candidates;
            if (rowMs(predictedMs) > budgetMs) {
              skipped.push({ case: 'lts-candidates', backend: b, what: name, reason: `predicted ${(predictedMs / 1000).toFixed(1)} s per run exceeds the budget` });
              continue;
            }
            // Warm calls write into the first call's result, as repeated batches of one shape can.
            let into: BatchResult | undefined;
            const t = await timeRuns(async () => (into = await be.evaluate(batch, undefined, into)), setupMs, repeats, budgetMs);
            setupMs = 0;
            perCandidateMs = t.warmMs / candidates;
            const host = hostShare(be);
            push({
              name, case: 'lts-candidates', backend: b, engine: be.description, n, p: 3, candidates, curves: jobCount,
              coldMs: t.coldMs, warmMs: t.warmMs, warmRuns: t.warmRuns,
              candidateFitsPerSec: candidates / (t.warmMs / 1000), curvesPerSec: jobCount / (t.warmMs / 1000),
              detail: `${jobCount} jobs (as a table) × ${CANDIDATES_PER_JOB} candidates, h = ⌊0.75 n⌋, 2 C-steps × 8 Gauss–Newton steps, best 10 read back into a reused result${host ? `; host in the last call: ${host.prepare} ms checks, ${host.pack} ms packing, ${host.upload} ms upload, ${host.decode} ms decoding` : ''}`,
              ...(host ? { hostMs: host } : {}),
            });
          }
        } finally {
          await be.dispose();
        }
      }
    }
  }

  /** Times a sweep on backend b, adds its row and returns the warm time per curve. */
  const sweepRow = async (caseId: BenchCaseId, name: string, b: BenchBackendName, run: (f: Fitter) => Promise<{ engines: Set<string>; count: number }>, n: number, detail: string, count: number) => {
    let engines = new Set<string>();
    const created = await timed(() => fitterFor(b));
    let t: Timed<number>;
    try {
      t = await timeRuns(async () => { const r = await run(created.value); engines = r.engines; return r.count; }, created.ms, repeats, budgetMs);
    } finally {
      await created.value.dispose();
    }
    if (t.last !== count) throw new TrimfitError('internal', name, `${count} results`, t.last);
    const row = { name, case: caseId, backend: b, engine: [...engines].join(' | '), n, p: 3, candidates: null, curves: count, coldMs: t.coldMs, warmMs: t.warmMs, warmRuns: t.warmRuns, candidateFitsPerSec: null, curvesPerSec: count / (t.warmMs / 1000), detail };
    if (b === 'workers' && ranOnCallingThread({ ...row, ratios: {} }))
      skipped.push({ case: caseId, backend: b, what: `${name}: workers ratios`, reason: `${count} curves were too little work for the worker pool (under ${TUNING.minWorkerCandidates} candidates), so the sweep ran on the calling thread` });
    push(row);
    return t.warmMs / count;
  };
  const perCurveMs = new Map<BenchBackendName, number>();
  /** Backends of the sweeps; a quick run leaves WebGPU out (each sweep compiles its pipelines anew). */
  const sweepBackends = (caseId: BenchCaseId): BenchBackendName[] => {
    if (quick && backends.includes('webgpu')) {
      skipped.push({ case: caseId, backend: 'webgpu', what: caseId, reason: 'quick run: WebGPU sweeps left out (pipeline compilation dominates on software adapters)' });
      return backends.filter((b) => b !== 'webgpu');
    }
    return backends;
  };

  // (b) the paper's whole search: `ceiling --search full` over the RETU branches (bootstrap off).
  if (cases.includes('paper-search')) {
    if (!env.retuCurves) skipped.push({ case: 'paper-search', backend: 'all', what: 'ceiling --search full', reason: 'RETU data not found' });
    else {
      const curves = sizes.paperCurves > 0 ? env.retuCurves.slice(0, sizes.paperCurves) : env.retuCurves;
      const n = median(curves.map((c) => c.x.length));
      for (const b of sweepBackends('paper-search')) {
        const ms = await sweepRow('paper-search', 'paper-search (ceiling --search full)', b, async (fitter) => {
          const engines = new Set<string>();
          let count = 0;
          for await (const row of ceilingRows(curves, { search: 'full', fitter, bootstrapResamples: 0, fit: { ltsStarts: 16 } })) {
            count++;
            if (row.backend) engines.add(`${row.backend.name}: ${row.backend.description}`);
          }
          return { engines, count };
        }, n, `${curves.length} RETU branches × the full grid, ltsStarts 16 (the CLI default), bootstrap off; p = 3 or 4 (free ε)`, curves.length);
        perCurveMs.set(b, ms);
      }
    }
  }

  // (c) many synthetic curves × the default grid; the count is scaled to the budget per backend.
  if (cases.includes('synthetic-sweep')) {
    for (const b of sweepBackends('synthetic-sweep')) {
      // Per-curve cost from the paper search when it ran (same grid, similar lengths), else a probe.
      let ms = perCurveMs.get(b);
      if (ms === undefined) {
        const probe = syntheticSweepCurves(2);
        const f = await fitterFor(b);
        try {
          const t = performance.now();
          for await (const _ of f.fitSweep(probe, { ltsStarts: 16 })) { /* drain */ }
          ms = (performance.now() - t) / probe.length;
        } finally {
          await f.dispose();
        }
      }
      const count = Math.max(1, Math.min(sizes.sweepCurves, Math.floor(budgetMs / (repeats + 1) / ms)));
      if (count < sizes.sweepCurves) skipped.push({ case: 'synthetic-sweep', backend: b, what: `${sizes.sweepCurves} curves`, reason: `scaled down to ${count} curves (predicted ${((ms * sizes.sweepCurves) / 1000).toFixed(0)} s per run)` });
      const curves: SweepCurve[] = syntheticSweepCurves(count);
      await sweepRow('synthetic-sweep', 'synthetic-sweep × FULL_GRID', b, async (fitter) => {
        const engines = new Set<string>();
        let done = 0;
        for await (const item of fitter.fitSweep(curves, { ltsStarts: 16 })) {
          done++;
          if (item.result.status !== 'failed') engines.add(`${item.result.backend.name}: ${item.result.backend.description}`);
        }
        return { engines, count: done };
      }, SWEEP_POINTS, `${count} of ${sizes.sweepCurves} synthetic ${SWEEP_POINTS}-point curves × FULL_GRID, ltsStarts 16`, count);
    }
  }

  // (d) linear LTS via `lts` (FAST-LTS, on the calling thread) against R robustbase ltsReg.
  if (cases.includes('linear-lts')) {
    let perRowMs = 0;
    let perRowMsR = 0;
    for (const rowsN of sizes.linearRows) {
      const data = linearLtsData(rowsN);
      const name = `linear-lts n=${rowsN}`;
      const detail = `${LINEAR_PREDICTORS} predictors + intercept, alpha 0.5, 20 % outliers`;
      if (rowMs(perRowMs * rowsN) > budgetMs) skipped.push({ case: 'linear-lts', backend: 'single-thread', what: name, reason: `predicted ${((perRowMs * rowsN) / 1000).toFixed(1)} s per fit exceeds the budget` });
      else {
        let objective = NaN;
        const t = await timeRuns(async () => { objective = lts(data.X, data.y).objective; return objective; }, 0, repeats, budgetMs);
        perRowMs = t.warmMs / rowsN;
        push({ name, case: 'linear-lts', backend: 'single-thread', engine: `trimfit lts (f64, calling thread); objective ${objective.toPrecision(8)}`, n: rowsN, p: LINEAR_PREDICTORS + 1, candidates: null, curves: 1, coldMs: t.coldMs, warmMs: t.warmMs, warmRuns: t.warmRuns, candidateFitsPerSec: null, curvesPerSec: 1000 / t.warmMs, detail });
      }
      if (!env.rLtsReg) skipped.push({ case: 'linear-lts', backend: 'R robustbase', what: name, reason: 'Rscript with robustbase not available' });
      else if (rowMs(perRowMsR * rowsN) > budgetMs) skipped.push({ case: 'linear-lts', backend: 'R robustbase', what: name, reason: `predicted ${((perRowMsR * rowsN) / 1000).toFixed(1)} s per fit exceeds the budget` });
      else {
        const r = await env.rLtsReg(data, repeats + 1);
        const warm = r.timesMs.slice(1);
        const warmMs = median(warm);
        perRowMsR = warmMs / rowsN;
        push({ name, case: 'linear-lts', backend: 'R robustbase', engine: `ltsReg in Rscript (timed inside R, process start excluded); objective ${Number(r.result.objective).toPrecision(8)}`, n: rowsN, p: LINEAR_PREDICTORS + 1, candidates: null, curves: 1, coldMs: r.timesMs[0], warmMs, warmRuns: warm.length, candidateFitsPerSec: null, curvesPerSec: 1000 / warmMs, detail });
      }
    }
  }

  // (e) one robust sigmoid fit (Stage 1 + LTS) against plain local least-squares fits of the same curve.
  if (cases.includes('single-fit')) {
    const curve = env.retuCurves?.find((c) => c.x.length >= 20) ?? null;
    const x = curve ? Array.from(curve.x) : Array.from(syntheticSweepCurves(1)[0].x);
    const y = curve ? Array.from(curve.y) : Array.from(syntheticSweepCurves(1)[0].y);
    const name = `single-fit ${curve ? curve.id : 'synthetic'}`;
    const reps = sizes.singleFitRepeats;
    const p0 = naiveSigmoidStart(x, y);
    const row = (backend: string, engine: string, timesMs: number[], detail: string, candidates: number | null) => {
      const warmMs = median(timesMs.slice(1));
      push({ name, case: 'single-fit', backend, engine, n: x.length, p: 3, candidates, curves: 1, coldMs: timesMs[0], warmMs, warmRuns: timesMs.length - 1, candidateFitsPerSec: null, curvesPerSec: 1000 / warmMs, detail });
    };
    const timesOf = (f: () => void): number[] => Array.from({ length: reps + 1 }, () => { const t = performance.now(); f(); return performance.now() - t; });
    let params: Record<string, number> = {};
    const fitOptions = { lts: true, pSft: curve?.pSft ?? 0, scoreCap: curve ? 100 : Infinity, scoreFloor: curve ? 0 : -Infinity };
    row('single-thread', 'trimfit fit', timesOf(() => { params = fit({ x, y }, fitOptions).params; }), `trimfit fit: Stage 1 + LTS (64 candidates, best 10 polished), 4 multi-starts; u ${params.u?.toPrecision(5)}, cMid ${params.cMid?.toPrecision(5)}, b ${params.b?.toPrecision(4)}`, 64);
    // The default robust fit (Stage 1 only: iterated modified z-score rejection over multi-start fits).
    row('single-thread stage 1', 'trimfit fit (Stage 1 only)', timesOf(() => { params = fit({ x, y }, { ...fitOptions, lts: false }).params; }), `trimfit fit, default: Stage 1 (modified z-score rejection, τ 2.5) with 4 multi-starts, no LTS; u ${params.u?.toPrecision(5)}, cMid ${params.cMid?.toPrecision(5)}, b ${params.b?.toPrecision(4)}`, null);
    const fmt = (v: number[]) => `u ${v[0].toPrecision(5)}, cMid ${v[1].toPrecision(5)}, b ${v[2].toPrecision(4)}`;
    if (env.levenbergMarquardt) {
      const lm = env.levenbergMarquardt;
      let out: number[] = [];
      const times = timesOf(() => { out = lm({ x, y }, sigmoidNatural, { initialValues: p0, jacobianFunction: sigmoidNaturalJacobian, maxIterations: 200 }).parameterValues; });
      row('ml-levenberg-marquardt', 'ml-levenberg-marquardt (analytic Jacobian)', times, `one local least-squares fit from the naive start, no outlier handling; ${fmt(out)}`, null);
    } else skipped.push({ case: 'single-fit', backend: 'ml-levenberg-marquardt', what: name, reason: 'ml-levenberg-marquardt not installed' });
    if (env.scipyCurveFit) {
      const r = await env.scipyCurveFit({ x, y, p0 }, reps + 1);
      row('scipy', 'SciPy curve_fit (method lm, analytic Jacobian; timed inside Python)', r.timesMs, `one local least-squares fit from the naive start, no outlier handling; ${fmt(r.result.params as number[])}`, null);
    } else skipped.push({ case: 'single-fit', backend: 'scipy', what: name, reason: 'python3 with SciPy not available' });
  }

  computeRatios(rows);
  return {
    machine: env.machine, adapter, backend: backends.join(', '), startedAt, finishedAt: new Date().toISOString(), quick, budgetMs, repeats, kernelVariant: options.kernelVariant ?? null,
    note: env.note ?? '', definitions: DEFINITIONS, cases: rows, skipped,
  };
}

/** The report as a markdown table (one line per row) followed by the skipped work. */
export function formatBenchTable(report: BenchReport): string {
  const lines = [
    `machine: ${report.machine.cpuModel ? `${report.machine.cpuModel} × ${report.machine.cpus}` : `${report.machine.cpus} logical cores (no CPU model known)`}, ${report.machine.platform}; adapter: ${report.adapter ? [report.adapter.vendor, report.adapter.architecture, report.adapter.device].filter(Boolean).join(' ') : 'none'}`,
    '',
    '| case | backend | n | candidates | curves | cold ms | warm ms | cand. fits/s | curves/s | workers/single | webgpu/workers | webgpu/single |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...report.cases.map((r) => `| ${r.name} | ${r.backend} | ${r.n} | ${r.candidates ?? '—'} | ${r.curves} | ${cell(r.coldMs)} | ${cell(r.warmMs)} | ${cell(r.candidateFitsPerSec)} | ${cell(r.curvesPerSec)} | ${cell(r.ratios['workers/single-thread'])} | ${cell(r.ratios['webgpu/workers'])} | ${cell(r.ratios['webgpu/single-thread'])} |`),
  ];
  const extra = report.cases.flatMap((r) => Object.entries(r.ratios).filter(([k, v]) => k.startsWith('single-thread/') && v !== null).map(([k, v]) => `${r.name}: ${k} = ${cell(v)}`));
  if (extra.length) lines.push('', ...new Set(extra));
  if (report.skipped.length) lines.push('', 'not run:', ...report.skipped.map((s) => `- ${s.what} [${s.backend}]: ${s.reason}`));
  if (report.note) lines.push('', `note: ${report.note}`);
  return lines.join('\n');
}
