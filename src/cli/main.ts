/**
 * trimfit CLI: `fit`, `lts`, `ceiling` (and `bench`). Exit codes: 0 ok, 2 bad input (with --json a
 * single `{ "error": { code, field, expected, received, message } }` line on stderr), 1 anything
 * else, including an `lts` result without an estimate (its status and message are printed). Never
 * prints a stack trace.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TrimfitError } from '../api/errors.js';
import { fit } from '../api/fit.js';
import { lts, type LtsResult } from '../api/lts.js';
import { parseCurveJson, parseNumericCsv, parseXyCsv } from '../api/parse.js';
import { checkModelName, checkNumber } from '../api/validate.js';
import type { FitOptions } from '../api/options.js';
import { readRetuDir } from '../ceiling/retu-node.js';
import { ceilingRows, type CeilingRow, type SearchMode } from '../ceiling/analysis.js';
import { createFitter } from '../api/fitter.js';
import type { BackendChoice } from '../backends/select-backend.js';
import type { LtsKernelVariantName } from '../backends/webgpu/tuning.js';
import { formatCeilingTable, formatLts, formatRegimes } from './format.js';
import { analyzeSftRegimes, minValLossCeilingCorrelation, type MinLossCeilingCorrelation, type SftRegimeAnalysis } from '../ceiling/regimes.js';

const USAGE = `usage:
  trimfit fit <file.csv|file.json> --model sigmoid|power|log|exp|linear [--lts] [--alpha A] [--tau T]
              [--train a:b] [--val a:b] [--free-epsilon] [--seed S] [--backend webgpu|cpu|auto] [--json]
  trimfit lts <file.csv> [--alpha A] [--no-intercept] [--seed S] [--json]
  trimfit ceiling <retu-dir> [--search full|released|none] [--bootstrap N] [--lts-starts K] [--seed S] [--workers N]
                  [--backend webgpu|cpu|auto] [--val-losses losses.json] [--json]
  trimfit bench [--backend webgpu|cpu|auto] [--quick] [--budget-ms MS] [--repeats K] [--workers N] [--kernel-variant NAME] [--retu DIR] [--out DIR]... [--note TEXT] [--json]
                [--profile-kernels]   (instead of the benchmark: time every kernel layout on this GPU)
                [--pipelines]         (instead of the benchmark: case (a) end to end with each chunking of the WebGPU pipeline)`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

/** JSON with non-finite numbers as null (JSON has no NaN/Infinity). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const [command, ...rest] = argv;
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(usageOf(command));
      return 0;
    }
    switch (command) {
      case 'fit':
        return await cmdFit(rest, io);
      case 'lts':
        return await cmdLts(rest, io);
      case 'ceiling':
        return await cmdCeiling(rest, io);
      case 'bench':
        return await cmdBench(rest, io);
      case undefined:
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new TrimfitError('invalid-option', 'command', 'fit, lts, ceiling or bench', command);
    }
  } catch (e) {
    const err = asTrimfitError(e);
    if (err) {
      if (json) io.err(toJson({ error: err.toJSON() }));
      else io.err(`trimfit: ${err.message}`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    if (json) io.err(toJson({ error: { code: 'internal', field: '', expected: '', received: '', message } }));
    else io.err(`trimfit: internal error: ${message}`);
    return 1;
  }
}

/** The usage of one command (its lines of USAGE), or the whole usage for an unknown one. */
function usageOf(command: string): string {
  const lines = USAGE.split('\n').slice(1);
  const start = lines.findIndex((l) => l.startsWith(`  trimfit ${command} `));
  if (start < 0) return USAGE;
  let end = start + 1;
  while (end < lines.length && !lines[end].startsWith('  trimfit ')) end++;
  return ['usage:', ...lines.slice(start, end)].join('\n');
}

/** parseArgs' own errors (unknown flag, missing value) are bad input too. */
function asTrimfitError(e: unknown): TrimfitError | null {
  if (e instanceof TrimfitError) return e;
  const code = (e as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return new TrimfitError('invalid-option', 'arguments', 'see trimfit --help', (e as Error).message, (e as Error).message);
  return null;
}

async function readInput(path: string | undefined, field: string): Promise<string> {
  if (!path) throw new TrimfitError('invalid-input', field, 'a file path', undefined);
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new TrimfitError('file-not-found', field, 'a readable file', path, `${field}: cannot read ${path}`);
  }
}

function parseRange(text: string | undefined, field: string): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m) throw new TrimfitError('invalid-option', field, 'a:b with integers a < b', text);
  return [Number(m[1]), Number(m[2])];
}

function parseNumberFlag(text: string | undefined, field: string, min: number, max: number, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const v = text.trim() === '' ? NaN : Number(text);
  return checkNumber(v, field, min, max, { integer });
}

/**
 * `--val-losses file.json`: `{ "<dataset>": [{ "sftStep": 360, "valLoss": 0.52 }, …], … }`. Each
 * dataset's checkpoints get the paper's SFT regimes with the fitted A_post of their RL branch, and
 * across datasets (3 or more) the correlation of minimum validation loss with the best A_post.
 */
function regimeAnalysis(rows: CeilingRow[], text: string, file: string): { regimes: SftRegimeAnalysis[]; correlation: MinLossCeilingCorrelation | null } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TrimfitError('parse-error', file, 'valid JSON', (e as Error).message, `${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TrimfitError('parse-error', file, 'an object { dataset: [{ sftStep, valLoss }] }', doc);
  const regimes = Object.entries(doc as Record<string, unknown>).map(([dataset, losses]) => {
    if (!Array.isArray(losses)) throw new TrimfitError('parse-error', `${file}: ${dataset}`, 'an array of { sftStep, valLoss }', losses);
    const steps = new Set(losses.map((l) => (l as { sftStep?: unknown })?.sftStep));
    const ceilings = rows.filter((r) => r.dataset === dataset && steps.has(r.sftStep) && Number.isFinite(r.aPost)).map((r) => ({ sftStep: r.sftStep, aPost: r.aPost }));
    return analyzeSftRegimes({ dataset, valLosses: losses as { sftStep: number; valLoss: number }[], ceilings });
  });
  const withCeilings = regimes.filter((r) => r.highestAPost !== null);
  return { regimes, correlation: withCeilings.length >= 3 ? minValLossCeilingCorrelation(withCeilings) : null };
}

function checkBackendChoice(value: unknown): BackendChoice {
  if (value !== 'auto' && value !== 'webgpu' && value !== 'cpu') throw new TrimfitError('invalid-option', 'backend', 'auto, webgpu or cpu', value);
  return value;
}

async function cmdFit(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'sigmoid' },
      lts: { type: 'boolean', default: false },
      alpha: { type: 'string' },
      tau: { type: 'string' },
      train: { type: 'string' },
      val: { type: 'string' },
      'free-epsilon': { type: 'boolean', default: false },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'auto' },
    },
  });
  const file = positionals[0];
  const model = checkModelName(values.model);
  // One curve is far below every GPU threshold: fit runs the f64 reference whatever the choice.
  checkBackendChoice(values.backend);
  const text = await readInput(file, 'file');
  const curve = file.toLowerCase().endsWith('.json') ? parseCurveJson(text, file) : parseXyCsv(text, file);
  const options: FitOptions = {
    model,
    lts: values.lts,
    alpha: parseNumberFlag(values.alpha, 'alpha', 0.5, 1),
    tau: parseNumberFlag(values.tau, 'tau', 0, 1e6),
    train: parseRange(values.train, 'train'),
    val: parseRange(values.val, 'val'),
    freeEpsilon: values['free-epsilon'],
    seed: parseNumberFlag(values.seed, 'seed', 0, 0xffffffff, true),
  };
  const r = fit(curve as { x: number[]; y: number[] }, options);
  if (values.json) {
    io.out(
      toJson({
        model: r.model,
        params: r.params,
        status: r.status,
        message: r.message,
        objective: r.objective,
        h: r.h,
        inlierMask: r.inlierMask,
        r2Train: r.r2Train,
        r2Val: r.r2Val,
        rmseVal: r.rmseVal,
        standardErrors: r.standardErrors,
        diagnostics: { ...r.diagnostics, stage1Rejected: r.stage1Rejected, ltsTrimmed: r.ltsTrimmed, stage1Params: r.stage1Params, sse: r.sse, score: r.score, hyper: r.hyper, backend: r.backend },
      }),
    );
  } else {
    const fmt = (v: number | null) => (v === null ? '—' : v.toPrecision(6));
    io.out(`model ${r.model}: ${r.status} (${r.message})`);
    for (const [k, v] of Object.entries(r.params)) io.out(`  ${k.padEnd(6)} = ${fmt(v)}  ± ${fmt(r.standardErrors[k] ?? null)}`);
    io.out(`  objective ${fmt(r.objective)}  h ${r.h}  r2Train ${fmt(r.r2Train)}  r2Val ${fmt(r.r2Val)}  rmseVal ${fmt(r.rmseVal)}`);
    io.out(`  Stage-1 rejected [${r.stage1Rejected.join(', ')}]  LTS trimmed [${r.ltsTrimmed.join(', ')}]`);
  }
  return 0;
}

/**
 * LTS statuses that carry coefficients. 'exact-fit' is an estimate: h or more points lie on the raw
 * fit, whose coefficients are exact and whose scales are 0. 'singular' (and 'too-few-points', which
 * the api refuses before the core sees it) leave every number NaN: the command exits 1.
 */
const LTS_ESTIMATES: ReadonlySet<LtsResult['status']> = new Set(['ok', 'exact-fit']);

async function cmdLts(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { alpha: { type: 'string' }, 'no-intercept': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, seed: { type: 'string' } },
  });
  const file = positionals[0];
  const table = parseNumericCsv(await readInput(file, 'file'), file);
  if (table.header.length < 1) throw new TrimfitError('parse-error', file, 'a header with y first', table.header.join(','));
  const y = table.rows.map((r) => r[0]);
  const X = table.rows.map((r) => r.slice(1));
  const r = lts(X, y, { alpha: parseNumberFlag(values.alpha, 'alpha', 0.5, 1), intercept: !values['no-intercept'], seed: parseNumberFlag(values.seed, 'seed', 0, 0xffffffff, true) });
  const fields = { status: r.status, message: r.message, h: r.h, objective: r.objective, rawCoefficients: r.rawCoefficients, coefficients: r.coefficients, rawScale: r.rawScale, scale: r.scale, rawWeights: r.rawWeights, weights: r.weights, best: r.best };
  if (values.json) io.out(toJson(fields));
  else io.out(formatLts(r, y.length));
  if (LTS_ESTIMATES.has(r.status)) return 0;
  if (!values.json) io.err(`trimfit: lts: no estimate (${r.status}): ${r.message}`);
  return 1;
}

async function cmdCeiling(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      search: { type: 'string', default: 'full' },
      json: { type: 'boolean', default: false },
      bootstrap: { type: 'string', default: '200' },
      seed: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      'lts-starts': { type: 'string', default: '16' },
      workers: { type: 'string' },
      'val-losses': { type: 'string' },
    },
  });
  const dir = positionals[0];
  if (!dir) throw new TrimfitError('invalid-input', 'retu-dir', 'a directory path', undefined);
  try {
    await stat(dir);
  } catch {
    throw new TrimfitError('file-not-found', 'retu-dir', 'an existing directory', dir, `retu-dir: no such directory ${dir}`);
  }
  const search = values.search as SearchMode;
  if (!['full', 'released', 'none'].includes(search)) throw new TrimfitError('invalid-option', 'search', 'full, released or none', values.search);
  const resamples = parseNumberFlag(values.bootstrap, 'bootstrap', 0, 100000, true) ?? 0;
  const seed = parseNumberFlag(values.seed, 'seed', 0, 0xffffffff, true);
  const ltsStarts = parseNumberFlag(values['lts-starts'], 'lts-starts', 1, 1e7, true) ?? 16;
  const choice = checkBackendChoice(values.backend);
  const workers = parseNumberFlag(values.workers, 'workers', 1, 1024, true);
  const curves = await readRetuDir(dir);
  const fitter = await createFitter({ backend: choice, workers });
  const rows: CeilingRow[] = [];
  try {
    for await (const row of ceilingRows(curves, { search, fitter, bootstrapResamples: resamples, fit: { seed, ltsStarts } })) rows.push(row);
  } finally {
    await fitter.dispose();
  }
  const regimes = values['val-losses'] ? regimeAnalysis(rows, await readInput(values['val-losses'], 'val-losses'), values['val-losses']) : null;
  const backends = [...new Set(rows.map((r) => (r.backend ? `${r.backend.name} (${r.backend.description}; ${r.backend.reason})` : null)).filter(Boolean))];
  if (values.json) {
    io.out(toJson({ search, curves: rows.map(({ inlierMask: _m, stage1Rejected: _s, ltsTrimmed: _t, band: _b, ...row }) => row), ...(regimes ?? {}) }));
  } else {
    io.out(formatCeilingTable(rows, search));
    io.out(`backend: ${backends.join(' | ')}`);
    if (regimes) io.out(formatRegimes(regimes.regimes, regimes.correlation));
  }
  return 0;
}

async function cmdBench(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string', default: 'auto' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      workers: { type: 'string' },
      retu: { type: 'string' },
      out: { type: 'string', multiple: true, default: [] },
      note: { type: 'string' },
      'budget-ms': { type: 'string' },
      repeats: { type: 'string' },
      'kernel-variant': { type: 'string' },
      'profile-kernels': { type: 'boolean', default: false },
      pipelines: { type: 'boolean', default: false },
    },
  });
  const backend = checkBackendChoice(values.backend);
  // The harness (and with it the subprocess baselines) loads only when asked for.
  const { runNodeBench, runNodeKernelProfile, runNodePipelineSweep } = await import('../bench/node.js');
  const log = (line: string) => io.err(line);
  // Each mode prints its report (JSON or table) and names the files it wrote.
  let result: { report: unknown; table: string; written: string[] };
  if (values['profile-kernels']) result = await runNodeKernelProfile({ quick: values.quick, outDirs: values.out, log });
  else if (values.pipelines) result = await runNodePipelineSweep({ quick: values.quick, outDirs: values.out, log });
  else {
    result = await runNodeBench({
      backend,
      quick: values.quick,
      workers: parseNumberFlag(values.workers, 'workers', 1, 1024, true),
      retuDir: values.retu,
      outDirs: values.out,
      note: values.note,
      budgetMs: parseNumberFlag(values['budget-ms'], 'budget-ms', 1, 3_600_000),
      repeats: parseNumberFlag(values.repeats, 'repeats', 1, 100, true),
      // Checked by the harness against the registry (an unknown name is an invalid-option error).
      kernelVariant: values['kernel-variant'] as LtsKernelVariantName | undefined,
      log,
    });
  }
  const { report, table, written } = result;
  io.out(values.json ? toJson(report) : table);
  for (const path of written) io.err(`wrote ${path}`);
  return 0;
}
