#!/usr/bin/env node
// Streams N synthetic curves through fitSweep from a generator and samples the process's memory,
// to show that a sweep's memory does not grow with the number of curves.
//   npm run build && node bench/scale-sweep.mjs [curves=1000000] [--workers W]
// Each curve: 16 points of a noisy line with one outlier, model `linear`, the single setting of the
// options (Stage 1 with τ 3, no LTS), so the run measures the streaming machinery, not the fits.
// Writes bench/results/scale-sweep.json.
import { createFitter } from '../dist/index.js';
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';

const total = Number(process.argv[2] ?? 1_000_000);
const wIdx = process.argv.indexOf('--workers');
const workers = wIdx > 0 ? Number(process.argv[wIdx + 1]) : undefined;

function* curves() {
  for (let c = 0; c < total; c++) {
    const x = new Float64Array(16);
    const y = new Float64Array(16);
    for (let i = 0; i < 16; i++) {
      x[i] = i;
      y[i] = 2 + 0.5 * i + 0.1 * Math.sin(c + 7 * i) + (i === c % 16 ? 5 : 0);
    }
    yield { id: `c${c}`, x, y };
  }
}

const samples = [];
const sample = (done) => {
  const m = process.memoryUsage();
  samples.push({ curvesDone: done, rssBytes: m.rss, heapUsedBytes: m.heapUsed, externalBytes: m.external });
};
const fitter = await createFitter({ backend: 'cpu', workers });
const t0 = performance.now();
let done = 0;
let failed = 0;
let nextSample = 0;
sample(0);
for await (const item of fitter.fitSweep(curves(), { model: 'linear', grid: 'single', tau: 3, train: [0, 12], val: [12, 16], chunkCurves: 256 })) {
  done++;
  if (item.result.status === 'failed' || !item.result.success) failed++;
  if (done >= nextSample) {
    sample(done);
    nextSample = done + Math.max(1000, Math.floor(total / 200));
  }
}
sample(done);
const seconds = (performance.now() - t0) / 1000;
await fitter.dispose();
const peak = Math.max(...samples.map((s) => s.rssBytes));
const after10pct = samples.filter((s) => s.curvesDone >= total / 10);
const report = {
  curves: total,
  notSuccessful: failed,
  seconds,
  curvesPerSecond: total / seconds,
  peakRssBytes: peak,
  rssAtStartBytes: samples[0].rssBytes,
  rssRangeAfterFirstTenthBytes: [Math.min(...after10pct.map((s) => s.rssBytes)), Math.max(...after10pct.map((s) => s.rssBytes))],
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryBytes: os.totalmem(), node: process.version },
  workers: workers ?? 'hardware concurrency',
  startedAt: new Date(Date.now() - seconds * 1000).toISOString(),
  samples,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/scale-sweep.json', import.meta.url), JSON.stringify(report, null, 1) + '\n');
console.log(`${total} curves in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)}/s), ${failed} not successful; RSS start ${(samples[0].rssBytes / 2 ** 20).toFixed(0)} MiB, peak ${(peak / 2 ** 20).toFixed(0)} MiB, after the first tenth ${report.rssRangeAfterFirstTenthBytes.map((b) => (b / 2 ** 20).toFixed(0)).join('–')} MiB`);
