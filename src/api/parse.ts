/**
 * Text formats read by the CLI and the page: CSV (`x,y`; long format `curve,x,y`; LTS tables with
 * y first) and trimfit's JSON curve format `{ "x": [...], "y": [...] }` (or `{ "points": [{x, y}] }`).
 * Errors name the row and column (1-based, as a spreadsheet shows them) and what was wrong.
 */
import { dsvFormat } from 'd3-dsv';
import { TrimfitError } from './errors.js';

export interface CsvTable {
  header: string[];
  rows: number[][];
}

/** Parses a numeric CSV with a header row. Blank lines are skipped; every cell must be a finite number in decimal notation. */
export function parseNumericCsv(text: string, field = 'csv'): CsvTable {
  const { header, rows } = readCsvRecords(text, field);
  return { header, rows: rows.map(({ row, cells }) => cells.map((c, j) => parseCell(c, () => cellName(field, row, j, header)))) };
}

/** The parsers of the delimiters a CSV may use, built once. */
const DSV = { ',': dsvFormat(','), '\t': dsvFormat('\t'), ';': dsvFormat(';') } as const;

/**
 * The delimiter of a table: a comma, unless its first line has none and has tabs (a sheet copied
 * as text, a .tsv file) or semicolons (a spreadsheet saved where the decimal mark is a comma; its
 * decimal commas are then refused cell by cell, naming the cell).
 */
function delimiterOf(text: string): keyof typeof DSV {
  // Quoted text (a label "run 1, lr=1e-6") says nothing about the delimiter.
  const first = (/^[^\r\n]*\S[^\r\n]*/m.exec(text)?.[0] ?? '').replace(/"[^"]*"/g, '');
  if (first.includes(',')) return ',';
  if (first.includes('\t')) return '\t';
  return first.includes(';') ? ';' : ',';
}

/**
 * A CSV text as its header and records of trimmed cells, split by d3-dsv (RFC 4180: a comma inside
 * double quotes is part of the cell, as spreadsheets write a label such as "run 1, lr=1e-6", and a
 * doubled quote inside them is one quote; \n or \r\n line ends), on commas or, where the header
 * has none, tabs or semicolons (delimiterOf). Blank lines are skipped; `row` is the record's 1-based
 * line, as a spreadsheet numbers it. Every record must have the header's number of cells (an
 * unterminated quote runs to the end of the text and fails that check).
 */
function readCsvRecords(text: string, field: string): { header: string[]; rows: Array<{ row: number; cells: string[] }> } {
  const body = text.replace(/^\uFEFF/, '');
  const parsed = DSV[delimiterOf(body)].parseRows(body);
  // Spaces around a value, inside or outside its quotes, are no part of it.
  const records = parsed.map((cells, i) => ({ row: i + 1, cells: cells.map((c) => c.trim()) })).filter(({ cells }) => cells.some((c) => c !== ''));
  if (records.length === 0) throw new TrimfitError('parse-error', field, 'a header row and at least one data row', 'an empty file');
  const [{ cells: header }, ...rows] = records;
  for (const { row, cells } of rows) {
    if (cells.length !== header.length)
      throw new TrimfitError('parse-error', `${field} row ${row}`, `${header.length} columns (${header.join(',')})`, `${cells.length} columns`, `${field}: row ${row} has ${cells.length} columns, expected ${header.length} (${header.join(',')})`);
  }
  if (rows.length === 0) throw new TrimfitError('parse-error', field, 'at least one data row', 'only a header');
  return { header, rows };
}

/**
 * Plain decimal notation: optional sign, digits with an optional point, optional exponent. Number()
 * alone would also take "0x10" (16), "0b1", "Infinity" and a blank cell (0), none of which a data
 * column means.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The value of `text` when it is a decimal number (see DECIMAL), else null. May be ±Infinity for 1e999. */
export function parseDecimal(text: string): number | null {
  return DECIMAL.test(text) ? Number(text) : null;
}

/** A cell as errors name it: `f.csv row 3, column 2 (y)`. */
function cellName(field: string, row: number, j: number, header: readonly string[]): string {
  return `${field} row ${row}, column ${j + 1} (${header[j]})`;
}

/** The cell's number; `where` names the cell, built only for an error (a large file has millions of cells). */
function parseCell(cell: string, where: () => string): number {
  const text = cell.trim();
  if (text === '') throw new TrimfitError('parse-error', where(), 'a finite number', 'an empty cell');
  const v = parseDecimal(text);
  // Text that is not a decimal number ("NaN", "Infinity", "0x10", "1_000") is a parse error; a
  // decimal number beyond f64 (1e999) is well formed but not a usable value.
  if (v === null) throw new TrimfitError('parse-error', where(), 'a decimal number (digits, optional sign, point and exponent)', cell);
  if (!Number.isFinite(v)) throw new TrimfitError('invalid-input', where(), 'a finite number', cell);
  return v;
}

/** `x,y` CSV (header names x and y in any letter case, in any column order). */
export function parseXyCsv(text: string, field = 'csv'): { x: number[]; y: number[] } {
  const t = parseNumericCsv(text, field);
  const [ix, iy] = xyColumns(t, field, 'columns named x and y');
  return { x: t.rows.map((r) => r[ix]), y: t.rows.map((r) => r[iy]) };
}

/** The columns named x and y (any letter case), or a parse error naming the header and `expected`. */
function xyColumns(t: CsvTable, field: string, expected: string): [number, number] {
  const names = t.header.map((h) => h.toLowerCase());
  const ix = names.indexOf('x');
  const iy = names.indexOf('y');
  if (ix < 0 || iy < 0) throw new TrimfitError('parse-error', `${field} header`, expected, t.header.join(','));
  return [ix, iy];
}

/** trimfit's JSON curve: `{ x: number[], y: number[] }` or `{ points: [{ x, y }] }`. */
export function parseCurveJson(text: string, field = 'json'): { x: unknown[]; y: unknown[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TrimfitError('parse-error', field, 'valid JSON', (e as Error).message, `${field}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null) throw new TrimfitError('parse-error', field, 'an object { x, y } or { points }', doc);
  const d = doc as Record<string, unknown>;
  if (Array.isArray(d.points)) {
    return {
      x: d.points.map((p: unknown) => (p as { x?: unknown })?.x),
      y: d.points.map((p: unknown) => (p as { y?: unknown })?.y),
    };
  }
  if (!Array.isArray(d.x) || !Array.isArray(d.y)) throw new TrimfitError('parse-error', field, 'arrays "x" and "y" (or "points")', Object.keys(d).join(','));
  return { x: d.x, y: d.y };
}

/** One curve read from a file, points in file order; `field` names it in later errors (`f.csv curve "a"`). */
export interface ParsedCurve {
  id: string;
  x: number[];
  y: number[];
  /** The score y is measured against (the paper's P_sft), where the file gives one: a `p_sft` column or a `pSft` field. */
  pSft?: number;
  /** Set where `pSft` is the curve's y at x = 0 (`CurveFileOptions.pSftAtX0`) rather than the file's. */
  pSftFromX0?: true;
  /** The CSV headers of its x and y columns as written (`Step`, `Value`), for axis labels; a wide table's curves have no y header of their own. */
  xLabel?: string;
  yLabel?: string;
  field: string;
}

/** How `parseCurvesFile` reads a file: which CSV columns hold its data (headers match in any letter case) and where P_sft comes from. */
export interface CurveFileOptions {
  /**
   * The CSV column of x.
   * @default 'x', else 'step', else 'global_step' (TensorBoard's and W&B's exports)
   */
  x?: string;
  /**
   * The CSV column of y. When the header has no such column (and no curve column), and y was not
   * named here, each column besides x and p_sft is one curve: a wide table.
   * @default 'y', else 'value' (TensorBoard's export)
   */
  y?: string;
  /**
   * The CSV column of curve labels of the long format (one row per point).
   * @default 'curve', else 'run'
   */
  curve?: string;
  /**
   * A curve whose file gives no P_sft (no p_sft column, no pSft field) takes the mean of its y at
   * x = 0: the checkpoint evaluated before any RL step. A curve without a point at x = 0 is then
   * an error naming it.
   * @default false
   */
  pSftAtX0?: boolean;
}

/** The formats `parseCurvesFile` reads. */
export type CurveFileFormat = 'csv-xy' | 'csv-long' | 'csv-wide' | 'json-curve' | 'json-array' | 'records-xy' | 'records-long' | 'records-wide';

/** What `parseCurvesFile` read from a file (see there), `F` its format. */
export interface CurveFileRead<F extends string = CurveFileFormat> {
  format: F;
  curves: ParsedCurve[];
  /** W&B's own columns beside its runs' in a wide table, skipped. */
  skippedColumns: string[];
  /** Columns of a table that hold text but are not read. */
  textColumnsNotRead: string[];
}

/**
 * One line per thing a read left aside, for its caller to show: W&B's own columns skipped beside
 * its runs' (a user who wanted one as a curve can rename it), and columns of text not read, which
 * may label curves that were then read as one. `labelRemedy` tells the reader how to name such a
 * column as the curve column where they are (a flag, a form field). None when nothing was left.
 */
export function curveFileNotes(file: string, read: Pick<CurveFileRead, 'skippedColumns' | 'textColumnsNotRead'>, labelRemedy: string): string[] {
  const list = (names: readonly string[]) => `${names.slice(0, 2).join(', ')}${names.length > 2 ? ', …' : ''}`;
  const { skippedColumns: band, textColumnsNotRead: text } = read;
  return [
    ...(band.length > 0 ? [`${file}: skipped ${band.length} of W&B's own column${band.length === 1 ? '' : 's'} beside the runs' (${list(band)})`] : []),
    ...(text.length > 0 ? [`${file}: ${text.length === 1 ? 'a column' : 'columns'} of text not read (${list(text)}); if one labels curves, ${labelRemedy}`] : []),
  ];
}

/**
 * The curves of one file, as the page loads them and `trimfit sweep` reads them:
 * - CSV `x,y` (`csv-xy`): one curve, named after the file;
 * - CSV long format `curve,x,y` (`csv-long`): one curve per label, in order of first appearance;
 * - CSV wide format `x,<curve>,<curve>,…` (`csv-wide`): a header with x but neither y nor curve;
 *   each other column is one curve named by its header, and an empty cell is no point of that
 *   curve (a run not evaluated at that x), as W&B's panel export writes them. W&B's own columns
 *   beside a run's (its band `<name>__MIN` and `<name>__MAX` beside `<name>`, and `<run> - _step`)
 *   are skipped and listed in `skippedColumns`; where every curve column is `<run> - <metric>`
 *   with one metric, the curves are named by their runs and the metric is their yLabel;
 * - JSON `{x, y}` or `{points}` (`json-curve`): one curve named after the file;
 * - JSON array of those with an optional `id` (`json-array`): ids default to `name[i]`;
 * - JSON array of flat objects, one per row (`records-xy`, `records-long`, `records-wide`: pandas'
 *   `to_json(orient='records')`): read as the CSV table whose header is their keys, a null or
 *   missing key an empty cell; errors name the record and key (`f.json[3].acc`).
 * `textColumnsNotRead` lists the columns of a table that hold text but are not read: a column of
 * curve labels the options did not name would otherwise merge its curves into one.
 * JSON by the `.json` extension or a text starting with `{` or `[`, else CSV. `options` names
 * other CSV columns (a TensorBoard export: `{ x: 'Step', y: 'Value' }`) and may take P_sft from
 * x = 0. A CSV column `p_sft` (the same on every row of a curve; not in a wide table) or a JSON
 * field `pSft` gives a curve's P_sft. Errors name the file and the row and column (CSV) or the
 * entry (JSON).
 */
export function parseCurvesFile(name: string, text: string, options: CurveFileOptions = {}): CurveFileRead {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  const json = /\.json$/i.test(name) || (!/\.csv$/i.test(name) && (start.startsWith('{') || start.startsWith('[')));
  const read = json ? parseCurvesJson(name, text, options) : parseCurvesCsv(name, text, options);
  // JSON curves name their fields with a dot (f.json[2].x); tables, records included, with a space.
  const dotted = read.format.startsWith('json');
  return options.pSftAtX0 ? { ...read, curves: read.curves.map((c) => (c.pSft === undefined ? { ...c, pSft: scoreAtX0(c, dotted), pSftFromX0: true } : c)) } : read;
}

/** `pSftAtX0`: the mean of the curve's y at x = 0, or an error naming its x. */
function scoreAtX0(c: ParsedCurve, dotted: boolean): number {
  // A JSON curve's y may be shorter than its x (that curve's fit fails alone): only points count.
  const atZero: number[] = [];
  for (let i = 0; i < Math.min(c.x.length, c.y.length); i++) if (c.x[i] === 0) atZero.push(c.y[i]);
  // Σ y/count stays within the largest |y| where Σ y (or a running mean's differences, for y of
  // both signs near 1e308) would overflow; the clamp to [min, max] takes up its last rounding.
  if (atZero.length > 0) {
    const mean = atZero.reduce((sum, v) => sum + v / atZero.length, 0);
    const [lo, hi] = atZero.reduce(([a, b], v) => [Math.min(a, v), Math.max(b, v)], [Infinity, -Infinity]);
    return Math.min(Math.max(mean, lo), hi);
  }
  const smallest = c.x.length === 0 ? 'no points' : `its smallest x is ${c.x.reduce((a, b) => Math.min(a, b))}`;
  throw new TrimfitError('invalid-input', dotted ? `${c.field}.x` : `${c.field} x`, "a point at x = 0 (the curve's P_sft is its y there)", smallest);
}

const stemOf = (name: string) => name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');

function finiteArray(values: unknown[], field: string): number[] {
  return values.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TrimfitError('invalid-input', `${field}[${i}]`, 'a finite number', v);
    return v;
  });
}

/** How a missing-column error names parseCurvesFile's options (the CLI names its flags instead). */
export const COLUMN_OPTIONS_NAMED = 'other headers through the options x, y, curve';

/**
 * The headers tried, in order, for a column the options do not name: trimfit's own, then an
 * export's (TensorBoard writes `Wall time,Step,Value`; W&B's panel export `Step`, or `global_step`
 * against a trainer's step, and a column per run; a script's long table often labels its curves
 * `run`).
 */
const DEFAULT_COLUMNS = { x: ['x', 'step', 'global_step'], y: ['y', 'value'], curve: ['curve', 'run'] } as const;

/** W&B's panel export writes each run's min and max over a sampling bucket beside its value column. */
const BAND_COLUMN = /^(.*)__(MIN|MAX)$/;
/** ...and, for some panels, each run's own step counter. */
const RUN_STEP_COLUMN = / - _step$/;

/** A table of text cells, read from a CSV or from JSON records; `where` names a cell in errors. */
interface TextTable {
  header: string[];
  rows: Array<{ row: number; cells: string[] }>;
  where: (row: number, j: number) => string;
}

/** How a table holds its curves: one curve (`x,y`), one per label (`curve,x,y`) or one per column. */
type TableLayout = 'xy' | 'long' | 'wide';

/** CSV text as a table whose cells errors name by row and column, as a spreadsheet shows them. */
function parseCurvesCsv(name: string, text: string, options: CurveFileOptions): CurveFileRead<`csv-${TableLayout}`> {
  const { header, rows } = readCsvRecords(text, name);
  const { layout, ...read } = parseCurvesTable(name, { header, rows, where: (row, j) => cellName(name, row, j, header) }, options);
  return { format: `csv-${layout}`, ...read };
}

/**
 * A table's curves: `x,y` (one curve named after the file), the long format `curve,x,y` or the
 * wide format `x,<curve>,…` (see parseCurvesFile). Only the columns read must hold numbers: x, y
 * and p_sft in the first two, x and every curve column in the wide one; any other column (a
 * TensorBoard export's wall time, a run's notes) is left as it is.
 */
function parseCurvesTable(name: string, table: TextTable, options: CurveFileOptions): Omit<CurveFileRead, 'format'> & { layout: TableLayout } {
  const { header, rows, where } = table;
  const lower = header.map((h) => h.toLowerCase());
  const find = (column: string) => lower.indexOf(column.toLowerCase());
  // A column the options name is that column; otherwise the first of DEFAULT_COLUMNS' headers found.
  const column = (key: keyof typeof DEFAULT_COLUMNS) => {
    const named = options[key];
    if (named !== undefined) return find(named);
    return DEFAULT_COLUMNS[key].map(find).find((j) => j >= 0) ?? -1;
  };
  const described = (key: keyof typeof DEFAULT_COLUMNS) => {
    const names: readonly string[] = options[key] === undefined ? DEFAULT_COLUMNS[key] : [options[key]];
    return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  };
  const [ix, iy, ic, ip] = [column('x'), column('y'), column('curve'), find('p_sft')];
  const missing = (what: string) =>
    new TrimfitError('parse-error', `${name} header`, `${what} (the formats: x,y; curve,x,y; x and one column per curve; ${COLUMN_OPTIONS_NAMED})`, header.join(','));
  if (ix < 0) throw missing(`a column ${described('x')}`);
  if (ic < 0 && options.curve !== undefined) throw missing(`a column ${described('curve')}`);
  const cell = (row: number, cells: string[], j: number) => parseCell(cells[j], () => where(row, j));
  if (iy < 0 && (ic >= 0 || options.y !== undefined)) throw missing(`a column ${described('y')}`);
  // Every column of a wide table is read (its text cells are errors).
  if (iy < 0) return { layout: 'wide', ...parseWideTable(name, table, ix, ip, cell), textColumnsNotRead: [] };
  // A column of text that is not read may label curves (model, seed name) that would otherwise
  // be fitted as one: callers say so rather than let it pass in silence.
  const textColumnsNotRead = header.filter((_, j) => ![ix, iy, ic, ip].includes(j) && rows.some(({ cells }) => cells[j] !== '' && parseDecimal(cells[j]) === null));

  const points = rows.map(({ row, cells }) => ({ row, cells, x: cell(row, cells, ix), y: cell(row, cells, iy), pSft: ip < 0 ? undefined : cell(row, cells, ip) }));
  type Point = (typeof points)[number];
  const curveOf = (id: string, group: Point[], field: string): ParsedCurve => ({ id, x: group.map((p) => p.x), y: group.map((p) => p.y), ...pSftOf(group, field), xLabel: header[ix], yLabel: header[iy], field });
  if (ic < 0) return { layout: 'xy', curves: [curveOf(stemOf(name), points, name)], skippedColumns: [], textColumnsNotRead };
  const byLabel = new Map<string, Point[]>();
  for (const p of points) {
    const label = p.cells[ic];
    if (label === '') throw new TrimfitError('parse-error', where(p.row, ic), 'a curve label', 'an empty cell');
    let group = byLabel.get(label);
    if (!group) byLabel.set(label, (group = []));
    group.push(p);
  }
  return {
    layout: 'long',
    // Map keeps the labels in order of first appearance.
    curves: [...byLabel].map(([label, group]) => curveOf(label, group, `${name} curve "${label}"`)),
    skippedColumns: [],
    textColumnsNotRead,
  };
}

/** A wide table: each column besides x is one curve, and its empty cells are no points. */
function parseWideTable(
  name: string,
  { header, rows }: TextTable,
  ix: number,
  ip: number,
  cell: (row: number, cells: string[], j: number) => number,
): { curves: ParsedCurve[]; skippedColumns: string[] } {
  // One P_sft column cannot serve several curves; the long format gives each curve its own.
  if (ip >= 0) throw new TrimfitError('parse-error', `${name} column ${ip + 1} (${header[ip]})`, 'no p_sft column in a wide table (one column per curve): the long format curve,x,y,p_sft gives each curve its own', 'a p_sft column');
  const names = new Set(header);
  const skippedColumns: string[] = [];
  const curveColumns: number[] = [];
  header.forEach((h, j) => {
    if (j === ix) return;
    const band = BAND_COLUMN.exec(h);
    if ((band && names.has(band[1])) || RUN_STEP_COLUMN.test(h)) return void skippedColumns.push(h);
    if (h === '') throw new TrimfitError('parse-error', `${name} header, column ${j + 1}`, 'a curve name', 'an empty cell');
    if (header.indexOf(h) !== j) throw new TrimfitError('parse-error', `${name} header, column ${j + 1}`, 'a curve name not used by another column', h);
    curveColumns.push(j);
  });
  if (curveColumns.length === 0) throw new TrimfitError('parse-error', `${name} header`, 'a column y, or one column per curve besides x', header.join(','));
  const metric = sharedMetric(curveColumns.map((j) => header[j]));
  const xs = rows.map(({ row, cells }) => cell(row, cells, ix));
  const curves = curveColumns.map((j) => {
    const x: number[] = [];
    const y: number[] = [];
    rows.forEach(({ row, cells }, k) => {
      if (cells[j] === '') return;
      x.push(xs[k]);
      y.push(cell(row, cells, j));
    });
    // Named by its run alone where every column shares its metric, which then labels the y axis.
    const id = metric === null ? header[j] : header[j].slice(0, -(RUN_METRIC_SEPARATOR.length + metric.length));
    return { id, x, y, xLabel: header[ix], ...(metric === null ? {} : { yLabel: metric }), field: `${name} column "${header[j]}"` };
  });
  return { curves, skippedColumns };
}

/** W&B names a panel's columns `<run> - <metric>`. */
const RUN_METRIC_SEPARATOR = ' - ';

/** The `<metric>` every header ends in after RUN_METRIC_SEPARATOR and a non-empty run name, else null. */
function sharedMetric(headers: readonly string[]): string | null {
  const metrics = headers.map((h) => {
    const k = h.lastIndexOf(RUN_METRIC_SEPARATOR);
    return k > 0 ? h.slice(k + RUN_METRIC_SEPARATOR.length) : null;
  });
  const first = metrics[0];
  return first !== null && first !== '' && metrics.every((m) => m === first) ? first : null;
}

/** A curve's P_sft from its rows' `p_sft` cells, which must all hold one value. */
function pSftOf(group: Array<{ pSft?: number }>, field: string): { pSft?: number } {
  if (group.length === 0 || group[0].pSft === undefined) return {};
  const values = [...new Set(group.map((p) => p.pSft))];
  if (values.length > 1) throw new TrimfitError('parse-error', `${field} p_sft`, 'one p_sft for all rows of a curve', values.slice(0, 3).join(' and '));
  return { pSft: values[0] };
}

/** A JSON entry's optional `pSft`: a finite number. */
function jsonPSft(entry: unknown, field: string): { pSft?: number } {
  const v = (entry as { pSft?: unknown } | null)?.pSft;
  if (v === undefined) return {};
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TrimfitError('invalid-input', `${field}.pSft`, 'a finite number', v);
  return { pSft: v };
}

/**
 * A JSON array of flat objects (every value a number, a string, a boolean or null), one per row as
 * pandas' `to_json(orient='records')` writes a table, rather than one per curve.
 */
function isRecords(doc: unknown[]): doc is Array<Record<string, unknown>> {
  return doc.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e) && Object.values(e).every((v) => v === null || typeof v !== 'object'));
}

/** Records as a table: the keys in order of first appearance are its header, null or a missing key an empty cell. */
function recordsTable(name: string, records: Array<Record<string, unknown>>): TextTable {
  const header = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const rows = records.map((r, i) => ({ row: i, cells: header.map((k) => (r[k] === null || r[k] === undefined ? '' : String(r[k]).trim())) }));
  return { header, rows, where: (i, j) => `${name}[${i}].${header[j]}` };
}

function parseCurvesJson(name: string, text: string, options: CurveFileOptions): CurveFileRead<'json-curve' | 'json-array' | `records-${TableLayout}`> {
  // A UTF-8 byte order mark (Notepad, PowerShell's Out-File) is no part of the JSON, which
  // JSON.parse refuses at its first character; the CSV reader drops it the same way.
  const json = text.replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new TrimfitError('parse-error', name, 'valid JSON', (e as Error).message, `${name}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(doc)) {
    const c = parseCurveJson(json, name);
    return { format: 'json-curve', curves: [{ id: stemOf(name), x: finiteArray(c.x, `${name}: x`), y: finiteArray(c.y, `${name}: y`), ...jsonPSft(doc, name), field: name }], skippedColumns: [], textColumnsNotRead: [] };
  }
  if (doc.length === 0) throw new TrimfitError('parse-error', name, 'at least one curve', 'an empty array');
  if (isRecords(doc)) {
    const { layout, ...read } = parseCurvesTable(name, recordsTable(name, doc), options);
    return { format: `records-${layout}`, ...read };
  }
  return {
    format: 'json-array',
    skippedColumns: [],
    textColumnsNotRead: [],
    curves: doc.map((entry: unknown, i) => {
      const field = `${name}[${i}]`;
      const c = parseCurveJson(JSON.stringify(entry), field);
      const rawId = (entry as { id?: unknown }).id;
      if (rawId !== undefined && typeof rawId !== 'string' && typeof rawId !== 'number') throw new TrimfitError('parse-error', `${field}.id`, 'a string or number', rawId);
      return { id: rawId === undefined ? `${stemOf(name)}[${i}]` : String(rawId), x: finiteArray(c.x, `${field}.x`), y: finiteArray(c.y, `${field}.y`), ...jsonPSft(entry, field), field };
    }),
  };
}
