// Packaging: `npm pack` gives a tarball that a plain Vite web app and a Node script install and use.
// Each example is copied to a temp directory, the tarball installed there (its other dependency,
// vite, runs from this repository's node_modules so no download is needed), the web examples built
// with vite and the Node one run on the RETU data and on a CSV. Types resolve through `exports`.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../..');
const vite = join(root, 'node_modules/vite/bin/vite.js');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const retuDir = resolve(root, '../shared/data/retu');
let work: string;
let tarball: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'trimfit-examples-'));
  // `npm pack` runs `prepare` (the build, declarations included).
  const name = execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  tarball = join(work, name);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A temp copy of examples/<name> with the tarball installed (dev dependencies dropped: see above). */
function install(name: string): string {
  const dir = join(work, name);
  cpSync(join(root, 'examples', name), dir, { recursive: true, filter: (p) => !p.includes('node_modules') && !p.includes('/dist') });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  delete pkg.devDependencies;
  delete pkg.dependencies.trimfit;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  execFileSync('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--silent'], { cwd: dir, stdio: 'pipe' });
  return dir;
}

/**
 * Builds the page and returns its scripts. The package resolves its Node-only module to the browser
 * twin (package.json "imports": #threads), so the build has no Node built-in to stub out: Vite's
 * "externalized for browser compatibility" warning would say one got in.
 */
function viteBuild(dir: string): string {
  const build = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: dir, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  expect(build.stdout + build.stderr).not.toMatch(/externalized for browser compatibility/);
  const assets = join(dir, 'dist/assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
  expect(js).not.toMatch(/["']node:/);
  return js;
}

describe('the packed tarball', () => {
  test('holds the bundle, the worker, the shaders and the declarations', () => {
    const list = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    for (const f of ['package/dist/index.js', 'package/dist/node.js', 'package/dist/fit.worker.js', 'package/dist/threads.js', 'package/dist/threads.browser.js', 'package/dist/types/index.d.ts', 'package/dist/types/node.d.ts', 'package/bin/trimfit.mjs', 'package/LICENSE']) expect(list).toContain(f);
    expect(list).toMatch(/package\/shaders\/.*\.wgsl/);
    expect(list).not.toMatch(/package\/(src|test|app)\//);
  });

  test('node-script: trimfit/node reads the RETU data and a CSV; types resolve through exports', () => {
    const dir = install('node-script');
    const retu = spawnSync(process.execPath, ['fit.mjs', retuDir], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    expect(retu.status, retu.stderr).toBe(0);
    const doc = JSON.parse(retu.stdout);
    expect(doc.curves).toBeGreaterThan(0);
    expect(doc.rows.filter((r: { status: string }) => r.status === 'converged' || r.status === 'at-bound').length).toBeGreaterThan(0);
    // The collapsed branch is flagged through the package's warnings.
    expect(doc.rows.find((r: { id: string }) => r.id === 'Easy102K/ckpt6120').warnings).toContain('poor-validation');

    writeFileSync(join(dir, 'c.csv'), ['x,y', ...Array.from({ length: 16 }, (_, i) => `${i + 1},${(10 / (1 + Math.pow(6 / (i + 1), 2)) + (i === 4 ? 5 : 0)).toFixed(4)}`)].join('\n'));
    const csv = spawnSync(process.execPath, ['fit.mjs', 'c.csv'], { cwd: dir, encoding: 'utf8' });
    expect(csv.status, csv.stderr).toBe(0);
    expect(Object.keys(JSON.parse(csv.stdout).params).sort()).toEqual(['b', 'c0', 'cMid', 'u']);

    // ceilings.mjs on a W&B-style export: Step, one column per run with its band columns, scores
    // from P_sft 40 and 55 at step 0 with gains of 30 and 20 (true ceilings 70 and 75).
    const runs = [['a', 40, 30], ['b', 55, 20]] as const;
    const wide = [['Step', ...runs.flatMap(([r]) => [`${r} - acc`, `${r} - acc__MIN`, `${r} - acc__MAX`])].join(',')];
    for (let i = 0; i <= 30; i++) wide.push([20 * i, ...runs.flatMap(([, p, u]) => { const v = (i === 0 ? p : p + u / (1 + Math.pow(150 / (20 * i), 1.5)) + 0.3 * Math.sin(2.3 * i + u)).toFixed(3); return [v, v, v]; })].join(','));
    writeFileSync(join(dir, 'panel.csv'), wide.join('\n'));
    const ceilings = spawnSync(process.execPath, ['ceilings.mjs', 'panel.csv'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    expect(ceilings.status, ceilings.stderr).toBe(0);
    const lines = ceilings.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.pSft])).toEqual([['a', 40], ['b', 55]]);
    expect(Math.abs(lines[0].aPost - 70)).toBeLessThan(5);
    expect(Math.abs(lines[1].aPost - 75)).toBeLessThan(5);
    for (const l of lines) expect(l.aPostCi[0]).toBeLessThan(l.aPostCi[1]);

    writeFileSync(join(dir, 'bad.csv'), 'x,y\n1,2\n3,oops\n');
    const bad = spawnSync(process.execPath, ['fit.mjs', 'bad.csv'], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stderr).error.field).toMatch(/row 3/);

    writeFileSync(join(dir, 'check.ts'), [
      "import { fit, createFitter, type FitResult, type SweepItem } from 'trimfit';",
      "import { readRetuDir, type RetuCurve } from 'trimfit/node';",
      'const r: FitResult = fit({ x: [1, 2, 3], y: [1, 2, 3] });',
      'const s: Promise<RetuCurve[]> = readRetuDir(".");',
      'export { r, s, createFitter };',
      'export type { SweepItem };',
    ].join('\n'));
    // Without --skipLibCheck: the package's own declarations must check under nodenext (relative
    // imports with extensions, the WebGPU types it references installed with it).
    const types = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--typeRoots', join(root, 'node_modules/@types'), '--types', 'node', 'check.ts'], { cwd: dir, encoding: 'utf8' });
    expect(types.stdout + types.stderr).toBe('');
  });

  test('basic-fit: a plain Vite page builds against the package, and its bundle fits the curve', async () => {
    const dir = install('basic-fit');
    const js = viteBuild(dir);
    expect(js).toContain('TrimfitError');
    expect(existsSync(join(dir, 'dist/index.html'))).toBe(true);
    // Run the browser bundle with the one DOM call it makes stubbed: the page's text is the fit.
    const out = { textContent: '' };
    // (Vite's modulepreload polyfill returns at once when relList supports modulepreload.)
    (globalThis as unknown as { document: unknown }).document = { getElementById: () => out, createElement: () => ({ relList: { supports: () => true } }) };
    try {
      const entry = readdirSync(join(dir, 'dist/assets')).find((f) => f.endsWith('.js'))!;
      await import(pathToFileURL(join(dir, 'dist/assets', entry)).href);
    } finally {
      delete (globalThis as unknown as { document?: unknown }).document;
    }
    expect(out.textContent).toMatch(/^status: (converged|at-bound)/);
    expect(out.textContent).toMatch(/cMid = /);
    expect(out.textContent).not.toMatch(/NaN/);
  });

  test('worker-sweep: the page and its module worker build against the package', () => {
    const dir = install('worker-sweep');
    const js = viteBuild(dir);
    expect(js).toContain('sweep.worker');
    expect(readdirSync(join(dir, 'dist/assets')).some((f) => /sweep\.worker.*\.js$/.test(f))).toBe(true);
  });
});
