#!/usr/bin/env node
// How busy the sweep page keeps the browser's main thread while a search runs.
//   npm run build:app && node bench/page-responsiveness.mjs [--runs N] [--backend cpu|webgpu|both]
// Serves the built page (app-dist/) with `vite preview`, drives the system Chromium with
// playwright-core, presses Run on the embedded curves with the default grid and records, for each
// run: the run's wall time, the browser's long tasks (main-thread tasks over 50 ms, wall clock, as
// the Long Tasks API reports them) and, from a Chromium trace, the CPU time of every main-thread
// task. Wall-clock long tasks include time the OS gave to other threads (the search's worker,
// SwiftShader, the compositor); the CPU time is the page's own work.
// Writes bench/results/page-responsiveness.json.
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('runs', 3));
const backendArg = arg('backend', 'both');
const backends = backendArg === 'both' ? ['cpu', 'webgpu'] : [backendArg];
const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LONG_TASK_MS = 50;

/** Main-thread tasks of the page's renderer from trace events: wall and CPU (thread) time in ms. */
function mainThreadTasks(events, fromUs, toUs) {
  const names = events.filter((e) => e.name === 'thread_name');
  const worker = names.find((e) => e.args.name === 'DedicatedWorker thread');
  if (!worker) return [];
  const main = names.find((e) => e.args.name === 'CrRendererMain' && e.pid === worker.pid);
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  return onMain
    .filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.ts >= fromUs && e.ts <= toUs)
    .map((e) => ({ wallMs: e.dur / 1000, cpuMs: (e.tdur ?? e.dur) / 1000, event: e, onMain }));
}

/** What a task spent its time on: the largest events inside it (ms), script functions by name. */
function taskBreakdown(task) {
  const t = task.event;
  const byName = new Map();
  for (const e of task.onMain) {
    if (e === t || e.ts < t.ts || e.ts + e.dur > t.ts + t.dur || e.name.includes('RunTask')) continue;
    const fn = e.args?.data?.functionName;
    const name = e.name === 'FunctionCall' && fn !== undefined ? `FunctionCall ${fn || '(anonymous)'}:${e.args.data.lineNumber}` : e.name;
    byName.set(name, (byName.get(name) ?? 0) + e.dur / 1000);
  }
  return Object.fromEntries([...byName].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, ms]) => [k, Number(ms.toFixed(1))]));
}

const server = await preview({ configFile: 'app/vite.config.ts', preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
const baseUrl = server.resolvedUrls.local[0];
const userDataDir = mkdtempSync(join(tmpdir(), 'trimfit-page-bench-'));
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
const results = [];
let userAgent = null;
try {
  for (const backend of backends) {
    for (let k = 0; k < runs; k++) {
      const page = await context.newPage();
      await page.addInitScript(() => {
        window.longTasksMs = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => window.longTasksMs.push(e.duration))).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(`${baseUrl}?backend=${backend}`);
      await page.waitForSelector('[data-testid=curve-row]');
      await page.waitForTimeout(1000);
      const cdp = await context.newCDPSession(page);
      const events = [];
      cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
      await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
      const before = await page.evaluate(() => window.longTasksMs.length);
      const t0 = Date.now();
      await page.click('[data-testid=run]');
      await page.waitForFunction(() => document.getElementById('progress-text').textContent.startsWith('Done'), null, { timeout: 600_000, polling: 500 });
      const runMs = Date.now() - t0;
      await page.waitForTimeout(1000); // the last redraw
      const traced = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await traced;
      const longTasksMs = (await page.evaluate((n) => window.longTasksMs.slice(n), before)).map(Math.round);
      const rowsShown = await page.locator('[data-testid=fit-row]').count();
      const badge = await page.textContent('[data-testid=backend]');
      userAgent ??= await page.evaluate(() => navigator.userAgent);
      // The trace spans the run; tasks are taken from the first to the last traced event (a loop,
      // not Math.min(...ts): a trace can hold more events than a call takes arguments).
      let fromUs = Infinity;
      let toUs = -Infinity;
      for (const e of events) {
        if (!(e.ts > 0)) continue;
        fromUs = Math.min(fromUs, e.ts);
        toUs = Math.max(toUs, e.ts);
      }
      const tasks = mainThreadTasks(events, fromUs, toUs);
      const cpu = tasks.map((t) => t.cpuMs).sort((a, b) => a - b);
      const busiest = tasks.reduce((a, t) => (a === null || t.cpuMs > a.cpuMs ? t : a), null);
      const result = {
        backend, run: k + 1, runMs, rowsShown, badge,
        longTasks: { count: longTasksMs.length, maxMs: Math.max(0, ...longTasksMs), durationsMs: longTasksMs },
        mainThread: {
          tasks: tasks.length,
          maxCpuMs: Number((cpu.at(-1) ?? 0).toFixed(1)),
          p99CpuMs: Number((cpu[Math.floor(0.99 * (cpu.length - 1))] ?? 0).toFixed(1)),
          tasksOverCpuMs50: cpu.filter((ms) => ms > LONG_TASK_MS).length,
          totalCpuMs: Math.round(cpu.reduce((s, ms) => s + ms, 0)),
          // Nested events overlap, so the parts add up to more than the task.
          busiestTask: busiest ? { wallMs: Number(busiest.wallMs.toFixed(1)), cpuMs: Number(busiest.cpuMs.toFixed(1)), partsMs: taskBreakdown(busiest) } : null,
          // Every task over 50 ms of wall clock, with what it spent its time on.
          longTasks: tasks.filter((t) => t.wallMs > LONG_TASK_MS).map((t) => ({ wallMs: Number(t.wallMs.toFixed(1)), cpuMs: Number(t.cpuMs.toFixed(1)), partsMs: taskBreakdown(t) })),
        },
      };
      results.push(result);
      console.log(`${backend} run ${k + 1}: ${runMs} ms, ${rowsShown} rows; long tasks ${longTasksMs.length} (max ${result.longTasks.maxMs} ms wall); main-thread CPU per task max ${result.mainThread.maxCpuMs} ms, p99 ${result.mainThread.p99CpuMs} ms, ${result.mainThread.tasksOverCpuMs50} over 50 ms`);
      await page.close();
    }
  }
} finally {
  await context.close();
  await server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
mkdirSync('bench/results', { recursive: true });
const out = { machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' }, userAgent, grid: 'default (the page as loaded)', results };
writeFileSync('bench/results/page-responsiveness.json', `${JSON.stringify(out, null, 2)}\n`);
console.log('wrote bench/results/page-responsiveness.json');
