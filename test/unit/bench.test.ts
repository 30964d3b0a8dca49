// The benchmark harness in a tiny configuration: the report's shape, and ratios that follow from the
// measured numbers. No timing is asserted (the machine is shared). Needs dist/fit.worker.js (npm run build).
import { describe, expect, it } from 'vitest';
import { adapterSlug, computeRatios, formatBenchTable, runBench, type BenchRow } from '../../src/bench/harness.js';
import { nodeBenchEnv } from '../../src/bench/node.js';
import { runPipelineSweep } from '../../src/bench/pipeline.js';
import { TrimfitError } from '../../src/index.js';

const row = (name: string, backend: string, candidateFitsPerSec: number | null, curvesPerSec: number): BenchRow => ({
  name, case: 'lts-candidates', backend, engine: backend, n: 16, p: 3, candidates: null, curves: 1, coldMs: 1, warmMs: 1, warmRuns: 1, candidateFitsPerSec, curvesPerSec, ratios: {}, detail: '',
});

describe('bench helpers', () => {
  it('names result files after the adapter', () => {
    expect(adapterSlug(null)).toBe('cpu-only');
    expect(adapterSlug({ vendor: 'google', architecture: 'swiftshader', device: 'x', description: 'SwiftShader driver' })).toBe('google-swiftshader');
    expect(adapterSlug({ vendor: 'nvidia', architecture: '', device: 'NVIDIA H100 80GB HBM3', description: '' })).toBe('nvidia-nvidia-h100-80gb-hbm3');
  });

  it('computes ratios per workload from throughput, falling back to curves/s, null when a side is missing', () => {
    const rows = [row('a', 'single-thread', 100, 5), row('a', 'workers', 250, 9), row('a', 'webgpu', 1000, 2), row('b', 'single-thread', null, 4), row('b', 'scipy', null, 16), row('c', 'workers', 10, 1)];
    computeRatios(rows);
    expect(rows[0].ratios['workers/single-thread']).toBe(2.5);
    expect(rows[2].ratios['webgpu/workers']).toBe(4);
    expect(rows[1].ratios['webgpu/single-thread']).toBe(10);
    expect(rows[3].ratios['single-thread/scipy']).toBe(0.25);
    expect(rows[3].ratios['workers/single-thread']).toBeNull();
    expect(rows[5].ratios['workers/single-thread']).toBeNull();
  });

  it('names the machine without a CPU model (a browser) by its core count', () => {
    const report = { machine: { cpus: 2, cpuModel: null, memoryBytes: null, node: null, platform: 'Chrome' }, adapter: null, backend: '', startedAt: '', finishedAt: '', quick: true, budgetMs: 1, repeats: 1, kernelVariant: null, note: '', definitions: {}, cases: [], skipped: [] };
    expect(formatBenchTable(report).split('\n')[0]).toBe('machine: 2 logical cores (no CPU model known), Chrome; adapter: none');
    expect(formatBenchTable({ ...report, machine: { ...report.machine, cpuModel: 'Xeon' } }).split('\n')[0]).toBe('machine: Xeon × 2, Chrome; adapter: none');
  });

  it('gives no workers ratio for a workers row that ran on the calling thread', () => {
    const inline = { ...row('s', 'workers', null, 9), engine: 'cpu: f64, calling thread' };
    const pooled = { ...row('t', 'workers', null, 9), engine: 'cpu: f64 worker pool (2 workers)' };
    const rows = [row('s', 'single-thread', null, 5), inline, row('t', 'single-thread', null, 5), pooled];
    computeRatios(rows);
    expect(rows[0].ratios['workers/single-thread']).toBeNull();
    expect(rows[2].ratios['workers/single-thread']).toBe(1.8);
  });
});

describe('runPipelineSweep', () => {
  it('rejects a setting out of range, naming it, before looking for an adapter', async () => {
    const settings = [{ chunksInFlight: 2, maxCandidatesPerChunk: 1 << 20 }, { chunksInFlight: 0, maxCandidatesPerChunk: 1 << 20 }];
    await expect(runPipelineSweep(null, { settings })).rejects.toMatchObject({ code: 'invalid-option', field: 'settings[1].chunksInFlight', expected: 'an integer ≥ 1' });
    await expect(runPipelineSweep(null, { settings: [{ chunksInFlight: 1, maxCandidatesPerChunk: 0.5 }] })).rejects.toMatchObject({ field: 'settings[0].maxCandidatesPerChunk' });
    await expect(runPipelineSweep(null, { settings: [{ chunksInFlight: 1, maxCandidatesPerChunk: 8, newResultPerCall: 'yes' as unknown as boolean }] })).rejects.toMatchObject({ field: 'settings[0].newResultPerCall', expected: 'a boolean' });
    await expect(runPipelineSweep(null)).rejects.toMatchObject({ code: 'backend-unavailable' });
  });
});

describe('runBench (tiny, CPU only)', () => {
  it('rejects an unknown backend choice with a typed error', async () => {
    const env = { machine: { cpus: 1, cpuModel: null, memoryBytes: null, node: null, platform: 'test' }, gpu: null, retuCurves: null };
    await expect(runBench(env, { backend: 'gpu' as 'cpu' })).rejects.toSatisfy((e: unknown) => e instanceof TrimfitError && e.field === 'backend');
  });

  it('rejects an unknown kernel variant, naming the option and the known layouts', async () => {
    const env = { machine: { cpus: 1, cpuModel: null, memoryBytes: null, node: null, platform: 'test' }, gpu: null, retuCurves: null };
    const err = await runBench(env, { backend: 'cpu', kernelVariant: 'fastest' as 'baseline' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrimfitError);
    expect(err).toMatchObject({ code: 'invalid-option', field: 'kernelVariant', received: JSON.stringify('fastest') });
    expect((err as TrimfitError).expected).toContain('unrolled-early-dense');
  });

  it('runs every case side by side and writes a consistent report', async () => {
    const env = await nodeBenchEnv();
    const report = await runBench(env, {
      backend: 'cpu',
      workers: 2,
      budgetMs: 60_000,
      repeats: 1,
      sizes: { ltsPoints: [16], ltsCandidates: [64, 128], paperCurves: 1, sweepCurves: 1, linearRows: [200], singleFitRepeats: 2 },
      log: (line) => console.log(`${(performance.now() / 1000).toFixed(1)} s ${line}`),
    });
    const json = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(json.machine.cpus).toBeGreaterThan(0);
    expect(typeof json.machine.node).toBe('string');
    expect(json.adapter).toBeNull();
    expect(json.backend).toBe('single-thread, workers');
    // The host's share is reported for WebGPU rows only.
    expect(json.cases.every((r) => r.hostMs === undefined)).toBe(true);
    expect(Number.isNaN(Date.parse(json.startedAt))).toBe(false);
    expect(json.note).toMatch(/load average/);
    expect(json.kernelVariant).toBeNull();

    const caseIds = new Set(json.cases.map((r) => r.case));
    expect([...caseIds].sort()).toEqual(['linear-lts', 'lts-candidates', 'paper-search', 'single-fit', 'synthetic-sweep']);
    for (const r of json.cases) {
      for (const key of ['name', 'n', 'p', 'candidates', 'coldMs', 'warmMs', 'candidateFitsPerSec', 'curvesPerSec', 'ratios', 'backend']) expect(r).toHaveProperty(key);
      expect(r.warmMs).toBeGreaterThan(0);
      expect(r.coldMs).toBeGreaterThan(0);
      expect(r.curvesPerSec).toBeCloseTo(r.curves / (r.warmMs / 1000), 6);
      if (r.candidateFitsPerSec !== null) expect(r.candidateFitsPerSec).toBeCloseTo(r.candidates! / (r.warmMs / 1000), 6);
      expect(Object.keys(r.ratios)).toEqual(expect.arrayContaining(['workers/single-thread', 'webgpu/workers', 'webgpu/single-thread']));
      expect(r.ratios['webgpu/workers']).toBeNull();
    }
    // Both CPU backends ran every candidate size; their ratio is the quotient of the measured rates.
    const candidateRows = json.cases.filter((r) => r.case === 'lts-candidates');
    expect(candidateRows).toHaveLength(4);
    for (const name of new Set(candidateRows.map((r) => r.name))) {
      const single = candidateRows.find((r) => r.name === name && r.backend === 'single-thread')!;
      const workers = candidateRows.find((r) => r.name === name && r.backend === 'workers')!;
      expect(single.candidates).toBe(64 * Math.ceil(single.candidates! / 64));
      expect(workers.ratios['workers/single-thread']).toBeCloseTo(workers.candidateFitsPerSec! / single.candidateFitsPerSec!, 9);
    }
    const search = json.cases.filter((r) => r.case === 'paper-search');
    expect(search.map((r) => r.curves)).toEqual([1, 1]);
    // One curve is too little work for the pool: the 'workers' sweep ran on the calling thread, so
    // it gets no workers ratio, and the report says why.
    expect(search[1].engine).toContain('calling thread');
    expect(search[0].ratios['workers/single-thread']).toBeNull();
    expect(json.skipped.some((s) => s.case === 'paper-search' && s.backend === 'workers' && /too little work for the worker pool/.test(s.reason))).toBe(true);
    // External baselines: a row when the tool is installed, otherwise a recorded skip.
    for (const [backend, present] of [['R robustbase', !!env.rLtsReg], ['scipy', !!env.scipyCurveFit], ['ml-levenberg-marquardt', !!env.levenbergMarquardt]] as const) {
      const r = json.cases.find((c) => c.backend === backend);
      if (present) expect(r!.ratios[`single-thread/${backend}`]).toBeCloseTo(json.cases.find((c) => c.name === r!.name && c.backend === 'single-thread')!.curvesPerSec / r!.curvesPerSec, 9);
      else expect(json.skipped.some((s) => s.backend === backend)).toBe(true);
    }
    const table = formatBenchTable(report);
    for (const r of report.cases) expect(table).toContain(`| ${r.name} | ${r.backend} |`);
  }, 240_000);
});
