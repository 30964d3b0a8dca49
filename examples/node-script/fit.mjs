// Usage: node fit.mjs <retu-dir | curve.csv>
//   a RETU data directory: a one-setting sweep over every RL branch on the CPU, one line per curve;
//   an x,y CSV file: one robust fit, printed as JSON.
// Prints one JSON document on stdout; bad input exits with code 2 and the error's fields.
import { readFile, stat } from 'node:fs/promises';
import { createFitter, fit, isTrimfitError, parseXyCsv, readRetuDir } from 'trimfit/node';

const target = process.argv[2];
try {
  if (!target) throw new Error('usage: node fit.mjs <retu-dir | curve.csv>');
  if ((await stat(target)).isDirectory()) {
    const curves = await readRetuDir(target);
    const fitter = await createFitter({ backend: 'cpu', workers: 1 });
    const rows = [];
    try {
      const sweep = curves.map((c) => ({ id: c.id, x: c.x, y: c.y, pSft: c.pSft }));
      for await (const item of fitter.fitSweep(sweep, { grid: 'single', lts: true, ltsStarts: 16, scoreCap: 100, scoreFloor: 0 })) {
        const r = item.result;
        rows.push(r.status === 'failed' ? { id: item.id, status: r.status, error: r.error } : { id: item.id, status: r.status, params: r.params, r2Val: r.r2Val, warnings: r.warnings.map((w) => w.code) });
      }
    } finally {
      await fitter.dispose();
    }
    console.log(JSON.stringify({ curves: rows.length, rows }));
  } else {
    const curve = parseXyCsv(await readFile(target, 'utf8'), target);
    const r = fit(curve, { lts: true });
    console.log(JSON.stringify({ status: r.status, params: r.params, inliers: r.inlierMask.filter(Boolean).length, warnings: r.warnings }));
  }
} catch (e) {
  console.error(isTrimfitError(e) ? JSON.stringify({ error: e.toJSON() }) : String(e));
  process.exitCode = 2;
}
