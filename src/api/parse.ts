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
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
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
  const names = t.header.map((h) => h.toLowerCase());
  const ix = names.indexOf('x');
  const iy = names.indexOf('y');
  if (ix < 0 || iy < 0) throw new TrimfitError('parse-error', `${field} header`, 'columns named x and y', t.header.join(','));
  return { x: t.rows.map((r) => r[ix]), y: t.rows.map((r) => r[iy]) };
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
