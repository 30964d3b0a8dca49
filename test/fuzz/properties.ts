/**
 * Property tests shared by the full fuzz run (test/fuzz, `npm run test:fuzz`) and a small sample of
 * it in the unit project. Every entry point gets bad or extreme input and must either return a
 * result that is clean (see `expectCleanFit`) or throw a TrimfitError that names a field; a batch
 * marks the bad curve `failed` and fits the others.
 *
 * Non-finite numbers allowed in a successful ('converged'/'at-bound') FitResult, and only these:
 *   - `score` = −Infinity when there is no validation R² (documented in FitResult);
 *   - `standardErrors[name]` = +Infinity for a parameter the data cannot identify (documented in
 *     core/nls.ts: singular JᵀJ or n ≤ p);
 *   - `ci.predictions[k].lower/upper` = ±Infinity where the model's value overflows f64 at that x
 *     (an exponential far beyond the data). NaN is never allowed: predictAt outside the model's
 *     domain is rejected at the door.
 * null is allowed wherever the type says `| null` (r2Val, rmseVal, ci). Everything else is finite.
 * A linear LTS result with status 'ok' or 'exact-fit' has only finite numbers.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fit, lts, createFitter, isTrimfitError, parseCurveJson, parseCurvesFile, parseNumericCsv, parseXyCsv, MODEL_NAMES, type FailedFit, type FitResult, type Fitter, type SweepCurve } from '../../src/index.js';
import { main } from '../../src/cli/main.js';
import { createCpuBackend, toJobTable, type LtsBatch, type LtsJob } from '../../src/index.js';
import { prepareLtsBatch } from '../../src/backends/webgpu/prepare.js';
import type { ErrorCode } from '../../src/api/errors.js';

/** Inputs tried per entry point in this process (reported by the fuzz run). */
export const tried: Record<string, number> = {};
const count = (what: string) => { tried[what] = (tried[what] ?? 0) + 1; };

/** The slowest single call seen per entry point (a hang shows up here, or as a test timeout). */
export const slowestMs: Record<string, number> = {};
function timed<T>(what: string, f: () => T): T {
  const t0 = performance.now();
  try {
    return f();
  } finally {
    slowestMs[what] = Math.max(slowestMs[what] ?? 0, performance.now() - t0);
  }
}

const CODES: ErrorCode[] = ['invalid-input', 'invalid-option', 'too-few-points', 'file-not-found', 'parse-error', 'unknown-model'];

/** A rejected input: a TrimfitError for bad input (never 'internal'), naming a field. */
export function expectInputError(e: unknown): void {
  if (!isTrimfitError(e)) throw new Error(`not a TrimfitError: ${e instanceof Error ? e.stack : String(e)}`);
  expect(CODES, `${e.code}: ${e.message}`).toContain(e.code);
  expect(e.field.length).toBeGreaterThan(0);
  expect(e.expected.length).toBeGreaterThan(0);
  expect(e.message).not.toMatch(/undefined is not|cannot read|is not a function/i);
}

/** Paths of numbers that are NaN, or non-finite where `allowInfinite(path)` says no. */
export function nonFinitePaths(value: unknown, allowInfinite: (path: string, v: number) => boolean, path = '$', out: string[] = []): string[] {
  if (typeof value === 'number') {
    if (Number.isNaN(value) || (!Number.isFinite(value) && !allowInfinite(path, value))) out.push(`${path}=${value}`);
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    Array.from(value as unknown as ArrayLike<number>, (v, i) => nonFinitePaths(v, allowInfinite, `${path}[${i}]`, out));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nonFinitePaths(v, allowInfinite, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) nonFinitePaths(v, allowInfinite, `${path}.${k}`, out);
  }
  return out;
}

const allowedInfinite = (path: string, v: number) =>
  (path === '$.score' && v === -Infinity) || (/^\$\.standardErrors\.\w+$/.test(path) && v === Infinity) || /^\$\.ci\.predictions\[\d+\]\.(lower|upper)$/.test(path);

/** Checks a FitResult against the contract above; n is the caller's point count. */
export function expectCleanFit(r: FitResult, n: number): void {
  expect(['converged', 'at-bound', 'max-iterations', 'singular', 'non-finite']).toContain(r.status);
  expect(r.success).toBe(r.status === 'converged' || r.status === 'at-bound');
  expect(r.inlierMask).toHaveLength(n);
  expect(typeof r.message).toBe('string');
  if (r.success) expect(nonFinitePaths(r, allowedInfinite)).toEqual([]);
  // Whatever the status, NaN never leaks into the parameters a caller reads first (an overflow to
  // ±Infinity is possible only with status 'non-finite', which says so in the message).
  expect(nonFinitePaths({ params: r.params }, () => r.status === 'non-finite')).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Generators

const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e300, -1e300, 1e-300, -1e-300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1e308);
/** Any double, with the awkward ones over-represented. */
const anyNumber = fc.oneof({ weight: 2, arbitrary: fc.double() }, { weight: 2, arbitrary: special }, { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) });
const wrongType = fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.constant({}), fc.constant([]), fc.constant([1, 2]), fc.bigInt().map(String));
const anyValue = fc.oneof({ weight: 4, arbitrary: anyNumber }, { weight: 1, arbitrary: wrongType });

/** Scales a well-behaved curve is drawn at: tiny to huge magnitudes. */
const scale = fc.constantFrom(1, 1e-300, 1e-150, 1e-8, 1e8, 1e150, 1e300, 1e307);

/** A curve that passes validation or fails it in one specific way. */
export const curveArb: fc.Arbitrary<{ curve: unknown; n: number }> = fc.oneof(
  // Finite, possibly extreme: magnitudes, duplicate x, constant y, x ≤ 0.
  { weight: 6, arbitrary: fc
    .record({
      n: fc.integer({ min: 0, max: 40 }),
      xScale: scale,
      yScale: scale,
      shape: fc.constantFrom('sigmoid', 'constant-y', 'duplicate-x', 'constant-x', 'negative-x', 'noise', 'step'),
      seed: fc.integer({ min: 0, max: 1 << 20 }),
    })
    .map(({ n, xScale, yScale, shape, seed }) => {
      let s = seed + 1;
      const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = shape === 'duplicate-x' ? Math.floor(i / 3) + 1 : shape === 'constant-x' ? 1 : shape === 'negative-x' ? i - n / 2 : i + 1;
        x.push(t * xScale);
        const sig = 1 / (1 + Math.pow(n / 2 / Math.max(i + 1, 1), 2));
        const v = shape === 'constant-y' ? 0.5 : shape === 'noise' ? rnd() : shape === 'step' ? (i < n / 2 ? 0 : 1) : sig + 0.02 * (rnd() - 0.5);
        y.push(v * yScale);
      }
      return { curve: { x, y }, n };
    }) },
  // One poisoned entry (NaN, ±Infinity, a string, null) in otherwise fine data.
  fc
    .record({ n: fc.integer({ min: 1, max: 30 }), at: fc.nat(), inX: fc.boolean(), bad: fc.oneof(fc.constantFrom(NaN, Infinity, -Infinity), wrongType) })
    .map(({ n, at, inX, bad }) => {
      const x = Array.from({ length: n }, (_, i) => i + 1) as unknown[];
      const y = Array.from({ length: n }, (_, i) => Math.log(i + 2)) as unknown[];
      (inX ? x : y)[at % n] = bad;
      return { curve: { x, y }, n };
    }),
  // Ragged, typed arrays, wrong container types.
  fc.record({ nx: fc.integer({ min: 0, max: 12 }), ny: fc.integer({ min: 0, max: 12 }), typed: fc.boolean() }).map(({ nx, ny, typed }) => {
    const x = Array.from({ length: nx }, (_, i) => i + 1);
    const y = Array.from({ length: ny }, (_, i) => i * 0.1);
    return { curve: typed ? { x: Float64Array.from(x), y: Float32Array.from(y) } : { x, y }, n: nx };
  }),
  fc.oneof(wrongType, fc.record({ x: anyValue, y: anyValue }), fc.array(anyNumber, { maxLength: 5 })).map((curve) => ({ curve, n: -1 })),
);

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const dropUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Options with only valid values (expensive counts small so a run fits its budget). */
const goodOptionsArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    model: maybe(fc.constantFrom(...MODEL_NAMES)),
    lts: maybe(fc.boolean()),
    alpha: maybe(fc.double({ min: 0.5, max: 1, noNaN: true })),
    tau: maybe(fc.double({ min: 0.5, max: 10, noNaN: true })),
    freeEpsilon: maybe(fc.boolean()),
    seed: maybe(fc.nat()),
    nStarts: fc.integer({ min: 1, max: 2 }),
    ltsStarts: fc.integer({ min: 1, max: 6 }),
    keepBest: maybe(fc.integer({ min: 1, max: 3 })),
    cSteps: maybe(fc.integer({ min: 0, max: 3 })),
    maxCSteps: fc.integer({ min: 1, max: 10 }),
    gnIterations: maybe(fc.integer({ min: 1, max: 10 })),
    maxStage1Rounds: maybe(fc.integer({ min: 0, max: 5 })),
    bootstrap: maybe(fc.record({ resamples: fc.integer({ min: 0, max: 4 }), predictAt: maybe(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 3 })) })),
  })
  .map(dropUndefined);

/** One field bad (or merely unusual: ranges, bounds) on top of valid options. */
const oneOddOptionArb: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    goodOptionsArb,
    fc.constantFrom('model', 'lts', 'alpha', 'tau', 'train', 'val', 'freeEpsilon', 'scoreCap', 'scoreFloor', 'pSft', 'bMin', 'bMax', 'cMidMin', 'cMidMax', 'gapWeight', 'seed', 'nStarts', 'ltsStarts', 'keepBest', 'cSteps', 'gnIterations', 'maxStage1Rounds', 'bootstrap', 'bootstrap.level', 'bootstrap.predictAt', 'bootstrap.resamples'),
    fc.oneof(anyValue, fc.constantFrom(0.49, 1.01, 2, -1, 0.5, 1, 100, 1e-3), fc.tuple(fc.integer({ min: -2, max: 40 }), fc.integer({ min: -2, max: 50 }))),
  )
  .map(([o, key, value]) => {
    if (key.startsWith('bootstrap.')) return { ...o, bootstrap: { resamples: 2, [key.slice(10)]: value } };
    // Counts that could make one fit slow stay small when they happen to be valid.
    if ((key === 'nStarts' || key === 'ltsStarts') && typeof value === 'number' && value > 8) return { ...o, [key]: -value };
    return { ...o, [key]: value };
  });

/** Options: all valid, one field odd, or every field drawn from anything. */
export const optionsArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: goodOptionsArb },
  { weight: 3, arbitrary: oneOddOptionArb },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('model', 'alpha', 'tau', 'train', 'val', 'seed', 'lts', 'bootstrap', 'scoreCap', 'pSft'), anyValue, { maxKeys: 4 }) },
);

// ---------------------------------------------------------------------------------------------
// Properties. `runs` is the number of generated inputs; the fuzz project passes large counts.

export function fuzzFit(runs: number, seed?: number): void {
  fc.assert(
    fc.property(curveArb, optionsArb, ({ curve, n }, options) => {
      count('fit');
      let r: FitResult;
      try {
        r = timed('fit', () => fit(curve as never, options as never));
      } catch (e) {
        expectInputError(e);
        return;
      }
      count(`fit (${r.status})`);
      expectCleanFit(r, n);
    }),
    { numRuns: runs, seed },
  );
}

const matrixArb = fc.oneof(
  // n × p finite, possibly constant or collinear columns and huge/tiny magnitudes.
  fc
    .record({ n: fc.integer({ min: 0, max: 30 }), p: fc.integer({ min: 0, max: 4 }), mag: scale, kind: fc.constantFrom('random', 'constant-column', 'collinear', 'constant-y', 'duplicate-rows'), seed: fc.nat() })
    .map(({ n, p, mag, kind, seed }) => {
      let s = seed + 7;
      const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
      const X = Array.from({ length: n }, (_, i) =>
        Array.from({ length: p }, (_, j) => (kind === 'constant-column' && j === 0 ? mag : kind === 'collinear' && j === 1 ? 0 : kind === 'duplicate-rows' ? (i % 3) * mag : rnd() * mag)),
      );
      if (kind === 'collinear' && p > 1) X.forEach((row) => (row[1] = 2 * row[0]));
      const y = Array.from({ length: n }, (_, i) => (kind === 'constant-y' ? mag : X[i].reduce((a, v) => a + v, 0) + rnd() * mag));
      return { X: X as unknown, y: y as unknown };
    }),
  // Poisoned or ragged.
  fc.record({ X: fc.array(fc.oneof({ weight: 4, arbitrary: fc.array(anyValue, { maxLength: 4 }) }, { weight: 1, arbitrary: anyValue }), { maxLength: 8 }), y: fc.array(anyValue, { maxLength: 8 }) }),
  fc.record({ X: anyValue, y: anyValue }),
);

const ltsOptionsArb = fc.record({
  alpha: maybe(fc.oneof(fc.double({ min: 0.5, max: 1, noNaN: true }), fc.constantFrom(0.4, 1.5), anyValue)),
  intercept: maybe(fc.oneof(fc.boolean(), anyValue)),
  nSamples: maybe(fc.oneof(fc.integer({ min: 1, max: 50 }), anyValue)),
  seed: maybe(fc.oneof(fc.nat(), anyValue)),
}).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));

export function fuzzLts(runs: number, seed?: number): void {
  fc.assert(
    fc.property(matrixArb, ltsOptionsArb, ({ X, y }, options) => {
      count('lts');
      let r: ReturnType<typeof lts>;
      try {
        r = timed('lts', () => lts(X as never, y as never, options as never));
      } catch (e) {
        expectInputError(e);
        return;
      }
      count(`lts (${r.status})`);
      expect(['ok', 'exact-fit', 'singular', 'too-few-points']).toContain(r.status);
      if (r.status === 'ok' || r.status === 'exact-fit') expect(nonFinitePaths(r, () => false)).toEqual([]);
    }),
    { numRuns: runs, seed },
  );
}

/**
 * A sweep of 1–4 curves, some corrupted: each corrupted one fails alone (status 'failed' with a
 * named field) and every clean one gets exactly the result it gets when no curve is corrupted
 * (seeds derive from the curve's index, so the reference sweep keeps every index in place).
 */
export async function fuzzSweep(runs: number, seed?: number): Promise<void> {
  const fitter: Fitter = await createFitter({ backend: 'cpu', workers: 1 });
  const clean = (k: number): SweepCurve => {
    const x = Array.from({ length: 12 }, (_, i) => (i + 1) * (k + 1));
    return { id: `clean${k}`, x, y: x.map((v, i) => 1 / (1 + Math.pow((6 * (k + 1)) / v, 2)) + 0.01 * Math.sin(i + k)) };
  };
  const single = { grid: 'single' as const, nStarts: 1, ltsStarts: 2, maxCSteps: 5, lts: true };
  const run = async (curves: SweepCurve[], chunkCurves?: number) => {
    const items = [];
    for await (const item of fitter.fitSweep(curves, { ...single, chunkCurves })) items.push(item);
    return items;
  };
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), curveArb), { minLength: 1, maxLength: 4 }), maybe(fc.constantFrom(1, 2, 3)), async (entries, chunkCurves) => {
        count('sweep');
        const curves = entries.map((e) => (typeof e === 'number' ? clean(e) : (e.curve as SweepCurve)));
        const items = await run(curves, chunkCurves);
        const reference = entries.some((e) => typeof e !== 'number') ? await run(entries.map((e) => clean(typeof e === 'number' ? e : 0))) : items;
        expect(items.map((i) => i.index)).toEqual(curves.map((_, i) => i));
        items.forEach((item, i) => {
          const e = entries[i];
          if (item.result.status === 'failed') {
            expect(typeof e).not.toBe('number');
            expect(item.bestSetting).toBe(-1);
            const { error } = item.result as FailedFit;
            expect(CODES).toContain(error.code);
            expect(error.field).toMatch(new RegExp(`^curves\\[${i}\\]|^train$`));
          } else if (typeof e === 'number') {
            expect(item.result).toEqual(reference[i].result);
          } else {
            expectCleanFit(item.result, e.n);
          }
        });
      }),
      { numRuns: runs, seed },
    );
  } finally {
    await fitter.dispose();
  }
}

/** The CLI in-process on temp files: exit 0 with JSON on stdout, or exit 2 with one JSON error line. */
export async function fuzzCli(runs: number, seed?: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trimfit-fuzz-cli-'));
  const flagArb = fc.oneof(
    fc.constantFrom('--lts', '--free-epsilon', '--no-intercept', '--bogus', '--alpha', '--model', '--p-sft-at-x0'),
    fc.tuple(fc.constantFrom('--alpha', '--tau', '--seed', '--train', '--val', '--model', '--backend', '--search', '--workers', '--p-sft'), fc.oneof(fc.constantFrom('0.75', '1.5', 'NaN', '', '-1', '3:9', '9:3', 'a:b', 'sigmoid', 'power', 'exp', 'nope', 'cpu', '1e999', '0x10'), fc.string({ maxLength: 6 }))).map(([f, v]) => `${f}=${v}`),
    fc.tuple(fc.constantFrom('--x-column', '--y-column', '--curve-column'), fc.constantFrom('x', 'y', 'Step', 'Value', 'run', 'curve', '', ' ', 'a')).map(([f, v]) => `${f}=${v}`),
  );
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('fit', 'fit', 'fit', 'sweep', 'sweep', 'lts', 'ceiling', 'bogus'),
        fc.oneof(textCsvArb, textJsonArb),
        fc.constantFrom('.csv', '.json', '.txt', ''),
        fc.array(flagArb, { maxLength: 4 }),
        fc.boolean(),
        async (command, text, ext, flags, missing) => {
          count('cli');
          const path = join(dir, `in${ext}`);
          writeFileSync(path, text);
          const out: string[] = [];
          const err: string[] = [];
          // `ceiling` on a file (not a RETU directory) or a missing path must fail cleanly too.
          const target = missing ? join(dir, 'missing.csv') : path;
          // sweep on one thread, one setting and no bootstrap keeps a run short; the flags drawn may override these.
          const quick = command === 'sweep' ? ['--bootstrap=0', '--search=none', '--backend=cpu', '--workers=1'] : [];
          const code = await main([command, target, ...quick, ...flags, '--json'], { out: (s) => out.push(s), err: (s) => err.push(s) });
          if (code === 1 && command === 'sweep') {
            // Some curve failed: the others' results are still printed, and the failed ones say why.
            expect(err).toEqual([]);
            const { curves } = JSON.parse(out[0]);
            const failed = curves.filter((c: { status: string }) => c.status === 'failed');
            expect(failed.length).toBeGreaterThan(0);
            for (const c of failed) expect(CODES.concat(['backend-unavailable'])).toContain(c.error.code);
          } else if (code === 0) {
            expect(err).toEqual([]);
            expect(out).toHaveLength(1);
            expect(() => JSON.parse(out[0])).not.toThrow();
          } else {
            expect(code, err.join('\n')).toBe(2);
            expect(err).toHaveLength(1);
            const { error } = JSON.parse(err[0]);
            expect(CODES.concat(['backend-unavailable'])).toContain(error.code);
            expect(error.field.length).toBeGreaterThan(0);
            expect(err[0]).not.toMatch(/\n\s+at /);
          }
        },
      ),
      { numRuns: runs, seed },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cellArb = fc.oneof(
  { weight: 6, arbitrary: anyNumber.map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '"1"', '1e400', 'Infinity', '-Infinity', 'NaN', '0x1f', '1,5', '"', 'x', 'y', '\u00a0', '1_000', '"a, b"', '"say ""hi"""', '" 2 "', 'run-1') },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
);

/** CSV-like text: a header (x,y; curve,x,y; y,x1,x2 or junk) and ragged, malformed rows. */
export const textCsvArb: fc.Arbitrary<string> = fc
  .record({
    header: fc.oneof(
      fc.constantFrom('x,y', 'y,x', 'curve,x,y', 'Curve,X,Y', 'curve,x,y,p_sft', 'x,y,p_sft', 'y,x1,x2', '"x","y"', 'a,b', '', 'x', '\uFEFFx,y'),
      // Wide tables and exports with other headers (W&B, TensorBoard), read with fileOptionsArb.
      fc.constantFrom('Step,a,a__MIN,a__MAX', 'x,a,b', 'x,a,a', 'x,,a', 'x,a,p_sft', 'Wall time,Step,Value', 'run,step,acc'),
      fc.string({ maxLength: 10 }),
    ),
    rows: fc.array(fc.array(cellArb, { minLength: 0, maxLength: 4 }), { maxLength: 25 }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    // Tab- and semicolon-separated tables are read where the header has no comma.
    delimiter: fc.constantFrom(',', ',', '\t', ';'),
  })
  .map(({ header, rows, eol, delimiter }) => [header.replaceAll(',', delimiter), ...rows.map((r) => r.join(delimiter))].join(eol));

/** JSON-like text: valid curve documents with bad values, other JSON, and broken JSON. */
export const textJsonArb: fc.Arbitrary<string> = fc.oneof(
  fc.record({ x: fc.array(anyValue, { maxLength: 12 }), y: fc.array(anyValue, { maxLength: 12 }) }).map((d) => JSON.stringify(d)),
  fc.array(fc.record({ x: anyValue, y: anyValue }), { maxLength: 8 }).map((points) => JSON.stringify({ points })),
  fc.array(fc.record({ id: anyValue, x: fc.array(anyNumber, { maxLength: 8 }), y: fc.array(anyNumber, { maxLength: 8 }) }), { maxLength: 3 }).map((d) => JSON.stringify(d)),
  // Records, one object per row (pandas' orient="records"), with the keys the readers look for.
  fc.array(fc.dictionary(fc.constantFrom('x', 'y', 'step', 'Value', 'curve', 'run', 'p_sft', 'a', 'a__MIN'), fc.oneof(anyNumber, fc.constant(null), fc.string({ maxLength: 3 }), fc.boolean())), { maxLength: 8 }).map((d) => JSON.stringify(d)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 30 }).map((s) => `{"x": [1, 2${s}`),
  fc.constantFrom('', '{', '[]', 'null', '{"x":[1,2,3],"y":[1,2]}', '{"points":null}', '{"x":"1,2","y":[1]}', '{"schema":"retu.rl_branch_curve.v1"}', '{"schema":"retu.sft_curve.v1","points":[]}'),
);

/** parseCurvesFile's options: column names that may or may not be in the header, and P_sft at x = 0. */
const fileOptionsArb = fc.record(
  { x: fc.constantFrom('x', 'Step', 'step'), y: fc.constantFrom('y', 'Value', 'acc'), curve: fc.constantFrom('curve', 'run'), pSftAtX0: fc.boolean() },
  { requiredKeys: [] },
);

/** The shared parse helpers: a TrimfitError naming the row/column/field, or only finite numbers. */
export function fuzzParse(runs: number, seed?: number): void {
  fc.assert(
    fc.property(textCsvArb, textJsonArb, fileOptionsArb, (csv, json, options) => {
      count('parse');
      for (const parse of [() => parseNumericCsv(csv, 'f.csv'), () => parseXyCsv(csv, 'f.csv')]) {
        try {
          const out = parse();
          expect(nonFinitePaths(out, () => false)).toEqual([]);
        } catch (e) {
          expectInputError(e);
        }
      }
      try {
        const c = parseCurveJson(json, 'f.json');
        expect(Array.isArray(c.x) && Array.isArray(c.y)).toBe(true);
      } catch (e) {
        expectInputError(e);
      }
      // The reader of curve files (the page's loader, trimfit sweep): curves of finite numbers and a
      // finite P_sft where there is one, or a typed error. (A JSON entry's x and y may differ in
      // length: in a sweep that curve alone fails, with its own status.)
      for (const [name, text, opts] of [['f.csv', csv, {}], ['f.csv', csv, options], ['f.json', json, options]] as const) {
        try {
          const { format, curves } = parseCurvesFile(name, text, opts);
          expect(curves.length).toBeGreaterThan(0);
          for (const c of curves) {
            expect(typeof c.id).toBe('string');
            expect([...c.x, ...c.y, ...(c.pSft === undefined ? [] : [c.pSft])].every(Number.isFinite)).toBe(true);
            if (!format.startsWith('json')) expect(c.x.length).toBe(c.y.length);
            if (opts.pSftAtX0) expect(c.pSft).toBeDefined();
          }
        } catch (e) {
          expectInputError(e);
        }
      }
    }),
    { numRuns: runs, seed },
  );
}

/**
 * The page's file loader (app/data.ts is importable without a DOM): curves with finite sorted x and
 * finite y, or a TrimfitError naming the file.
 */
export async function fuzzLoader(runs: number, seed?: number): Promise<void> {
  const { loadFiles } = await import('../../app/data.js');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('a.csv', 'b.json', 'c.txt', 'noext'), fc.oneof(textCsvArb, textJsonArb)), { minLength: 1, maxLength: 3 }), (files) => {
      count('loader');
      try {
        const { curves } = loadFiles(files.map(([name, text]) => ({ name, text })));
        for (const c of curves) {
          expect(c.x.length).toBe(c.y.length);
          expect(nonFinitePaths({ x: c.x, y: c.y }, () => false)).toEqual([]);
          for (let i = 1; i < c.x.length; i++) expect(c.x[i]).toBeGreaterThanOrEqual(c.x[i - 1]);
        }
      } catch (e) {
        expectInputError(e);
        expect(files.some(([name]) => (e as Error).message.includes(name) || (e as { field: string }).field.includes(name))).toBe(true);
      }
    }),
    { numRuns: runs, seed },
  );
}

/**
 * Candidate backends below the api layer: a valid batch of three sigmoid jobs on two curves, as
 * job objects or as a table, with one field replaced (a column, an element of an array, a setting,
 * a count). The CPU backend's evaluate and the WebGPU backend's host preparation (the checks it
 * makes before touching a device) must agree: both accept it, or both refuse it with a
 * TrimfitError naming the same field. An accepted batch's rows hold finite numbers.
 */
const backendBase = (() => {
  const curve = (k: number) => {
    const x = Float64Array.from({ length: 14 }, (_, i) => (i === 0 ? 0 : 2 ** (i / 2 + k)));
    const y = Float64Array.from(x, (v, i) => 20 / (1 + (30 / Math.max(v, 1e-9)) ** 1.5) + Math.sin(3 * i + k));
    return { x, y };
  };
  const [a, b] = [curve(0), curve(1)];
  const pool = Int32Array.from({ length: 14 }, (_, i) => i);
  const settings = { freeEpsilon: false, uMax: Infinity, bMin: 0.05, bMax: 20, cMidMin: NaN, cMidMax: NaN };
  const job = (c: typeof a, seed: number): LtsJob => ({ ...c, pool, h: 10, theta0: Float64Array.of(1.5, Math.log(30), 20), seed, xMin: 0, xMax: c.x[13], xMinPositive: c.x[1], settings });
  return [job(a, 1), job(b, 2), job(a, 3)];
})();

const editArb = fc.record({
  form: fc.constantFrom('objects', 'table'),
  target: fc.constantFrom('job', 'element', 'setting', 'count', 'column'),
  job: fc.integer({ min: 0, max: 2 }),
  key: fc.constantFrom('x', 'y', 'pool', 'h', 'theta0', 'seed', 'xMin', 'xMax', 'xMinPositive', 'settings'),
  setting: fc.constantFrom('freeEpsilon', 'uMax', 'uMin', 'bMin', 'bMax', 'cMidMin', 'cMidMax'),
  count: fc.constantFrom('nCandidates', 'cSteps', 'gnIterations', 'keepBest'),
  column: fc.constantFrom('curve', 'pool', 'model', 'h', 'seed', 'theta0', 'thetaStride', 'curves', 'pools', 'models'),
  index: fc.integer({ min: 0, max: 15 }),
  value: anyValue,
});

function editedBatch(e: { form: string; target: string; job: number; key: string; setting: string; count: string; column: string; index: number; value: unknown }): LtsBatch {
  const jobs = backendBase.map((job) => ({ ...job, settings: { ...job.settings } })) as unknown as Array<Record<string, unknown>>;
  const batch: Record<string, unknown> = { model: 'sigmoid', nCandidates: 3, cSteps: 1, gnIterations: 2, keepBest: 2 };
  const job = jobs[e.job];
  if (e.target === 'job') job[e.key] = e.value;
  else if (e.target === 'element') {
    const arr = job[e.key];
    if (ArrayBuffer.isView(arr)) {
      const copy = (arr as Float64Array).slice();
      copy[e.index % copy.length] = Number(e.value);
      job[e.key] = copy;
    } else job[e.key] = e.value;
  } else if (e.target === 'setting') (job.settings as Record<string, unknown>)[e.setting] = e.value;
  else if (e.target === 'count') batch[e.count] = e.value;
  if (e.form === 'objects') return { ...batch, jobs } as unknown as LtsBatch;
  // A table of the (edited) jobs; a column edit replaces one column of it.
  let table: Record<string, unknown>;
  try {
    table = toJobTable(jobs as unknown as LtsJob[]) as unknown as Record<string, unknown>;
  } catch {
    table = toJobTable(backendBase) as unknown as Record<string, unknown>;
  }
  if (e.target === 'column') {
    const column = table[e.column];
    if (ArrayBuffer.isView(column) && e.index < 8) {
      const copy = (column as Int32Array).slice();
      copy[e.index % copy.length] = Number(e.value);
      table[e.column] = copy;
    } else table[e.column] = e.value;
  }
  return { ...batch, jobs: table } as unknown as LtsBatch;
}

export async function fuzzBackends(runs: number, seed?: number): Promise<void> {
  const cpu = createCpuBackend();
  const outcome = async (f: () => unknown): Promise<{ field: string | null; value?: unknown }> => {
    try {
      return { field: null, value: await f() };
    } catch (e) {
      expectInputError(e);
      return { field: (e as { field: string }).field };
    }
  };
  await fc.assert(
    fc.asyncProperty(editArb, async (edit) => {
      count('backends');
      const batch = editedBatch(edit);
      const onCpu = await timed('backends', () => outcome(() => cpu.evaluate(batch)));
      const onGpuHost = await outcome(() => prepareLtsBatch(batch));
      expect([onGpuHost.field, edit]).toEqual([onCpu.field, edit]);
      count(`backends (${onCpu.field === null ? 'accepted' : 'refused'})`);
      if (onCpu.field === null) {
        const r = onCpu.value as Awaited<ReturnType<typeof cpu.evaluate>>;
        for (let j = 0; j < r.jobCount; j++) {
          for (let k = 0; k < r.count[j]; k++) {
            const s = j * r.keepBest + k;
            expect(Number.isFinite(r.objective[s])).toBe(true);
            for (let q = 0; q < r.nParams[j]; q++) expect(Number.isFinite(r.theta[s * r.thetaStride + q])).toBe(true);
          }
        }
      }
    }),
    { numRuns: runs, seed },
  );
}
