/**
 * The sweep page and the benchmark page (bench.html) end to end: a Vite dev server on a free port, the system Chromium (WebGPU on
 * SwiftShader, see the project's notes) driven by playwright-core. Screenshots go to test-results/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT_DIR = 'test-results';
/** The paper's unique RL branches: 33 with a released fit script plus Easy102K ckpt6120. */
const EMBEDDED_CURVES = 34;
/**
 * Bound on any main-thread task during a run (the goal is 50 ms). Long tasks are wall clock, so on a
 * 2-core machine whose other core runs the search they stretch; bench/page-responsiveness.mjs
 * measures them with their CPU time (its last runs here: one task over 50 ms in six, 54 ms wall, 25 ms CPU).
 */
const MAX_LONG_TASK_MS = 250;
/** A one-setting-per-curve grid (LTS on, so trimming shows) keeps the quick runs short. */
const SMALL_GRID = '?fe=0.6&fs=0&tau=2.5&alpha=0.75&eps=fixed';

let server: ViteDevServer;
let context: BrowserContext;
let userDataDir: string;
let baseUrl: string;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `cores` overrides navigator.hardwareConcurrency, which sets the page's worker count (cores − 1). */
async function openPage(query = '', cores?: number): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (cores !== undefined) await page.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }), cores);
  // Long tasks (> 50 ms) on the main thread, recorded from the start.
  await page.addInitScript(() => {
    const w = window as unknown as { longTasksMs: number[] };
    w.longTasksMs = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasksMs.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${baseUrl}/${query}`);
  await page.waitForSelector('[data-testid=curve-row], [data-testid=fit-row]', { timeout: 90_000 });
  return { page, errors };
}

const fitRows = (page: Page) => page.locator('[data-testid=fit-row]').count();
/** Index of a results column among the row's cells, by its header's key. */
async function columnIndex(page: Page, key: string): Promise<number> {
  const k = await page.$$eval('#results [role=columnheader]', (hs, wanted) => hs.findIndex((h) => (h as HTMLElement).dataset.key === wanted), key);
  expect(k).toBeGreaterThanOrEqual(0);
  return k;
}
/** A numeric column of the fitted rows (the value line of each cell, without its CI or flag), by curve id. */
async function columnValues(page: Page, key: string): Promise<Record<string, number>> {
  const k = await columnIndex(page, key);
  return page.$$eval('[data-testid=fit-row]', (trs, i) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-id'), Number(tr.children[i].childNodes[0].textContent)])), k);
}
const curveRows = (page: Page) => page.locator('#results .tbody .tr').count();
/**
 * The table's rows are <div>s of fixed size: every cell's text fits its column and its row height,
 * and the header and every row have one cell per column, aligned.
 */
async function expectTableFits(page: Page): Promise<void> {
  const layout = await page.evaluate(() => {
    const head = [...document.querySelectorAll<HTMLElement>('#results [role=columnheader]')];
    const rows = [...document.querySelectorAll<HTMLElement>('#results .tbody [role=row]')];
    const cells = rows.flatMap((r) => [...r.querySelectorAll<HTMLElement>('[role=gridcell]')]);
    const cut = [...head, ...cells]
      .filter((c) => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1)
      .map((c) => `${c.textContent} (${c.scrollWidth}×${c.scrollHeight} in ${c.clientWidth}×${c.clientHeight})`);
    const misaligned = rows.filter((r) => [...r.children].some((c, k) => Math.abs(c.getBoundingClientRect().left - head[k].getBoundingClientRect().left) > 0.5)).length;
    return { columns: head.length, cellsPerRow: [...new Set(rows.map((r) => r.children.length))], cut, misaligned };
  });
  expect(layout.columns).toBeGreaterThan(10);
  expect(layout.cellsPerRow).toEqual([layout.columns]);
  expect(layout.cut).toEqual([]);
  expect(layout.misaligned).toBe(0);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(OUT_DIR, name), fullPage: true });

async function longTasksSince(page: Page, from: number): Promise<number[]> {
  return page.evaluate((k) => (window as unknown as { longTasksMs: number[] }).longTasksMs.slice(k), from);
}
const longTaskCount = (page: Page) => page.evaluate(() => (window as unknown as { longTasksMs: number[] }).longTasksMs.length);

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  const port = await freePort();
  // No file watching or hot reload: files edited elsewhere in the checkout must not reload the page mid-test.
  server = await createServer({ configFile: 'app/vite.config.ts', server: { port, strictPort: true, host: '127.0.0.1', hmr: false, watch: null }, logLevel: 'warn' });
  await server.listen();
  baseUrl = `http://127.0.0.1:${port}`;
  userDataDir = mkdtempSync(join(tmpdir(), 'trimfit-e2e-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('sweep page', () => {
  it('loads the embedded curves and names the backend', async () => {
    const { page, errors } = await openPage();
    expect(await page.title()).toContain('trimfit');
    expect(await page.locator('[data-testid=curve-row]').count()).toBe(EMBEDDED_CURVES);
    await page.waitForFunction(() => !document.querySelector('[data-testid=backend]')!.textContent!.includes('detecting'));
    const badge = (await page.textContent('[data-testid=backend]'))!;
    // Chromium here has a SwiftShader WebGPU adapter; the badge must name it or say why the CPU ran.
    expect(badge).toMatch(/backend: (WebGPU|CPU)/);
    expect(badge).toMatch(/swiftshader|no WebGPU/i);
    // The badge points at the Backend select, in plain words.
    expect(badge).not.toContain('backend=');
    expect(badge).not.toContain('((');
    // What the page does, and the units of the RETU columns (EFLOPs: the data's README).
    expect(await page.textContent('#intro')).toMatch(/runs locally in this browser, on the GPU \(WebGPU\) or the CPU/);
    const headers = await page.$$eval('#results [role=columnheader]', (hs) => hs.map((h) => h.textContent));
    for (const label of ['P_sft (%)', 'A_post (%)', 'C_mid (EFLOPs)', 'x_SFT (EFLOPs)']) expect(headers).toContain(label);
    expect(await page.getAttribute('#results [role=columnheader][data-key=cMid]', 'title')).toContain('EFLOPs');
    // Status sits beside the ceiling, so it is on screen without scrolling the table.
    expect(headers.indexOf('Status')).toBe(headers.indexOf('A_post (%)') + 1);
    const statusInView = await page.evaluate(() => {
      const wrap = document.querySelector('.table-wrap')!.getBoundingClientRect();
      const status = document.querySelector('#results [data-key=status]')!.getBoundingClientRect();
      return status.right <= wrap.right;
    });
    expect(statusInView).toBe(true);
    await shot(page, 'page-loaded.png');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs the embedded curves to one result row each, keeping the main thread free', async () => {
    const { page, errors } = await openPage(SMALL_GRID);
    const before = await longTaskCount(page);
    const t0 = Date.now();
    await page.click('[data-testid=run]');
    // The settings and the curve list are locked from the click on.
    expect(await page.isDisabled('input[name=tau]')).toBe(true);
    expect(await page.isDisabled('select[name=backend]')).toBe(true);
    expect(await page.isDisabled('#include-embedded')).toBe(true);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fit-row]').length === n, EMBEDDED_CURVES, { timeout: 180_000 });
    await page.waitForFunction(() => document.getElementById('progress-text')!.textContent!.startsWith('Done'));
    console.log(`small-grid embedded run: ${Date.now() - t0} ms`);
    expect(await page.getAttribute('[data-testid=progress]', 'value')).toBe(await page.getAttribute('[data-testid=progress]', 'max'));
    // Every row has a finite ceiling within the score cap.
    const aPost = Object.values(await columnValues(page, 'aPost'));
    expect(aPost).toHaveLength(EMBEDDED_CURVES);
    expect(aPost.every((v) => Number.isFinite(v) && v > 0 && v <= 100)).toBe(true);
    expect(await page.isEnabled('input[name=tau]')).toBe(true);

    // Changing τ and the backend after the run marks the rows as the last run's, and the export
    // still records the settings and the engine that produced them.
    const ranOn = (await page.textContent('[data-testid=backend]'))!.startsWith('backend: WebGPU') ? 'webgpu' : 'cpu';
    await page.fill('input[name=tau]', '3');
    await page.selectOption('select[name=backend]', ranOn === 'cpu' ? 'webgpu' : 'cpu');
    await expect.poll(() => page.textContent('[data-testid=results-note]')).toContain("Results are from the last run's settings (tau 2.5, backend auto)");
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const doc = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { settings: { grid: { taus: number[] }; backend: string }; backend: { name: string }; run: { state: string; finishedAt: string | null }; results: unknown[] };
    expect(doc.settings.grid.taus).toEqual([2.5]);
    expect(doc.settings.backend).toBe('auto');
    expect(doc.backend.name).toBe(ranOn);
    expect(doc.run.state).toBe('done');
    expect(doc.run.finishedAt).not.toBeNull();
    expect(doc.results).toHaveLength(EMBEDDED_CURVES);
    // Main-thread tasks over 50 ms during the run (wall-clock, so they stretch when the machine is
    // oversubscribed); the bound leaves room for that but catches work done on the main thread.
    const long = await longTasksSince(page, before);
    console.log(`long tasks during the run (ms): ${JSON.stringify(long.map(Math.round))}`);
    const renders = await page.evaluate(() => performance.getEntriesByName('trimfit.render').map((e) => Math.round(e.duration)));
    console.log(`page redraws during the run (ms): ${JSON.stringify(renders)}`);
    expect(long.filter((ms) => ms > MAX_LONG_TASK_MS)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs the released settings; a train range past the curve shows as fitted, clipped, with the given end in its tooltip', async () => {
    const { page, errors } = await openPage('?search=released');
    await page.click('[data-testid=run]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fit-row]').length === n, EMBEDDED_CURVES, { timeout: 180_000 });
    // S1K/ckpt62's released split is [12, 87) on 80 points.
    const k = await columnIndex(page, 'train');
    const cell = page.locator('[data-testid=fit-row][data-id="S1K/ckpt62"] > *').nth(k);
    expect(await cell.textContent()).toBe('[12, 80)*');
    expect(await cell.locator('span').getAttribute('title')).toBe("the setting's range is [12, 87); the curve has 80 points");
    // Another released split lies inside its curve and reads as given.
    expect(await page.locator('[data-testid=fit-row][data-id="Easy102K/ckpt360"] > *').nth(k).textContent()).toMatch(/^\[\d+, \d+\)$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs on WebGPU in several workers when asked and the badge names the adapter', async () => {
    // Two search workers, each with its own device on the one adapter.
    const { page, errors } = await openPage(`${SMALL_GRID}&backend=webgpu`, 3);
    await page.click('[data-testid=run]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fit-row]').length === n, EMBEDDED_CURVES, { timeout: 240_000 });
    await page.waitForFunction(() => document.getElementById('progress-text')!.textContent!.startsWith('Done'));
    // The worker reports what ran: WebGPU on the SwiftShader adapter, or why it fell back to the CPU.
    expect(await page.textContent('[data-testid=backend]')).toMatch(/^backend: WebGPU — .*swiftshader.*; Stage 1 and polish in 2 Web Workers/i);
    expect(await page.textContent('#progress-text')).not.toMatch(/failed/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs the default grid on the embedded curves and exports the results', async () => {
    const { page, errors } = await openPage();
    const t0 = Date.now();
    await page.click('[data-testid=run]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=fit-row]').length === n, EMBEDDED_CURVES, { timeout: 290_000 });
    const elapsedMs = Date.now() - t0;
    await page.waitForFunction(() => document.getElementById('progress-text')!.textContent!.startsWith('Done'));
    const progressText = (await page.textContent('#progress-text'))!;
    console.log(`default-grid embedded run: ${elapsedMs} ms (${progressText})`);
    writeFileSync(join(OUT_DIR, 'embedded-run.json'), JSON.stringify({ elapsedMs, progressText }, null, 2));
    expect(progressText).not.toMatch(/failed/);

    // A curve whose chosen setting trimmed points, to show every point kind in the screenshot.
    const trimmed = await page.$$eval('[data-testid=fit-row]', (trs, k) => trs.find((tr) => tr.children[k].textContent !== 'off')?.getAttribute('data-id') ?? null, await columnIndex(page, 'lts'));
    if (trimmed) await page.click(`[data-testid=fit-row][data-id="${trimmed}"]`);
    await shot(page, 'page-default-grid.png');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.trim().split('\n')).toHaveLength(EMBEDDED_CURVES + 1);
    expect(csvText).not.toMatch(/NaN/);
    expect(csvText.split('\n')[0].split(',')).toEqual(expect.arrayContaining(['warnings', 'warning_messages']));
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const doc = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { results: Array<{ id: string; aPost: number; warnings: Array<{ code: string; message: string }> }> };
    expect(doc.results).toHaveLength(EMBEDDED_CURVES);
    // A ceiling is flagged in the table exactly when its fit has warnings, with their codes.
    const flags = await page.$$eval('[data-testid=fit-row]', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-id'), tr.querySelector<HTMLElement>('.warn-flag')?.dataset.warnings ?? ''])));
    expect(flags).toEqual(Object.fromEntries(doc.results.map((r) => [r.id, r.warnings.map((w) => w.code).join(' ')])));
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#fit-svg')]);
    const svgText = readFileSync((await svg.path())!, 'utf8');
    expect(svgText).toMatch(/^<svg/);
    expect(svgText).toContain('<polyline');
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#pc-png')]);
    expect(readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');

    await expectTableFits(page);

    // Sorting by a header: ascending, descending, then the curves' own order again.
    const aPostIndex = await columnIndex(page, 'aPost');
    const aPostColumn = async () => page.$$eval('[data-testid=fit-row]', (trs, k) => trs.map((tr) => Number(tr.children[k].childNodes[0].textContent)), aPostIndex);
    const original = await page.$$eval('[data-testid=fit-row]', (trs) => trs.map((tr) => tr.dataset.id));
    const header = '#results [role=columnheader][data-key=aPost]';
    await page.click(header);
    await page.waitForFunction((h) => document.querySelector(h)!.getAttribute('aria-sort') === 'ascending', header);
    await page.waitForTimeout(300);
    const ascending = await aPostColumn();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.click(header);
    await page.waitForFunction((h) => document.querySelector(h)!.getAttribute('aria-sort') === 'descending', header);
    await page.waitForTimeout(300);
    const descending = await aPostColumn();
    expect(descending).toEqual([...ascending].reverse());
    await page.click(header);
    await page.waitForFunction((h) => document.querySelector(h)!.getAttribute('aria-sort') === 'none', header);
    await page.waitForTimeout(300);
    expect(await page.$$eval('[data-testid=fit-row]', (trs) => trs.map((tr) => tr.dataset.id))).toEqual(original);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a long-format CSV and fits its curves', async () => {
    // With bootstrap CIs: their second line in the cells, and the Params column of uploaded curves.
    const { page, errors } = await openPage('?boot=20');
    await page.uncheck('#include-embedded');
    // Two sigmoids y = c0 + (u − c0)/(1 + (cMid/x)^b) (cMid 50, b 1.5; x up to 12 cMid so u is
    // pinned by the data) with small deterministic noise; "b" has an outlier. The header's letter
    // case does not matter.
    const lines = ['Curve,X,Y'];
    for (const [name, u, c0] of [['a', 60, 10], ['b', 40, 5]] as const) {
      for (let i = 1; i <= 40; i++) {
        const x = 15 * i;
        let y = c0 + (u - c0) / (1 + Math.pow(50 / x, 1.5)) + 0.3 * Math.sin(7 * i);
        if (name === 'b' && i === 12) y += 15;
        lines.push(`${name},${x},${y}`);
      }
    }
    await page.setInputFiles('#file', { name: 'two.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await expect.poll(() => page.textContent('[data-testid=load-message]')).toContain('Loaded 2 curves from two.csv');
    await expect.poll(() => curveRows(page)).toBe(2);
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=fit-row]').length === 2, null, { timeout: 120_000 });
    const aPost = await columnValues(page, 'aPost');
    expect(aPost.a).toBeGreaterThan(57);
    expect(aPost.a).toBeLessThan(63);
    expect(aPost.b).toBeGreaterThan(37);
    expect(aPost.b).toBeLessThan(43);
    const r2Val = Object.values(await columnValues(page, 'r2Val'));
    expect(r2Val).toHaveLength(2);
    expect(r2Val.every((v) => v > 0.5)).toBe(true);
    expect(await page.locator('#results .ci').count()).toBeGreaterThan(0);
    // Uploaded curves' units are those of their own x and y.
    expect(await page.textContent('#results [role=columnheader][data-key=aPost]')).toBe('A_post (y)');
    // 20 resamples are too few for a reliable CI: every ceiling carries the warning, readable in
    // its flag's tooltip and accessible name, in the fit note and in the CSV.
    const flag = page.locator('[data-testid=fit-row][data-id="b"] .warn-flag');
    expect(await flag.getAttribute('data-warnings')).toContain('few-resamples');
    expect(await flag.getAttribute('aria-label')).toMatch(/^Warnings: .*few-resamples: /);
    expect(await flag.getAttribute('title')).toBe(await flag.getAttribute('aria-label'));
    await expectTableFits(page);
    await page.click('[data-testid=fit-row][data-id="b"]');
    await expect.poll(() => page.textContent('#fit-title')).toBe('Fit — b');
    await expect.poll(() => page.textContent('#fit-note')).toContain('few-resamples');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csvLines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(csvLines[0].split(',')).toContain('warnings');
    expect(csvLines).toHaveLength(3);
    for (const line of csvLines.slice(1)) expect(line).toContain('few-resamples');
    // The band is one legend entry, and legend values are blank (not "--") until a hover.
    const legend = await page.$$eval('#fit-plot .u-legend .u-series', (rows) => rows.filter((r) => getComputedStyle(r).display !== 'none').map((r) => r.textContent));
    expect(legend.some((t) => t!.includes('bootstrap band'))).toBe(true);
    expect(legend.some((t) => t!.includes('band lower'))).toBe(false);
    expect(legend.join(' ')).not.toContain('--');
    await shot(page, 'page-upload.png');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a bad file’s row and column and keeps what was loaded', async () => {
    const { page, errors } = await openPage();
    const before = await curveRows(page);
    await page.setInputFiles('#file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('x,y\n1,2\n2,3\n3,abc\n4,5\n5,6\n') });
    await expect.poll(() => page.textContent('[data-testid=load-message]')).toContain('bad.csv row 4, column 2 (y)');
    const message = (await page.textContent('[data-testid=load-message]'))!;
    expect(message).toContain('expected a decimal number');
    expect(message).toContain('"abc"');
    expect(await curveRows(page)).toBe(before);
    await page.setInputFiles('#file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"x": [1, 2, 3, 4, 5], "y": [1, 2, null, 4, 5]}') });
    await expect.poll(() => page.textContent('[data-testid=load-message]')).toContain('bad.json: y[2]');
    expect(await curveRows(page)).toBe(before);
    await shot(page, 'page-bad-file.png');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a W&B export: one curve per run, band columns skipped, a run too short left out; P_sft at step 0; other headers by name', async () => {
    const { page, errors } = await openPage();
    await page.uncheck('#include-embedded');
    const header = ['Step', ...['a', 'b', 'c'].flatMap((r) => [`${r} - acc`, `${r} - acc__MIN`, `${r} - acc__MAX`])];
    const lines = [header.map((h) => `"${h}"`).join(',')];
    // Scores from 40, 50 and 60, evaluated from step 0 on; run c stops after 4 evaluations.
    for (let i = 0; i <= 20; i++) {
      const cells = [String(50 * i)];
      for (const [p, u, short] of [[40, 30, false], [50, 20, false], [60, 10, true]] as const) {
        const v = short && i > 3 ? '' : (i === 0 ? p : p + u / (1 + Math.pow(300 / (50 * i), 1.5))).toFixed(3);
        cells.push(v, v, v);
      }
      lines.push(cells.join(','));
    }
    const wandb = { name: 'wandb.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) };
    await page.setInputFiles('#file', wandb);
    await expect.poll(() => page.textContent('[data-testid=load-message]')).toContain('Loaded 2 curves from wandb.csv');
    const message = (await page.textContent('[data-testid=load-message]'))!;
    expect(message).toContain('wandb.csv: left out 1 curve with fewer than 5 points: c (4)');
    expect(message).toContain("wandb.csv: skipped 6 of W&B's own columns beside the runs' (a - acc__MIN, a - acc__MAX, …)");
    await expect.poll(() => curveRows(page)).toBe(2);
    expect((await page.$$eval('[data-testid=curve-row]', (rows) => rows.map((r) => r.getAttribute('data-id')))).sort()).toEqual(['a', 'b']);
    // Again with each run's P_sft read at step 0: the table shows it, and the fit is of the gain.
    await page.click('#clear-uploads');
    await page.click('#csv-columns summary');
    await page.check('#psft-at-x0');
    await page.setInputFiles('#file', wandb);
    await expect.poll(() => curveRows(page)).toBe(2);
    await page.selectOption('select[name=search]', 'none');
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=fit-row]').length === 2, null, { timeout: 120_000 });
    expect(await columnValues(page, 'pSft')).toEqual({ a: 40, b: 50 });
    const plRl = await columnValues(page, 'plRl');
    expect(Math.abs(plRl.a - 30)).toBeLessThan(3);
    expect(Math.abs(plRl.b - 20)).toBeLessThan(3);
    // The plot's axes are named as the file names them (uPlot draws axis titles on its canvas, so
    // the legend's x entry and the SVG export, drawn from the same spec, are what can be read):
    // x by its header, y by the metric the runs' columns share.
    await page.click('[data-testid=fit-row][data-id="a"]');
    await expect.poll(() => page.$$eval('#fit-plot .u-label', (els) => els.map((e) => e.textContent))).toContain('Step');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#fit-svg')]);
    const svgText = readFileSync((await svg.path())!, 'utf8');
    expect(svgText).toContain('font-size="12">Step</text>');
    expect(svgText).toMatch(/rotate\(-90\)" text-anchor="middle" font-size="12">acc<\/text>/);
    // Other headers: refused, naming what is missing, until the column fields name them.
    const own = { name: 'own.csv', mimeType: 'text/csv', buffer: Buffer.from(['compute,score,model', ...Array.from({ length: 12 }, (_, i) => `${i},${40 + i},m${i % 2}`)].join('\n')) };
    await page.setInputFiles('#file', own);
    await expect.poll(() => page.textContent('[data-testid=load-message]')).toContain('own.csv header: expected a column x, step or global_step');
    expect(await curveRows(page)).toBe(2);
    await page.fill('#column-x', 'compute');
    await page.fill('#column-y', 'Score');
    await page.setInputFiles('#file', own);
    await expect.poll(() => page.textContent('[data-testid=load-message]')).toContain('Loaded 1 curve from own.csv');
    // Its column of labels was not named, so it is one curve, and the message says so.
    expect(await page.textContent('[data-testid=load-message]')).toContain('own.csv: a column of text not read (model); if one labels curves, give its name as the curve column under Reading files');
    await expect.poll(() => curveRows(page)).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('cancels a run: the workers stop and the page can run again', async () => {
    const { page, errors } = await openPage();
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=fit-row]').length >= 1, null, { timeout: 120_000 });
    await page.click('[data-testid=cancel]');
    await expect.poll(() => page.textContent('#progress-text')).toMatch(/^Cancelled/);
    // The table is redrawn asynchronously: it catches up with the curves the progress line counts.
    const atCancel = Number(/(\d+)\/\d+ curves/.exec((await page.textContent('#progress-text'))!)![1]);
    await expect.poll(() => fitRows(page)).toBe(atCancel);
    expect(atCancel).toBeLessThan(EMBEDDED_CURVES);
    await page.waitForTimeout(3000);
    expect(await fitRows(page)).toBe(atCancel);
    expect(await page.isEnabled('[data-testid=run]')).toBe(true);
    expect(await page.isDisabled('[data-testid=cancel]')).toBe(true);
    await shot(page, 'page-cancelled.png');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a p_sft column makes y the score: the gain is fitted, and P_sft, A_post = P_sft + u and PL_rl = u are shown, within the score cap', async () => {
    const { page, errors } = await openPage('?boot=20&cap=100&floor=0');
    expect(await page.inputValue('input[name=cap]')).toBe('100');
    expect(await page.inputValue('input[name=floor]')).toBe('0');
    await page.uncheck('#include-embedded');
    // Scores from P_sft 40 and 55 with gains of 30 and 42 (cMid 80, b 1.5): true A_post 70 and 97.
    const lines = ['curve,x,y,p_sft'];
    for (const [name, p, u] of [['a', 40, 30], ['b', 55, 42]] as const) {
      lines.push(`${name},0,${p},${p}`);
      for (let i = 1; i <= 30; i++) lines.push(`${name},${10 * i},${p + u / (1 + Math.pow(80 / (10 * i), 1.5)) + 0.4 * Math.sin(2.3 * i + u)},${p}`);
    }
    await page.setInputFiles('#file', { name: 'scores.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await expect.poll(() => page.textContent('[data-testid=load-message]')).toContain('Loaded 2 curves from scores.csv');
    await page.selectOption('select[name=search]', 'none');
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=fit-row]').length === 2, null, { timeout: 120_000 });
    const pSft = await columnValues(page, 'pSft');
    expect(pSft).toEqual({ a: 40, b: 55 });
    const aPost = await columnValues(page, 'aPost');
    const plRl = await columnValues(page, 'plRl');
    expect(Math.abs(aPost.a - 70)).toBeLessThan(5);
    expect(Math.abs(aPost.b - 97)).toBeLessThan(5);
    // Two decimals on the page: A_post − P_sft is PL_rl to within their rounding.
    expect(Math.abs(aPost.a - 40 - plRl.a)).toBeLessThan(0.011);
    expect(Math.abs(aPost.b - 55 - plRl.b)).toBeLessThan(0.011);
    // The cap bounds the ceiling and its interval (uncapped, with 50 resamples, b's read [88.3, 109.2]).
    const k = await columnIndex(page, 'aPost');
    const ci = await page.$eval(`[data-testid=fit-row][data-id="b"]`, (tr, i) => tr.children[i].querySelector('.ci')?.textContent ?? '', k);
    const [, upper] = /\[[\d.]+, ([\d.]+)\]/.exec(ci)!;
    expect(Number(upper)).toBeLessThanOrEqual(100);
    expect(aPost.b).toBeLessThanOrEqual(100);
    // The plot draws the P_sft line, and the points at their scores (the branch point at 40).
    await page.click('[data-testid=fit-row][data-id="a"]');
    const legend = await page.$$eval('#fit-plot .u-legend .u-series', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(legend.some((t) => t.includes('P_sft 40.00'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('warns about curves too short for the grid and counts their failed fits', async () => {
    const { page, errors } = await openPage();
    // Two 7-point curves: the default grid needs 12 training and 3 validation points.
    const lines = ['curve,x,y'];
    for (const name of ['s1', 's2']) for (let i = 1; i <= 7; i++) lines.push(`${name},${10 * i},${50 / (1 + 30 / (10 * i))}`);
    await page.setInputFiles('#file', { name: 'short.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await expect.poll(() => page.textContent('[data-testid=load-message]')).toContain('2 of them are too short for the current grid: s1 (7 points), s2 (7 points)');
    expect(await page.textContent('[data-testid=short-curves]')).toMatch(/^Too short for the current grid .*: s1 \(7 points\), s2 \(7 points\)\. This grid needs at least \d+ points/);
    await page.uncheck('#include-embedded');
    await expect.poll(() => page.textContent('[data-testid=grid-size]')).toBe('2 curves, 0 settings in all (nothing to fit)');
    expect(await page.isDisabled('[data-testid=run]')).toBe(true);
    // One default setting per curve is still too little data: the run says how many failed, and
    // the note shows the error alone.
    await page.selectOption('select[name=search]', 'none');
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => document.getElementById('progress-text')!.textContent!.startsWith('Done'), null, { timeout: 60_000 });
    expect(await page.textContent('#progress-text')).toContain('2 curves failed');
    await page.click('[data-testid=fit-row][data-id="s1"]');
    await expect.poll(() => page.textContent('#fit-note')).toMatch(/^Fit failed: /);
    expect(await page.textContent('#fit-note')).not.toContain('Chosen out of');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works from the keyboard: choosing files, sorting and selecting rows', async () => {
    const { page, errors } = await openPage(SMALL_GRID);
    // Every form control has a label (its own, an enclosing one or aria-label).
    const unlabelled = await page.$$eval('input, select', (els) => els.filter((e) => (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label')).map((e) => e.outerHTML));
    expect(unlabelled).toEqual([]);
    // "choose files" is a button (the drop zone itself is no dead tab stop): Enter opens the chooser.
    expect(await page.getAttribute('#drop', 'tabindex')).toBeNull();
    // Listening first: Playwright turns on its file-chooser interception asynchronously, and a key
    // press sent in the same breath could reach the page before it (the chooser then goes unseen).
    const chooser = page.waitForEvent('filechooser', { timeout: 10_000 });
    await page.focus('#choose-files');
    await page.keyboard.press('Enter');
    expect((await chooser).isMultiple()).toBe(true);
    // A column header is a button: Enter sorts, and the focus stays on it.
    await page.focus('#results [role=columnheader][data-key=n] button');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getAttribute('#results [role=columnheader][data-key=n]', 'aria-sort')).toBe('ascending');
    expect(await page.evaluate(() => document.activeElement?.closest('[role=columnheader]')?.getAttribute('data-key'))).toBe('n');
    // One row is in the tab order; the arrow keys move the selection and the fit follows.
    expect(await page.locator('#results-body [role=row][tabindex="0"]').count()).toBe(1);
    await page.focus('#results-body [role=row][tabindex="0"]');
    const ids = await page.$$eval('#results-body [role=row]', (trs) => trs.map((tr) => tr.getAttribute('data-id')));
    await page.keyboard.press('Home');
    await expect.poll(() => page.textContent('#fit-title')).toBe(`Fit — ${ids[0]}`);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.textContent('#fit-title')).toBe(`Fit — ${ids[1]}`);
    expect(await page.evaluate(() => document.activeElement!.getAttribute('data-id'))).toBe(ids[1]);
    expect(await page.getAttribute(`#results-body [role=row][data-id="${ids[1]}"]`, 'aria-selected')).toBe('true');
    await page.keyboard.press('End');
    await expect.poll(() => page.textContent('#fit-title')).toBe(`Fit — ${ids[ids.length - 1]}`);
    expect(await page.evaluate(() => location.search)).toContain(`sel=${encodeURIComponent(ids[ids.length - 1]!)}`);
    // Log x leaves the branch point (x = 0) out of the plot, and the note says so.
    await page.check('#logx');
    await expect.poll(() => page.textContent('#fit-note')).toContain('Log x: the branch point (x = 0, the score P_sft) is not drawn.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('stacks the settings above the results on a narrow screen', async () => {
    const { page, errors } = await openPage(SMALL_GRID);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    const layout = await page.evaluate(() => {
      const box = (sel: string) => document.querySelector(sel)!.getBoundingClientRect();
      return { docWidth: document.documentElement.scrollWidth, viewport: innerWidth, aside: box('aside'), content: box('.content'), table: box('.table-wrap'), header: box('header') };
    });
    expect(layout.docWidth).toBeLessThanOrEqual(layout.viewport);
    expect(layout.content.top).toBeGreaterThan(layout.aside.bottom);
    expect(layout.header.width).toBe(layout.viewport);
    // The table keeps most of the width and scrolls sideways in its own box.
    expect(layout.table.width).toBeGreaterThan(0.8 * layout.viewport);
    expect(await page.$eval('.table-wrap', (el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await shot(page, 'page-narrow.png');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps settings in the URL and says which parameters it ignored', async () => {
    const { page, errors } = await openPage('?tau=3,4&alpha=off,2&seed=7&foo=1&sel=nonexistent&cap=abc');
    expect(await page.inputValue('input[name=tau]')).toBe('3,4');
    expect(await page.inputValue('input[name=seed]')).toBe('7');
    // A bad value is replaced by its default, and the page says so; unknown keys are listed too.
    expect(await page.inputValue('input[name=alpha]')).toBe('off,0.75,0.85');
    const notice = (await page.textContent('[data-testid=url-notice]'))!;
    expect(notice).toContain('ignored: alpha=off,2 (expected numbers in [0.5, 1], received "2"; using the default off,0.75,0.85)');
    expect(notice).toContain('ignored: foo=1 (unknown parameter');
    // An empty cap is no cap: the default, shown as (none).
    expect(notice).toContain('ignored: cap=abc (expected a number, or empty for none, received "abc"; using the default (none))');
    expect(await page.inputValue('input[name=cap]')).toBe('');
    expect(notice).toContain('ignored: sel=nonexistent (no curve has that id');
    expect(await page.isEnabled('[data-testid=run]')).toBe(true);
    // While a field is invalid there is no settings count, and no run.
    await page.fill('input[name=tau]', 'abc');
    await expect.poll(() => page.textContent('[data-testid=grid-size]')).toContain('— settings');
    expect(await page.getAttribute('input[name=tau]', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#settings-errors')).toContain('tau: expected numbers in (0, 1000000], received "abc"');
    expect(await page.isDisabled('[data-testid=run]')).toBe(true);
    await page.fill('input[name=tau]', '3,4');
    await page.fill('input[name=starts]', '128');
    await expect.poll(() => page.evaluate(() => location.search)).toContain('starts=128');
    expect(await page.textContent('[data-testid=grid-size]')).toMatch(/^34 curves, [\d,]+ settings in all$/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('benchmark page', () => {
  it('runs the quick benchmark on every backend, with the chosen kernel layout, and downloads the JSON of `trimfit bench`', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/bench.html`);
    expect(await page.isChecked('#quick')).toBe(true);
    await page.selectOption('#backend', 'webgpu');
    // Not the software adapter's default layout, so the report shows the choice was applied.
    await page.selectOption('#kernel-variant', 'unrolled-early-dense');
    const t0 = Date.now();
    await page.click('#run');
    await page.waitForFunction(() => /^(done|failed)/.test(document.querySelector('[data-testid=status]')!.textContent!), null, { timeout: 240_000 });
    const status = (await page.textContent('[data-testid=status]'))!;
    console.log(`bench page, quick, backend webgpu: ${status} in ${Date.now() - t0} ms`);
    expect(status).toMatch(/^done: \d+ rows/);
    // The Markdown of `trimfit bench` stays on the page; the table on show is HTML.
    expect(await page.textContent('[data-testid=table]')).toMatch(/^\| case \| backend \|/m);
    const headers = await page.$$eval('[data-testid=results-table] th', (ths) => ths.map((th) => ({ text: th.textContent, title: th.getAttribute('title') })));
    expect(headers.slice(0, 2).map((h) => h.text)).toEqual(['case', 'backend']);
    expect(headers.find((h) => h.text === 'webgpu/workers')?.title).toMatch(/^Throughput ratio A\/B/);
    expect(await page.locator('[data-testid=results-table] tbody tr').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=results]')).toContain('Ratio columns');
    // A browser knows its logical core count and adapter, not a CPU model.
    expect(await page.textContent('[data-testid=machine]')).toMatch(/^machine: .*, \d+ logical cores?; WebGPU adapter: .*swiftshader/i);
    // The R and SciPy baselines cannot run in a page: listed as Node only, not as skipped.
    const results = (await page.textContent('[data-testid=results]'))!;
    expect(results).toContain('Node only');
    expect(results.slice(0, results.indexOf('Node only'))).not.toMatch(/R robustbase|scipy/);
    expect(await page.getAttribute('a[href="./index.html"]', 'href')).toBe('./index.html');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const report = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    writeFileSync(join(OUT_DIR, 'bench-page.json'), JSON.stringify(report, null, 2));
    expect(JSON.stringify(report.adapter)).toMatch(/swiftshader/i);
    expect(report.quick).toBe(true);
    expect(report.kernelVariant).toBe('unrolled-early-dense');
    const webgpuRows = report.cases.filter((r: { backend: string }) => r.backend === 'webgpu');
    expect(webgpuRows.length).toBeGreaterThan(0);
    for (const row of webgpuRows) expect(row.engine).toContain('(unrolled-early-dense)');
    // Candidate rows on WebGPU say how much of the last call the host spent.
    for (const row of webgpuRows.filter((r: { case: string }) => r.case === 'lts-candidates')) {
      expect(Object.keys(row.hostMs).sort()).toEqual(['decode', 'pack', 'prepare', 'upload']);
      for (const ms of Object.values(row.hostMs) as number[]) expect(ms).toBeGreaterThanOrEqual(0);
      const hostMs = row.hostMs.prepare + row.hostMs.pack + row.hostMs.upload + row.hostMs.decode;
      expect(hostMs).toBeGreaterThan(0);
      expect(hostMs).toBeLessThanOrEqual(row.coldMs + row.warmMs * row.warmRuns);
    }
    const backends = new Set(report.cases.map((r: { backend: string }) => r.backend));
    for (const b of ['single-thread', 'workers', 'webgpu']) expect(backends.has(b)).toBe(true);
    for (const row of report.cases) {
      for (const field of ['name', 'n', 'p', 'candidates', 'coldMs', 'warmMs', 'candidateFitsPerSec', 'curvesPerSec', 'ratios']) expect(row).toHaveProperty(field);
      expect(row.warmMs).toBeGreaterThan(0);
    }
    // Candidate rows of one size carry the three ratios the harness promises when a GPU ran.
    const candidateRow = report.cases.find((r: { case: string; backend: string; ratios: Record<string, number> }) => r.case === 'lts-candidates' && r.backend === 'webgpu' && 'webgpu/workers' in r.ratios);
    expect(candidateRow).toBeDefined();
    for (const key of ['workers/single-thread', 'webgpu/workers', 'webgpu/single-thread']) expect(Number.isFinite(candidateRow.ratios[key])).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('profiles the kernel layouts on this GPU, selects the fastest and downloads the profile', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/bench.html`);
    expect(await page.inputValue('#kernel-variant')).toBe('');
    const t0 = Date.now();
    await page.click('#profile');
    await page.waitForFunction(() => /^(profile done|failed)/.test(document.querySelector('[data-testid=status]')!.textContent!), null, { timeout: 240_000 });
    const status = (await page.textContent('[data-testid=status]'))!;
    console.log(`bench page, kernel profile (quick): ${status} in ${Date.now() - t0} ms`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toMatch(/^kernel-profile-.*swiftshader.*\.json$/);
    const report = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    writeFileSync(join(OUT_DIR, 'kernel-profile-page.json'), JSON.stringify(report, null, 2));
    const variants = (await page.$$eval('#kernel-variant option', (options) => options.map((o) => (o as HTMLOptionElement).value))).filter(Boolean);
    expect(report.rows.map((r: { variant: string }) => r.variant)).toEqual(variants);
    for (const row of report.rows) {
      expect(row.n).toBe(64);
      expect(row.error).toBeUndefined();
      expect(row.gpuCandidatesPerS).toBeGreaterThan(0);
      expect(row.checkF64.agree).toBe(row.checkF64.jobs);
    }
    // The fastest row (passes on the GPU clock where timed, else GPU only) is the one selected
    // for the benchmark, and the status names it.
    type Row = { variant: string; gpuCandidatesPerS: number; passesCandidatesPerS?: number };
    const rate = (r: Row): number => r.passesCandidatesPerS ?? r.gpuCandidatesPerS;
    const fastest = report.rows.reduce((a: Row, b: Row) => (rate(b) > rate(a) ? b : a));
    expect(await page.inputValue('#kernel-variant')).toBe(fastest.variant);
    expect(status).toContain(`fastest at n = 64: ${fastest.variant}`);
    expect(await page.textContent('[data-testid=table]')).toMatch(/^\| n \| variant \| passes cand\.\/s/m);
    expect(errors).toEqual([]);
    await page.close();
  });
});
