/**
 * dist/conformance.js: the candidate-backend conformance spec (test/conformance) for the f64 CPU
 * backend and WebGPU, as plain JS for machines without vitest. Exit code 1 on any failure.
 */
import '../test/conformance/lts-candidates.cpu.test.js';
import '../test/conformance/lts-candidates.webgpu.test.js';
import { runRegistered } from './vitest-shim.js';

process.exitCode = (await runRegistered()) > 0 ? 1 : 0;
