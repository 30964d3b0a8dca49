/**
 * WebGPU in headless Chromium (software WebGPU on SwiftShader here): serves test/gpu/browser with
 * Vite and runs the conformance cases through navigator.gpu. Fails when the page gets no adapter.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type BrowserContext } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let server: ViteDevServer;
let browser: BrowserContext;

beforeAll(async () => {
  const root = fileURLToPath(new URL('./browser/', import.meta.url));
  server = await createServer({ root, configFile: false, logLevel: 'error', server: { port: 0, host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('../../', import.meta.url))] } } });
  await server.listen();
  // A fresh profile per run: a persistent context with a new temporary user-data-dir.
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'trimfit-chromium-')), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('WebGPU backend in headless Chromium agrees with the f64 reference', async () => {
  const page = await browser.newPage();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const curves = 100;
  await page.goto(`http://127.0.0.1:${port}/index.html?curves=${curves}`);
  await page.waitForFunction(() => (window as unknown as { __conformance?: unknown }).__conformance !== undefined, undefined, { timeout: 240_000 });
  const outcome = await page.evaluate(() => (window as unknown as { __conformance: { ok: boolean; adapter: string; curves: number; agree: number; error?: string } }).__conformance);
  console.log(`chromium webgpu: adapter ${outcome.adapter}; ${outcome.agree}/${outcome.curves} jobs agree${outcome.error ? `; error: ${outcome.error}` : ''}`);
  expect(outcome.error).toBeUndefined();
  expect(outcome.ok).toBe(true);
  expect(outcome.agree / outcome.curves).toBeGreaterThanOrEqual(0.99);
});

test('a WebGPU sweep with module workers for Stage 1 and the polish gives the results without them', async () => {
  const page = await browser.newPage();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await page.goto(`http://127.0.0.1:${port}/sweep.html`);
  await page.waitForFunction(() => (window as unknown as { __sweep?: unknown }).__sweep !== undefined, undefined, { timeout: 240_000 });
  const outcome = await page.evaluate(() => (window as unknown as { __sweep: { ok: boolean; items: number; same: number; description: string; error?: string } }).__sweep);
  console.log(`chromium webgpu sweep: ${outcome.same}/${outcome.items} items equal; ${outcome.description}${outcome.error ? `; error: ${outcome.error}` : ''}`);
  expect(outcome.error).toBeUndefined();
  expect(outcome.description).toMatch(/Stage 1 and polish in 2 CPU workers/);
  expect(outcome.items).toBe(6);
  expect(outcome.same).toBe(outcome.items);
});
