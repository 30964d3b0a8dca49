import type { Model } from './models/model.js';
import { fitNls } from './nls.js';
import { levenbergMarquardt, type NlsResult } from './lm.js';

/**
 * Multi-start fit, plus LM from theta0 when given; the lower SSE wins (ties keep the multi-start).
 * Refits after a small change of the point set start from the previous optimum this way, which is
 * both cheaper to converge and keeps the solution on the same branch when the surface has several.
 */
export function fitWithStart(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, nStarts: number, theta0?: ArrayLike<number>): NlsResult {
  const multi = fitNls(model, x, y, idx, { nStarts });
  if (!theta0) return multi;
  const local = levenbergMarquardt(model, x, y, idx, theta0);
  return local.sse < multi.sse ? local : multi;
}
