// The CSV reader behind `trimfit fit` and `trimfit lts` (src/api/parse.ts): which cells are numbers
// and how headers are matched.
import { describe, expect, test } from 'vitest';
import { curveFileNotes, parseCurvesFile, parseDecimal, parseNumericCsv, parseXyCsv } from '../../src/api/parse.js';

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

describe('parseCurvesFile (the page loader and trimfit sweep)', () => {
  test('CSV x,y: one curve named after the file, points in file order', () => {
    expect(parseCurvesFile('dir/run-7.csv', 'X,Y\n3,1\n1,2\n')).toEqual({ format: 'csv-xy', curves: [{ id: 'run-7', x: [3, 1], y: [1, 2], xLabel: 'X', yLabel: 'Y', field: 'dir/run-7.csv' }], skippedColumns: [], textColumnsNotRead: [] });
  });
  test('long CSV: one curve per label in order of first appearance, labels with spaces and quotes', () => {
    const { format, curves } = parseCurvesFile('l.csv', 'Curve,x,y\n"b 1",1,2\na,1,5\n"b 1",2,3\n');
    expect(format).toBe('csv-long');
    expect(curves).toEqual([
      { id: 'b 1', x: [1, 2], y: [2, 3], xLabel: 'x', yLabel: 'y', field: 'l.csv curve "b 1"' },
      { id: 'a', x: [1], y: [5], xLabel: 'x', yLabel: 'y', field: 'l.csv curve "a"' },
    ]);
  });
  test('a quoted label may hold commas and doubled quotes (as spreadsheets write them)', () => {
    const { curves } = parseCurvesFile('q.csv', 'curve,x,y,p_sft\n"run 1, lr=1e-6",0,50,50\n"run ""b"", 2",0,40,40\n"run 1, lr=1e-6",1,55,50\n');
    expect(curves.map((c) => [c.id, c.x, c.y, c.pSft])).toEqual([['run 1, lr=1e-6', [0, 1], [50, 55], 50], ['run "b", 2', [0], [40], 40]]);
    expect(parseNumericCsv('x,y\n"1",2\n').rows).toEqual([[1, 2]]);
    // A decimal comma inside quotes is one cell, refused as a number, not as a row of 3 columns.
    expect(() => parseCurvesFile('q.csv', 'curve,x,y\n"a,b",1,"2,5"\n')).toThrow(expect.objectContaining({ code: 'parse-error', field: 'q.csv row 2, column 3 (y)', received: '"2,5"' }));
  });
  test('long CSV errors keep the file\'s own row and column', () => {
    expect(() => parseCurvesFile('l.csv', 'curve,x,y\na,1,2\n,1,2\n')).toThrow(expect.objectContaining({ code: 'parse-error', field: 'l.csv row 3, column 1 (curve)' }));
    expect(() => parseCurvesFile('l.csv', 'curve,x,y\na,1,2\na,0x1,2\n')).toThrow(expect.objectContaining({ code: 'parse-error', field: 'l.csv row 3, column 2 (x)' }));
    const noColumn = (column: string) => expect.objectContaining({ code: 'parse-error', field: 'l.csv header', expected: expect.stringMatching(new RegExp(`^a column ${column} \\(the formats: x,y; curve,x,y; x and one column per curve`)) });
    expect(() => parseCurvesFile('l.csv', 'curve,a,b\nq,1,2\n')).toThrow(noColumn('x, step or global_step'));
    expect(() => parseCurvesFile('l.csv', 'a,b\n1,2\n')).toThrow(noColumn('x, step or global_step'));
    // With a curve column, y must be there: the table is not wide.
    expect(() => parseCurvesFile('l.csv', 'curve,x,b\nq,1,2\n')).toThrow(noColumn('y or value'));
  });
  test('columns by other names (a TensorBoard export); columns not read may hold anything', () => {
    const tb = 'Wall time,Step,Value\n1700000000.5,100,0.25\n1700000100.5,200,0.5\n';
    expect(parseCurvesFile('tb.csv', tb, { x: 'step', y: 'value' })).toEqual({ format: 'csv-xy', curves: [{ id: 'tb', x: [100, 200], y: [0.25, 0.5], xLabel: 'Step', yLabel: 'Value', field: 'tb.csv' }], skippedColumns: [], textColumnsNotRead: [] });
    const long = 'run,step,acc,notes\na,1,2,"lr 1e-6, warmup"\nb,1,3,\n';
    expect(parseCurvesFile('l.csv', long, { curve: 'run', x: 'step', y: 'acc' }).curves.map((c) => [c.id, c.x, c.y])).toEqual([['a', [1], [2]], ['b', [1], [3]]]);
    // A column named but absent is an error, never a silent fall back to another format.
    expect(() => parseCurvesFile('tb.csv', tb, { x: 'step', y: 'accuracy' })).toThrow(expect.objectContaining({ field: 'tb.csv header', expected: expect.stringMatching(/^a column accuracy /) }));
    expect(() => parseCurvesFile('l.csv', long, { curve: 'label', x: 'step', y: 'acc' })).toThrow(expect.objectContaining({ expected: expect.stringMatching(/^a column label /) }));
    // The columns that are read must still be numbers.
    expect(() => parseCurvesFile('tb.csv', 'Step,Value\n100,n/a\n', { x: 'step', y: 'value' })).toThrow(expect.objectContaining({ field: 'tb.csv row 2, column 2 (Value)' }));
  });
  test('without column options, an export\'s Step and Value are read where there is no x or y', () => {
    // TensorBoard's CSV: its wall time is not read.
    expect(parseCurvesFile('tb.csv', 'Wall time,Step,Value\n1.7e9,100,0.25\n1.7e9,200,0.5\n')).toMatchObject({ format: 'csv-xy', curves: [{ x: [100, 200], y: [0.25, 0.5], xLabel: 'Step', yLabel: 'Value' }] });
    // W&B's panel export: Step and one column per run.
    expect(parseCurvesFile('w.csv', '"Step","r - acc","r - acc__MIN","r - acc__MAX"\n1,2,2,2\n')).toMatchObject({ format: 'csv-wide', curves: [{ id: 'r', x: [1], y: [2], yLabel: 'acc' }] });
    // x and y come first; a column named in the options is the only one tried.
    expect(parseCurvesFile('b.csv', 'step,x,value,y\n1,2,3,4\n').curves[0]).toMatchObject({ x: [2], y: [4] });
    expect(() => parseCurvesFile('b.csv', 'step,value\n1,2\n', { x: 'x' })).toThrow(expect.objectContaining({ expected: expect.stringMatching(/^a column x \(/) }));
  });
  test('curveFileNotes: one line for the W&B columns skipped, one for the columns of text not read', () => {
    const wide = parseCurvesFile('w.csv', 'Step,a - acc,a - acc__MIN,a - acc__MAX,b - acc,b - acc__MIN\n1,2,2,2,3,3\n');
    expect(curveFileNotes('w.csv', wide, 'name it')).toEqual(["w.csv: skipped 3 of W&B's own columns beside the runs' (a - acc__MIN, a - acc__MAX, …)"]);
    const labelled = parseCurvesFile('m.csv', 'model,x,y\np,1,2\n');
    expect(curveFileNotes('m.csv', labelled, 'name it with --curve-column')).toEqual(['m.csv: a column of text not read (model); if one labels curves, name it with --curve-column']);
    expect(curveFileNotes('n.csv', { skippedColumns: ['a__MIN'], textColumnsNotRead: ['m', 'n'] }, 'say so')).toEqual([
      "n.csv: skipped 1 of W&B's own column beside the runs' (a__MIN)",
      'n.csv: columns of text not read (m, n); if one labels curves, say so',
    ]);
    expect(curveFileNotes('x.csv', parseCurvesFile('x.csv', 'x,y\n1,2\n'), 'say so')).toEqual([]);
  });
  test('a column of curve labels: curve, else run; columns of text not read are listed', () => {
    expect(parseCurvesFile('r.csv', 'run,step,value\na,0,1\nb,0,2\n')).toMatchObject({ format: 'csv-long', curves: [{ id: 'a' }, { id: 'b' }], textColumnsNotRead: [] });
    // A label column under another name would merge its curves into one: it is listed, as is any
    // other column of text; a numeric one (TensorBoard's wall time) is not.
    const merged = parseCurvesFile('m.csv', 'Wall time,model,x,y,notes\n1.7e9,a,0,1,\n1.7e9,b,0,2,"lr 1e-6, warmup"\n');
    expect(merged).toMatchObject({ format: 'csv-xy', textColumnsNotRead: ['model', 'notes'] });
    expect(merged.curves).toHaveLength(1);
    expect(parseCurvesFile('m.csv', 'model,x,y\na,0,1\nb,0,2\n', { curve: 'model' })).toMatchObject({ format: 'csv-long', textColumnsNotRead: [] });
    expect(parseCurvesFile('r.json', '[{"x":0,"y":1,"ok":true}]').textColumnsNotRead).toEqual(['ok']);
  });
  test('wide CSV: x and one column per curve, empty cells no points, W&B band columns skipped', () => {
    const wandb = [
      '"Step","run-a - eval/acc","run-a - eval/acc__MIN","run-a - eval/acc__MAX","run-b - eval/acc","run-b - eval/acc__MIN","run-b - eval/acc__MAX"',
      '100,0.25,0.2,0.3,,,',
      '200,0.5,0.45,0.55,0.4,0.4,0.4',
      '300,,,,0.6,0.6,0.6',
    ].join('\n');
    expect(parseCurvesFile('w.csv', wandb, { x: 'Step' })).toEqual({
      format: 'csv-wide',
      curves: [
        // Named by their runs: the metric all columns share labels the y axis.
        { id: 'run-a', x: [100, 200], y: [0.25, 0.5], xLabel: 'Step', yLabel: 'eval/acc', field: 'w.csv column "run-a - eval/acc"' },
        { id: 'run-b', x: [200, 300], y: [0.4, 0.6], xLabel: 'Step', yLabel: 'eval/acc', field: 'w.csv column "run-b - eval/acc"' },
      ],
      skippedColumns: ['run-a - eval/acc__MIN', 'run-a - eval/acc__MAX', 'run-b - eval/acc__MIN', 'run-b - eval/acc__MAX'],
      textColumnsNotRead: [],
    });
    // Columns of different metrics, or not of the form <run> - <metric>, keep their whole names.
    expect(parseCurvesFile('w.csv', 'Step,a - acc,b - loss\n1,2,3\n').curves.map((c) => [c.id, c.yLabel])).toEqual([['a - acc', undefined], ['b - loss', undefined]]);
    expect(parseCurvesFile('w.csv', 'Step, - acc,b - acc\n1,2,3\n').curves.map((c) => c.id)).toEqual(['- acc', 'b - acc']);
    // W&B's per-run step counters are skipped with the band columns; global_step is an x.
    expect(parseCurvesFile('w.csv', 'global_step,r - acc,r - _step\n1,2,1\n')).toMatchObject({ curves: [{ id: 'r', x: [1], y: [2], xLabel: 'global_step', yLabel: 'acc' }], skippedColumns: ['r - _step'] });
    // A __MIN column with no column of its own name is a curve like any other.
    expect(parseCurvesFile('w.csv', 'x,loss__MIN\n1,2\n').curves.map((c) => c.id)).toEqual(['loss__MIN']);
    // A column with no values is a curve with no points: its fit fails alone, the file is read.
    expect(parseCurvesFile('w.csv', 'x,a,b\n1,2,\n2,3,\n').curves.map((c) => c.x.length)).toEqual([2, 0]);
  });
  test('wide CSV errors: x cells, curve cells, a p_sft column, repeated or empty names', () => {
    expect(() => parseCurvesFile('w.csv', 'x,a\n,2\n')).toThrow(expect.objectContaining({ field: 'w.csv row 2, column 1 (x)', received: '"an empty cell"' }));
    expect(() => parseCurvesFile('w.csv', 'x,a,b\n1,2,NaN\n')).toThrow(expect.objectContaining({ field: 'w.csv row 2, column 3 (b)' }));
    expect(() => parseCurvesFile('w.csv', 'x,a,p_sft\n1,2,3\n')).toThrow(expect.objectContaining({ field: 'w.csv column 3 (p_sft)', expected: expect.stringMatching(/long format curve,x,y,p_sft/) }));
    expect(() => parseCurvesFile('w.csv', 'x,a,a\n1,2,3\n')).toThrow(expect.objectContaining({ field: 'w.csv header, column 3', received: '"a"' }));
    expect(() => parseCurvesFile('w.csv', 'x,,a\n1,2,3\n')).toThrow(expect.objectContaining({ field: 'w.csv header, column 2', received: '"an empty cell"' }));
  });
  test('CSV per RFC 4180: quoted commas and quotes, an unterminated quote an error naming its row, mixed line endings and blank lines', () => {
    // The open quote takes the rest of the text into one cell: one column where the header has two.
    expect(() => parseCurvesFile('q.csv', 'x,y\n1,2\n"3,4\n5,6\n')).toThrow(expect.objectContaining({ code: 'parse-error', field: 'q.csv row 3', received: '"1 columns"' }));
    // A quoted comma is part of the label, a doubled quote one quote.
    expect(parseCurvesFile('l.csv', 'curve,x,y\n"run 1, lr=1e-6",1,2\n"say ""hi""",1,2\n').curves.map((c) => c.id)).toEqual(['run 1, lr=1e-6', 'say "hi"']);
    expect(parseCurvesFile('m.csv', 'x,y\n1,2\r\n\n3,4\r\n5,6\n').curves[0]).toMatchObject({ x: [1, 3, 5], y: [2, 4, 6] });
    // Row numbers count blank lines, as a spreadsheet does.
    expect(() => parseCurvesFile('b.csv', 'x,y\n\n1,2\n\n3,oops\n')).toThrow(expect.objectContaining({ field: 'b.csv row 5, column 2 (y)' }));
  });
  test('tabs or semicolons where the header has no comma: a sheet copied as text, a .tsv file, a European spreadsheet', () => {
    expect(parseCurvesFile('s.tsv', '\n\tStep\tValue\nq\t1\t2\nr\t2\t3\n', { x: 'step', y: 'value' }).curves[0]).toMatchObject({ x: [1, 2], y: [2, 3] });
    expect(parseCurvesFile('s.tsv', 'curve\tx\ty\n"run 1, lr=1e-6"\t1\t2\n').curves[0].id).toBe('run 1, lr=1e-6');
    // A header label with a comma inside quotes does not make the table comma-separated.
    expect(parseCurvesFile('s.tsv', '"x, EFLOPs"\ty\n1\t2\n', { x: 'x, EFLOPs' }).curves[0]).toMatchObject({ x: [1], y: [2] });
    expect(parseCurvesFile('s.csv', 'x;y\n1;2\n1e3;4\n').curves[0]).toMatchObject({ x: [1, 1000], y: [2, 4] });
    // Decimal commas are refused cell by cell, naming the cell.
    expect(() => parseCurvesFile('s.csv', 'x;y\n1;2,5\n')).toThrow(expect.objectContaining({ code: 'parse-error', field: 's.csv row 2, column 2 (y)', received: '"2,5"' }));
    expect(parseNumericCsv('y\tx1\n1\t2\n').rows).toEqual([[1, 2]]);
  });
  test('JSON: a curve, {points}, an array with and without ids; by extension or by the first character', () => {
    expect(parseCurvesFile('c.json', '{"x":[1,2],"y":[3,4]}').curves).toEqual([{ id: 'c', x: [1, 2], y: [3, 4], field: 'c.json' }]);
    expect(parseCurvesFile('p', '{"points":[{"x":1,"y":2}]}')).toMatchObject({ format: 'json-curve', curves: [{ x: [1], y: [2] }] });
    expect(parseCurvesFile('s.json', '[{"id":7,"x":[1],"y":[2]},{"x":[3],"y":[4]}]').curves.map((c) => c.id)).toEqual(['7', 's[1]']);
  });
  test('P_sft: a p_sft column, one value per curve, or a JSON pSft field', () => {
    expect(parseCurvesFile('p.csv', 'curve,x,y,P_SFT\na,1,2,40\na,2,3,40\nb,1,2,55\n').curves.map((c) => c.pSft)).toEqual([40, 55]);
    expect(parseCurvesFile('p.csv', 'x,y,p_sft\n1,2,7\n').curves[0].pSft).toBe(7);
    expect(parseCurvesFile('p.csv', 'x,y\n1,2\n').curves[0].pSft).toBeUndefined();
    expect(() => parseCurvesFile('p.csv', 'curve,x,y,p_sft\na,1,2,40\na,2,3,41\n')).toThrow(expect.objectContaining({ code: 'parse-error', field: 'p.csv curve "a" p_sft', received: '"40 and 41"' }));
    expect(parseCurvesFile('p.json', '[{"x":[1],"y":[2],"pSft":3.5}]').curves[0].pSft).toBe(3.5);
    expect(() => parseCurvesFile('p.json', '[{"x":[1],"y":[2],"pSft":"3"}]')).toThrow(expect.objectContaining({ code: 'invalid-input', field: 'p.json[0].pSft' }));
  });
  test('pSftAtX0: a curve without a P_sft of its file takes the mean of its y at x = 0', () => {
    const wide = 'step,a,b\n0,40,51\n0,,49\n10,45,55\n';
    expect(parseCurvesFile('w.csv', wide, { x: 'step', pSftAtX0: true }).curves.map((c) => [c.id, c.pSft, c.pSftFromX0])).toEqual([['a', 40, true], ['b', 50, true]]);
    // The file's own P_sft wins; without the option none is read at x = 0.
    expect(parseCurvesFile('p.csv', 'x,y,p_sft\n0,40,38\n1,41,38\n', { pSftAtX0: true }).curves[0]).toMatchObject({ pSft: 38 });
    expect(parseCurvesFile('p.csv', 'x,y,p_sft\n0,40,38\n1,41,38\n', { pSftAtX0: true }).curves[0].pSftFromX0).toBeUndefined();
    expect(parseCurvesFile('w.csv', wide, { x: 'step' }).curves[0].pSft).toBeUndefined();
    expect(parseCurvesFile('j.json', '[{"id":"r","x":[0,5],"y":[3,4]}]', { pSftAtX0: true }).curves[0].pSft).toBe(3);
    // Their mean, not a sum that overflows.
    expect(parseCurvesFile('b.csv', 'x,y\n0,1.5e308\n0,1.7e308\n', { pSftAtX0: true }).curves[0].pSft).toBeCloseTo(1.6e308, -300);
    expect(parseCurvesFile('b.csv', 'x,y\n0,-1.7976931348623157e308\n0,1e308\n', { pSftAtX0: true }).curves[0].pSft).toBeCloseTo(-0.3988e308, -304);
    expect(parseCurvesFile('b.csv', 'x,y\n0,1.7976931348623157e308\n0,1.7976931348623157e308\n0,1.7976931348623157e308\n', { pSftAtX0: true }).curves[0].pSft).toBe(Number.MAX_VALUE);
    // A curve without a point at x = 0 is an error naming it and its smallest x.
    expect(() => parseCurvesFile('l.csv', 'curve,x,y\na,0,1\nb,2,3\n', { pSftAtX0: true })).toThrow(expect.objectContaining({ code: 'invalid-input', field: 'l.csv curve "b" x', received: '"its smallest x is 2"' }));
    expect(() => parseCurvesFile('j.json', '[{"x":[1],"y":[2]}]', { pSftAtX0: true })).toThrow(expect.objectContaining({ field: 'j.json[0].x' }));
  });
  test('JSON records, one object per row (pandas\' to_json(orient="records")), read as a table', () => {
    expect(parseCurvesFile('p.json', '[{"step":0,"value":1.5},{"step":10,"value":2}]')).toEqual({
      format: 'records-xy',
      curves: [{ id: 'p', x: [0, 10], y: [1.5, 2], xLabel: 'step', yLabel: 'value', field: 'p.json' }],
      skippedColumns: [],
      textColumnsNotRead: [],
    });
    const long = '[{"run":"a","step":0,"acc":40,"note":true},{"run":"b","step":0,"acc":55},{"run":"a","step":5,"acc":42.5}]';
    expect(parseCurvesFile('l.json', long, { curve: 'run', y: 'acc', pSftAtX0: true })).toMatchObject({
      format: 'records-long',
      curves: [{ id: 'a', x: [0, 5], y: [40, 42.5], pSft: 40 }, { id: 'b', x: [0], y: [55], pSft: 55 }],
    });
    // Wide: one key per run, null or missing where a run has no point.
    expect(parseCurvesFile('w.json', '[{"Step":0,"r1":1,"r2":null},{"Step":1,"r1":2,"r2":3}]')).toMatchObject({
      format: 'records-wide',
      curves: [{ id: 'r1', x: [0, 1], y: [1, 2] }, { id: 'r2', x: [1], y: [3] }],
    });
    // Errors name the record and the key.
    expect(() => parseCurvesFile('p.json', '[{"step":0,"value":1},{"step":"ten","value":2}]')).toThrow(expect.objectContaining({ code: 'parse-error', field: 'p.json[1].step', received: '"ten"' }));
    expect(() => parseCurvesFile('p.json', '[{"step":0,"value":null}]')).toThrow(expect.objectContaining({ field: 'p.json[0].value', received: '"an empty cell"' }));
    expect(() => parseCurvesFile('p.json', '[{"a":0,"b":1}]')).toThrow(expect.objectContaining({ field: 'p.json header', expected: expect.stringMatching(/^a column x, step or global_step /) }));
    // An array of curves stays an array of curves.
    expect(parseCurvesFile('s.json', '[{"id":"a","x":[1],"y":[2]}]').format).toBe('json-array');
  });
  test('a UTF-8 byte order mark before JSON is dropped, as before CSV', () => {
    expect(parseCurvesFile('b.json', '\uFEFF[{"id":"a","x":[1],"y":[2],"pSft":3}]').curves).toEqual([{ id: 'a', x: [1], y: [2], pSft: 3, field: 'b.json[0]' }]);
    expect(parseCurvesFile('b', '\uFEFF{"x":[1],"y":[2]}').curves[0]).toMatchObject({ id: 'b', x: [1], y: [2] });
    expect(parseCurvesFile('b.csv', '\uFEFFx,y\n1,2\n').curves[0]).toMatchObject({ x: [1], y: [2] });
  });
  test('JSON errors name the entry and the value', () => {
    expect(() => parseCurvesFile('s.json', '[{"x":[1],"y":["2"]}]')).toThrow(expect.objectContaining({ code: 'invalid-input', field: 's.json[0].y[0]', received: '"2"' }));
    expect(() => parseCurvesFile('s.json', '[{"id":{},"x":[1],"y":[2]}]')).toThrow(expect.objectContaining({ code: 'parse-error', field: 's.json[0].id' }));
    // Unequal lengths are read as they are: a sweep fails that curve alone, naming it (cli.test.ts).
    expect(parseCurvesFile('s.json', '[{"x":[1,2],"y":[2]}]').curves[0]).toMatchObject({ x: [1, 2], y: [2] });
    expect(() => parseCurvesFile('s.json', '[]')).toThrow(expect.objectContaining({ code: 'parse-error', received: '"an empty array"' }));
    expect(() => parseCurvesFile('s.json', '{"x":[1,2')).toThrow(expect.objectContaining({ code: 'parse-error', field: 's.json' }));
  });
});
