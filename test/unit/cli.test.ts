import { describe, expect, test, beforeAll } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The CLI as users run it: the built launcher (npm test builds dist/ first). */
function cli(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/trimfit.mjs', ...args], { timeout: 120_000, env: env ? { ...process.env, ...env } : undefined }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The CLI with the read end of its stdout or stderr closed at once, as `| head` does once it has its lines. */
function cliClosed(args: string[], closed: 'stdout' | 'stderr'): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/trimfit.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const text = { stdout: '', stderr: '' };
    child[closed].destroy();
    for (const name of ['stdout', 'stderr'] as const) if (name !== closed) child[name].on('data', (d) => (text[name] += d));
    child.on('close', (code, signal) => resolve({ code, signal, ...text }));
  });
}

let dir: string;
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trimfit-cli-'));
});

const sigmoidCsv = () => {
  const rows = ['x,y'];
  for (let i = 0; i < 30; i++) {
    const x = 2 * i;
    const y = (x === 0 ? 0 : 10 / (1 + Math.pow(20 / x, 1.5))) + (i === 7 ? 5 : 0) + 0.05 * Math.sin(3 * i);
    rows.push(`${x},${y}`);
  }
  return rows.join('\n');
};

/**
 * Exit 2 and one JSON error line on stderr. `driverLines`: a run that starts WebGPU without a driver
 * may get lines from the Vulkan loader or Dawn above it (README), so only the last line is trimfit's.
 */
function expectJsonError(r: { code: number; stderr: string; stdout: string }, code: string, field: RegExp, { driverLines = false } = {}) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  if (!driverLines) expect(lines.length).toBe(1);
  const { error } = JSON.parse(lines[lines.length - 1]);
  expect(Object.keys(error).sort()).toEqual(['code', 'expected', 'field', 'message', 'received']);
  expect(error.code).toBe(code);
  expect(error.field).toMatch(field);
  if (!driverLines) expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('trimfit fit', () => {
  test('--json prints exactly the contract fields', async () => {
    const r = await cli(['fit', file('s.csv', sigmoidCsv()), '--model', 'sigmoid', '--lts', '--alpha', '0.8', '--tau', '3', '--train', '0:24', '--val', '24:30', '--seed', '5', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['diagnostics', 'h', 'inlierMask', 'message', 'model', 'objective', 'params', 'r2Train', 'r2Val', 'rmseVal', 'standardErrors', 'status', 'success', 'warnings'].sort());
    expect(out.success).toBe(true);
    expect(out.warnings).toEqual([]);
    expect(Object.keys(out.params).sort()).toEqual(['b', 'c0', 'cMid', 'u']);
    expect(out.inlierMask).toHaveLength(30);
    expect(out.inlierMask[7]).toBe(false);
    expect(out.status).toBe('converged');
    expect(out.h).toBeLessThan(24);
  });
  test('JSON curve input and the readable output', async () => {
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    const r = await cli(['fit', file('c.json', JSON.stringify({ x, y: x.map((v) => 2 * v + 1) })), '--model', 'linear']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model linear: converged/);
    expect(r.stdout).toMatch(/a\s+= 2\.0000/);
  });
  test('the readable output lists the warnings and prints no NaN', async () => {
    // A curve that falls over its last third: the validation points miss the fit.
    const x = Array.from({ length: 30 }, (_, i) => 10 * (i + 1));
    const y = x.map((v, i) => 20 / (1 + Math.pow(80 / v, 1.5)) + 0.2 * Math.sin(2.3 * i) - (i >= 22 ? 8 : 0));
    const r = await cli(['fit', file('fall.json', JSON.stringify({ x, y }))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}warning \(poor-validation\): validation RMSE/m);
    expect(r.stdout).not.toMatch(/NaN/);
  });
  test.each([
    [['fit', '/nonexistent/file.csv', '--json'], 'file-not-found', /^file$/],
    [['fit', 'BAD_COLUMNS', '--json'], 'parse-error', /row 3/],
    [['fit', 'NAN_CELL', '--json'], 'parse-error', /row 2, column 2/],
    [['fit', 'HEX_CELL', '--json'], 'parse-error', /row 3, column 1/],
    [['fit', 'NEG_X', '--model', 'sigmoid', '--json'], 'invalid-input', /curve\.x\[0\]/],
    [['fit', 'FEW', '--json'], 'too-few-points', /train|curve/],
    [['fit', 'GOOD', '--alpha', '0.3', '--json'], 'invalid-option', /^alpha$/],
    [['fit', 'GOOD', '--model', 'cubic', '--json'], 'unknown-model', /^model$/],
    [['fit', 'GOOD', '--train', '5', '--json'], 'invalid-option', /^train$/],
    [['fit', 'BAD_JSON.json', '--json'], 'parse-error', /BAD_JSON/],
    [['fit', 'GOOD', '--bogus', '--json'], 'invalid-option', /^--bogus$/],
    [['fit', 'GOOD', 'GOOD', '--json'], 'invalid-option', /^arguments$/],
    [['fit', 'GOOD', '--model', 'power', '--free-epsilon', '--json'], 'invalid-option', /^free-epsilon$/],
    [['fit', 'GOOD', '--model', 'linear', '--free-epsilon', '--json'], 'invalid-option', /^free-epsilon$/],
  ])('bad input %j exits 2 with one JSON error line', async (args, code, field) => {
    const files: Record<string, string> = {
      BAD_COLUMNS: file('bad-cols.csv', 'x,y\n1,2\n3\n'),
      NAN_CELL: file('nan.csv', 'x,y\n1,NaN\n2,3\n'),
      HEX_CELL: file('hex.csv', 'x,y\n1,2\n0x10,3\n'),
      NEG_X: file('neg.csv', 'x,y\n-1,2\n' + Array.from({ length: 10 }, (_, i) => `${i + 1},${i}`).join('\n')),
      FEW: file('few.csv', 'x,y\n1,2\n2,3\n'),
      GOOD: file('good.csv', sigmoidCsv()),
      'BAD_JSON.json': file('BAD_JSON.json', '{"x": [1, 2'),
    };
    const resolved = (args as string[]).map((a) => files[a] ?? a);
    expectJsonError(await cli(resolved), code as string, field as RegExp);
  });
  test('--free-epsilon with the sigmoid fits c0', async () => {
    const r = await cli(['fit', file('fe.csv', sigmoidCsv()), '--free-epsilon', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).diagnostics.hyper.freeEpsilon).toBe(true);
  });
  test('an upper-case X,Y header is read', async () => {
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    const r = await cli(['fit', file('upper.csv', ['X,Y', ...x.map((v) => `${v},${2 * v + 1}`)].join('\n')), '--model', 'linear']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/a\s+= 2\.0000/);
  });
  test.each([
    [['--alpha', 'abc'], 'alpha', '"abc"'],
    [['--seed', 'abc'], 'seed', '"abc"'],
    [['--alpha', '0x1'], 'alpha', '"0x1"'],
    [['--tau', ''], 'tau', '""'],
    [['--tau', '-1'], 'tau', '-1'],
    [['--seed', '-1'], 'seed', '-1'],
    [['--alpha', '-.5'], 'alpha', '-0.5'],
    [['--train', '-1:5'], 'train', '"-1:5"'],
  ])('%j: the range error names the option and the text received', async (flags, field, received) => {
    const r = await cli(['fit', file('g3.csv', sigmoidCsv()), ...flags, '--json']);
    expectJsonError(r, 'invalid-option', new RegExp(`^${field}$`));
    expect(JSON.parse(r.stderr).error.received).toBe(received);
  });
  test('a value starting with two dashes is still an option: a forgotten value is reported as such', async () => {
    const r = await cli(['fit', file('g4.csv', sigmoidCsv()), '--tau', '--json']);
    expectJsonError(r, 'invalid-option', /^arguments$/);
    expect(JSON.parse(r.stderr).error.message).toMatch(/--tau/);
  });
  test.each([
    [['fit', 'GOOD', '--tua', '3'], 'trimfit: --tua: unknown option of trimfit fit; did you mean --tau?'],
    [['fit', 'GOOD', '--Alpha=0.8'], 'trimfit: --Alpha: unknown option of trimfit fit; did you mean --alpha?'],
    [['fit', 'GOOD', '-t', '3'], 'trimfit: -t: unknown option of trimfit fit; did you mean --lts or --tau?'],
    [['ceiling', 'GOOD', '--retu', 'x'], 'trimfit: --retu: unknown option of trimfit ceiling; the options are --search, --bootstrap, --lts-starts, --seed, --workers, --backend, --plots, --val-losses, --json'],
    [['bench', '--quik'], 'trimfit: --quik: unknown option of trimfit bench; did you mean --quick?'],
    [['fitt', 'GOOD'], 'trimfit: command: expected fit, sweep, lts, ceiling or bench, received "fitt" (did you mean fit?)'],
    [['fit'], 'trimfit: arguments: missing the operand <file.csv|file.json>: trimfit fit <file.csv|file.json> [options] (see trimfit fit --help)'],
    [['ceiling', '--search', 'none'], 'trimfit: arguments: missing the operand <retu-dir>: trimfit ceiling <retu-dir> [options] (see trimfit ceiling --help)'],
  ])('%j: an unknown option, command or a missing operand is named, with what was meant', async (args, line) => {
    const r = await cli(args.map((a) => (a === 'GOOD' ? file('g5.csv', sigmoidCsv()) : a)));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(line);
  });
  test('a string option takes the next argument whatever it looks like, and after -- everything is an operand', async () => {
    // "--val" takes "-x" as its value (a range error, not an unknown option -x); "-- --tau" is an operand.
    const r = await cli(['fit', file('g6.csv', sigmoidCsv()), '--val', '-x', '--json']);
    expectJsonError(r, 'invalid-option', /^val$/);
    const extra = await cli(['fit', file('g7.csv', sigmoidCsv()), '--', '--tau', '--json']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/received extra arguments: --tau --json/);
  });
  test('without --json the error is one readable line, no stack trace', async () => {
    const r = await cli(['fit', file('g2.csv', sigmoidCsv()), '--alpha', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('trimfit: alpha: expected a number in [0.5, 1], received 2');
  });
});

describe('a reader that stops early (EPIPE)', () => {
  test.each([
    [['ceiling', '../shared/data/retu', '--search', 'none', '--bootstrap', '0']],
    [['fit', '--help']],
  ])('%j with stdout closed exits 0 without a word', async (args) => {
    const r = await cliClosed(args, 'stdout');
    expect(r).toMatchObject({ code: 0, signal: null, stderr: '' });
  });
  test('the exit status still tells a failure: lts without an estimate exits 1', async () => {
    const r = await cliClosed(['lts', file('epipe-const.csv', 'y,x\n1,1\n2,1\n3,1\n4,1\n5,1\n6,1\n')], 'stdout');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^trimfit: lts: no estimate \(singular\)/);
  });
  test('bad input with stderr closed still exits 2, quietly', async () => {
    const r = await cliClosed(['fit', '/nonexistent/file.csv', '--json'], 'stderr');
    expect(r).toMatchObject({ code: 2, signal: null, stdout: '' });
  });
});

describe('trimfit --help', () => {
  test.each([
    ['fit', ['--model', '--lts', '--seed']],
    ['sweep', ['--model', '--search', '--bootstrap', '--lts-starts', '--workers']],
    ['lts', ['--alpha', '--no-intercept', '--seed']],
    ['ceiling', ['--search', '--lts-starts', '--seed', '--val-losses', '--workers']],
    ['bench', ['--quick', '--budget-ms', '--kernel-variant']],
  ])('`%s --help` prints that command\'s usage and exits 0', async (command, flags) => {
    const r = await cli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage:\\n  trimfit ${command} `));
    for (const flag of flags) expect(r.stdout).toContain(flag);
    // Only that command: no other command's line.
    expect(r.stdout.match(/^ {2}trimfit /gm)).toHaveLength(1);
  });
  test.each([
    ['fit', ['default sigmoid', 'a number in [0.5, 1]; default 0.75', 'a number in (0, 1000000]; default 2.5', 'default 1', 'without effect']],
    ['sweep', ['default full', 'an integer in [0, 100000]; default 200', 'an integer in [1, 10000000]; default 64', 'gets the status failed or non-finite and its reason']],
    ['lts', ['a number in [0.5, 1]; default 0.5', 'default 1', "'exact-fit' is an estimate"]],
    ['ceiling', ['default full', 'an integer in [0, 100000]; default 200', "(the library's default is 64)", 'an integer in [1, 10000000]; default 16']],
    ['bench', ['default 20000, 1500 with --quick', 'without it nothing is written']],
  ])('`%s --help` describes every option of its usage line, with ranges and defaults', async (command, facts) => {
    const r = await cli([command, '--help']);
    const [usage, ...rest] = r.stdout.split('\n\n');
    const help = rest.join('\n\n');
    const options = [...usage.matchAll(/\[--([a-z0-9-]+)/g)].map((m) => m[1]);
    expect(options.length).toBeGreaterThan(2);
    for (const option of options) expect(help).toMatch(new RegExp(`^  --${option}\\b.*\\S.*\\S`, 'm'));
    // Wrapped lines join with one space before the facts are looked up.
    const text = help.replace(/\n +/g, ' ');
    for (const fact of facts) expect(text).toContain(fact);
  });
  test('a bare `trimfit` prints the whole usage and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout.match(/^ {2}trimfit /gm)).toHaveLength(5);
  });
});

describe('trimfit lts', () => {
  test('--json prints the robustbase-style fields and finds the clean line', async () => {
    const rows = ['y,x1'];
    for (let i = 0; i < 40; i++) rows.push(`${i < 30 ? 3 * i + 2 + 0.01 * Math.sin(i) : 500 - i},${i}`);
    const r = await cli(['lts', file('lts.csv', rows.join('\n')), '--alpha', '0.75', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['best', 'coefficients', 'h', 'message', 'objective', 'rawCoefficients', 'rawScale', 'rawWeights', 'scale', 'status', 'weights'].sort());
    expect(out.status).toBe('ok');
    expect(out.coefficients[0]).toBeCloseTo(2, 1);
    expect(out.coefficients[1]).toBeCloseTo(3, 2);
    expect(out.weights.slice(30).every((w: number) => w === 0)).toBe(true);
  });
  test('singular data: the status and message are printed, no NaN, and the exit code is 1', async () => {
    const constant = file('lts-const.csv', 'y,x\n1,1\n2,1\n3,1\n4,1\n5,1\n6,1\n');
    const text = await cli(['lts', constant]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^LTS \(h = 4 of 6\): singular \(column 0 of X is constant/);
    expect(text.stdout).not.toMatch(/NaN/);
    expect(text.stdout).toMatch(/raw coefficients\s+—  —  \(scale —\)/);
    expect(text.stderr.trim()).toMatch(/^trimfit: lts: no estimate \(singular\): column 0/);
    const json = await cli(['lts', constant, '--json']);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe('');
    const out = JSON.parse(json.stdout);
    expect(out.status).toBe('singular');
    expect(out.message).toMatch(/constant/);
    expect(out.coefficients).toEqual([null, null]);
  });
  test('an exact fit is an estimate: status exact-fit, exit 0', async () => {
    const r = await cli(['lts', file('lts-exact.csv', 'y,x\n1,1\n2,2\n3,3\n4,4\n5,5\n6,6\n'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('exact-fit');
    expect(out.coefficients[1]).toBeCloseTo(1, 12);
    expect(out.scale).toBe(0);
  });
  test('n ≤ 2p rows is a too-few-points error naming y (exit 2), not a NaN result', async () => {
    const r = await cli(['lts', file('lts-few.csv', 'y,x\n1,1\n2,2\n3,3\n10,4\n'), '--json']);
    expectJsonError(r, 'too-few-points', /^y$/);
    const { error } = JSON.parse(r.stderr);
    expect(error.expected).toBe('more than 2p = 4 observations for p = 2 coefficients');
    expect(error.received).toBe('"4 observations"');
  });
  test('a second file is an error, not ignored', async () => {
    const f = file('lts-two.csv', 'y,x\n1,2\n2,3\n3,5\n4,4\n5,6\n');
    const r = await cli(['lts', f, f, '--json']);
    expectJsonError(r, 'invalid-option', /^arguments$/);
    expect(JSON.parse(r.stderr).error.received).toBe(JSON.stringify(f));
  });
  test('alpha outside [0.5, 1] is rejected', async () => {
    expectJsonError(await cli(['lts', file('l2.csv', 'y,x\n1,2\n2,3\n3,5\n4,4\n'), '--alpha', '0.2', '--json']), 'invalid-option', /^alpha$/);
  });
});

describe('trimfit bench', () => {
  test('--retu naming no RETU folder exits 2 before any benchmark runs', async () => {
    expectJsonError(await cli(['bench', '--quick', '--retu', '/nonexistent/retu', '--json']), 'file-not-found', /^retu$/);
  });
});

describe('trimfit sweep', () => {
  /** Three sigmoid curves with known ceilings u (b collapses over its last 5 points) and one too short to fit, in long format. */
  const longCsv = () => {
    const lines = ['Curve,X,Y'];
    for (const [c, u] of [['a', 30], ['b', 45], ['c', 20]] as const) {
      for (let i = 1; i <= 30; i++) {
        const x = 10 * i;
        const y = u / (1 + Math.pow(80 / x, 1.5)) + 0.4 * Math.sin(2.3 * i + u) - (c === 'b' && i > 25 ? 15 : 0);
        lines.push(`${c},${x},${y.toFixed(4)}`);
      }
    }
    lines.push('short,1,2', 'short,2,3');
    return lines.join('\n');
  };

  test('every curve of a long CSV gets a row; one that cannot be fitted fails alone and the command exits 1', async () => {
    const path = file('long.csv', longCsv());
    const r = await cli(['sweep', path, '--backend', 'cpu', '--bootstrap', '50', '--lts-starts', '8', '--json']);
    expect(r.code, r.stderr).toBe(1);
    // stderr is a pipe here, not a terminal: no progress line.
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.curves.map((c: { id: string }) => c.id)).toEqual(['a', 'b', 'c', 'short']);
    const [a, b, c, short] = doc.curves;
    // Named as the file names it, not by its place in the sweep (curves[3]).
    expect(short).toMatchObject({ status: 'failed', n: 2, error: { code: 'too-few-points', field: `${path} curve "short" train` } });
    expect(short.message).toMatch(/^.*long\.csv curve "short" train: expected at least/);
    for (const fitted of [a, b, c]) {
      expect(fitted.status).toMatch(/converged|at-bound/);
      expect(fitted.settingsTried).toBeGreaterThan(100);
      expect(fitted.ci.params.u.lower).toBeLessThan(fitted.ci.params.u.upper);
    }
    // The clean curves' ceilings are read off within their intervals; the collapse is flagged.
    expect(a.ci.params.u.lower).toBeLessThan(30);
    expect(a.ci.params.u.upper).toBeGreaterThan(30);
    expect(c.ci.params.u.lower).toBeLessThan(20);
    expect(c.ci.params.u.upper).toBeGreaterThan(20);
    expect(b.warnings.map((w: { code: string }) => w.code)).toContain('poor-validation');
  });

  test('the CLI runs the library\'s sweep with the options it names', async () => {
    const path = file('same.csv', longCsv());
    const r = await cli(['sweep', path, '--backend', 'cpu', '--workers', '1', '--bootstrap', '0', '--lts-starts', '8', '--seed', '7', '--json']);
    const { createFitter, parseCurvesFile, FULL_GRID } = await import('../../src/index.js');
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    const curves = parseCurvesFile(path, longCsv()).curves.map(({ id, x, y }) => ({ id, x, y }));
    const expected = [];
    for await (const item of fitter.fitSweep(curves, { grid: FULL_GRID, bootstrap: { resamples: 0 }, ltsStarts: 8, seed: 7 })) expected.push(item);
    await fitter.dispose();
    const got = JSON.parse(r.stdout).curves;
    expect(got).toHaveLength(expected.length);
    expected.forEach((item, k) => {
      expect(got[k].status).toBe(item.result.status);
      expect(got[k].bestSetting ?? -1).toBe(item.bestSetting);
      if (item.result.status !== 'failed') expect(got[k].params).toEqual((item.result as { params: unknown }).params);
    });
  });

  test('the table: a row per curve, intervals beside the values, a fixed c0 marked, flags and failures explained below', async () => {
    const r = await cli(['sweep', file('table.csv', longCsv()), '--backend', 'cpu', '--bootstrap', '30', '--lts-starts', '8', '--search', 'none']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/4 curves, model sigmoid, search none, one setting; 95% bootstrap intervals from 30 resamples$/);
    expect(lines.find((l) => /^a\s+30\s+converged/.test(l))).toMatch(/\d \[[\d.]+, [\d.]+\]/);
    expect(lines.find((l) => /^a\s/.test(l))).toMatch(/0\.000 fixed/);
    expect(lines.find((l) => /^short\s+2\s+failed/.test(l))).toBeDefined();
    expect(r.stdout).toMatch(/^ {2}b: validation RMSE/m);
    expect(r.stdout).toMatch(/^failed:\n {2}short: \S*table\.csv curve "short" train: expected at least/m);
    expect(r.stdout).not.toMatch(/NaN/);
  });

  test('on a terminal the status line counts the curves and is cleared before the table', async () => {
    const { main } = await import('../../src/cli/main.js');
    const events: Array<string | null> = [];
    const out: string[] = [];
    const code = await main(['sweep', file('progress.csv', longCsv()), '--backend', 'cpu', '--workers', '1', '--bootstrap', '0', '--search', 'none'], {
      out: (line) => { out.push(line); events.push(`out`); },
      err: () => undefined,
      status: (line) => events.push(line),
    });
    expect(code).toBe(1);
    const lines = events.filter((e): e is string => e !== null && e !== 'out');
    expect(lines.at(-1)).toMatch(/^trimfit: 4\/4 curves, \d+ fits/);
    expect(lines.some((l) => /^trimfit: 1\/4 curves/.test(l))).toBe(true);
    // Cleared (null) before the first line of output.
    expect(events.indexOf(null)).toBeLessThan(events.indexOf('out'));
    expect(events.indexOf(null)).toBeGreaterThan(0);
  });

  test('fit with a p_sft column fits the gain over it, as sweep does, and reports A_post', async () => {
    const rows = ['x,y,p_sft', '0,40,40', ...Array.from({ length: 30 }, (_, i) => `${10 * (i + 1)},${(40 + 30 / (1 + Math.pow(80 / (10 * (i + 1)), 1.5)) + 0.3 * Math.sin(2.3 * i)).toFixed(4)},40`)];
    const path = file('fit-psft.csv', rows.join('\n'));
    const r = await cli(['fit', path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pSft).toBe(40);
    expect(out.aPost).toBeCloseTo(40 + out.params.u, 12);
    expect(Math.abs(out.aPost - 70)).toBeLessThan(3);
    const sweep = JSON.parse((await cli(['sweep', path, '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--json'])).stdout).curves[0];
    expect(out.params).toEqual(sweep.params);
    expect((await cli(['fit', path])).stdout).toMatch(/^ {2}fitted to the gain y − P_sft, P_sft = 40\.0000; A_post = P_sft \+ u = \d/m);
  });

  test('a W&B export (wide, x named Step, band columns) and a TensorBoard export (Step, Value) through the column flags', async () => {
    // The long file's curves written as W&B writes a panel: one column per run, its __MIN and
    // __MAX beside it, empty cells where a run has no point.
    const long = longCsv().split('\n').slice(1).map((l) => l.split(','));
    const labels = ['a', 'b', 'c'];
    const steps = [...new Set(long.map((r) => r[1]))];
    const value = (c: string, x: string) => long.find((r) => r[0] === c && r[1] === x)?.[2] ?? '';
    const lines = [['Step', ...labels.flatMap((c) => [`${c} - acc`, `${c} - acc__MIN`, `${c} - acc__MAX`])].map((h) => `"${h}"`).join(',')];
    for (const x of steps) lines.push([x, ...labels.flatMap((c) => { const v = c === 'c' && Number(x) > 250 ? '' : value(c, x); return [v, v, v]; })].join(','));
    const path = file('wandb.csv', lines.join('\n'));
    // W&B's Step is found without --x-column.
    const r = await cli(['sweep', path, '--backend', 'cpu', '--workers', '1', '--bootstrap', '0', '--search', 'none', '--json']);
    expect(r.code, r.stderr).toBe(0);
    // With --json the skipped columns are in the JSON (stderr carries errors only), else on stderr.
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).columnsSkipped).toEqual({ [path]: ['a', 'b', 'c'].flatMap((c) => [`${c} - acc__MIN`, `${c} - acc__MAX`]) });
    const table = await cli(['sweep', path, '--backend', 'cpu', '--workers', '1', '--bootstrap', '0', '--search', 'none']);
    expect(table.stderr).toBe(`${path}: skipped 6 of W&B's own columns beside the runs' (a - acc__MIN, a - acc__MAX, …)\n`);
    const wide = JSON.parse(r.stdout).curves;
    expect(wide.map((c: { id: string; n: number }) => [c.id, c.n])).toEqual([['a', 30], ['b', 30], ['c', 25]]);
    // The same points give the same fits as the long file.
    const byLabel = JSON.parse((await cli(['sweep', file('as-long.csv', longCsv()), '--backend', 'cpu', '--workers', '1', '--bootstrap', '0', '--search', 'none', '--json'])).stdout).curves;
    expect(wide[0].params).toEqual(byLabel[0].params);
    expect(wide[1].params).toEqual(byLabel[1].params);

    const tb = file('tb.csv', ['Wall time,Step,Value', ...sigmoidCsv().split('\n').slice(1).map((l, i) => `${1.7e9 + 60 * i},${l}`)].join('\n'));
    // Its figure's axes carry the file's headers.
    const plots = join(dir, 'tb-plots');
    expect((await cli(['sweep', tb, '--x-column', 'step', '--y-column', 'value', '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--plots', plots])).code).toBe(0);
    const svg = readFileSync(join(plots, 'tb.svg'), 'utf8');
    expect(svg).toContain('font-size="12">Step</text>');
    expect(svg).toMatch(/rotate\(-90\)" text-anchor="middle" font-size="12">Value<\/text>/);
    const fromTb = await cli(['fit', tb, '--x-column', 'Step', '--y-column', 'Value', '--json']);
    const plain = await cli(['fit', file('plain.csv', sigmoidCsv()), '--json']);
    expect(fromTb.code, fromTb.stderr).toBe(0);
    expect(JSON.parse(fromTb.stdout).params).toEqual(JSON.parse(plain.stdout).params);
    // Step and Value are read without the flags too.
    const unflagged = await cli(['fit', tb, '--json']);
    expect(JSON.parse(unflagged.stdout).params).toEqual(JSON.parse(plain.stdout).params);
    // Other headers are refused without the flags, and the error names the flags.
    const own = file('own.csv', sigmoidCsv().replace(/^x,y/, 'compute,score'));
    const refused = await cli(['fit', own, '--json']);
    expectJsonError(refused, 'parse-error', /own\.csv header$/);
    expect(JSON.parse(refused.stderr).error.expected).toMatch(/^a column x, step or global_step \(.*other headers through --x-column, --y-column, --curve-column\)$/);
    expect(JSON.parse((await cli(['fit', own, '--x-column', 'compute', '--y-column', 'score', '--json'])).stdout).params).toEqual(JSON.parse(plain.stdout).params);
    expectJsonError(await cli(['sweep', tb, '--y-column', '', '--json']), 'invalid-option', /^y-column$/);
    // A column of labels under a name not looked for is not read: the runs would be fitted as one
    // curve, so the command says so (stderr, or the JSON with --json).
    const labelled = file('labelled.csv', ['model,x,y', ...longCsv().split('\n').slice(1)].join('\n'));
    const quiet = ['--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--workers', '1'];
    expect((await cli(['sweep', labelled, ...quiet])).stderr).toBe(`${labelled}: a column of text not read (model); if one labels curves, name it with --curve-column\n`);
    const asJson = await cli(['sweep', labelled, ...quiet, '--json']);
    expect(asJson.stderr).toBe('');
    expect(JSON.parse(asJson.stdout).textColumnsNotRead).toEqual({ [labelled]: ['model'] });
    expect(JSON.parse((await cli(['sweep', labelled, ...quiet, '--curve-column', 'model', '--json'])).stdout).curves).toHaveLength(4);
    expect(JSON.parse((await cli(['fit', file('one-labelled.csv', 'model,x,y\n' + sigmoidCsv().split('\n').slice(1).map((l) => `m,${l}`).join('\n')), '--json'])).stdout).textColumnsNotRead).toEqual(['model']);
  });

  test('--p-sft-at-x0 takes each curve\'s P_sft from its y at x = 0, as a run evaluated before RL gives it', async () => {
    // Scores from P_sft 45 and 55, the second evaluated twice at x = 0 (52 and 58: mean 55).
    const lines = ['Step,a,b'];
    for (let i = 0; i <= 30; i++) {
      const x = 20 * i;
      const score = (p: number, u: number) => (x === 0 ? p : p + u / (1 + Math.pow(200 / x, 1.5)) + 0.3 * Math.sin(i + u)).toFixed(4);
      lines.push(`${x},${score(45, 30)},${x === 0 ? 52 : score(55, 20)}`);
      if (x === 0) lines.push('0,,58');
    }
    const path = file('x0.csv', lines.join('\n'));
    const common = ['--x-column', 'Step', '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--json'];
    const r = await cli(['sweep', path, '--p-sft-at-x0', ...common]);
    expect(r.code, r.stderr).toBe(0);
    const curves = JSON.parse(r.stdout).curves;
    expect(curves.map((c: { pSft: number; pSftSource: string }) => [c.pSft, c.pSftSource])).toEqual([[45, 'x0'], [55, 'x0']]);
    // The same fits as with each P_sft given in a long file.
    const long = ['curve,x,y,p_sft', ...lines.slice(1).flatMap((l) => { const [x, a, b] = l.split(','); return [...(a === '' ? [] : [`a,${x},${a},45`]), `b,${x},${b},55`]; })];
    const given = JSON.parse((await cli(['sweep', file('x0-long.csv', long.join('\n')), ...common.slice(2)])).stdout).curves;
    expect(curves.map((c: { params: unknown }) => c.params)).toEqual(given.map((c: { params: unknown }) => c.params));
    // A curve with no point at x = 0 is refused before any fit, named as its file names it.
    const late = file('late.csv', lines.filter((l) => !l.startsWith('0,')).join('\n'));
    const refused = await cli(['sweep', late, '--p-sft-at-x0', ...common]);
    expectJsonError(refused, 'invalid-input', /late\.csv column "a" x$/);
    expect(JSON.parse(refused.stderr).error.received).toBe('"its smallest x is 20"');
    expectJsonError(await cli(['sweep', path, '--p-sft-at-x0', '--p-sft', '40', ...common]), 'invalid-option', /^p-sft-at-x0$/);
    // fit takes the same two options: one curve, the same gain and A_post as sweep's.
    const one = file('x0-one.csv', lines.map((l) => l.split(',').slice(0, 2).join(',')).filter((l) => !l.endsWith(',')).join('\n'));
    const fitted = await cli(['fit', one, '--x-column', 'Step', '--p-sft-at-x0', '--json']);
    expect(fitted.code, fitted.stderr).toBe(0);
    expect(JSON.parse(fitted.stdout)).toMatchObject({ pSft: 45, pSftSource: 'x0', params: curves[0].params });
    expect(JSON.parse((await cli(['fit', one, '--x-column', 'Step', '--p-sft', '45', '--json'])).stdout)).toMatchObject({ pSft: 45, pSftSource: 'option', params: curves[0].params });
    expectJsonError(await cli(['fit', one, '--p-sft-at-x0', '--p-sft', '45', '--json']), 'invalid-option', /^p-sft-at-x0$/);
    // A P_sft read at x = 0 outside the score bounds names that point, not a p_sft column.
    expectJsonError(await cli(['sweep', path, '--p-sft-at-x0', '--score-cap', '50', ...common]), 'invalid-input', /x0\.csv column "b" y at x = 0$/);
  });

  test('the file - reads standard input, named stdin', async () => {
    const { main } = await import('../../src/cli/main.js');
    const run = async (args: string[], stdin: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => stdin });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const fromStdin = await run(['fit', '-', '--json'], sigmoidCsv());
    expect(fromStdin.code, fromStdin.err).toBe(0);
    const fromFile = await cli(['fit', file('same-as-stdin.csv', sigmoidCsv()), '--json']);
    expect(JSON.parse(fromStdin.out).params).toEqual(JSON.parse(fromFile.stdout).params);
    // Beside files, in sweep: its curve takes the name stdin, in the table and in errors.
    const sweep = await run(['sweep', '-', file('beside.csv', sigmoidCsv()), '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--workers', '1', '--json'], sigmoidCsv());
    expect(sweep.code, sweep.err).toBe(0);
    const doc = JSON.parse(sweep.out);
    expect(doc.files[0]).toBe('stdin');
    expect(doc.curves.map((c: { id: string; file: string }) => [c.id, c.file])).toEqual([['stdin', 'stdin'], ['beside', expect.stringMatching(/beside\.csv$/)]]);
    const bad = await run(['sweep', '-', '--json'], 'x,y\n1,oops\n');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.err).error.field).toBe('stdin row 2, column 2 (y)');
    const twice = await run(['sweep', '-', '-', '--json'], sigmoidCsv());
    expect(JSON.parse(twice.err).error).toMatchObject({ field: 'file', expected: 'the operand - (standard input) at most once' });
    // Where the caller gives no standard input, - is refused, not waited on.
    const none = await main(['fit', '-', '--json'], { out: () => undefined, err: () => undefined });
    expect(none).toBe(2);
  });

  test('fit takes one curve of any of the formats and points to sweep for a file of several', async () => {
    const r = await cli(['fit', file('several.csv', longCsv()), '--json']);
    expectJsonError(r, 'invalid-input', /^file$/);
    expect(JSON.parse(r.stderr).error.message).toMatch(/holds 4 curves \(a, b, c, …\); fit takes one, trimfit sweep fits them all/);
    const one = await cli(['fit', file('one-long.csv', longCsv().split('\n').filter((l, i) => i === 0 || l.startsWith('a,')).join('\n')), '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).inlierMask).toHaveLength(30);
  });

  test('with a P_sft (a p_sft column, else --p-sft) the gain is fitted and A_post = P_sft + u is reported, within --score-cap', async () => {
    // Scores starting at P_sft 40 and 55 with gains of 30 and 42: true ceilings 70 and 97.
    const lines = ['curve,x,y,p_sft'];
    for (const [c, p, u] of [['a', 40, 30], ['b', 55, 42]] as const) {
      lines.push(`${c},0,${p},${p}`);
      for (let i = 1; i <= 30; i++) lines.push(`${c},${10 * i},${(p + u / (1 + Math.pow(80 / (10 * i), 1.5)) + 0.4 * Math.sin(2.3 * i + u)).toFixed(4)},${p}`);
    }
    const path = file('psft.csv', lines.join('\n'));
    const r = await cli(['sweep', path, '--backend', 'cpu', '--bootstrap', '40', '--lts-starts', '8', '--score-cap', '100', '--p-sft', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [a, b] = JSON.parse(r.stdout).curves;
    expect([a.pSft, b.pSft]).toEqual([40, 55]);
    // The file's p_sft wins over --p-sft, and the JSON says where each came from.
    expect([a.pSftSource, b.pSftSource]).toEqual(['file', 'file']);
    expect(a.aPost).toBeCloseTo(40 + a.params.u, 12);
    expect(Math.abs(a.aPost - 70)).toBeLessThan(5);
    expect(Math.abs(b.aPost - 97)).toBeLessThan(5);
    for (const c of [a, b]) {
      expect(c.aPost).toBeLessThanOrEqual(100);
      expect(c.aPostCi.upper).toBeLessThanOrEqual(100 + 1e-9);
      expect(c.aPostCi.lower).toBeCloseTo(c.pSft + c.ci.params.u.lower, 12);
    }
    // The table shows both columns; without any P_sft they are not there.
    const table = await cli(['sweep', path, '--backend', 'cpu', '--bootstrap', '0', '--search', 'none']);
    expect(table.stdout.split('\n')[1]).toMatch(/^curve\s+n\s+status\s+P_sft\s+A_post\s/);
    expect(table.stdout.split('\n').find((l) => /^a\s/.test(l))).toMatch(/\s40\.00\s+\d/);
    const plain = await cli(['sweep', file('plain.csv', longCsv()), '--backend', 'cpu', '--bootstrap', '0', '--search', 'none']);
    expect(plain.stdout).not.toMatch(/A_post/);
    // --p-sft applies to curves the file gives none.
    const flag = await cli(['sweep', file('plain2.csv', longCsv()), '--backend', 'cpu', '--bootstrap', '0', '--search', 'none', '--p-sft', '-5', '--json']);
    expect(JSON.parse(flag.stdout).curves[0]).toMatchObject({ pSft: -5, pSftSource: 'option' });
    const none = await cli(['sweep', file('plain3.csv', longCsv()), '--backend', 'cpu', '--bootstrap', '0', '--search', 'none', '--json']);
    expect(JSON.parse(none.stdout).curves[0].pSftSource).toBeUndefined();
    // Another model fits the gain too: its table shows P_sft and says so, with no A_post (u is the sigmoid's).
    const linear = await cli(['sweep', path, '--model', 'linear', '--backend', 'cpu', '--bootstrap', '0', '--search', 'none']);
    const [title, head] = linear.stdout.split('\n');
    expect(title).toMatch(/model linear, .*; parameters of the gain y − P_sft where a curve has a P_sft$/);
    expect(head).toMatch(/^curve\s+n\s+status\s+P_sft\s+a\s+b\s+train/);
    expect(linear.stdout.split('\n').find((l) => /^b\s/.test(l))).toMatch(/^b\s+31\s+\S+\s+55\.00\s/);
  });

  test("the paper's curves as a CSV of scores with p_sft give ceiling's table exactly (same settings, same A_post)", async () => {
    const { readRetuDir } = await import('../../src/ceiling/retu-node.js');
    const retu = await readRetuDir('../shared/data/retu');
    const lines = ['curve,x,y,p_sft'];
    for (const c of retu) for (let i = 0; i < c.x.length; i++) lines.push(`${c.id},${c.x[i]},${c.y[i] + c.pSft},${c.pSft}`);
    const [sweep, ceiling] = await Promise.all([
      cli(['sweep', file('retu-scores.csv', lines.join('\n')), '--bootstrap', '0', '--lts-starts', '16', '--score-cap', '100', '--score-floor', '0', '--backend', 'cpu', '--json']),
      cli(['ceiling', '../shared/data/retu', '--bootstrap', '0', '--backend', 'cpu', '--json']),
    ]);
    expect(sweep.code, sweep.stderr).toBe(0);
    const swept = new Map(JSON.parse(sweep.stdout).curves.map((c: { id: string }) => [c.id, c]));
    const rows = JSON.parse(ceiling.stdout).curves as Array<{ id: string; aPost: number; hyper: unknown; pSft: number }>;
    expect(rows).toHaveLength(34);
    for (const row of rows) {
      const c = swept.get(row.id) as { aPost: number; pSft: number; diagnostics: { hyper: unknown } };
      expect(c.diagnostics.hyper).toEqual(row.hyper);
      expect(c.pSft).toBe(row.pSft);
      // y + P_sft − P_sft may differ from y in its last bit; the ceilings agree far below any digit shown.
      expect(Math.abs(c.aPost - row.aPost)).toBeLessThan(1e-9);
    }
  });

  test('score bounds and each P_sft are checked before any fit, naming the option or the file\'s column and entry', async () => {
    const scores = file('scores.csv', ['curve,x,y,p_sft', ...['a', 'b'].flatMap((c, k) => Array.from({ length: 20 }, (_, i) => `${c},${i},${50 + 5 * k + i / 2},${50 + 5 * k}`))].join('\n'));
    const json = file('scores.json', JSON.stringify([{ id: 'a', x: [0, 1, 2, 3, 4, 5, 6], y: [1, 2, 3, 4, 5, 6, 7], pSft: 1 }, { id: 'b', x: [0, 1, 2, 3, 4, 5, 6], y: [1, 2, 3, 4, 5, 6, 7], pSft: 60 }]));
    const plain = file('no-psft.csv', longCsv());
    const cases: Array<[string[], string, string, string, string]> = [
      [[scores, '--score-floor', '80', '--score-cap', '20'], 'invalid-option', 'score-floor', 'at most --score-cap (20)', '80'],
      [[scores, '--score-cap', '52'], 'invalid-input', `${scores} curve "b" p_sft`, 'a score in [-Infinity, 52] (--score-floor, --score-cap)', '55'],
      [[json, '--score-cap', '52'], 'invalid-input', `${json}[1].pSft`, 'a score in [-Infinity, 52] (--score-floor, --score-cap)', '60'],
      [[plain, '--p-sft', '60', '--score-cap', '50'], 'invalid-option', 'p-sft', 'a score in [-Infinity, 50] (--score-floor, --score-cap)', '60'],
      [[plain, '--score-floor', '10'], 'invalid-option', 'score-floor', 'at most 0 for curve "a", which has no P_sft (a p_sft column, a pSft field, --p-sft or --p-sft-at-x0): the fit starts at 0', '10'],
      [[scores, '--model', 'linear', '--score-cap', '100'], 'invalid-option', 'score-cap', "--model sigmoid (the score bounds bound the sigmoid's u)", '"--model linear"'],
    ];
    for (const [args, code, field, expected, received] of cases) {
      const r = await cli(['sweep', ...args, '--backend', 'cpu', '--json']);
      expectJsonError(r, code, new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      expect(JSON.parse(r.stderr).error, args.join(' ')).toMatchObject({ expected, received });
      expect(r.stdout).toBe('');
    }
  });

  test('a fit that ends singular or non-finite says why below the table; a non-finite one shows no numbers and fails the command', async () => {
    // y near 1e300 overflows the sum of squares; a flat run leaves cMid unidentified (singular).
    const lines = ['curve,x,y'];
    for (let i = 1; i <= 30; i++) lines.push(`huge,${i},${(1e300 * (1 + i / 30)).toExponential()}`, `flat,${i},0`, `good,${10 * i},${(30 / (1 + Math.pow(80 / (10 * i), 1.5)) + 0.4 * Math.sin(2.3 * i)).toFixed(4)}`);
    const path = file('unconverged.csv', lines.join('\n'));
    const r = await cli(['sweep', path, '--backend', 'cpu', '--bootstrap', '0', '--search', 'none']);
    expect(r.code).toBe(1);
    const row = (id: string) => r.stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
    expect(row('huge')).toMatch(/^huge\s+30\s+non-finite\s+—\s+—\s+—\s+—\s/);
    expect(row('flat')).toMatch(/^flat\s+30\s+singular\s/);
    expect(row('good')).toMatch(/converged\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
    expect(r.stdout).toMatch(/^not converged:\n {2}huge \(non-finite\): .*not finite.*\n {2}flat \(singular\): /m);
    const json = await cli(['sweep', path, '--backend', 'cpu', '--bootstrap', '0', '--search', 'none', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).curves.map((c: { status: string }) => c.status)).toEqual(['non-finite', 'singular', 'converged']);
  });

  test('--train-ends, --train-starts, --taus, --alphas and --epsilon set the grid, named by their flag when wrong', async () => {
    const { expandGrid, FULL_GRID } = await import('../../src/index.js');
    const r = await cli(['sweep', file('grid.csv', longCsv()), '--backend', 'cpu', '--bootstrap', '0', '--lts-starts', '4', '--train-ends', '0.5,0.6', '--taus', '3', '--alphas', 'off,0.75', '--epsilon', 'fixed', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const grid = { ...FULL_GRID, trainEndFractions: [0.5, 0.6], taus: [3], ltsAlphas: [null, 0.75], freeEpsilon: [false] };
    expect(doc.grid).toEqual(grid);
    expect(doc.curves[0].settingsTried).toBe(expandGrid(30, grid).length);
    for (const c of doc.curves.slice(0, 3)) {
      expect(c.diagnostics.hyper.tau).toBe(3);
      expect(c.diagnostics.hyper.freeEpsilon).toBe(false);
      expect([0.5, 0.6].map((f) => Math.round(f * 30))).toContain(c.diagnostics.hyper.trainEnd);
    }
    const errors: Array<[string[], RegExp, string]> = [
      [['--taus', '2.5,-1'], /^taus\[1\]$/, 'a number in (0, 1000000]'],
      [['--alphas', 'off,0.3'], /^alphas\[1\]$/, 'a number in [0.5, 1]'],
      [['--epsilon', 'fixed,maybe'], /^epsilon\[1\]$/, '"fixed" or "free"'],
      [['--train-ends', '0,0.5'], /^train-ends\[0\]$/, 'a number in (0, 1]'],
      [['--search', 'none', '--taus', '3'], /^taus$/, '--search full (--search none fits one default setting)'],
      [['--model', 'power', '--epsilon', 'free'], /^epsilon$/, '--model sigmoid (the only model with an ε)'],
    ];
    for (const [flags, field, expected] of errors) {
      const bad = await cli(['sweep', file('grid2.csv', longCsv()), ...flags, '--json']);
      expectJsonError(bad, 'invalid-option', field);
      expect(JSON.parse(bad.stderr).error.expected).toBe(expected);
    }
  });

  test('--plots DIR writes each curve\'s figure, a failed one with its points; the JSON names each file', async () => {
    const rows = ['curve,x,y,p_sft'];
    for (const [c, p, u] of [['run/a', 40, 30], ['run b', 55, 42]] as const) {
      rows.push(`${c},0,${p},${p}`);
      for (let i = 1; i <= 30; i++) rows.push(`${c},${10 * i},${(p + u / (1 + Math.pow(80 / (10 * i), 1.5)) + 0.4 * Math.sin(2.3 * i + u)).toFixed(4)},${p}`);
    }
    rows.push('tiny,1,2,1', 'tiny,2,3,1');
    const dir = join(mkdtempSync(join(tmpdir(), 'trimfit-plots-')), 'figures');
    const r = await cli(['sweep', file('plots.csv', rows.join('\n')), '--backend', 'cpu', '--bootstrap', '30', '--lts-starts', '4', '--search', 'none', '--score-cap', '100', '--plots', dir, '--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim()).toBe(`wrote 3 figures to ${dir}`);
    const doc = JSON.parse(r.stdout);
    expect(doc.curves.map((c: { plot: string }) => c.plot)).toEqual([join(dir, 'run_a.svg'), join(dir, 'run_b.svg'), join(dir, 'tiny.svg')]);
    const a = readFileSync(join(dir, 'run_a.svg'), 'utf8');
    expect(a).toMatch(/^<svg /);
    for (const label of ['train', 'validation', 'sigmoid fit', 'extrapolation', '95% bootstrap band', 'P_sft 40.00', `A_post ${doc.curves[0].aPost.toFixed(2)}`]) expect(a).toContain(`>${label}</text>`);
    expect(a).toContain('<polygon');
    // The failed curve: its points only, and the title says it failed.
    const tiny = readFileSync(join(dir, 'tiny.svg'), 'utf8');
    expect(tiny).toContain('>tiny (failed)</text>');
    expect(tiny).toContain('>points</text>');
    expect(tiny).not.toContain('fit</text>');
  });

  test('several files: their curves in order, each named after its file (x,y) and with its file in the JSON', async () => {
    const curve = (u: number) => ['x,y', ...Array.from({ length: 24 }, (_, i) => `${10 * (i + 1)},${(u / (1 + Math.pow(60 / (10 * (i + 1)), 1.5)) + 0.2 * Math.sin(3 * i)).toFixed(4)}`)].join('\n');
    const one = file('run-1.csv', curve(20));
    const two = file('run-2.csv', curve(30));
    const r = await cli(['sweep', one, two, file('more.json', JSON.stringify([{ id: 'j', x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], y: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] }])), '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--model', 'linear', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.files).toHaveLength(3);
    expect(doc.curves.map((c: { id: string; file: string }) => [c.id, c.file])).toEqual([['run-1', one], ['run-2', two], ['j', doc.files[2]]]);
    const table = await cli(['sweep', one, two, '--search', 'none', '--bootstrap', '0', '--backend', 'cpu']);
    expect(table.stdout.split('\n')[0]).toMatch(/^2 files: 2 curves, model sigmoid/);
    // A bad file fails the command before any fit, naming it.
    const bad = await cli(['sweep', one, file('bad.csv', 'x,y\n1,oops\n'), '--json']);
    expectJsonError(bad, 'parse-error', /bad\.csv row 2, column 2/);
  });

  test('curves of the same name in two files are told apart in the table by their file', async () => {
    const curve = (label: string, u: number) => Array.from({ length: 24 }, (_, i) => `${label}${10 * (i + 1)},${(u / (1 + Math.pow(60 / (10 * (i + 1)), 1.5)) + 0.2 * Math.sin(3 * i)).toFixed(4)}`);
    const math = file('math.csv', ['curve,x,y', ...curve('a,', 20), ...curve('b,', 25)].join('\n'));
    const code = file('code.csv', ['curve,x,y', ...curve('a,', 30)].join('\n'));
    mkdirSync(join(dir, 'seed1'), { recursive: true });
    mkdirSync(join(dir, 'seed2'), { recursive: true });
    const seed1 = file('seed1/run.csv', ['x,y', ...curve('', 20)].join('\n'));
    const seed2 = file('seed2/run.csv', ['x,y', ...curve('', 22)].join('\n'));
    const r = await cli(['sweep', math, code, seed1, seed2, '--search', 'none', '--bootstrap', '0', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const names = r.stdout.split('\n').slice(3, 8).map((l) => l.split(/\s{2,}/)[0]);
    expect(names).toEqual([`${math} curve "a"`, 'b', `${code} curve "a"`, `run (${seed1})`, `run (${seed2})`]);
    // The JSON keeps each curve's id and its file.
    const json = await cli(['sweep', math, code, '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--json']);
    expect(JSON.parse(json.stdout).curves.map((c: { id: string; file: string }) => [c.id, c.file])).toEqual([['a', math], ['b', math], ['a', code]]);
  });

  test('a JSON array keeps its ids; a JSON curve takes the file name', async () => {
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    const arr = await cli(['sweep', file('arr.json', JSON.stringify([{ id: 'first', x, y: x.map((v) => 2 * v + 1) }, { x, y: x.map((v) => 3 - v) }])), '--model', 'linear', '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--json']);
    expect(arr.code, arr.stderr).toBe(0);
    const doc = JSON.parse(arr.stdout);
    expect(doc.curves.map((c: { id: string }) => c.id)).toEqual(['first', 'arr[1]']);
    expect(doc.curves[0].params.a).toBeCloseTo(2, 6);
    expect(doc.curves[1].params.a).toBeCloseTo(-1, 6);
    const one = await cli(['sweep', file('one.json', JSON.stringify({ x, y: x.map((v) => 2 * v + 1) })), '--model', 'linear', '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--json']);
    expect(JSON.parse(one.stdout).curves[0].id).toBe('one');
    // A failed entry is named by its file and place in it, also where the error names another field.
    const badPath = file('uneven.json', JSON.stringify([{ id: 'ok', x, y: x }, { id: 'uneven', x, y: [1, 2, 3] }]));
    const bad = await cli(['sweep', file('first.csv', `x,y\n${x.map((v) => `${v},${v}`).join('\n')}`), badPath, '--model', 'linear', '--search', 'none', '--bootstrap', '0', '--backend', 'cpu', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).curves[2].error).toMatchObject({ field: `${badPath}[1].y`, expected: `the same length as ${badPath}[1].x (20)` });
  });

  test.each([
    [['sweep', 'LONG', '--search', 'released', '--json'], 'invalid-option', /^search$/],
    [['sweep', 'LONG', '--bootstrap', '-1', '--json'], 'invalid-option', /^bootstrap$/],
    [['sweep', 'LONG', '--model', 'cubic', '--json'], 'unknown-model', /^model$/],
    [['sweep', '/nonexistent.csv', '--json'], 'file-not-found', /^file$/],
    [['sweep', 'BAD_ROW', '--json'], 'parse-error', /row 3, column 3/],
  ])('bad input %j exits 2 with one JSON error line', async (args, code, field) => {
    const files: Record<string, string> = { LONG: file('long2.csv', longCsv()), BAD_ROW: file('badrow.csv', 'curve,x,y\na,1,2\na,2,oops\n') };
    expectJsonError(await cli((args as string[]).map((a) => files[a] ?? a)), code as string, field as RegExp);
  });
});

describe('trimfit ceiling', () => {
  test('--search released --json gives one row per branch with the contract fields', async () => {
    const r = await cli(['ceiling', '../shared/data/retu', '--search', 'released', '--bootstrap', '20', '--json']);
    expect(r.code).toBe(0);
    const { curves } = JSON.parse(r.stdout);
    expect(curves.length).toBe(34);
    for (const key of ['dataset', 'scene', 'sftStep', 'xSft', 'pSft', 'aPost', 'plRl', 'epsilon', 'cMid', 'b', 'hyper', 'r2Train', 'r2Val', 'rmseVal', 'ci', 'status']) expect(curves[0]).toHaveProperty(key);
    for (const c of curves) expect(c.aPost).toBeLessThanOrEqual(100);
    // 20 resamples are too few for a 95 % interval, and the rows say so; the collapsed branch is flagged.
    for (const c of curves) if (c.ci) expect(c.warnings.map((w: { code: string }) => w.code)).toContain('few-resamples');
    expect(curves.find((c: { id: string }) => c.id === 'Easy102K/ckpt6120').warnings.map((w: { code: string }) => w.code)).toContain('poor-validation');
  });
  test('--plots DIR writes each branch\'s figure as the page draws it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trimfit-ceiling-plots-'));
    const r = await cli(['ceiling', '../shared/data/retu', '--search', 'released', '--bootstrap', '20', '--plots', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe(`wrote 34 figures to ${dir}`);
    const rows = JSON.parse(r.stdout).curves as Array<{ id: string; plot: string; pSft: number; aPost: number }>;
    const row = rows.find((c) => c.id === 'Uniform102K/ckpt1800')!;
    expect(row.plot).toBe(join(dir, 'Uniform102K_ckpt1800.svg'));
    const svg = readFileSync(row.plot, 'utf8');
    for (const label of ['train', 'validation', 'Stage-1 rejected', 'sigmoid fit', '95% bootstrap band', `P_sft ${row.pSft.toFixed(2)}`, `A_post ${row.aPost.toFixed(2)}`, 'overall score (%)', 'RL compute since the branch (EFLOPs)']) expect(svg).toContain(`>${label}</text>`);
    expect(new Set(rows.map((c) => c.plot)).size).toBe(34);
  });
  test('the table marks the fits to check and explains each below it', async () => {
    const r = await cli(['ceiling', '../shared/data/retu', '--search', 'released', '--bootstrap', '0']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => /^Easy102K\s+6120\s/.test(l))!;
    expect(row).toMatch(/val,bound,u<0\s*$/);
    expect(r.stdout).toMatch(/^check \(val = poor-validation, /m);
    // S1K/ckpt62's released split [12, 87) on 80 points, as fitted.
    expect(r.stdout.split('\n').find((l) => /^S1K\s+62\s/.test(l))).toMatch(/\s12:80\*\s/);
    expect(r.stdout).toMatch(/^ {2}Easy102K\/ckpt6120: validation RMSE [\d.]+ is [\d.]+× the curve's noise/m);
  });
  test('--val-losses adds the SFT regimes per dataset and the cross-dataset correlation', async () => {
    // Hand-made losses (the data release has none): minima at S1K 186, Uniform102K 1080, SFT889K 7200.
    const losses = {
      S1K: [[62, 0.6], [124, 0.53], [186, 0.51], [248, 0.515], [310, 0.58]],
      Uniform102K: [[360, 0.5], [720, 0.44], [1080, 0.42], [1440, 0.425], [1800, 0.43]],
      SFT889K: [[360, 0.5], [1080, 0.41], [3600, 0.38], [7200, 0.37], [14080, 0.372]],
    };
    const json = Object.fromEntries(Object.entries(losses).map(([d, l]) => [d, l.map(([sftStep, valLoss]) => ({ sftStep, valLoss }))]));
    const r = await cli(['ceiling', '../shared/data/retu', '--search', 'released', '--bootstrap', '0', '--val-losses', file('losses.json', JSON.stringify(json)), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.regimes.map((g: { dataset: string; recommendedSwitchStep: number }) => [g.dataset, g.recommendedSwitchStep])).toEqual([['S1K', 186], ['Uniform102K', 1080], ['SFT889K', 7200]]);
    const s1k = out.regimes[0];
    expect(s1k.checkpoints.map((c: { regime: string }) => c.regime)).toEqual(['adaptive', 'adaptive', 'stable', 'stable', 'severe']);
    // each checkpoint carries the A_post fitted for its branch in the same run
    for (const c of s1k.checkpoints) expect(c.aPost).toBeCloseTo(out.curves.find((row: { dataset: string; sftStep: number }) => row.dataset === 'S1K' && row.sftStep === c.sftStep).aPost, 10);
    expect(out.correlation.n).toBe(3);
    expect(out.correlation.pearson).toBeGreaterThanOrEqual(-1);
    expect(out.correlation.pearson).toBeLessThan(0);
  });
  test.each([
    ['unknown dataset', { Nope: [{ sftStep: 360, valLoss: 0.5 }] }, 'invalid-input', 'val-losses: Nope', /^a dataset of the RETU data \(Easy102K, Hard102K, S1K, SFT889K, Uniform102K\)$/],
    ['bad step', { S1K: [{ sftStep: 62, valLoss: 0.6 }, { sftStep: 'x', valLoss: 0.5 }] }, 'invalid-input', 'val-losses: S1K[1].sftStep', /^an integer >= 0$/],
    ['bad loss', { S1K: [{ sftStep: 62, valLoss: -1 }] }, 'invalid-input', 'val-losses: S1K[0].valLoss', /^a finite number > 0$/],
    ['not an object', { S1K: [null] }, 'parse-error', 'val-losses: S1K[0]', /sftStep, valLoss/],
    ['no checkpoints', { S1K: [] }, 'invalid-input', 'val-losses: S1K', /at least one checkpoint/],
    ['no datasets', {}, 'invalid-input', 'val-losses', /at least one dataset/],
  ])('--val-losses with %s: an error naming option, dataset and entry, and the file in the message', async (_what, doc, code, field, expected) => {
    const path = file('bad-losses.json', JSON.stringify(doc));
    const r = await cli(['ceiling', '../shared/data/retu', '--search', 'none', '--bootstrap', '0', '--val-losses', path, '--json']);
    expectJsonError(r, code, new RegExp(`^${field.replace(/[[\]().]/g, '\\$&')}$`));
    const { error } = JSON.parse(r.stderr);
    expect(error.expected).toMatch(expected);
    expect(error.message).toContain(`val-losses (${path})`);
  });
  test('--val-losses is read before the RETU data and checked before the fits', async () => {
    // A folder without index.json: the missing losses file is reported first.
    const emptyDir = join(dir, 'not-retu');
    mkdirSync(emptyDir, { recursive: true });
    expectJsonError(await cli(['ceiling', emptyDir, '--val-losses', join(dir, 'missing.json'), '--json']), 'file-not-found', /^val-losses$/);
    // With no Vulkan driver, the first fit on WebGPU fails with backend-unavailable (the fitter asks
    // for its device at the first sweep): the file's error shows that no fit had started.
    const args = ['ceiling', '../shared/data/retu', '--backend', 'webgpu', '--search', 'none', '--bootstrap', '0', '--json'];
    const noDriver = { VK_ICD_FILENAMES: join(dir, 'no-such-icd.json') };
    expectJsonError(await cli(args, noDriver), 'backend-unavailable', /^adapter$/, { driverLines: true });
    expectJsonError(await cli([...args, '--val-losses', file('late.json', '{"S1K": [{"sftStep": 62}]}')], noDriver), 'invalid-input', /^val-losses: S1K\[0\]\.valLoss$/);
  });
  test('a missing directory and a bad search mode exit 2', async () => {
    expectJsonError(await cli(['ceiling', '/nonexistent', '--json']), 'file-not-found', /retu-dir/);
    expectJsonError(await cli(['ceiling', '../shared/data/retu', '--search', 'most', '--json']), 'invalid-option', /^search$/);
  });
});
