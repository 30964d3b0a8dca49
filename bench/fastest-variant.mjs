#!/usr/bin/env node
// Prints the kernel variant with the highest GPU-only candidate rate at pool size n in a
// gpu-perf.json (dist/gpu-perf.js), among the rows that ran without error and agreed with the
// f64 reference on every checked job; prints nothing when no row qualifies.
// bench/run-gpu.sh uses it to run the benchmark with the layout just measured fastest.
//   node bench/fastest-variant.mjs PATH/gpu-perf.json [n = 64]
import { readFileSync } from 'node:fs';

const [path, nArg = '64'] = process.argv.slice(2);
if (!path) {
  console.error('usage: node bench/fastest-variant.mjs PATH/gpu-perf.json [n]');
  process.exit(2);
}
const n = Number(nArg);
const report = JSON.parse(readFileSync(path, 'utf8'));
const qualifying = (report.rows ?? []).filter(
  (r) => r.n === n && !r.error && Number.isFinite(r.gpuCandidatesPerS) && r.checkF64 && r.checkF64.jobs > 0 && r.checkF64.agree === r.checkF64.jobs,
);
qualifying.sort((a, b) => b.gpuCandidatesPerS - a.gpuCandidatesPerS);
if (qualifying.length > 0) console.log(qualifying[0].variant);
