/**
 * The benchmark in Node: machine facts from node:os, WebGPU through Dawn (the `webgpu` package),
 * R robustbase and SciPy as subprocesses (each times itself, so process start is excluded), and
 * ml-levenberg-marquardt when installed. Shared by `trimfit bench` and dist/bench.js.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRetuDir, TrimfitError } from '../node.js';
import { profileKernelVariants, type KernelProfileReport } from '../index.js';
import {
  adapterSlug, formatBenchTable, formatKernelProfileTable, kernelProfileFileName, kernelProfileSizes, runBench, type BenchEnv, type BenchOptions, type BenchReport, type ExternalTiming,
} from './harness.js';
import { formatPipelineTable, runPipelineSweep, type PipelineReport } from './pipeline.js';

/** Dawn's GPU object, kept for the life of the process (Dawn crashes if it is collected while a device lives). */
let dawn: GPU | null = null;

async function dawnGpu(): Promise<GPU | null> {
  if (dawn) return dawn;
  // A variable specifier: the bundle must not try to resolve the native addon at build time.
  const specifier = 'webgpu';
  try {
    const mod = (await import(/* @vite-ignore */ specifier)) as { create: (o: string[]) => GPU };
    dawn = mod.create([]);
  } catch {
    return null;
  }
  return dawn;
}

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20, timeout: 600_000 }, (error, stdout, stderr) => {
      if (error) reject(new TrimfitError('backend-unavailable', cmd, 'a successful run', String(error.code ?? error.message), `${cmd}: ${stderr.trim().split('\n').slice(-3).join(' ') || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function available(cmd: string, args: string[]): Promise<boolean> {
  return run(cmd, args).then(() => true, () => false);
}

const R_LTSREG = `
suppressMessages(library(robustbase))
a <- commandArgs(TRUE); d <- as.matrix(read.csv(a[1])); reps <- as.integer(a[2])
y <- d[, 1]; X <- d[, -1, drop = FALSE]; times <- numeric(reps)
for (i in seq_len(reps)) { t0 <- proc.time()[["elapsed"]]; f <- ltsReg(X, y, alpha = 0.5); times[i] <- proc.time()[["elapsed"]] - t0 }
# ltsReg's crit is not on the data's scale for large n; the sum of the h smallest squared raw residuals is what trimfit reports.
r2 <- sort(as.vector(y - cbind(1, X) %*% f$raw.coefficients)^2); objective <- sum(r2[seq_len(f$quan)])
cat(sprintf('{"timesMs":[%s],"crit":%.17g,"objective":%.17g}', paste(sprintf("%.3f", times * 1000), collapse = ","), f$crit, objective))
`;

const SCIPY_CURVE_FIT = `
import json, sys, time
import numpy as np
from scipy.optimize import curve_fit
d = json.load(sys.stdin); x = np.array(d["x"], float); y = np.array(d["y"], float); pos = x > 0
def f(x, u, c, b):
    out = np.zeros_like(x); out[pos] = u / (1 + (c / x[pos]) ** b); return out
def jac(x, u, c, b):
    J = np.zeros((x.size, 3)); r = (c / x[pos]) ** b; s = 1 / (1 + r); k = -u * s * s * r
    J[pos, 0] = s; J[pos, 1] = k * b / c; J[pos, 2] = k * np.log(c / x[pos]); return J
times = []
for _ in range(d["repeats"]):
    t = time.perf_counter(); p, _c = curve_fit(f, x, y, p0=d["p0"], jac=jac, method="lm", maxfev=2000); times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"timesMs": times, "params": list(p)}))
`;

export interface NodeBenchEnvOptions {
  /** RETU data folder; a folder without index.json is a file-not-found error. @default the first of $RETU_DIR, ../shared/data/retu, .gpu-bundle/retu that exists */
  retuDir?: string;
  /** Free-text note for the report. @default '' */
  note?: string;
}

const isRetuDir = (dir: string): Promise<boolean> => stat(join(dir, 'index.json')).then(() => true, () => false);

/**
 * The folder asked for, which must hold the RETU data (falling back to another one would time
 * different data than asked for), or else the first of the default places that does; null if none.
 */
async function findRetuDir(explicit?: string): Promise<string | null> {
  if (explicit !== undefined) {
    if (await isRetuDir(explicit)) return explicit;
    throw new TrimfitError('file-not-found', 'retu', 'a RETU data folder (with index.json)', explicit, `retu: no RETU data at ${explicit} (no index.json there)`);
  }
  const candidates = [process.env.RETU_DIR, '../shared/data/retu', '.gpu-bundle/retu'].filter((p): p is string => !!p);
  for (const dir of candidates) if (await isRetuDir(dir)) return dir;
  return null;
}

export async function nodeBenchEnv(options: NodeBenchEnvOptions = {}): Promise<BenchEnv> {
  const cpuList = cpus();
  const retuDir = await findRetuDir(options.retuDir);
  const env: BenchEnv = {
    machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? null, memoryBytes: totalmem(), node: process.version, platform: `${process.platform}-${process.arch}` },
    gpu: await dawnGpu(),
    retuCurves: retuDir ? await readRetuDir(retuDir) : null,
    // The load at start says how busy a shared machine was, and the RETU folder which data the
    // paper-search case timed (the report has no field of its own for it); the caller's note comes first.
    note: [
      options.note,
      `load average at start ${loadavg().map((v) => v.toFixed(2)).join(' / ')} (1 / 5 / 15 min) on ${cpuList.length} CPUs`,
      retuDir ? `RETU data from ${resolve(retuDir)}` : 'RETU data not found',
    ].filter(Boolean).join('; '),
  };
  if (await available('Rscript', ['-e', 'suppressMessages(library(robustbase))'])) {
    env.rLtsReg = async (data, repeats) => {
      const dir = await mkdtemp(join(tmpdir(), 'trimfit-bench-'));
      try {
        const file = join(dir, 'data.csv');
        const header = ['y', ...data.X[0].map((_, j) => `x${j + 1}`)].join(',');
        await writeFile(file, [header, ...data.y.map((v, i) => [v, ...data.X[i]].join(','))].join('\n') + '\n');
        const out = JSON.parse(await run('Rscript', ['-e', R_LTSREG, file, String(repeats)])) as { timesMs: number[]; crit: number; objective: number };
        return { timesMs: out.timesMs, result: { crit: out.crit, objective: out.objective } } satisfies ExternalTiming;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
  }
  if (await available('python3', ['-c', 'import scipy'])) {
    env.scipyCurveFit = async (curve, repeats) => {
      const out = JSON.parse(await run('python3', ['-c', SCIPY_CURVE_FIT], JSON.stringify({ ...curve, repeats }))) as { timesMs: number[]; params: number[] };
      return { timesMs: out.timesMs, result: { params: out.params } };
    };
  }
  try {
    const specifier = 'ml-levenberg-marquardt';
    const mod = (await import(/* @vite-ignore */ specifier)) as { levenbergMarquardt: NonNullable<BenchEnv['levenbergMarquardt']> };
    env.levenbergMarquardt = mod.levenbergMarquardt;
  } catch {
    // Not installed (e.g. a bare GPU machine): the row is listed as skipped.
  }
  return env;
}

export interface NodeBenchOptions extends BenchOptions, NodeBenchEnvOptions {
  /** Folders the JSON is written to, as <adapter-slug>.json. @default [] */
  outDirs?: string[];
}

/** Writes `json` as `fileName` into every folder; returns the paths written. */
async function writeJsonTo(dirs: readonly string[], fileName: string, json: unknown): Promise<string[]> {
  const written: string[] = [];
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true });
    const path = join(dir, fileName);
    await writeFile(path, JSON.stringify(json, null, 2) + '\n');
    written.push(path);
  }
  return written;
}

/** Runs the benchmark in Node and writes the report to every outDir; returns it with the paths written. */
export async function runNodeBench(options: NodeBenchOptions = {}): Promise<{ report: BenchReport; table: string; written: string[] }> {
  const env = await nodeBenchEnv(options);
  const report = await runBench(env, options);
  const written = await writeJsonTo(options.outDirs ?? [], `${adapterSlug(report.adapter)}.json`, report);
  return { report, table: formatBenchTable(report), written };
}

/**
 * Profiles the kernel layouts on this machine's GPU (Dawn) at kernelProfileSizes(quick) and writes
 * the report to every outDir as kernel-profile-<device-slug>.json.
 */
export async function runNodeKernelProfile(options: { quick?: boolean; outDirs?: string[]; log?: (line: string) => void } = {}): Promise<{ report: KernelProfileReport; table: string; written: string[] }> {
  const report = await profileKernelVariants({ ...kernelProfileSizes(options.quick ?? false), log: options.log });
  const written = await writeJsonTo(options.outDirs ?? [], kernelProfileFileName(report), report);
  return { report, table: formatKernelProfileTable(report), written };
}

/**
 * The WebGPU pipeline sweep (runPipelineSweep) on this machine's GPU (Dawn); quick: n = 16 and
 * 4,096 candidates in chunks of 1,024 or 2,048 (a software adapter). Writes the report to every
 * outDir as pipeline-<adapter-slug>.json.
 */
export async function runNodePipelineSweep(options: { quick?: boolean; outDirs?: string[]; log?: (line: string) => void } = {}): Promise<{ report: PipelineReport; table: string; written: string[] }> {
  const quick = options.quick ?? false;
  const sizes = quick
    ? { n: 16, candidates: 4096, repeats: 1, settings: [{ chunksInFlight: 1, maxCandidatesPerChunk: 1024 }, { chunksInFlight: 2, maxCandidatesPerChunk: 2048, newResultPerCall: true }] }
    : {};
  const report = await runPipelineSweep(await dawnGpu(), { ...sizes, log: options.log });
  const written = await writeJsonTo(options.outDirs ?? [], `pipeline-${adapterSlug(report.adapter)}.json`, report);
  return { report, table: formatPipelineTable(report), written };
}
