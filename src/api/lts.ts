/** Linear LTS (robustbase ltsReg compatible) behind validation at the door. */
import { lts as ltsCore, type LtsOptions, type LtsResult } from '../core/linear-lts.js';
import { TrimfitError } from './errors.js';
import { checkNumber } from './validate.js';

export type { LtsOptions, LtsResult };

/** Largest |value| accepted in X and y: squared residuals of such data stay finite in f64. */
export const LTS_MAX_ABS = 1e150;

/**
 * @param X n rows × p columns (no intercept column; see options.intercept)
 * @param y n responses
 */
export function lts(X: ArrayLike<ArrayLike<number>>, y: ArrayLike<number>, options: Partial<LtsOptions> = {}): LtsResult {
  if (!Array.isArray(X) && !ArrayBuffer.isView(X)) throw new TrimfitError('invalid-input', 'X', 'an array of rows', X);
  if (!Array.isArray(y) && !ArrayBuffer.isView(y)) throw new TrimfitError('invalid-input', 'y', 'an array of finite numbers', y);
  const n = y.length;
  if (X.length !== n) throw new TrimfitError('invalid-input', 'X', `${n} rows (one per y)`, `${X.length} rows`);
  const isRow = (row: unknown): row is ArrayLike<number> => Array.isArray(row) || (ArrayBuffer.isView(row) && !(row instanceof DataView));
  const p = n > 0 && isRow(X[0]) ? X[0].length : 0;
  // Squares of larger values overflow f64, and the LTS objective is a sum of squared residuals.
  const finite = (v: unknown): boolean => typeof v === 'number' && Math.abs(v) <= LTS_MAX_ABS;
  const expected = `a finite number with |v| ≤ ${LTS_MAX_ABS}`;
  for (let i = 0; i < n; i++) {
    if (!finite(y[i])) throw new TrimfitError('invalid-input', `y[${i}]`, expected, y[i]);
    const row = X[i];
    if (!isRow(row) || row.length !== p) throw new TrimfitError('invalid-input', `X[${i}]`, `an array of ${p} numbers (as many as X[0])`, isRow(row) ? `${row.length} columns` : row);
    for (let j = 0; j < p; j++) if (!finite(row[j])) throw new TrimfitError('invalid-input', `X[${i}][${j}]`, expected, row[j]);
  }
  const intercept = options.intercept ?? true;
  if (typeof intercept !== 'boolean') throw new TrimfitError('invalid-option', 'intercept', 'a boolean', intercept);
  const pTotal = p + (intercept ? 1 : 0);
  if (pTotal < 1) throw new TrimfitError('invalid-input', 'X', 'at least one column or an intercept', '0 columns');
  // The core's rule (robustbase's): n > 2p with p counting the intercept. Checked here so that too
  // few rows is an error naming y, not a result whose every number is NaN.
  if (n <= 2 * pTotal) throw new TrimfitError('too-few-points', 'y', `more than 2p = ${2 * pTotal} observations for p = ${pTotal} coefficients`, `${n} observations`);
  const alpha = checkNumber(options.alpha ?? 0.5, 'alpha', 0.5, 1);
  const resolved: Partial<LtsOptions> = { ...options, alpha, intercept };
  if (options.nSamples !== undefined) checkNumber(options.nSamples, 'nSamples', 1, 1e7, { integer: true });
  if (options.seed !== undefined) checkNumber(options.seed, 'seed', 0, 0xffffffff, { integer: true });
  return ltsCore(X, y, resolved);
}
