/**
 * GPU performance run of the LTS candidate kernel, built to dist/gpu-perf.js so that a machine with
 * only Node and the `webgpu` package can run it (`node dist/gpu-perf.js`): `profileKernelVariants`
 * (kernel-profile.ts, which says what each row measures) with sizes from the environment. Writes
 * $OUT/gpu-perf.json (./gpu-perf.json without OUT) after every row, so a run cut short still
 * leaves its rows.
 *
 * Environment (all optional):
 *   TRIMFIT_PERF_SMALL=1           tiny sizes for a software adapter (SwiftShader)
 *   TRIMFIT_PERF_N=16,64,256       pool sizes
 *   TRIMFIT_PERF_VARIANTS=a,b      variant names (default: all, 'baseline' first)
 *   TRIMFIT_PERF_CANDIDATES=N      candidates per measurement (default 4194304; small: 2048)
 *   TRIMFIT_PERF_WARM_RUNS=N       warm repetitions (default 3; small: 1)
 *   TRIMFIT_PERF_CHECK_JOBS=N      jobs checked against f64 per row (default 8; small: 4)
 *   TRIMFIT_PERF_BUDGET_S=S        stop starting new rows after S seconds (default 200)
 *   TRIMFIT_PERF_C_STEPS=N         C-steps per candidate (default 2; 0 and other values place time in the kernel)
 *   TRIMFIT_PERF_GN_ITERATIONS=N   Gauss–Newton iterations per fit (default 8; 0 leaves the fits out)
 *   TRIMFIT_PERF_KERNEL_REPEATS=N  candidate pass runs per chunk in the call timed on the GPU clock (default 16; small: 2)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileKernelVariants, type KernelProfileReport } from './kernel-profile.js';
import { LTS_KERNEL_VARIANTS, isLtsKernelVariantName, type LtsKernelVariantName } from './tuning.js';

const env = process.env;
const small = env.TRIMFIT_PERF_SMALL === '1';
const intEnv = (name: string, fallback: number, min = 1): number => {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${v}`);
  return n;
};
const ALL_VARIANTS = Object.keys(LTS_KERNEL_VARIANTS) as LtsKernelVariantName[];
const VARIANTS = (env.TRIMFIT_PERF_VARIANTS ? env.TRIMFIT_PERF_VARIANTS.split(',') : ALL_VARIANTS).map((name) => {
  if (!isLtsKernelVariantName(name)) throw new RangeError(`TRIMFIT_PERF_VARIANTS: unknown variant ${name} (known: ${ALL_VARIANTS.join(', ')})`);
  return name;
});

const outPath = join(env.OUT ?? '.', 'gpu-perf.json');
const t0 = performance.now();
const log = (msg: string): void => console.log(`[gpu-perf ${((performance.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

/** The report as of the last finished row. */
let latest: KernelProfileReport = { startedAt: new Date().toISOString(), config: {}, rows: [] };

/** Never throws: a failed write is reported and the run goes on (the rows are also in the log). */
function save(report: KernelProfileReport, error?: string): void {
  latest = report;
  const json = { ...report, config: { ...report.config, small }, ...(error === undefined ? {} : { error }) };
  try {
    mkdirSync(env.OUT ?? '.', { recursive: true });
    writeFileSync(outPath, `${JSON.stringify(json, null, 2)}\n`);
  } catch (e) {
    log(`cannot write ${outPath}: ${(e as Error).message}`);
  }
}

log(`writing ${outPath}`);
profileKernelVariants({
  poolSizes: (env.TRIMFIT_PERF_N ?? '16,64,256').split(',').map(Number),
  variants: VARIANTS,
  candidates: intEnv('TRIMFIT_PERF_CANDIDATES', small ? 2048 : 1 << 22),
  warmRuns: intEnv('TRIMFIT_PERF_WARM_RUNS', small ? 1 : 3),
  checkJobs: intEnv('TRIMFIT_PERF_CHECK_JOBS', small ? 4 : 8),
  cSteps: intEnv('TRIMFIT_PERF_C_STEPS', 2, 0),
  gnIterations: intEnv('TRIMFIT_PERF_GN_ITERATIONS', 8, 0),
  kernelRepeats: intEnv('TRIMFIT_PERF_KERNEL_REPEATS', small ? 2 : 16),
  budgetMs: 1000 * intEnv('TRIMFIT_PERF_BUDGET_S', 200),
  onRow: (_row, report) => save(report),
  log,
}).then(
  (report) => {
    save(report);
    log(`done; ${report.rows.filter((r) => r.candidatesPerS !== undefined).length}/${report.rows.length} rows measured`);
    process.exit(0);
  },
  (e: unknown) => {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    save(latest, error);
    log(`FAILED: ${error}`);
    process.exit(1);
  },
);
