/**
 * The WebGPU backend's host work per evaluate() call, without a device: what docs/performance.md
 * reports as prepare + pack + decode. On case (a)'s batch it times, per call:
 * - preparing the batch (`prepareLtsBatch` into reused memory, and the result unless reused);
 * - packing each chunk of 2^20 candidates (`packLtsJobs`);
 * - decoding each chunk's select_best output into the result (`decodeSelectBest`; the output is
 *   synthetic, every job with keepBest rows, as a real run has).
 *
 * It covers the two job forms (objects, with a settings object per job as a sweep makes them, and
 * the table of case (a)) and the two ways of getting results (a new one per call, or `into`). The
 * variants run alternately in one process, and the table gives medians. Upload and the GPU are
 * not included: those need a device (`trimfit bench --pipelines`).
 *
 * Unlike the rest of bench/, this uses the backend's internals, since nothing public runs the host
 * path without a device. Build with `npx vite build --config bench/vite.config.ts` after
 * `npm run build:lib`, then run `node dist/host-path.js [--n 16,64,256] [--candidates 1e7]
 * [--samples 12] [--theta-stride 3] [--json]`.
 */
import { batchJobCount, batchJobs, createBatchResult, type BatchResult, type LtsBatch } from '../src/backends/backend.js';
import { HostScratch } from '../src/backends/webgpu/host-scratch.js';
import { packLtsJobs, sigmoidFrameMaps } from '../src/backends/webgpu/kernels/lts_candidates.js';
import { decodeSelectBest, selectBestWordsPerJob } from '../src/backends/webgpu/kernels/select_best.js';
import { prepareLtsBatch } from '../src/backends/webgpu/prepare.js';
import { sigmoidLtsBatch } from '../src/bench/cases.js';
import { median, roundMs } from '../src/bench/harness.js';

export interface HostPathRow {
  n: number;
  candidates: number;
  form: 'objects' | 'table';
  results: 'new per call' | 'reused';
  /** Medians over the samples, ms per call. */
  prepareMs: number;
  packMs: number;
  decodeMs: number;
  totalMs: number;
  samples: number;
}

export interface HostPathOptions {
  /** @default [16, 64, 256] */
  n?: number[];
  /** @default 10^7 */
  candidates?: number;
  /** Timed calls per variant (after one untimed call each). @default 12 */
  samples?: number;
  /** @default 2^20, the WebGPU backend's default chunk */
  candidatesPerChunk?: number;
  /**
   * θ entries per slot of the result. 4 is a sweep's result where settings that fit ε (4
   * parameters) share the batch with 3-parameter ones, so the 3-parameter jobs' θ is padded.
   * @default 3
   */
  thetaStride?: number;
}


/** select_best's output for a chunk of `jobs` jobs as a real run leaves it: every job with keepBest rows. */
function selectBestWords(jobs: number, keepBest: number): ArrayBuffer {
  const words = new ArrayBuffer(4 * jobs * selectBestWordsPerJob(keepBest, 3));
  new Float32Array(words).fill(1);
  const u32 = new Uint32Array(words);
  u32.fill(0, 0, jobs);
  u32.fill(keepBest, jobs, 2 * jobs);
  for (let slot = 0; slot < jobs * keepBest; slot++) u32[2 * jobs + slot] = slot % 64;
  return words;
}

/** One call's host work on `batch`: prepare, pack and decode every chunk, into `into` or a new result. */
function hostCall(batch: LtsBatch, scratch: { prepare: HostScratch; pack: HostScratch }, chunkJobs: number, thetaStride: number, words: (jobs: number) => ArrayBuffer, into: BatchResult | undefined): { ms: number[]; out: BatchResult } {
  let t = performance.now();
  const prepared = prepareLtsBatch(batch, scratch.prepare);
  const out = into ?? createBatchResult(prepared.jobCount, batch.keepBest, thetaStride);
  const prepareMs = performance.now() - t;
  let packMs = 0;
  let decodeMs = 0;
  for (const group of prepared.groups) {
    for (let start = 0; start < group.length; start += chunkJobs) {
      const chunk = group.subarray(start, start + chunkJobs);
      t = performance.now();
      const packed = packLtsJobs(prepared, chunk, scratch.pack);
      packMs += performance.now() - t;
      const output = words(chunk.length);
      t = performance.now();
      const maps = sigmoidFrameMaps(packed.frames, 3);
      decodeSelectBest(output, chunk, 3, maps.objectiveScale, maps.theta, out);
      decodeMs += performance.now() - t;
    }
  }
  return { ms: [prepareMs, packMs, decodeMs], out };
}

export function measureHostPath(options: HostPathOptions = {}): HostPathRow[] {
  const sizes = options.n ?? [16, 64, 256];
  const candidates = options.candidates ?? 1e7;
  const samples = options.samples ?? 12;
  const rows: HostPathRow[] = [];
  for (const n of sizes) {
    const table = sigmoidLtsBatch(n, candidates);
    // A settings object per job, as a sweep makes them (the old form of case (a)).
    const objects: LtsBatch = { ...table, jobs: batchJobs(table).map((job) => ({ ...job, settings: { ...job.settings } })) };
    const chunkJobs = Math.floor((options.candidatesPerChunk ?? 1 << 20) / table.nCandidates);
    const outputs = new Map<number, ArrayBuffer>();
    const words = (jobs: number): ArrayBuffer => outputs.get(jobs) ?? outputs.set(jobs, selectBestWords(jobs, table.keepBest)).get(jobs)!;
    const variants = (['objects', 'table'] as const).flatMap((form) => (['new per call', 'reused'] as const).map((results) => ({
      form, results, batch: form === 'table' ? table : objects,
      scratch: { prepare: new HostScratch(), pack: new HostScratch() },
      into: undefined as BatchResult | undefined,
      times: [] as number[][],
    })));
    for (let s = 0; s <= samples; s++) {
      for (const v of variants) {
        const { ms, out } = hostCall(v.batch, v.scratch, chunkJobs, options.thetaStride ?? 3, words, v.results === 'reused' ? v.into : undefined);
        if (v.results === 'reused') v.into = out;
        // The first call of each variant warms it up (compilation, scratch growth) and is not counted.
        if (s > 0) v.times.push(ms);
      }
    }
    for (const v of variants) {
      const [prepareMs, packMs, decodeMs] = [0, 1, 2].map((k) => median(v.times.map((t) => t[k])));
      rows.push({
        n, candidates: table.nCandidates * batchJobCount(table), form: v.form, results: v.results,
        prepareMs: roundMs(prepareMs), packMs: roundMs(packMs), decodeMs: roundMs(decodeMs), totalMs: roundMs(prepareMs + packMs + decodeMs), samples: v.times.length,
      });
    }
  }
  return rows;
}

export function formatHostPathTable(rows: HostPathRow[]): string {
  return [
    '| n | candidates | jobs as | results | prepare ms | pack ms | decode ms | total ms |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.n} | ${r.candidates} | ${r.form} | ${r.results} | ${r.prepareMs} | ${r.packMs} | ${r.decodeMs} | ${r.totalMs} |`),
  ].join('\n');
}

function argValue(args: string[], name: string): string | undefined {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const n = argValue(args, '--n')?.split(',').map(Number);
  const candidates = argValue(args, '--candidates');
  const samples = argValue(args, '--samples');
  const thetaStride = argValue(args, '--theta-stride');
  const rows = measureHostPath({ n, candidates: candidates ? Number(candidates) : undefined, samples: samples ? Number(samples) : undefined, thetaStride: thetaStride ? Number(thetaStride) : undefined });
  console.log(args.includes('--json') ? JSON.stringify(rows, null, 2) : formatHostPathTable(rows));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main(process.argv.slice(2));
