#!/usr/bin/env node
// Prints the kernel variant with the highest GPU-only candidate rate at pool size n in a
// gpu-perf.json (dist/gpu-perf.js), among the rows that ran without error and agreed with the
// f64 reference on every checked job; prints nothing when no row qualifies. The rule is the
// library's `fastestVariant` (src/backends/webgpu/kernel-profile.ts), from the built dist/.
// bench/run-gpu.sh uses it to run the benchmark with the layout just measured fastest.
//   node bench/fastest-variant.mjs PATH/gpu-perf.json [n = 64]
import { readFileSync } from 'node:fs';
import { fastestVariant } from '../dist/index.js';

const [path, nArg = '64'] = process.argv.slice(2);
if (!path) {
  console.error('usage: node bench/fastest-variant.mjs PATH/gpu-perf.json [n]');
  process.exit(2);
}
const name = fastestVariant(JSON.parse(readFileSync(path, 'utf8')), Number(nArg));
if (name !== undefined) console.log(name);
