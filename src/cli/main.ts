/**
 * trimfit CLI: `fit`, `lts`, `ceiling` (and `bench`). Exit codes: 0 ok, 2 bad input (with --json a
 * single `{ "error": { code, field, expected, received, message } }` line on stderr), 1 anything
 * else, including an `lts` result without an estimate (its status and message are printed). Never
 * prints a stack trace, also not when the reader of its output goes away (`| head`; see
 * watchOutputStreams).
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text as streamText } from 'node:stream/consumers';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeValue, TrimfitError } from '../api/errors.js';
import { fit } from '../api/fit.js';
import { lts, type LtsResult } from '../api/lts.js';
import { COLUMN_OPTIONS_NAMED, curveFileNotes, parseCurvesFile, parseDecimal, parseNumericCsv, type CurveFileOptions, type CurveFileRead, type ParsedCurve } from '../api/parse.js';
import { checkGridSpec, checkModelName, checkNumber, closeMatches } from '../api/validate.js';
import { MODEL_NAMES } from '../core/models/model.js';
import { DEFAULTS, type FitOptions } from '../api/options.js';
import { readRetuDir } from '../ceiling/retu-node.js';
import type { RetuCurve } from '../ceiling/retu.js';
import { ceilingParams, ceilingRows, RETU_AXIS_LABELS, type CeilingRow, type SearchMode } from '../ceiling/analysis.js';
import { createFitter, type SweepProgress } from '../api/fitter.js';
import type { BackendChoice } from '../backends/select-backend.js';
import { LTS_KERNEL_VARIANTS, type LtsKernelVariantName } from '../backends/webgpu/tuning.js';
import { ceilingOf, formatCeilingTable, formatLts, formatRegimes, formatSweepTable, type SweepRow } from './format.js';
import { FULL_GRID, type GridSpec } from '../core/search.js';
import { fitPlotSpec, plotXs, type FitPlotInput } from '../report/fit-plot.js';
import { plotSvg } from '../report/plot-svg.js';
import type { BackendInfo, FailedFit, FitResult } from '../api/result.js';
import { analyzeSftRegimes, minValLossCeilingCorrelation, type MinLossCeilingCorrelation, type SftRegimeAnalysis, type SftValLoss } from '../ceiling/regimes.js';

/** A numeric option's range, as checkNumber checks it (and names it in its errors). */
interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
  minExclusive?: boolean;
}

interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder of the value in the usage line (string options). */
  arg?: string;
  /** Passed to parseArgs: the value when the option is absent. */
  default?: string | boolean | string[];
  multiple?: boolean;
  /** Numeric options: the range parseCommand's number() checks, also shown in the help. */
  range?: NumberRange;
  /** Shown as the default where parseArgs has none and the library (or the harness) picks it. */
  shownDefault?: string;
  /** What the option does (its range and default are added from the fields above). */
  help: string;
}

interface CommandSpec<K extends string = string> {
  /** The positional operand in the usage line, e.g. '<file.csv>'; none: no positionals accepted. */
  operand?: string;
  /** The command takes one or more operands (shown as `<operand>...`). @default false: exactly one */
  manyOperands?: boolean;
  summary: string;
  options: Record<K, OptionSpec>;
  /** Lines after the options in `<command> --help`. */
  notes?: string[];
}

const SEED_RANGE: NumberRange = { min: 0, max: 0xffffffff, integer: true };
/** Scores (P_sft, a cap or floor): any value in the units of y, within reason. */
const SCORE_RANGE: NumberRange = { min: -1e12, max: 1e12 };
const WORKERS_RANGE: NumberRange = { min: 1, max: 1024, integer: true };
const JSON_OPTION: OptionSpec = { type: 'boolean', default: false, help: 'print the result as one JSON object (errors as one { "error": … } line on stderr)' };
const BACKEND_HELP = 'auto, webgpu or cpu';
const STDIN_NOTE = 'The file - reads standard input (named stdin in the output).';
/** Which CSV columns a curve file's data is in (parseCurvesFile's x, y and curve options); JSON names its fields x and y. */
const COLUMN_OPTIONS = {
  'x-column': { type: 'string', arg: 'NAME', shownDefault: 'x, else step, else global_step', help: 'CSV: the header of the x column, in any letter case (step: TensorBoard\'s and W&B\'s exports)' },
  'y-column': { type: 'string', arg: 'NAME', shownDefault: 'y, else value', help: 'CSV: the header of the y column (value: TensorBoard\'s export). A CSV with neither a y nor a curve column is wide: each column besides x is one curve' },
  'curve-column': { type: 'string', arg: 'NAME', shownDefault: 'curve, else run', help: 'CSV: the header of the curve labels of the long format (one row per point); a column of text not read is named on stderr, since its curves would be fitted as one' },
} as const satisfies Record<string, OptionSpec>;
const BACKEND_ARG = 'auto|webgpu|cpu';

/** Where a curve's P_sft comes from when its file gives none (fit and sweep alike). */
const P_SFT_OPTIONS = {
  'p-sft': {
    type: 'string', arg: 'P', range: SCORE_RANGE, shownDefault: 'none',
    help: "the score y starts from (the paper's P_sft) for curves whose file gives none (a p_sft column, a pSft field): the fit is of the gain y − P_sft, and A_post = P_sft + u is reported (with its interval in sweep)",
  },
  'p-sft-at-x0': {
    type: 'boolean', default: false,
    help: "for curves whose file gives no P_sft: take the mean of the curve's y at x = 0 (the SFT checkpoint evaluated before RL, as a run that validates before training logs it); a curve without a point at x = 0 is an error",
  },
} as const satisfies Record<string, OptionSpec>;

/**
 * Every command's options: parseArgs' configuration, the numeric ranges checked and the help text
 * all come from here, so the three cannot drift apart.
 */
const FIT = {
  operand: '<file.csv|file.json>',
  summary: 'Fits one curve (CSV with columns x,y, or JSON { "x": [...], "y": [...] }) with one setting: Stage-1 rejection and optional LTS. trimfit sweep searches the settings.',
  options: {
    model: { type: 'string', arg: 'M', default: DEFAULTS.model, help: `model: ${MODEL_NAMES.join(', ')}` },
    ...COLUMN_OPTIONS,
    ...P_SFT_OPTIONS,
    lts: { type: 'boolean', default: DEFAULTS.lts, help: 'run Stage 2 (Least Trimmed Squares by C-steps) after Stage 1' },
    alpha: { type: 'string', arg: 'A', range: { min: 0.5, max: 1 }, shownDefault: String(DEFAULTS.alpha), help: 'LTS coverage: the fraction of the Stage-1 survivors kept (with --lts)' },
    tau: { type: 'string', arg: 'T', range: { min: 0, max: 1e6, minExclusive: true }, shownDefault: String(DEFAULTS.tau), help: 'Stage-1 modified z-score threshold' },
    train: { type: 'string', arg: 'a:b', shownDefault: `0:round(${DEFAULTS.trainFraction}·n)`, help: 'train index range [a, b) over the points sorted by x' },
    val: { type: 'string', arg: 'a:b', shownDefault: '<train end>:n', help: 'validation index range [a, b)' },
    'free-epsilon': { type: 'boolean', default: DEFAULTS.freeEpsilon, help: "sigmoid only: fit c0 ≥ 0 (the paper's ε) instead of fixing c0 = 0" },
    seed: { type: 'string', arg: 'S', range: SEED_RANGE, shownDefault: String(DEFAULTS.seed), help: 'seed of the random LTS subsets' },
    backend: {
      type: 'string', arg: BACKEND_ARG, default: 'auto',
      help: `${BACKEND_HELP}; accepted but without effect: one curve is far below every GPU threshold, so fit always runs the f64 CPU reference`,
    },
    json: JSON_OPTION,
  },
  notes: [STDIN_NOTE],
} as const satisfies CommandSpec;

const LTS = {
  operand: '<file.csv>',
  summary: "Linear Least Trimmed Squares (robustbase's ltsReg) of the first column (y) on the others; the CSV has a header row.",
  options: {
    // src/api/lts.ts and src/core/linear-lts.ts both default alpha to 0.5 and the seed to 1.
    alpha: { type: 'string', arg: 'A', range: { min: 0.5, max: 1 }, shownDefault: '0.5', help: 'fraction of the rows the raw fit must cover (1 = least squares)' },
    'no-intercept': { type: 'boolean', default: false, help: 'fit without an intercept' },
    seed: { type: 'string', arg: 'S', range: SEED_RANGE, shownDefault: '1', help: 'seed of the random p-subset starts (used when not every p-subset is tried)' },
    json: JSON_OPTION,
  },
  notes: ["Exit code 1 when the status carries no estimate ('singular'); 'exact-fit' is an estimate (scales 0).", STDIN_NOTE],
} as const satisfies CommandSpec;

const CEILING = {
  operand: '<retu-dir>',
  summary: "The paper's Plasticity–Ceiling table: one sigmoid fit per RL branch of the RETU data release.",
  options: {
    search: { type: 'string', arg: 'full|released|none', default: 'full', help: "full: every curve's split, train start, τ, LTS/α and ε (docs/method.md); released: the authors' per-curve settings; none: one default setting" },
    bootstrap: { type: 'string', arg: 'N', default: '200', range: { min: 0, max: 100000, integer: true }, help: 'bootstrap resamples for the confidence intervals; 0 turns them off' },
    'lts-starts': { type: 'string', arg: 'K', default: '16', range: { min: 1, max: 1e7, integer: true }, help: `LTS candidates per fit (the library's default is ${DEFAULTS.ltsStarts})` },
    seed: { type: 'string', arg: 'S', range: SEED_RANGE, shownDefault: String(DEFAULTS.seed), help: 'seed of every random choice (LTS subsets, bootstrap)' },
    workers: { type: 'string', arg: 'N', range: WORKERS_RANGE, shownDefault: 'the number of CPUs', help: 'CPU worker pool size (on WebGPU the workers run Stage 1 and the polish; 1 keeps them on one thread)' },
    backend: { type: 'string', arg: BACKEND_ARG, default: 'auto', help: `where the LTS candidates run: ${BACKEND_HELP}` },
    plots: { type: 'string', arg: 'DIR', help: "write each branch's figure to DIR/<dataset>_ckpt<step>.svg, as the page draws it: points by role, the fit and its extrapolation, the bootstrap band, the P_sft and A_post lines" },
    'val-losses': { type: 'string', arg: 'losses.json', help: 'SFT validation losses { "<dataset>": [{ "sftStep": 360, "valLoss": 0.52 }, …] }: adds the SFT regimes, the switch step and, over 3+ datasets, the loss–ceiling correlation' },
    json: JSON_OPTION,
  },
} as const satisfies CommandSpec;

const SWEEP = {
  operand: '<file.csv|file.json>',
  manyOperands: true,
  summary: 'Searches every curve of the files over the hyperparameter grid and picks each one\'s setting by its validation score, as the page\'s sweep does. CSV x,y (one curve, named after the file), curve,x,y (one per label) or x,<curve>,<curve>,… (wide: one per column, empty cells no points, as W&B exports them), separated by commas, tabs or semicolons; JSON { "x": [...], "y": [...] }, an array of them with "id", or one object per row (pandas\' orient="records").',
  options: {
    model: { type: 'string', arg: 'M', default: DEFAULTS.model, help: `model: ${MODEL_NAMES.join(', ')}` },
    ...COLUMN_OPTIONS,
    search: { type: 'string', arg: 'full|none', default: 'full', help: "full: every curve's split, train start, τ, LTS/α and, for the sigmoid, ε (docs/method.md); none: one default setting" },
    'train-ends': { type: 'string', arg: 'F,…', shownDefault: FULL_GRID.trainEndFractions.join(','), help: 'with --search full: the train ranges\' ends, as fractions of the points in (0, 1] (the points after are the validation points)' },
    'train-starts': { type: 'string', arg: 'F,…', shownDefault: FULL_GRID.trainStartFractions.join(','), help: 'with --search full: the train ranges\' starts, as fractions of the points in [0, 1]' },
    taus: { type: 'string', arg: 'T,…', shownDefault: FULL_GRID.taus.join(','), help: 'with --search full: the Stage-1 thresholds τ, each in (0, 1000000]' },
    alphas: { type: 'string', arg: 'off|A,…', shownDefault: FULL_GRID.ltsAlphas.map((a) => a ?? 'off').join(','), help: 'with --search full: LTS off and/or its coverages α in [0.5, 1]' },
    epsilon: { type: 'string', arg: 'fixed|free,…', shownDefault: 'fixed,free', help: 'with --search full, sigmoid only: ε fixed at 0 and/or free' },
    bootstrap: { type: 'string', arg: 'N', default: '200', range: { min: 0, max: 100000, integer: true }, help: 'bootstrap resamples for the 95% intervals of the parameters; 0 turns them off' },
    ...P_SFT_OPTIONS,
    'score-cap': { type: 'string', arg: 'C', range: SCORE_RANGE, shownDefault: 'none', help: 'highest possible score (100 for percentages): bounds u so that A_post ≤ C' },
    'score-floor': { type: 'string', arg: 'F', range: SCORE_RANGE, shownDefault: 'none', help: 'lowest possible score (0 for percentages): bounds u so that A_post ≥ F' },
    'lts-starts': { type: 'string', arg: 'K', range: { min: 1, max: 1e7, integer: true }, shownDefault: String(DEFAULTS.ltsStarts), help: 'LTS candidates per fit' },
    plots: { type: 'string', arg: 'DIR', help: "write each curve's figure to DIR/<curve>.svg: its points by role (train, validation, rejected, trimmed), the fit and its extrapolation, the bootstrap band, the P_sft and A_post lines" },
    seed: { type: 'string', arg: 'S', range: SEED_RANGE, shownDefault: String(DEFAULTS.seed), help: 'seed of every random choice (LTS subsets, bootstrap); each curve\'s is mixed with its id' },
    workers: { type: 'string', arg: 'N', range: WORKERS_RANGE, shownDefault: 'the number of CPUs', help: 'CPU worker pool size (on WebGPU the workers run Stage 1 and the polish; 1 keeps them on one thread)' },
    backend: { type: 'string', arg: BACKEND_ARG, default: 'auto', help: `where the LTS candidates run: ${BACKEND_HELP}` },
    json: JSON_OPTION,
  },
  notes: ['A curve that cannot be fitted (too few points, x outside the model\'s domain, …) or whose sums overflow (y near 1e300) gets the status failed or non-finite and its reason; the others are fitted and printed, and the command exits 1. A fit that ends singular or at the iteration limit is printed with its reason below the table.', STDIN_NOTE],
} as const satisfies CommandSpec;

const BENCH = {
  summary: 'The benchmark: trimfit on each backend against R robustbase, SciPy and ml-levenberg-marquardt where installed.',
  options: {
    backend: { type: 'string', arg: BACKEND_ARG, default: 'auto', help: 'auto: every backend available; cpu: single-thread and workers; webgpu: all three (an error without an adapter)' },
    quick: { type: 'boolean', default: false, help: 'small sizes and one warm repeat (about a minute on 2 cores)' },
    'budget-ms': { type: 'string', arg: 'MS', range: { min: 1, max: 3_600_000 }, shownDefault: '20000, 1500 with --quick', help: 'time allowed for the runs of one row' },
    repeats: { type: 'string', arg: 'K', range: { min: 1, max: 100, integer: true }, shownDefault: '3, 1 with --quick', help: 'warm repeats per row' },
    workers: { type: 'string', arg: 'N', range: WORKERS_RANGE, shownDefault: 'the number of CPUs', help: 'worker pool size' },
    'kernel-variant': { type: 'string', arg: 'NAME', shownDefault: "the adapter's default", help: `layout of the WebGPU candidate kernel: ${Object.keys(LTS_KERNEL_VARIANTS).join(', ')}` },
    retu: { type: 'string', arg: 'DIR', shownDefault: 'the first of $RETU_DIR, ../shared/data/retu, .gpu-bundle/retu that exists', help: 'RETU data folder for the paper-search case' },
    out: { type: 'string', arg: 'DIR', multiple: true, default: [], help: 'write the JSON report into DIR (repeatable); without it nothing is written (npm run bench adds --out bench/results)' },
    note: { type: 'string', arg: 'TEXT', help: 'free-text note stored in the report' },
    json: { type: 'boolean', default: false, help: 'print the report as JSON instead of the table' },
    'profile-kernels': { type: 'boolean', default: false, help: 'instead of the benchmark: time every kernel layout on this GPU' },
    pipelines: { type: 'boolean', default: false, help: 'instead of the benchmark: case (a) end to end with each chunking of the WebGPU pipeline' },
  },
} as const satisfies CommandSpec;

const COMMANDS = { fit: FIT, sweep: SWEEP, lts: LTS, ceiling: CEILING, bench: BENCH } as const;
type CommandName = keyof typeof COMMANDS;

const HELP_WIDTH = 100;

/**
 * `words` (a text's words, or whole usage items) in lines of at most HELP_WIDTH: the first line
 * starts with `first`, the others with `indent` spaces.
 */
function wrap(first: string, words: string | string[], indent: number): string[] {
  const lines: string[] = [];
  let line = first.padEnd(indent);
  let fresh = true;
  for (const word of typeof words === 'string' ? words.split(' ') : words) {
    if (!fresh && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent);
      fresh = true;
    }
    line += (fresh ? '' : ' ') + word;
    fresh = false;
  }
  lines.push(line);
  return lines;
}

/** The name a command's table is filed under in COMMANDS. */
function commandOf(spec: CommandSpec): string {
  return Object.keys(COMMANDS).find((name) => COMMANDS[name as CommandName] === spec) ?? '';
}

/** An unknown command, with the commands it may be a misspelling of. */
function unknownCommand(command: string): TrimfitError {
  const names = Object.keys(COMMANDS);
  const close = closeMatches(command, names);
  const expected = names.join(', ').replace(/, ([^,]+)$/, ' or $1');
  return new TrimfitError('invalid-option', 'command', expected, command, `command: expected ${expected}, received ${describeValue(command)}${close.length > 0 ? ` (did you mean ${close.join(' or ')}?)` : ''}`);
}

/** `trimfit <command> <operand> [--option ARG] …`, continued under the operand. */
function usageLines(command: CommandName): string[] {
  const spec: CommandSpec = COMMANDS[command];
  const head = `  trimfit ${command}`;
  const items = [...(spec.operand !== undefined ? [`${spec.operand}${spec.manyOperands ? '...' : ''}`] : []), ...Object.entries(spec.options).map(([name, o]) => `[--${name}${o.arg ? ` ${o.arg}` : ''}]${o.multiple ? '...' : ''}`)];
  return wrap(head, items, head.length + 1);
}

function rangeText(r: NumberRange): string {
  return `${r.integer ? 'an integer' : 'a number'} in ${r.minExclusive ? '(' : '['}${r.min}, ${r.max}]`;
}

/** `trimfit <command> --help`: the usage line, what the command does and every option with its range and default. */
function commandHelp(command: CommandName): string {
  const spec: CommandSpec = COMMANDS[command];
  const names = Object.entries(spec.options).map(([name, o]) => `  --${name}${o.arg ? ` ${o.arg}` : ''}`);
  const column = Math.max(...names.map((n) => n.length)) + 2;
  const options = Object.values(spec.options).flatMap((o, i) => {
    const shown = o.shownDefault ?? (typeof o.default === 'string' ? o.default : undefined);
    const facts = [o.range ? rangeText(o.range) : null, shown !== undefined ? `default ${shown}` : null].filter((f): f is string => f !== null);
    // "default" stays on the line of the value that follows it.
    const words = [o.help, ...facts].join('; ').split(' ').reduce<string[]>((out, w) => (out.at(-1) === 'default' ? [...out.slice(0, -1), `default ${w}`] : [...out, w]), []);
    return wrap(names[i].padEnd(column), words, column);
  });
  return ['usage:', ...usageLines(command), '', ...wrap('', spec.summary, 0), '', 'options:', ...options, ...(spec.notes ? ['', ...spec.notes.flatMap((n) => wrap('', n, 0))] : [])].join('\n');
}

const USAGE = ['usage:', ...(Object.keys(COMMANDS) as CommandName[]).flatMap(usageLines), '', 'Run `trimfit <command> --help` for what each option does, its range and its default.'].join('\n');

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /**
   * A status line that replaces the previous one (a terminal's progress), or undefined where
   * there is no terminal to redraw: then nothing is shown, so pipes and logs get no carriage
   * returns. `status(null)` clears it.
   */
  status?: (line: string | null) => void;
  /** The whole of standard input, for the file operand `-`. */
  stdin?: () => Promise<string>;
}

/** stdout or stderr once its reader has gone (EPIPE): later lines for it are dropped. */
const readerGone = new Set<NodeJS.WriteStream>();
/** Set when a write failed for another reason (a full disk, EIO): output the reader wanted is lost. */
let writeFailed = false;

function writeLine(stream: NodeJS.WriteStream, line: string): void {
  if (!readerGone.has(stream)) stream.write(line + '\n');
}

const defaultIo: Io = {
  out: (s) => writeLine(process.stdout, s),
  err: (s) => writeLine(process.stderr, s),
  status: process.stderr.isTTY ? (line) => { if (!readerGone.has(process.stderr)) process.stderr.write(`\r\x1b[K${line ?? ''}`); } : undefined,
  stdin: () => streamText(process.stdin),
};

/**
 * Progress of a sweep on the status line: curves done, rate and the time left. Cleared before
 * any output is written (`done`).
 */
function sweepProgress(io: Io): { onProgress?: (p: SweepProgress) => void; done: () => void } {
  const status = io.status;
  if (!status) return { done: () => undefined };
  return {
    onProgress: (p) => status(`trimfit: ${p.curvesDone}${p.curvesTotal === null ? '' : `/${p.curvesTotal}`} curves, ${p.fitsDone} fits${p.remainingMs === null ? '' : `, about ${Math.ceil(p.remainingMs / 1000)} s left`}`),
    done: () => status(null),
  };
}

let watchingStreams = false;

/**
 * A reader that stops early (`trimfit ceiling … | head -3`) closes the pipe; the next write fails
 * with EPIPE, emitted as an 'error' event that, unhandled, ended the process with a stack trace
 * and status 1. The reader has what it wanted, so the rest of the output is dropped without a
 * word and the command ends with its own status: 0 when it succeeded (as `cmd | head` looks to
 * the shell for tools that die of SIGPIPE, without failing a `set -o pipefail` script for the
 * reader's choice), and still 1 or 2 when it failed. The output is written at the end of each
 * command, so little work is left to finish. Other write errors are failures (status 1).
 */
function watchOutputStreams(): void {
  if (watchingStreams) return;
  watchingStreams = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // ERR_STREAM_DESTROYED: a write queued before the first error was reported.
      if (readerGone.has(stream) || e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
        readerGone.add(stream);
        return;
      }
      readerGone.add(stream);
      writeFailed = true;
      process.exitCode = 1;
      if (stream === process.stdout) writeLine(process.stderr, `trimfit: cannot write the output: ${e.message}`);
    });
  }
}

/** JSON with non-finite numbers as null (JSON has no NaN/Infinity). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  if (io !== defaultIo) return run(argv, io);
  watchOutputStreams();
  const status = await run(argv, io);
  return writeFailed && status === 0 ? 1 : status;
}

async function run(argv: string[], io: Io): Promise<number> {
  const json = argv.includes('--json');
  try {
    const [command, ...rest] = argv;
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(Object.hasOwn(COMMANDS, command) ? commandHelp(command as CommandName) : USAGE);
      return 0;
    }
    switch (command) {
      case 'fit':
        return await cmdFit(rest, io);
      case 'sweep':
        return await cmdSweep(rest, io);
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
        throw unknownCommand(command);
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

/** parseArgs' own errors (unknown flag, missing value) are bad input too. */
function asTrimfitError(e: unknown): TrimfitError | null {
  if (e instanceof TrimfitError) return e;
  const code = (e as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return new TrimfitError('invalid-option', 'arguments', 'see trimfit --help', (e as Error).message, (e as Error).message);
  return null;
}

/** The operand that reads standard input, as in most Unix tools; its data is named STDIN_NAME. */
const STDIN_OPERAND = '-';
const STDIN_NAME = 'stdin';
/** How a file operand is named in tables and errors. */
const inputName = (path: string): string => (path === STDIN_OPERAND ? STDIN_NAME : path);

async function readInput(path: string | undefined, field: string, io: Io): Promise<string> {
  if (!path) throw new TrimfitError('invalid-input', field, 'a file path', undefined);
  if (path === STDIN_OPERAND) {
    if (!io.stdin) throw new TrimfitError('invalid-input', field, 'a file path (this caller has no standard input)', path);
    return io.stdin();
  }
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

/**
 * parseArgs with the command's table (COMMANDS), and typed access to the values: number(name)
 * checks the option's range from the same table.
 */
function parseCommand<K extends string>(spec: CommandSpec<K>, args: string[]) {
  const options = Object.fromEntries(
    Object.entries<OptionSpec>(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.default !== undefined ? { default: o.default } : {}) }]),
  ) as ParseArgsConfig['options'];
  checkOptionNames(spec, args);
  const parsed = parseArgs({ args: joinDashValues(spec, args), allowPositionals: spec.operand !== undefined, options });
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const positionals = parsed.positionals;
  if (spec.operand !== undefined && positionals.length === 0) {
    throw TrimfitError.fromJSON({ code: 'invalid-input', field: 'arguments', expected: `the operand ${spec.operand}`, received: 'nothing', message: `arguments: missing the operand ${spec.operand}: trimfit ${commandOf(spec)} ${spec.operand} [options] (see trimfit ${commandOf(spec)} --help)` });
  }
  // Each command reads one operand: a second one (`fit a.csv b.csv`) would be silently ignored.
  if (positionals.length > 1 && !spec.manyOperands) {
    const extra = positionals.slice(1).join(' ');
    throw new TrimfitError('invalid-option', 'arguments', `one operand ${spec.operand}`, extra, `arguments: expected one operand ${spec.operand}, received extra arguments: ${extra}`);
  }
  return {
    positionals,
    string: (name: K) => values[name] as string | undefined,
    strings: (name: K) => (values[name] ?? []) as string[],
    flag: (name: K) => values[name] === true,
    number: (name: K): number | undefined => {
      const range = spec.options[name].range;
      if (!range) throw new Error(`option --${name} has no range`);
      return parseNumberFlag(values[name] as string | undefined, name, range);
    },
  };
}

/**
 * An option the command does not have, named with the command's closest ones: parseArgs' own
 * message ("Unknown option '--tua'. To specify a positional argument starting with a '-', …")
 * names neither the command nor what was meant. Arguments after `--` are operands.
 */
function checkOptionNames(spec: CommandSpec, args: string[]): void {
  const known = Object.keys(spec.options);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return;
    // A letter after one dash is a short option, which no command has; -1 or -.5 is a value.
    const long = /^--([^=]+)/.exec(arg)?.[1];
    const name = long ?? /^-([A-Za-z].*)$/.exec(arg)?.[1];
    if (name === undefined) continue;
    if (long !== undefined && Object.hasOwn(spec.options, long)) {
      // A string option's value is the next argument, whatever it looks like.
      if (spec.options[name].type === 'string' && !arg.includes('=')) i++;
      continue;
    }
    const close = closeMatches(name, known).map((k) => `--${k}`);
    const hint = close.length > 0 ? `did you mean ${close.join(' or ')}?` : `the options are ${known.map((k) => `--${k}`).join(', ')}`;
    const given = long !== undefined ? `--${name}` : `-${name}`;
    throw new TrimfitError('invalid-option', given, close.length > 0 ? `a known option (${hint})` : `one of ${known.map((k) => `--${k}`).join(', ')}`, given, `${given}: unknown option of trimfit ${commandOf(spec)}; ${hint}`);
  }
}

/**
 * parseArgs refuses `--tau -1` as ambiguous (the value looks like an option), so the range check
 * never got to name the option and the value. For the command's string options, a following
 * argument with a single leading dash (-1, -.5, -1:5) is joined as `--tau=-1`; one with two dashes
 * stays an option of its own, so a forgotten value (`--val-losses --json`) is still reported as one.
 */
function joinDashValues(spec: CommandSpec, args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return [...out, ...args.slice(i)];
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name !== undefined && Object.hasOwn(spec.options, name) && spec.options[name].type === 'string' && next?.startsWith('-') && !next.startsWith('--')) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

/** A numeric option's text as a number in `range`; errors name the text received ("abc"), not NaN. */
function parseNumberFlag(text: string | undefined, field: string, range: NumberRange): number | undefined {
  if (text === undefined) return undefined;
  const v = parseDecimal(text.trim());
  if (v === null || !Number.isFinite(v)) throw new TrimfitError('invalid-option', field, rangeText(range), text);
  return checkNumber(v, field, range.min, range.max, { integer: range.integer, minExclusive: range.minExclusive });
}

/** `--val-losses`: the file and its checkpoints per dataset, in the file's order. */
interface ValLosses {
  file: string;
  datasets: [dataset: string, losses: SftValLoss[]][];
}

/**
 * The SFT regimes of one dataset (analyzeSftRegimes), its errors naming the option and the
 * dataset (`val-losses: Easy102K[0].sftStep`) rather than the function's own `valLosses[0]`.
 */
function datasetRegimes(file: string, dataset: string, valLosses: SftValLoss[], ceilings?: { sftStep: number; aPost: number }[]): SftRegimeAnalysis {
  try {
    return analyzeSftRegimes({ dataset, valLosses, ceilings });
  } catch (e) {
    if (!(e instanceof TrimfitError) || !e.field.startsWith('valLosses')) throw e;
    const field = `val-losses: ${dataset}${e.field.slice('valLosses'.length)}`;
    throw e.withField(field, `val-losses (${file}): ${field.slice('val-losses: '.length)}: expected ${e.expected}, received ${e.received}`);
  }
}

/**
 * `--val-losses file.json`: `{ "<dataset>": [{ "sftStep": 360, "valLoss": 0.52 }, …], … }`,
 * checked before any fit runs (a bad file would otherwise fail only after the whole table): JSON,
 * shape, every dataset one of the RETU data's, every checkpoint a valid step and loss.
 */
function checkValLosses(text: string, file: string, knownDatasets: readonly string[]): ValLosses {
  const fail = (code: 'parse-error' | 'invalid-input', where: string, expected: string, received: unknown, detail?: string) =>
    new TrimfitError(code, where ? `val-losses: ${where}` : 'val-losses', expected, received, `val-losses (${file})${where ? `: ${where}` : ''}: ${detail ?? `expected ${expected}, received ${describeValue(received)}`}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw fail('parse-error', '', 'valid JSON', (e as Error).message, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw fail('parse-error', '', 'an object { dataset: [{ sftStep, valLoss }] }', doc);
  const entries = Object.entries(doc as Record<string, unknown>);
  if (entries.length === 0) throw fail('invalid-input', '', 'at least one dataset', 'an empty object');
  const datasets = entries.map(([dataset, losses]): [string, SftValLoss[]] => {
    if (!knownDatasets.includes(dataset)) throw fail('invalid-input', dataset, `a dataset of the RETU data (${knownDatasets.join(', ')})`, dataset);
    if (!Array.isArray(losses)) throw fail('parse-error', dataset, 'an array of { sftStep, valLoss }', losses);
    losses.forEach((l, i) => {
      if (typeof l !== 'object' || l === null || Array.isArray(l)) throw fail('parse-error', `${dataset}[${i}]`, 'an object { sftStep, valLoss }', l);
    });
    datasetRegimes(file, dataset, losses as SftValLoss[]);
    return [dataset, losses as SftValLoss[]];
  });
  return { file, datasets };
}

/**
 * Each dataset's checkpoints get the paper's SFT regimes with the fitted A_post of their RL branch,
 * and across datasets (3 or more) the correlation of minimum validation loss with the best A_post.
 */
function regimeAnalysis(rows: CeilingRow[], { file, datasets }: ValLosses): { regimes: SftRegimeAnalysis[]; correlation: MinLossCeilingCorrelation | null } {
  const regimes = datasets.map(([dataset, losses]) => {
    const steps = new Set(losses.map((l) => l.sftStep));
    const ceilings = rows.filter((r) => r.dataset === dataset && steps.has(r.sftStep) && Number.isFinite(r.aPost)).map((r) => ({ sftStep: r.sftStep, aPost: r.aPost }));
    return datasetRegimes(file, dataset, losses, ceilings);
  });
  const withCeilings = regimes.filter((r) => r.highestAPost !== null);
  return { regimes, correlation: withCeilings.length >= 3 ? minValLossCeilingCorrelation(withCeilings) : null };
}

/** parseCurvesFile with the column flags, whose errors name those flags rather than the library's option. */
async function readCurvesFile(file: string, options: CurveFileOptions, io: Io): Promise<CurveFileRead> {
  const text = await readInput(file, 'file', io);
  try {
    return parseCurvesFile(inputName(file), text, options);
  } catch (e) {
    if (!(e instanceof TrimfitError) || !e.expected.includes(COLUMN_OPTIONS_NAMED)) throw e;
    const flags = 'other headers through --x-column, --y-column, --curve-column';
    const details = e.toJSON();
    throw TrimfitError.fromJSON({ ...details, expected: details.expected.replace(COLUMN_OPTIONS_NAMED, flags), message: details.message.replace(COLUMN_OPTIONS_NAMED, flags) });
  }
}

/** curveFileNotes on stderr; not with --json, whose stderr carries errors only: the JSON lists them. */
function readNotes(file: string, read: CurveFileRead, io: Io, json: boolean): void {
  if (json) return;
  for (const line of curveFileNotes(file, read, 'name it with --curve-column')) io.err(line);
}

/** How fit and sweep read their files: the column flags and --p-sft-at-x0, which --p-sft excludes. */
function curveReadOptions(opt: {
  string: (name: keyof typeof COLUMN_OPTIONS) => string | undefined;
  flag: (name: 'p-sft-at-x0') => boolean;
  number: (name: 'p-sft') => number | undefined;
}): CurveFileOptions {
  const pSftAtX0 = opt.flag('p-sft-at-x0');
  const pSft = opt.number('p-sft');
  if (pSftAtX0 && pSft !== undefined) throw new TrimfitError('invalid-option', 'p-sft-at-x0', 'not with --p-sft (each gives the P_sft of curves whose file gives none)', `--p-sft ${pSft}`);
  return { ...csvColumns(opt), pSftAtX0 };
}

/** Where a read curve's P_sft came from, for the JSON: its file, its y at x = 0, or --p-sft. */
function pSftSource(c: ParsedCurve): 'file' | 'x0' | 'option' {
  return c.pSftFromX0 ? 'x0' : c.pSft !== undefined ? 'file' : 'option';
}

/** --x-column, --y-column and --curve-column as parseCurvesFile's options. */
function csvColumns(opt: { string: (name: keyof typeof COLUMN_OPTIONS) => string | undefined }): CurveFileOptions {
  const out: CurveFileOptions = {};
  for (const [flag, key] of [['x-column', 'x'], ['y-column', 'y'], ['curve-column', 'curve']] as const) {
    const v = opt.string(flag);
    if (v === undefined) continue;
    // Headers are trimmed when read, so a blank name could never match one.
    if (v.trim() === '') throw new TrimfitError('invalid-option', flag, 'a column header', 'an empty name');
    out[key] = v.trim();
  }
  return out;
}

function checkBackendChoice(value: unknown): BackendChoice {
  if (value !== 'auto' && value !== 'webgpu' && value !== 'cpu') throw new TrimfitError('invalid-option', 'backend', 'auto, webgpu or cpu', value);
  return value;
}

async function cmdFit(args: string[], io: Io): Promise<number> {
  const opt = parseCommand(FIT, args);
  const file = opt.positionals[0];
  const model = checkModelName(opt.string('model'));
  // Only the sigmoid has a c0 (ε) to free; the other models would ignore the flag.
  if (opt.flag('free-epsilon') && model !== 'sigmoid') throw new TrimfitError('invalid-option', 'free-epsilon', '--model sigmoid (the only model with an ε)', `--model ${model}`);
  // One curve is far below every GPU threshold: fit runs the f64 reference whatever the choice.
  checkBackendChoice(opt.string('backend'));
  const read = await readCurvesFile(file, curveReadOptions(opt), io);
  const { curves } = read;
  readNotes(inputName(file), read, io, opt.flag('json'));
  if (curves.length > 1) throw new TrimfitError('invalid-input', 'file', 'one curve (trimfit sweep fits a file of several)', `${curves.length} curves`, `file: ${file} holds ${curves.length} curves (${curves.slice(0, 3).map((c) => c.id).join(', ')}${curves.length > 3 ? ', …' : ''}); fit takes one, trimfit sweep fits them all`);
  const curve = curves[0];
  const options: FitOptions = {
    model,
    lts: opt.flag('lts'),
    alpha: opt.number('alpha'),
    tau: opt.number('tau'),
    train: parseRange(opt.string('train'), 'train'),
    val: parseRange(opt.string('val'), 'val'),
    freeEpsilon: opt.flag('free-epsilon'),
    seed: opt.number('seed'),
  };
  // A P_sft (the file's, its y at x = 0, or --p-sft) makes y the score, as in sweep: the fit is of
  // the gain over it.
  const pSft = curve.pSft ?? opt.number('p-sft');
  const r = fit({ x: curve.x, y: gainOver(curve.y, pSft) }, pSft === undefined ? options : { ...options, pSft });
  const { aPost } = ceilingOf({ pSft, result: r });
  if (opt.flag('json')) {
    const columns = { ...(read.skippedColumns.length > 0 ? { columnsSkipped: read.skippedColumns } : {}), ...(read.textColumnsNotRead.length > 0 ? { textColumnsNotRead: read.textColumnsNotRead } : {}) };
    io.out(toJson({ ...fitJson(r), ...(pSft === undefined ? {} : { pSft, pSftSource: pSftSource(curve) }), ...(aPost === undefined ? {} : { aPost }), ...columns }));
  } else {
    // ∞ is a standard error the data cannot identify; '—' a number that is not there.
    const fmt = (v: number | null) => (v === null || Number.isNaN(v) ? '—' : v === Infinity ? '∞' : v === -Infinity ? '-∞' : v.toPrecision(6));
    io.out(`model ${r.model}: ${r.status} (${r.message})`);
    if (pSft !== undefined) io.out(`  fitted to the gain y − P_sft, P_sft = ${fmt(pSft)}${aPost === undefined ? '' : `; A_post = P_sft + u = ${fmt(aPost)}`}`);
    for (const [k, v] of Object.entries(r.params)) io.out(`  ${k.padEnd(6)} = ${fmt(v)}  ± ${fmt(r.standardErrors[k] ?? null)}`);
    io.out(`  objective ${fmt(r.objective)}  h ${r.h}  r2Train ${fmt(r.r2Train)}  r2Val ${fmt(r.r2Val)}  rmseVal ${fmt(r.rmseVal)}`);
    io.out(`  Stage-1 rejected [${r.stage1Rejected.join(', ')}]  LTS trimmed [${r.ltsTrimmed.join(', ')}]`);
    for (const w of r.warnings) io.out(`  warning (${w.code}): ${w.message}`);
  }
  return 0;
}

/** The backends that ran a table's fits, each once, as "name (description; reason)"; null for a failed curve. */
function backendsUsed(infos: ReadonlyArray<BackendInfo | null>): string[] {
  return [...new Set(infos.flatMap((b) => (b ? [`${b.name} (${b.description}; ${b.reason})`] : [])))];
}

/** A fit as `fit --json` prints it (and `sweep --json` per curve). */
function fitJson(r: FitResult) {
  return {
    model: r.model,
    params: r.params,
    status: r.status,
    success: r.success,
    message: r.message,
    objective: r.objective,
    h: r.h,
    inlierMask: r.inlierMask,
    r2Train: r.r2Train,
    r2Val: r.r2Val,
    rmseVal: r.rmseVal,
    standardErrors: r.standardErrors,
    warnings: r.warnings,
    diagnostics: { ...r.diagnostics, stage1Rejected: r.stage1Rejected, ltsTrimmed: r.ltsTrimmed, stage1Params: r.stage1Params, sse: r.sse, score: r.score, hyper: r.hyper, backend: r.backend },
  };
}

async function cmdSweep(args: string[], io: Io): Promise<number> {
  const opt = parseCommand(SWEEP, args);
  const files = opt.positionals;
  const model = checkModelName(opt.string('model'));
  const search = opt.string('search');
  if (search !== 'full' && search !== 'none') throw new TrimfitError('invalid-option', 'search', 'full or none', search);
  const grid = sweepGrid(opt, search, model);
  // Has a parseArgs default (SWEEP), so it is never undefined.
  const resamples = opt.number('bootstrap') as number;
  const ltsStarts = opt.number('lts-starts');
  const seed = opt.number('seed');
  const choice = checkBackendChoice(opt.string('backend'));
  const workers = opt.number('workers');
  const scoreCap = opt.number('score-cap');
  const scoreFloor = opt.number('score-floor');
  const pSftOption = opt.number('p-sft');
  // The score bounds are the sigmoid's (they bound u); the library refuses them for other models
  // under its own names (scoreCap), which are not the options given here.
  if (model !== 'sigmoid') {
    for (const [name, v] of [['score-cap', scoreCap], ['score-floor', scoreFloor]] as const) {
      if (v !== undefined) throw new TrimfitError('invalid-option', name, "--model sigmoid (the score bounds bound the sigmoid's u)", `--model ${model}`);
    }
  }
  const floor = scoreFloor ?? -Infinity;
  const cap = scoreCap ?? Infinity;
  if (floor > cap) throw new TrimfitError('invalid-option', 'score-floor', `at most --score-cap (${cap})`, floor);
  // Every file is read and checked before any fit: a bad one fails at once, naming it.
  const readOptions = curveReadOptions(opt);
  const curves: Array<ParsedCurve & { file: string; json: boolean }> = [];
  // Standard input can be read once.
  const stdinCount = files.filter((f) => f === STDIN_OPERAND).length;
  if (stdinCount > 1) throw new TrimfitError('invalid-input', 'file', `the operand ${STDIN_OPERAND} (standard input) at most once`, `${stdinCount} times`);
  // Columns skipped or not read, per file (readNotes); with --json they go into the JSON.
  const skipped: Record<string, string[]> = {};
  const textNotRead: Record<string, string[]> = {};
  for (const operand of files) {
    const file = inputName(operand);
    const read = await readCurvesFile(operand, readOptions, io);
    if (read.skippedColumns.length > 0) skipped[file] = read.skippedColumns;
    if (read.textColumnsNotRead.length > 0) textNotRead[file] = read.textColumnsNotRead;
    readNotes(file, read, io, opt.flag('json'));
    curves.push(...read.curves.map((c) => ({ ...c, file, json: read.format.startsWith('json') })));
  }
  // A curve with a P_sft is fitted as its gain over it, as the paper does.
  const pSfts = curves.map((c) => c.pSft ?? pSftOption);
  // A P_sft outside [floor, cap] leaves u no room; the library failed each such curve after the
  // files were read, naming curves[k].pSft or .scoreFloor instead of the file's column or the
  // option. Without a P_sft the sigmoid starts at c0 ≥ 0, so 0 takes its place.
  curves.forEach((c, k) => {
    const start = pSfts[k] ?? 0;
    if (start >= floor && start <= cap) return;
    if (pSfts[k] === undefined) {
      const [name, bound] = floor > 0 ? ['score-floor', floor] : ['score-cap', cap];
      throw new TrimfitError('invalid-option', name, `${name === 'score-floor' ? 'at most' : 'at least'} 0 for curve "${c.id}", which has no P_sft (a p_sft column, a pSft field, --p-sft or --p-sft-at-x0): the fit starts at 0`, bound);
    }
    const fromFile = c.pSft !== undefined;
    const field = c.pSftFromX0 ? `${subfield(c, 'y', 'y')} at x = 0` : fromFile ? subfield(c, 'pSft', 'p_sft') : 'p-sft';
    throw new TrimfitError(fromFile ? 'invalid-input' : 'invalid-option', field, `a score in [${floor}, ${cap}] (--score-floor, --score-cap)`, pSfts[k]);
  });
  // What each curve is fitted to, and drawn from: the gain over its P_sft, or y as read.
  const gains = curves.map((c, k) => gainOver(c.y, pSfts[k]));
  const plotsDir = opt.string('plots');
  const fitter = await createFitter({ backend: choice, workers });
  const rows: Array<SweepRow & { file: string; settingsTried: number; bestSetting: number }> = [];
  const progress = sweepProgress(io);
  try {
    const sweep = fitter.fitSweep(
      curves.map(({ id, x }, k) => ({
        id,
        x,
        y: gains[k],
        ...(pSfts[k] === undefined ? {} : { pSft: pSfts[k] }),
        // The figures' band: the bootstrap's predictions at the x values the curve is drawn at.
        ...(plotsDir !== undefined && resamples > 0 ? { predictAt: plotXs(x, model) } : {}),
      })),
      { model, grid: grid ?? 'single', bootstrap: { resamples, level: 0.95 }, ltsStarts, seed, scoreCap, scoreFloor, onProgress: progress.onProgress },
    );
    for await (const item of sweep) {
      const c = curves[item.index];
      const result = item.result.status === 'failed' ? failedInFile(item.result as FailedFit, item.index, c) : item.result;
      rows.push({ id: item.id, file: c.file, n: c.x.length, pSft: pSfts[item.index], result, settingsTried: item.settingsTried, bestSetting: item.bestSetting });
    }
  } finally {
    progress.done();
    await fitter.dispose();
  }
  // A non-finite fit has no estimate either (its parameters are the solver's start): the command
  // fails for it as for a curve that could not be fitted.
  const failed = rows.filter((r) => r.result.status === 'failed' || r.result.status === 'non-finite').length;
  // Named as the table names them: a curve name two files share comes with its file.
  const idCounts = new Map<string, number>();
  for (const r of rows) idCounts.set(r.id, (idCounts.get(r.id) ?? 0) + 1);
  const names = rows.map((r, k) => (idCounts.get(r.id)! > 1 ? (curves[k].field === r.file ? `${r.id} (${r.file})` : curves[k].field) : r.id));
  const plots = plotsDir === undefined ? null : await writeFigures(plotsDir, rows.map((row, k) => ({ name: names[k], input: sweepFigure(row, names[k], { x: curves[k].x, y: gains[k], xLabel: curves[k].xLabel, yLabel: curves[k].yLabel }) })));
  if (opt.flag('json')) {
    io.out(toJson({
      files: files.map(inputName),
      ...(Object.keys(skipped).length > 0 ? { columnsSkipped: skipped } : {}),
      ...(Object.keys(textNotRead).length > 0 ? { textColumnsNotRead: textNotRead } : {}),
      model,
      search,
      ...(grid ? { grid } : {}),
      curves: rows.map(({ id, file, n, pSft, settingsTried, bestSetting, result }, k) => ({
        ...(result.status === 'failed' ? { id, file, n, pSft, settingsTried, ...result } : { id, file, n, pSft, settingsTried, bestSetting, ...fitJson(result as FitResult), ...ceilingOf({ pSft, result }), ci: (result as FitResult).ci }),
        // Where the P_sft came from: the file (a p_sft column, a pSft field), its y at x = 0, or --p-sft.
        ...(pSft === undefined ? {} : { pSftSource: pSftSource(curves[k]) }),
        ...(plots ? { plot: plots[k] } : {}),
      })),
    }));
  } else {
    const backends = backendsUsed(rows.map((r) => (r.result.status === 'failed' ? null : (r.result as FitResult).backend)));
    const settings = search === 'full' ? `search full, the best of up to ${Math.max(0, ...rows.map((r) => r.settingsTried))} settings per curve` : 'search none, one setting';
    // Two files may both hold a curve "a" (each file one benchmark): rows, check notes and failures
    // would then name two curves alike, so such a curve is named by its file as well (names, above).
    const named = rows.map((r, k) => ({ ...r, id: names[k] }));
    io.out(formatSweepTable(named, `${files.length === 1 ? inputName(files[0]) : `${files.length} files`}: ${rows.length} curve${rows.length === 1 ? '' : 's'}, model ${model}, ${settings}; ${resamples > 0 ? `95% bootstrap intervals from ${resamples} resamples` : 'no bootstrap'}`));
    if (backends.length > 0) io.out(`backend: ${backends.join(' | ')}`);
  }
  if (plots) io.err(`wrote ${plots.length} figure${plots.length === 1 ? '' : 's'} to ${plotsDir}`);
  return failed > 0 ? 1 : 0;
}

/**
 * `--plots DIR`: one SVG per curve, named after it with characters a file name cannot hold replaced
 * by _, and -2, -3… where two names meet. Returns the paths in the figures' order.
 */
async function writeFigures(dir: string, figures: ReadonlyArray<{ name: string; input: FitPlotInput }>): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new TrimfitError('invalid-option', 'plots', 'a folder that can be created', dir, `plots: cannot create ${dir} (${(e as Error).message})`);
  }
  const used = new Set<string>();
  const paths: string[] = [];
  for (const { name, input } of figures) {
    const base = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'curve';
    let file = base;
    for (let i = 2; used.has(file.toLowerCase()); i++) file = `${base}-${i}`;
    used.add(file.toLowerCase());
    const path = join(dir, `${file}.svg`);
    await writeFile(path, plotSvg(fitPlotSpec(input)));
    paths.push(path);
  }
  return paths;
}

/** A curve's y as fitted: its gain over P_sft where it has one, else y as read. */
function gainOver(y: number[], pSft: number | undefined): number[] {
  return pSft === undefined ? y : y.map((v) => v - pSft);
}

/** `sweep --plots`: each curve's figure (a failed or unsettled fit shows its points alone); `curve.y` as fitted (gainOver). */
function sweepFigure(row: SweepRow, title: string, curve: { x: number[]; y: number[]; xLabel?: string; yLabel?: string }): FitPlotInput {
  const r = row.result.status === 'failed' ? null : (row.result as FitResult);
  const pSft = row.pSft;
  const off = pSft ?? 0;
  return {
    title: `${title}${r ? '' : ' (failed)'}`,
    x: curve.x,
    y: curve.y,
    yOffset: off,
    pSft,
    fit: r && r.success ? r : null,
    band: r?.ci && r.ci.predictions.length > 0 ? { level: r.ci.level, points: r.ci.predictions.map((p) => ({ x: p.x, lower: p.lower + off, upper: p.upper + off })) } : undefined,
    aPost: r?.success ? ceilingOf(row).aPost : undefined,
    // The file's own headers where it has them (Step, accuracy).
    xLabel: curve.xLabel ?? 'x',
    yLabel: curve.yLabel ?? (pSft === undefined ? 'y' : 'score'),
  };
}

/** `ceiling --plots`: a branch's figure as the page draws it (scores in %, compute in EFLOPs). */
function ceilingFigure(row: CeilingRow, curve: RetuCurve): FitPlotInput {
  const settled = row.hyper !== null && (row.status === 'converged' || row.status === 'at-bound');
  return {
    title: row.id,
    x: curve.x,
    y: curve.y,
    yOffset: curve.pSft,
    pSft: curve.pSft,
    fit: settled ? { model: 'sigmoid', params: ceilingParams(row), hyper: row.hyper, stage1Rejected: row.stage1Rejected, ltsTrimmed: row.ltsTrimmed } : null,
    band: row.ci && row.band.length > 0 ? { level: row.ci.level, points: row.band } : undefined,
    aPost: settled ? row.aPost : undefined,
    ...RETU_AXIS_LABELS,
  };
}

/** The sweep's grid flags and the GridSpec fields they set. */
const GRID_FLAGS = { 'train-ends': 'trainEndFractions', 'train-starts': 'trainStartFractions', taus: 'taus', alphas: 'ltsAlphas', epsilon: 'freeEpsilon' } as const;

/**
 * The grid of `sweep --search full`: FULL_GRID with the lists the flags give, checked by the
 * library's checkGridSpec and its errors named by the flag (`taus[1]`, not `grid.taus[1]`).
 * null for --search none, which takes no grid flag.
 */
function sweepGrid(opt: ReturnType<typeof parseCommand<keyof typeof SWEEP.options>>, search: 'full' | 'none', model: string): GridSpec | null {
  const given = (Object.keys(GRID_FLAGS) as Array<keyof typeof GRID_FLAGS>).filter((flag) => opt.string(flag) !== undefined);
  if (search === 'none') {
    if (given.length > 0) throw new TrimfitError('invalid-option', given[0], '--search full (--search none fits one default setting)', opt.string(given[0]));
    return null;
  }
  const items = (flag: keyof typeof GRID_FLAGS) => opt.string(flag)!.split(',').map((t) => t.trim());
  const number = (flag: keyof typeof GRID_FLAGS, t: string, k: number) => {
    const v = parseDecimal(t);
    if (v === null) throw new TrimfitError('invalid-option', `${flag}[${k}]`, flag === 'alphas' ? '"off" or a number' : 'a number', t);
    return v;
  };
  const grid: GridSpec = { ...FULL_GRID };
  for (const flag of given) {
    if (flag === 'alphas') grid.ltsAlphas = items(flag).map((t, k) => (t === 'off' ? null : number(flag, t, k)));
    else if (flag === 'epsilon') {
      grid.freeEpsilon = items(flag).map((t, k) => {
        if (t !== 'fixed' && t !== 'free') throw new TrimfitError('invalid-option', `epsilon[${k}]`, '"fixed" or "free"', t);
        return t === 'free';
      });
      if (model !== 'sigmoid' && grid.freeEpsilon.includes(true)) throw new TrimfitError('invalid-option', 'epsilon', '--model sigmoid (the only model with an ε)', `--model ${model}`);
    } else grid[GRID_FLAGS[flag]] = items(flag).map((t, k) => number(flag, t, k));
  }
  try {
    return checkGridSpec(grid);
  } catch (e) {
    // grid.taus[1] → taus[1]: the flag the value came from.
    const match = e instanceof TrimfitError ? /^grid\.(\w+)(.*)$/.exec(e.field) : null;
    const flag = match && (Object.keys(GRID_FLAGS) as Array<keyof typeof GRID_FLAGS>).find((f) => GRID_FLAGS[f] === match[1]);
    if (!flag || !(e instanceof TrimfitError)) throw e;
    const field = `${flag}${match![2]}`;
    throw e.withField(field, `${field}: expected ${e.expected}, received ${e.received}`);
  }
}

/** A part of a curve read from a file, named as the file names it: `f.json[2].pSft`, `f.csv curve "b" p_sft`. */
function subfield(c: { field: string; json: boolean }, jsonName: string, csvName: string): string {
  return c.json ? `${c.field}.${jsonName}` : `${c.field} ${csvName}`;
}

/**
 * A failed curve's error naming the curve as its file does (`runs.csv curve "b" train`,
 * `runs.json[2].y`) instead of by its place in the sweep (`curves[7].train`), which counts across
 * all the files and is nothing the user wrote.
 */
function failedInFile(result: FailedFit, index: number, c: { field: string; json: boolean }): FailedFit {
  const at = `curves[${index}]`;
  const swap = (text: string) => text.replaceAll(`${at}.`, c.json ? `${c.field}.` : `${c.field} `).replaceAll(at, c.field);
  return { ...result, message: swap(result.message), error: { ...result.error, field: swap(result.error.field), expected: swap(result.error.expected), message: swap(result.error.message) } };
}

/**
 * LTS statuses that carry coefficients. 'exact-fit' is an estimate: h or more points lie on the raw
 * fit, whose coefficients are exact and whose scales are 0. 'singular' (and 'too-few-points', which
 * the api refuses before the core sees it) leave every number NaN: the command exits 1.
 */
const LTS_ESTIMATES: ReadonlySet<LtsResult['status']> = new Set(['ok', 'exact-fit']);

async function cmdLts(args: string[], io: Io): Promise<number> {
  const opt = parseCommand(LTS, args);
  const file = opt.positionals[0];
  const table = parseNumericCsv(await readInput(file, 'file', io), inputName(file));
  if (table.header.length < 1) throw new TrimfitError('parse-error', file, 'a header with y first', table.header.join(','));
  const y = table.rows.map((r) => r[0]);
  const X = table.rows.map((r) => r.slice(1));
  const r = lts(X, y, { alpha: opt.number('alpha'), intercept: !opt.flag('no-intercept'), seed: opt.number('seed') });
  const fields = { status: r.status, message: r.message, h: r.h, objective: r.objective, rawCoefficients: r.rawCoefficients, coefficients: r.coefficients, rawScale: r.rawScale, scale: r.scale, rawWeights: r.rawWeights, weights: r.weights, best: r.best };
  if (opt.flag('json')) io.out(toJson(fields));
  else io.out(formatLts(r, y.length));
  if (LTS_ESTIMATES.has(r.status)) return 0;
  if (!opt.flag('json')) io.err(`trimfit: lts: no estimate (${r.status}): ${r.message}`);
  return 1;
}

async function cmdCeiling(args: string[], io: Io): Promise<number> {
  const opt = parseCommand(CEILING, args);
  const dir = opt.positionals[0];
  if (!dir) throw new TrimfitError('invalid-input', 'retu-dir', 'a directory path', undefined);
  try {
    await stat(dir);
  } catch {
    throw new TrimfitError('file-not-found', 'retu-dir', 'an existing directory', dir, `retu-dir: no such directory ${dir}`);
  }
  const search = opt.string('search') as SearchMode;
  if (!['full', 'released', 'none'].includes(search)) throw new TrimfitError('invalid-option', 'search', 'full, released or none', search);
  // Both have parseArgs defaults (COMMANDS), so they are never undefined.
  const resamples = opt.number('bootstrap') as number;
  const ltsStarts = opt.number('lts-starts') as number;
  const seed = opt.number('seed');
  const choice = checkBackendChoice(opt.string('backend'));
  const workers = opt.number('workers');
  // Read before the data and checked before the fits: a bad file fails at once, not after the table.
  const valLossesFile = opt.string('val-losses');
  const valLossesText = valLossesFile === undefined ? undefined : await readInput(valLossesFile, 'val-losses', io);
  const curves = await readRetuDir(dir);
  const datasets = [...new Set(curves.map((c) => c.dataset))];
  const valLosses = valLossesFile !== undefined && valLossesText !== undefined ? checkValLosses(valLossesText, valLossesFile, datasets) : null;
  const plotsDir = opt.string('plots');
  const fitter = await createFitter({ backend: choice, workers });
  const rows: CeilingRow[] = [];
  const progress = sweepProgress(io);
  try {
    // With --plots, the bootstrap also gives the band at the x values the curve is drawn at.
    const predictAt = plotsDir !== undefined && resamples > 0 ? (c: RetuCurve) => plotXs(c.x, 'sigmoid') : undefined;
    for await (const row of ceilingRows(curves, { search, fitter, bootstrapResamples: resamples, fit: { seed, ltsStarts }, predictAt, onProgress: progress.onProgress })) rows.push(row);
  } finally {
    progress.done();
    await fitter.dispose();
  }
  const plots = plotsDir === undefined ? null : await writeFigures(plotsDir, rows.map((row, k) => ({ name: row.id, input: ceilingFigure(row, curves[k]) })));
  const regimes = valLosses ? regimeAnalysis(rows, valLosses) : null;
  const backends = backendsUsed(rows.map((r) => r.backend));
  if (opt.flag('json')) {
    io.out(toJson({ search, curves: rows.map(({ inlierMask: _m, stage1Rejected: _s, ltsTrimmed: _t, band: _b, ...row }, k) => ({ ...row, ...(plots ? { plot: plots[k] } : {}) })), ...(regimes ?? {}) }));
  } else {
    io.out(formatCeilingTable(rows, search));
    io.out(`backend: ${backends.join(' | ')}`);
    if (regimes) io.out(formatRegimes(regimes.regimes, regimes.correlation));
  }
  if (plots) io.err(`wrote ${plots.length} figure${plots.length === 1 ? '' : 's'} to ${plotsDir}`);
  return 0;
}

async function cmdBench(args: string[], io: Io): Promise<number> {
  const opt = parseCommand(BENCH, args);
  const backend = checkBackendChoice(opt.string('backend'));
  const quick = opt.flag('quick');
  const outDirs = opt.strings('out');
  // The harness (and with it the subprocess baselines) loads only when asked for.
  const { runNodeBench, runNodeKernelProfile, runNodePipelineSweep } = await import('../bench/node.js');
  const log = (line: string) => io.err(line);
  // Each mode prints its report (JSON or table) and names the files it wrote.
  let result: { report: unknown; table: string; written: string[] };
  if (opt.flag('profile-kernels')) result = await runNodeKernelProfile({ quick, outDirs, log });
  else if (opt.flag('pipelines')) result = await runNodePipelineSweep({ quick, outDirs, log });
  else {
    result = await runNodeBench({
      backend,
      quick,
      workers: opt.number('workers'),
      retuDir: opt.string('retu'),
      outDirs,
      note: opt.string('note'),
      budgetMs: opt.number('budget-ms'),
      repeats: opt.number('repeats'),
      // Checked by the harness against the registry (an unknown name is an invalid-option error).
      kernelVariant: opt.string('kernel-variant') as LtsKernelVariantName | undefined,
      log,
    });
  }
  const { report, table, written } = result;
  io.out(opt.flag('json') ? toJson(report) : table);
  for (const path of written) io.err(`wrote ${path}`);
  return 0;
}
