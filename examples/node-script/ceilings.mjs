// Usage: node ceilings.mjs <file.csv|file.json> [x-column]
//   Every curve of a file of scores (x,y; curve,x,y; a TensorBoard export; or a wide table such
//   as a W&B panel export, Step and one column per run) searched over the full grid on the CPU,
//   with P_sft read at x = 0 and scores in [0, 100]. Prints one JSON line per curve: its ceiling
//   A_post = P_sft + u with the 95% bootstrap interval, or its failure. Bad input exits with
//   code 2 and the error's fields. x-column names the x column where it is neither x nor step.
import { readFile } from 'node:fs/promises';
import { createFitter, isTrimfitError, parseCurvesFile } from 'trimfit/node';

const [file, xColumn] = process.argv.slice(2);
try {
  if (!file) throw new Error('usage: node ceilings.mjs <file.csv|file.json> [x-column]');
  const { curves } = parseCurvesFile(file, await readFile(file, 'utf8'), { x: xColumn, pSftAtX0: true });
  const fitter = await createFitter({ backend: 'cpu' });
  try {
    // Each curve is fitted as its gain over P_sft; the cap and floor keep A_post a possible score.
    const sweep = curves.map((c) => ({ id: c.id, x: c.x, y: c.y.map((v) => v - c.pSft), pSft: c.pSft }));
    for await (const item of fitter.fitSweep(sweep, { scoreCap: 100, scoreFloor: 0, bootstrap: { resamples: 100 } })) {
      const r = item.result;
      const pSft = sweep[item.index].pSft;
      const line =
        r.status === 'failed'
          ? { id: item.id, status: r.status, error: r.error }
          : {
              id: item.id,
              status: r.status,
              pSft,
              aPost: pSft + r.params.u,
              aPostCi: r.ci ? [pSft + r.ci.params.u.lower, pSft + r.ci.params.u.upper] : null,
              warnings: r.warnings.map((w) => w.code),
            };
      console.log(JSON.stringify(line));
    }
  } finally {
    await fitter.dispose();
  }
} catch (e) {
  console.error(isTrimfitError(e) ? JSON.stringify({ error: e.toJSON() }) : String(e));
  process.exitCode = 2;
}
