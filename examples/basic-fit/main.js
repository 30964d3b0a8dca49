// Fits one benchmark-score-vs-compute curve with Stage-1 rejection and LTS, on the page's thread.
import { fit, isTrimfitError } from 'trimfit';

const x = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];
const y = [3.1, 5.0, 8.2, 12.9, 19.5, 26.0, 45.0 /* outlier */, 36.8, 40.1, 42.0, 43.1, 43.6];
const out = document.getElementById('out');

try {
  const r = fit({ x, y }, { lts: true, alpha: 0.85, train: [0, 9], val: [9, 12], scoreCap: 100, scoreFloor: 0 });
  out.textContent = [
    `status: ${r.status} (${r.message})`,
    // A parameter held fixed (c0 without freeEpsilon) has no standard error.
    ...Object.entries(r.params).map(([k, v]) => `${k} = ${v.toPrecision(5)}${k in r.standardErrors ? ` ± ${r.standardErrors[k].toPrecision(3)}` : ' (fixed)'}`),
    `rejected by Stage 1: [${r.stage1Rejected}]  trimmed by LTS: [${r.ltsTrimmed}]`,
    `R² train ${r.r2Train?.toFixed(4)}  R² val ${r.r2Val?.toFixed(4)}`,
  ].join('\n');
} catch (e) {
  // Bad input: a TrimfitError names the field, what was expected and what was received.
  out.textContent = isTrimfitError(e) ? `${e.code} in ${e.field}: expected ${e.expected}, received ${e.received}` : String(e);
}
