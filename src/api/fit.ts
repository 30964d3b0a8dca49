/**
 * `fit`: one curve, one setting, f64 on the calling thread. The reference every backend is checked
 * against, and what the CLI's `fit` runs with --backend cpu.
 */
import { bootstrapProcedure, robustFitSync } from '../core/pipeline.js';
import { bootstrapFit } from '../core/bootstrap.js';
import type { FitOptions } from './options.js';
import { checkCurve, checkModelName, checkOptionKeys, FIT_OPTION_KEYS, resolveFitOptions, type CurveInput } from './validate.js';
import { TrimfitError } from './errors.js';
import { toFitResult, type BackendInfo, type FitResult } from './result.js';

export const CPU_INLINE: BackendInfo = { name: 'cpu', description: 'f64, calling thread', reason: 'reference engine' };

export function fit(curve: CurveInput, options?: FitOptions): FitResult {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TrimfitError('invalid-option', 'options', 'an object', options);
  if (options) checkOptionKeys(options, FIT_OPTION_KEYS, 'options');
  const model = checkModelName(options?.model ?? 'sigmoid');
  const { x, y, order } = checkCurve(curve, model, 1);
  const resolved = resolveFitOptions(options, x);
  const core = robustFitSync(resolved.model, { x, y }, resolved.hyper, resolved.pipeline);
  const ci =
    resolved.bootstrap.resamples > 0
      ? bootstrapFit(core.model, x, y, bootstrapProcedure(core.model, x.length, resolved.hyper, resolved.pipeline), core.theta, { ...resolved.bootstrap, seed: resolved.pipeline.seed })
      : null;
  return toFitResult(core, resolved.hyper, order, ci, CPU_INLINE, resolved.model);
}
