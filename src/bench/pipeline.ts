/**
 * The WebGPU pipeline's own settings on this GPU: case (a)'s batch (sigmoid LTS candidates in jobs
 * of 64, n points per curve) end to end with each (chunksInFlight, maxCandidatesPerChunk), so that
 * a GPU machine shows which chunking keeps both its host and its GPU busy. The list runs forward
 * and then backward: a GPU whose clock follows its load (an H100 boosts for a few seconds after a
 * process starts) would otherwise favour whichever setting comes first. Uses the public entry only.
 */
import { batchJobCount, createWebGpuBackend, TrimfitError, type LtsKernelVariantName } from '../index.js';
import { sigmoidLtsBatch } from './cases.js';
import { adapterInfo, cell, hostShare, median, roundMs, type AdapterInfo, type BenchRow } from './harness.js';

/** How the backend splits and overlaps a batch (WebGpuBackendOptions), and where warm calls write. */
export interface PipelineSetting {
  chunksInFlight: number;
  maxCandidatesPerChunk: number;
  /**
   * Warm calls get a new result each, instead of writing into the first call's (`into`): what a
   * caller pays for fresh result memory (about 57 MB per 10^7 candidates at keepBest 10).
   * @default false
   */
  newResultPerCall?: boolean;
}

/**
 * The default list: chunks in flight 1–4 at the default chunk size, chunk sizes 2^19–2^22 at the
 * default 3 in flight, and the defaults (3, 2^20) with a new result per call.
 */
export const PIPELINE_SETTINGS: readonly PipelineSetting[] = [
  { chunksInFlight: 1, maxCandidatesPerChunk: 1 << 20 },
  { chunksInFlight: 2, maxCandidatesPerChunk: 1 << 20 },
  { chunksInFlight: 3, maxCandidatesPerChunk: 1 << 20 },
  { chunksInFlight: 4, maxCandidatesPerChunk: 1 << 20 },
  { chunksInFlight: 3, maxCandidatesPerChunk: 1 << 19 },
  { chunksInFlight: 3, maxCandidatesPerChunk: 1 << 21 },
  { chunksInFlight: 3, maxCandidatesPerChunk: 1 << 22 },
  { chunksInFlight: 3, maxCandidatesPerChunk: 1 << 20, newResultPerCall: true },
];

export interface PipelineSweepOptions {
  /** @default PIPELINE_SETTINGS */
  settings?: readonly PipelineSetting[];
  /** Points per curve. @default 64 */
  n?: number;
  /** Candidates requested per call (rounded up to whole jobs of 64). @default 10^7 */
  candidates?: number;
  /** Warm calls per setting in each of the two rounds. @default 3 */
  repeats?: number;
  /** Layout of the candidate kernel. @default undefined — the adapter's default */
  kernelVariant?: LtsKernelVariantName;
  /** Progress lines. @default no output */
  log?: (line: string) => void;
}

export interface PipelineRow extends PipelineSetting {
  newResultPerCall: boolean;
  /** Backend creation and its first call, in the first round. */
  coldMs: number;
  /** Every warm call of both rounds, in order. */
  warmMs: number[];
  /** From the median of warmMs. */
  candidateFitsPerSec: number;
  /** The host's share of the last call (as the benchmark's candidate rows). */
  hostMs: NonNullable<BenchRow['hostMs']>;
  /** Submit to mapped results, summed over the last call's chunks (they overlap when more than one is in flight). */
  gpuMs: number;
  chunks: number;
}

export interface PipelineReport {
  adapter: AdapterInfo | null;
  kernelVariant: LtsKernelVariantName | null;
  n: number;
  candidates: number;
  startedAt: string;
  rows: PipelineRow[];
}

function checkSetting(s: PipelineSetting, k: number): void {
  for (const key of ['chunksInFlight', 'maxCandidatesPerChunk'] as const) {
    if (!Number.isInteger(s[key]) || s[key] < 1) throw new TrimfitError('invalid-option', `settings[${k}].${key}`, 'an integer ≥ 1', s[key]);
  }
  if (s.newResultPerCall !== undefined && typeof s.newResultPerCall !== 'boolean') throw new TrimfitError('invalid-option', `settings[${k}].newResultPerCall`, 'a boolean', s.newResultPerCall);
}

export async function runPipelineSweep(gpu: GPU | null, options: PipelineSweepOptions = {}): Promise<PipelineReport> {
  const settings = options.settings ?? PIPELINE_SETTINGS;
  settings.forEach(checkSetting);
  const n = options.n ?? 64;
  const repeats = options.repeats ?? 3;
  const log = options.log ?? (() => undefined);
  const adapter = await adapterInfo(gpu);
  if (!adapter) throw new TrimfitError('backend-unavailable', 'backend', 'a WebGPU adapter', null, 'the pipeline sweep needs a WebGPU adapter');
  const batch = sigmoidLtsBatch(n, options.candidates ?? 1e7);
  const candidates = batchJobCount(batch) * batch.nCandidates;
  const startedAt = new Date().toISOString();
  const rows: Array<PipelineRow | undefined> = settings.map(() => undefined);
  const order = [...settings.keys(), ...[...settings.keys()].reverse()];
  for (const k of order) {
    const setting = settings[k];
    const start = performance.now();
    const backend = await createWebGpuBackend({ ...setting, variant: options.kernelVariant });
    try {
      // Warm calls write into the first call's result, as repeated batches of one shape can,
      // unless the setting asks for a new one each.
      const first = await backend.evaluate(batch);
      const into = setting.newResultPerCall ? undefined : first;
      const coldMs = performance.now() - start;
      const row = rows[k] ?? { ...setting, newResultPerCall: setting.newResultPerCall ?? false, coldMs, warmMs: [], candidateFitsPerSec: 0, hostMs: hostShare(backend)!, gpuMs: 0, chunks: 0 };
      for (let r = 0; r < repeats; r++) {
        const t = performance.now();
        await backend.evaluate(batch, undefined, into);
        row.warmMs.push(roundMs(performance.now() - t));
      }
      row.candidateFitsPerSec = Number(((candidates / median(row.warmMs)) * 1000).toPrecision(4));
      row.hostMs = hostShare(backend)!;
      row.gpuMs = roundMs(backend.timings.gpuMs);
      row.chunks = backend.timings.chunks;
      rows[k] = row;
      log(`${setting.chunksInFlight} in flight × ${setting.maxCandidatesPerChunk} per chunk${setting.newResultPerCall ? ', new result per call' : ''}: warm ${row.warmMs.join(' / ')} ms`);
    } finally {
      await backend.dispose();
    }
  }
  return { adapter, kernelVariant: options.kernelVariant ?? null, n, candidates, startedAt, rows: rows as PipelineRow[] };
}

export function formatPipelineTable(report: PipelineReport): string {
  const lines = [
    `${report.candidates} candidates, n = ${report.n}, on ${report.adapter?.description || report.adapter?.device || 'unknown adapter'}`,
    '',
    '| in flight | per chunk | chunks | results | warm ms (median) | cand./s | host ms: prepare / pack / upload / decode | GPU ms (summed) |',
    '|---|---|---|---|---|---|---|---|',
    ...report.rows.map((r) => `| ${r.chunksInFlight} | ${r.maxCandidatesPerChunk} | ${r.chunks} | ${r.newResultPerCall ? 'new per call' : 'reused'} | ${roundMs(median(r.warmMs))} | ${cell(r.candidateFitsPerSec)} | ${r.hostMs.prepare} / ${r.hostMs.pack} / ${r.hostMs.upload} / ${r.hostMs.decode} | ${r.gpuMs} |`),
  ];
  return lines.join('\n');
}
