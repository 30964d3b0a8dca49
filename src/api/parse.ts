/**
 * Text formats read by the CLI and the page: CSV (`x,y`; long format `curve,x,y`; LTS tables with
 * y first) and trimfit's JSON curve format `{ "x": [...], "y": [...] }` (or `{ "points": [{x, y}] }`).
 * Errors name the row and column (1-based, as a spreadsheet shows them) and what was wrong.
 */
import { csvParseRows } from 'd3-dsv';
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

/**
 * A CSV text as its header and records of trimmed cells, split by d3-dsv (RFC 4180: a comma inside
 * double quotes is part of the cell, as spreadsheets write a label such as "run 1, lr=1e-6", and a
 * doubled quote inside them is one quote; \n or \r\n line ends). Blank lines are skipped; `row` is
 * the record's 1-based line, as a spreadsheet numbers it. Every record must have the header's
 * number of cells (an unterminated quote runs to the end of the text and fails that check).
 */
function readCsvRecords(text: string, field: string): { header: string[]; rows: Array<{ row: number; cells: string[] }> } {
  const parsed = csvParseRows(text.replace(/^\uFEFF/, ''));
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
  field: string;
}

/**
 * The curves of one file, as the page loads them and `trimfit sweep` reads them:
 * - CSV `x,y` (`csv-xy`): one curve, named after the file;
 * - CSV long format `curve,x,y` (`csv-long`): one curve per label, in order of first appearance;
 * - JSON `{x, y}` or `{points}` (`json-curve`): one curve named after the file;
 * - JSON array of those with an optional `id` (`json-array`): ids default to `name[i]`.
 * JSON by the `.json` extension or a text starting with `{` or `[`, else CSV. Headers match in any
 * letter case. A CSV column `p_sft` (the same on every row of a curve) or a JSON field `pSft` gives
 * a curve's P_sft. Errors name the file and the row and column (CSV) or the entry (JSON).
 */
export function parseCurvesFile(name: string, text: string): { format: 'csv-xy' | 'csv-long' | 'json-curve' | 'json-array'; curves: ParsedCurve[] } {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  const json = /\.json$/i.test(name) || (!/\.csv$/i.test(name) && (start.startsWith('{') || start.startsWith('[')));
  return json ? parseCurvesJson(name, text) : parseCurvesCsv(name, text);
}

const stemOf = (name: string) => name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');

function finiteArray(values: unknown[], field: string): number[] {
  return values.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TrimfitError('invalid-input', `${field}[${i}]`, 'a finite number', v);
    return v;
  });
}

/** CSV `x,y` (one curve named after the file) or the long format `curve,x,y`; every cell but a label is a number. */
function parseCurvesCsv(name: string, text: string): { format: 'csv-xy' | 'csv-long'; curves: ParsedCurve[] } {
  const { header, rows } = readCsvRecords(text, name);
  const curveCol = header.findIndex((h) => h.toLowerCase() === 'curve');
  const numbers = (cells: string[], row: number) => cells.map((c, j) => (j === curveCol ? NaN : parseCell(c, () => cellName(name, row, j, header))));
  const table: CsvTable = { header, rows: rows.map(({ row, cells }) => numbers(cells, row)) };
  if (curveCol < 0) {
    const [ix, iy] = xyColumns(table, name, 'columns x,y or curve,x,y');
    return { format: 'csv-xy', curves: [withPSft({ id: stemOf(name), x: table.rows.map((r) => r[ix]), y: table.rows.map((r) => r[iy]), field: name }, table, table.rows)] };
  }
  const [ix, iy] = xyColumns(table, name, 'columns curve,x,y');
  const byLabel = new Map<string, number[][]>();
  rows.forEach(({ row, cells }, k) => {
    const label = cells[curveCol];
    if (label === '') throw new TrimfitError('parse-error', `${name} row ${row}, column ${curveCol + 1} (${header[curveCol]})`, 'a curve label', 'an empty cell');
    let group = byLabel.get(label);
    if (!group) byLabel.set(label, (group = []));
    group.push(table.rows[k]);
  });
  return {
    format: 'csv-long',
    // Map keeps the labels in order of first appearance.
    curves: [...byLabel].map(([label, group]) => withPSft({ id: label, x: group.map((r) => r[ix]), y: group.map((r) => r[iy]), field: `${name} curve "${label}"` }, table, group)),
  };
}

/** The curve with its P_sft from the table's `p_sft` column, which must hold one value per curve. */
function withPSft(curve: ParsedCurve, table: CsvTable, rows: number[][]): ParsedCurve {
  const col = table.header.findIndex((h) => h.toLowerCase() === 'p_sft');
  if (col < 0) return curve;
  const values = [...new Set(rows.map((r) => r[col]))];
  if (values.length > 1) throw new TrimfitError('parse-error', `${curve.field} p_sft`, 'one p_sft for all rows of a curve', values.slice(0, 3).join(' and '));
  return { ...curve, pSft: values[0] };
}

/** A JSON entry's optional `pSft`: a finite number. */
function jsonPSft(entry: unknown, field: string): { pSft?: number } {
  const v = (entry as { pSft?: unknown } | null)?.pSft;
  if (v === undefined) return {};
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TrimfitError('invalid-input', `${field}.pSft`, 'a finite number', v);
  return { pSft: v };
}

function parseCurvesJson(name: string, text: string): { format: 'json-curve' | 'json-array'; curves: ParsedCurve[] } {
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
    return { format: 'json-curve', curves: [{ id: stemOf(name), x: finiteArray(c.x, `${name}: x`), y: finiteArray(c.y, `${name}: y`), ...jsonPSft(doc, name), field: name }] };
  }
  if (doc.length === 0) throw new TrimfitError('parse-error', name, 'at least one curve', 'an empty array');
  return {
    format: 'json-array',
    curves: doc.map((entry: unknown, i) => {
      const field = `${name}[${i}]`;
      const c = parseCurveJson(JSON.stringify(entry), field);
      const rawId = (entry as { id?: unknown }).id;
      if (rawId !== undefined && typeof rawId !== 'string' && typeof rawId !== 'number') throw new TrimfitError('parse-error', `${field}.id`, 'a string or number', rawId);
      return { id: rawId === undefined ? `${stemOf(name)}[${i}]` : String(rawId), x: finiteArray(c.x, `${field}.x`), y: finiteArray(c.y, `${field}.y`), ...jsonPSft(entry, field), field };
    }),
  };
}
