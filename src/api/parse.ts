/**
 * Text formats read by the CLI and the page: CSV (`x,y`; long format `curve,x,y`; LTS tables with
 * y first) and trimfit's JSON curve format `{ "x": [...], "y": [...] }` (or `{ "points": [{x, y}] }`).
 * Errors name the row and column (1-based, as a spreadsheet shows them) and what was wrong.
 */
import { TrimfitError } from './errors.js';

export interface CsvTable {
  header: string[];
  rows: number[][];
}

/** Parses a numeric CSV with a header row. Blank lines are skipped; every cell must be a finite number in decimal notation. */
export function parseNumericCsv(text: string, field = 'csv'): CsvTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let lineNo = 0;
  while (lineNo < lines.length && lines[lineNo].trim() === '') lineNo++;
  if (lineNo >= lines.length) throw new TrimfitError('parse-error', field, 'a header row and at least one data row', 'an empty file');
  const header = splitCsvLine(lines[lineNo]).map((h) => h.trim());
  const rows: number[][] = [];
  for (let i = lineNo + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitCsvLine(lines[i]);
    if (cells.length !== header.length)
      throw new TrimfitError('parse-error', `${field} row ${i + 1}`, `${header.length} columns (${header.join(',')})`, `${cells.length} columns`, `${field}: row ${i + 1} has ${cells.length} columns, expected ${header.length} (${header.join(',')})`);
    rows.push(cells.map((c, j) => parseCell(c, `${field} row ${i + 1}, column ${j + 1} (${header[j]})`)));
  }
  if (rows.length === 0) throw new TrimfitError('parse-error', field, 'at least one data row', 'only a header');
  return { header, rows };
}

function splitCsvLine(line: string): string[] {
  return splitRawCsvLine(line).map(unquoteCell);
}

/**
 * A CSV line's cells as written, quotes included. A comma inside double quotes is part of the cell
 * (RFC 4180, as spreadsheets write a label such as "run 1, lr=1e-6"); splitting at every comma
 * read such a label as two cells and refused the row for its column count. A doubled quote inside
 * quotes toggles twice, so it stays inside.
 */
function splitRawCsvLine(line: string): string[] {
  const cells: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ',' && !quoted) {
      cells.push(line.slice(start, i));
      start = i + 1;
    }
  }
  cells.push(line.slice(start));
  return cells;
}

/** A cell without its padding and enclosing quotes, a doubled quote inside them read as one. */
function unquoteCell(cell: string): string {
  const c = cell.trim();
  return /^"[^]*"$/.test(c) ? c.slice(1, -1).replace(/""/g, '"') : c;
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

function parseCell(cell: string, where: string): number {
  // Spaces inside quotes ("" or " 1 ") are no more a value than spaces outside them.
  const text = cell.trim();
  if (text === '') throw new TrimfitError('parse-error', where, 'a finite number', 'an empty cell');
  const v = parseDecimal(text);
  // Text that is not a decimal number ("NaN", "Infinity", "0x10", "1_000") is a parse error; a
  // decimal number beyond f64 (1e999) is well formed but not a usable value.
  if (v === null) throw new TrimfitError('parse-error', where, 'a decimal number (digits, optional sign, point and exponent)', cell);
  if (!Number.isFinite(v)) throw new TrimfitError('invalid-input', where, 'a finite number', cell);
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

/**
 * The long format's curve labels are replaced by their group number before the numeric parser runs,
 * so its errors keep the file's own row and column numbers.
 */
function parseCurvesCsv(name: string, text: string): { format: 'csv-xy' | 'csv-long'; curves: ParsedCurve[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  const header = headerAt < 0 ? [] : splitCsvLine(lines[headerAt]).map((h) => h.toLowerCase());
  const curveCol = header.indexOf('curve');
  if (curveCol < 0) {
    const table = parseNumericCsv(text, name);
    const [ix, iy] = xyColumns(table, name, 'columns x,y or curve,x,y');
    return { format: 'csv-xy', curves: [withPSft({ id: stemOf(name), x: table.rows.map((r) => r[ix]), y: table.rows.map((r) => r[iy]), field: name }, table, table.rows)] };
  }
  const labels: string[] = [];
  const numbered = lines.map((line, i) => {
    if (i <= headerAt || line.trim() === '') return line;
    const cells = splitRawCsvLine(line);
    const label = unquoteCell(cells[curveCol] ?? '');
    if (label === '') return line; // the numeric parser reports the empty cell with its row and column
    let k = labels.indexOf(label);
    if (k < 0) k = labels.push(label) - 1;
    cells[curveCol] = String(k);
    return cells.join(',');
  });
  const table = parseNumericCsv(numbered.join('\n'), name);
  const [ix, iy] = xyColumns(table, name, 'columns curve,x,y');
  return {
    format: 'csv-long',
    curves: labels.map((label, k) => {
      const rows = table.rows.filter((r) => r[curveCol] === k);
      return withPSft({ id: label, x: rows.map((r) => r[ix]), y: rows.map((r) => r[iy]), field: `${name} curve "${label}"` }, table, rows);
    }),
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
