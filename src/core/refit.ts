import type { Model } from './models/model.js';
import { fitNls } from './nls.js';
import { levenbergMarquardt, type NlsResult } from './lm.js';

/**
 * A refit after a small change of the point set (Stage 1 dropping outliers): LM from the previous
 * optimum theta0, which stays on the same branch when the surface has several and converges in a
 * few steps. Only when that LM does not reach an optimum does the multi-start run, and then the
 * lower SSE wins (ties keep the multi-start). Without theta0 it is the multi-start fit.
 */
export function fitWithStart(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, nStarts: number, theta0?: ArrayLike<number>): NlsResult {
  if (!theta0) return fitNls(model, x, y, idx, { nStarts });
  const local = levenbergMarquardt(model, x, y, idx, theta0);
  if (local.status === 'converged' || local.status === 'at-bound') return local;
  const multi = fitNls(model, x, y, idx, { nStarts });
  return local.sse < multi.sse ? local : multi;
}
