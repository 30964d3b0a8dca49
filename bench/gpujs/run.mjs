/**
 * gpu.js as a WebGL2 tier: measures, in one run,
 * - headless Chromium (/usr/bin/chromium): the f64 reference, the WebGPU backend and the gpu.js
 *   kernel in WebGL2 mode on the same batch in the same page (bench/gpujs/page);
 * - Node: the gpu.js kernel in the modes it has there (cpu; webasm, which falls back to cpu for
 *   kernel maps) against the f64 reference;
 * - the minified (and gzipped) bytes gpu.js adds to a page, next to the WebGPU backend's.
 * Writes bench/gpujs/results/<date>.json.
 *
 *   npm install --no-save gpu.js@2.24.1   # not a dependency: docs/decisions/0002-gpujs.md
 *   node bench/gpujs/run.mjs [--curves 100] [--node-curves 20] [--repeats 2]
 */
import { build, createServer } from 'vite';
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PAGE_TIMEOUT_MS = 1_200_000;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name}: expected an integer ≥ 0, received ${process.argv[at + 1]}`);
  return value;
}

async function inChromium(curves, repeats) {
  const server = await createServer({ root: join(repoRoot, 'bench/gpujs/page'), configFile: false, logLevel: 'error', server: { port: 0, host: '127.0.0.1', fs: { allow: [repoRoot] } } });
  await server.listen();
  const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'trimfit-gpujs-')), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const { port } = server.httpServer.address();
    await page.goto(`http://127.0.0.1:${port}/index.html?curves=${curves}&repeats=${repeats}`);
    await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: PAGE_TIMEOUT_MS, polling: 1000 });
    const outcome = await page.evaluate(() => window.__bench);
    return { ...outcome, chromium: browser.browser()?.version() ?? 'unknown', errors: [...outcome.errors, ...pageErrors] };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function inNode(curves, repeats) {
  const server = await createServer({ root: repoRoot, configFile: false, logLevel: 'error', server: { middlewareMode: true }, appType: 'custom', optimizeDeps: { noDiscovery: true } });
  try {
    const m = await server.ssrLoadModule('/bench/gpujs/measure.ts');
    const { GPU } = await import('gpu.js');
    const { cases, batch } = m.makeBatch(curves);
    const nTotal = curves * batch.nCandidates;
    const ref = m.timed(() => m.referenceAll(cases, batch));
    const engines = [{ engine: 'f64 reference (ltsCandidate, one thread)', runMs: ref.ms, candidatesPerSecond: nTotal / (ref.ms / 1000) }];
    const errors = [];
    for (const mode of ['cpu', 'webasm']) {
      const gpu = new GPU({ mode });
      try {
        const r = m.runGpuJs(gpu, batch, repeats);
        engines.push({ engine: `gpu.js ${mode}`, kernelClass: r.kernelClass, fallbackReason: r.fallbackReason, firstCallMs: r.firstCallMs, runMs: r.runMs, candidatesPerSecond: r.candidatesPerSecond, agreement: m.agreement(cases, ref.value, r.candidates, batch.keepBest) });
      } catch (e) {
        errors.push(`gpu.js ${mode}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        gpu.destroy();
      }
    }
    return { curves, candidates: nTotal, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', engines, errors };
  } finally {
    await server.close();
  }
}

/** Minified and gzipped size of a browser bundle of `source` (an ES module importing from the repo). */
async function bundleBytes(source) {
  const id = '\0bench-entry';
  const out = await build({
    root: repoRoot, configFile: false, logLevel: 'error',
    plugins: [{ name: 'bench-entry', resolveId: (s) => (s === 'bench-entry' ? id : null), load: (s) => (s === id ? source : null) }],
    build: { write: false, minify: true, rollupOptions: { input: 'bench-entry', preserveEntrySignatures: 'strict' } },
  });
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c) => c.type === 'chunk');
  const code = chunks.map((c) => c.code).join('\n');
  return { minifiedBytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length };
}

try {
  await import('gpu.js');
} catch {
  console.error('gpu.js is not installed (it is not a dependency): npm install --no-save gpu.js@2.24.1');
  process.exit(1);
}
const curves = option('curves', 100);
const nodeCurves = option('node-curves', 20);
const repeats = option('repeats', 2);
const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', note: 'no GPU: WebGPU and WebGL2 run on SwiftShader (a CPU rasterizer); only relative figures mean anything' },
  batch: 'conformance cases (test/conformance/cases.ts), 64 candidates per curve, 2 C-steps, 8 Gauss–Newton iterations',
  bundle: {
    gpujs: await bundleBytes(`import { GPU } from 'gpu.js'; export default GPU;`),
    webgpuBackend: await bundleBytes(`import { createWebGpuBackend } from ${JSON.stringify(join(repoRoot, 'src/backends/webgpu/webgpu-backend.ts'))}; export default createWebGpuBackend;`),
  },
  chromium: await inChromium(curves, repeats),
  node: await inNode(nodeCurves, repeats),
};
const dir = join(repoRoot, 'bench/gpujs/results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${results.date.slice(0, 10)}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
console.log(`written ${file}`);
