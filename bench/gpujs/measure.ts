/**
 * The measurement shared by the browser page and the Node run: the conformance suite's curves as
 * one batch, the f64 reference for every candidate, the gpu.js kernel in a given mode, and the
 * agreement of its results with the reference.
 */
import { batchJobCount, type LtsBatch } from '../../src/backends/backend.js';
import type { CandidateOutcome } from '../../src/core/lts.js';
import { keepLowest, ltsCandidate } from '../../src/core/lts.js';
import { BATCH_BASE, bestSubsetOf, makeCase, type Case } from '../../test/conformance/cases.js';
import { decode, isMember, keepC0, ltsCandidatesKernel, packBatch, squaredResidual, type DecodedCandidate } from './kernel.js';

const F32_EPS = 2 ** -23;
/** Allowed objective difference in units of f32 rounding, as in the conformance suite. */
const ULP_FACTOR = 2 ** 8;

export function makeBatch(curves: number): { cases: Case[]; batch: LtsBatch } {
  const cases = Array.from({ length: curves }, (_, i) => makeCase(i));
  return { cases, batch: { ...BATCH_BASE, jobs: cases.map((c) => c.job) } };
}

export interface Timed<T> {
  value: T;
  ms: number;
}

export function timed<T>(f: () => T): Timed<T> {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

/** Every candidate of every job in f64 (one thread, this process). */
export function referenceAll(cases: Case[], batch: LtsBatch): CandidateOutcome[][] {
  return cases.map((c) => {
    const { job, model } = c;
    const spec = { model, x: job.x, y: job.y, pool: job.pool, h: job.h, theta0: job.theta0, seed: job.seed, cSteps: batch.cSteps, gnIterations: batch.gnIterations };
    return Array.from({ length: batch.nCandidates }, (_, k) => ltsCandidate(spec, k));
  });
}

export interface GpuJsRun {
  mode: string;
  /** The kernel class that ran, and why gpu.js fell back from the requested mode (if it did). */
  kernelClass: string;
  fallbackReason?: string;
  /** First call: transpilation, shader compilation and the run itself. */
  firstCallMs: number;
  /** Best of the timed calls after the first (packing, upload, run, readback, decoding). */
  runMs: number;
  candidatesPerSecond: number;
  candidates: DecodedCandidate[][];
}

/**
 * The part of gpu.js's GPU class used here, typed locally so that the project type-checks without
 * gpu.js installed (it is not a dependency: see docs/decisions/0002-gpujs.md).
 */
export interface GpuJs {
  readonly mode: string;
  addFunction(source: Function, settings: { argumentTypes: Record<string, string>; returnType: string }): unknown;
  createKernelMap(subKernels: Record<string, Function>, kernel: Function, settings: Record<string, unknown>): ((...args: unknown[]) => unknown) & { destroy?(): void };
  destroy(): void;
}

const numbers = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, 'Number']));

/** Runs the kernel on `gpu` (its mode chosen by the caller); `repeats` timed calls after the first. */
export function runGpuJs(gpu: GpuJs, batch: LtsBatch, repeats: number): GpuJsRun {
  const first = timed(() => packBatch(batch));
  // Explicit types: gpu.js otherwise gives helpers the kernel's return type (Array(4)).
  gpu.addFunction(squaredResidual, { argumentTypes: numbers('t', 'y', 'b', 'mid', 'u', 'c0'), returnType: 'Number' });
  gpu.addFunction(isMember, { argumentTypes: numbers('i', 'phase', 's0', 's1', 's2', 's3', 't', 'y', 'sb', 'sm', 'su', 'sc', 'kth', 'lastEq'), returnType: 'Number' });
  const kernel = gpu.createKernelMap({ c0: keepC0 }, ltsCandidatesKernel, {
    output: [first.value.nTotal],
    constants: first.value.constants,
    returnType: 'Array(4)',
    precision: 'single',
    tactic: 'precision',
    loopMaxIterations: 1000,
  });
  const call = () => {
    const packed = packBatch(batch);
    const out = kernel(packed.points, packed.jobs, packed.starts) as { result: ArrayLike<ArrayLike<number>>; c0: ArrayLike<ArrayLike<number>> };
    return decode(packed, out.result, out.c0);
  };
  const warm = timed(call);
  const inner = (kernel as unknown as { kernel?: { constructor: { name: string }; fallbackReason?: string } }).kernel;
  let best = Infinity;
  let candidates = warm.value;
  for (let r = 0; r < repeats; r++) {
    const t = timed(call);
    best = Math.min(best, t.ms);
    candidates = t.value;
  }
  kernel.destroy?.();
  const runMs = repeats > 0 ? best : warm.ms;
  return { mode: gpu.mode, kernelClass: inner?.constructor.name ?? 'unknown', fallbackReason: inner?.fallbackReason, firstCallMs: warm.ms + first.ms, runMs, candidatesPerSecond: (batchJobCount(batch) * batch.nCandidates) / (runMs / 1000), candidates };
}

export interface Agreement {
  jobs: number;
  /** Jobs whose best candidate has the reference best's subset and objective (within tolerance). */
  bestAgree: number;
  candidates: number;
  /** Candidates whose objective matches the reference candidate's within tolerance. */
  candidatesAgree: number;
  /** Candidates the reference finds finite but the result does not (or the reverse). */
  finitenessMismatch: number;
  /** Median and max over jobs of |best objective − reference best| / reference best. */
  bestRelErrMedian: number;
  bestRelErrMax: number;
}

function tolerance(c: Case, refObjective: number): number {
  return ULP_FACTOR * F32_EPS * (refObjective + 2 * Math.sqrt(c.job.h * refObjective) * c.yScale);
}

/** Agreement of per-candidate results (keyed by candidate index) with the f64 reference. */
export function agreement(cases: Case[], reference: CandidateOutcome[][], results: { candidate: number; objective: number; theta: Float64Array }[][], keepBest: number): Agreement {
  let bestAgree = 0;
  let candidates = 0;
  let candidatesAgree = 0;
  let finitenessMismatch = 0;
  const relErrs: number[] = [];
  cases.forEach((c, j) => {
    const ref = reference[j];
    for (const r of results[j]) {
      const expected = ref[r.candidate].objective;
      candidates++;
      if (Number.isFinite(expected) !== Number.isFinite(r.objective)) finitenessMismatch++;
      else if (Number.isFinite(expected) && Math.abs(r.objective - expected) <= tolerance(c, expected)) candidatesAgree++;
    }
    const refBest = keepLowest(ref, keepBest)[0];
    const mine = keepLowest(results[j], keepBest)[0];
    if (!refBest || !mine) return;
    relErrs.push(Math.abs(mine.objective - refBest.objective) / Math.max(refBest.objective, Number.MIN_VALUE));
    if (bestSubsetOf(c, mine.theta) === Array.from(refBest.subset).join(',') && Math.abs(mine.objective - refBest.objective) <= tolerance(c, refBest.objective)) bestAgree++;
  });
  relErrs.sort((a, b) => a - b);
  return {
    jobs: cases.length,
    bestAgree,
    candidates,
    candidatesAgree,
    finitenessMismatch,
    bestRelErrMedian: relErrs.length ? relErrs[Math.floor(relErrs.length / 2)] : NaN,
    bestRelErrMax: relErrs.length ? relErrs[relErrs.length - 1] : NaN,
  };
}
