// The CSV reader behind `trimfit fit` and `trimfit lts` (src/api/parse.ts): which cells are numbers
// and how headers are matched.
import { describe, expect, test } from 'vitest';
import { parseDecimal, parseNumericCsv, parseXyCsv } from '../../src/api/parse.js';

describe('parseDecimal', () => {
  test.each(['0', '-1', '+2.5', '.5', '5.', '1e3', '-1.5E-7', '007'])('%s is a decimal number', (text) => {
    expect(parseDecimal(text)).toBe(Number(text));
  });
  test.each(['', ' ', '0x10', '0b1', '0o7', '1_000', 'NaN', 'Infinity', '-Infinity', '1e', 'e5', '.', '1.2.3', '1,5', '--1'])('%j is not', (text) => {
    expect(parseDecimal(text)).toBeNull();
  });
});

describe('parseNumericCsv cells', () => {
  test.each(['0x10', 'NaN', 'Infinity', '-Infinity', '1_000'])('a cell %j is a parse error naming its row and column', (cell) => {
    expect(() => parseNumericCsv(`x,y\n1,2\n2,${cell}\n`, 'f.csv')).toThrow(
      expect.objectContaining({ code: 'parse-error', field: 'f.csv row 3, column 2 (y)', received: JSON.stringify(cell) }),
    );
  });
  test('a decimal beyond f64 is well formed but not finite: invalid input', () => {
    expect(() => parseNumericCsv('x,y\n1,1e999\n', 'f.csv')).toThrow(expect.objectContaining({ code: 'invalid-input', field: 'f.csv row 2, column 2 (y)' }));
  });
  test('blank and quoted-blank cells are empty cells', () => {
    expect(() => parseNumericCsv('x,y\n1, \n', 'f.csv')).toThrow(expect.objectContaining({ code: 'parse-error', received: '"an empty cell"' }));
    expect(() => parseNumericCsv('x,y\n1," "\n', 'f.csv')).toThrow(expect.objectContaining({ code: 'parse-error', received: '"an empty cell"' }));
  });
  test('quoted and padded decimals are read', () => {
    expect(parseNumericCsv('x,y\n"1", 2.5e1 \n" -3 ",4\n').rows).toEqual([[1, 25], [-3, 4]]);
  });
});

describe('parseXyCsv header', () => {
  test('x and y are found in any letter case and order', () => {
    expect(parseXyCsv('X,Y\n1,2\n3,4\n')).toEqual({ x: [1, 3], y: [2, 4] });
    expect(parseXyCsv('Y,x\n1,2\n3,4\n')).toEqual({ x: [2, 4], y: [1, 3] });
  });
  test('a header without x or y is still a parse error', () => {
    expect(() => parseXyCsv('a,b\n1,2\n', 'f.csv')).toThrow(expect.objectContaining({ code: 'parse-error', field: 'f.csv header' }));
  });
});
