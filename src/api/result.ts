/**
 * Public result objects, in the spirit of SciPy's OptimizeResult and robustbase's ltsReg: parameters
 * (natural names), the Stage-1 (raw, before trimming) and final estimates, the objective, h, the
 * inlier mask, status + message, metrics, diagnostics, and which backend ran and why.
 */
import type { FitStatus } from '../core/lm.js';
import type { ModelName } from '../core/models/model.js';
import type { Hyper, RobustFitCore } from '../core/pipeline.js';
import type { BootstrapResult } from '../core/bootstrap.js';
import type { ErrorDetails } from './errors.js';

/** 'failed' only inside batches: the input of that fit was rejected (see `error`). */
export type ResultStatus = FitStatus | 'failed';

export interface BackendInfo {
  name: 'cpu' | 'webgpu';
  /** e.g. the adapter name, or "f64 main thread". */
  description: string;
  /** Why this backend ran (e.g. "auto: no WebGPU adapter", "requested"). */
  reason: string;
}

export interface FitResult {
  model: ModelName;
  /** Natural parameters of the final fit. */
  params: Record<string, number>;
  /** Natural parameters of the Stage-1 fit (before LTS): the raw estimate. */
  stage1Params: Record<string, number>;
  status: ResultStatus;
  /** True for 'converged' and 'at-bound' (a valid optimum inside the box). */
  success: boolean;
  message: string;
  objective: number;
  h: number;
  /** Per input point (caller's order): true where the final fit used it. */
  inlierMask: boolean[];
  /** Caller's indices rejected by Stage 1 / trimmed by LTS. */
  stage1Rejected: number[];
  ltsTrimmed: number[];
  r2Train: number | null;
  r2Val: number | null;
  rmseVal: number | null;
  sse: number;
  /** r2Val − g·max(0, r2Train − r2Val); −Infinity when there is no validation R². */
  score: number;
  standardErrors: Record<string, number>;
  hyper: Hyper;
  /**
   * Bootstrap intervals; null when the bootstrap is off, no resample could be refitted, or a
   * prediction is undefined at a requested x (the message says so). Prediction bounds may be
   * ±Infinity where the model's value overflows f64.
   */
  ci: BootstrapResult | null;
  diagnostics: RobustFitCore['diagnostics'];
  backend: BackendInfo;
}

/** A batch entry that could not be fitted keeps its place and says why. */
export interface FailedFit {
  status: 'failed';
  success: false;
  message: string;
  error: ErrorDetails;
}

export function toFitResult(core: RobustFitCore, hyper: Hyper, order: Int32Array, ci: BootstrapResult | null, backend: BackendInfo, model: ModelName): FitResult {
  const n = order.length;
  const inlierMask = new Array<boolean>(n).fill(false);
  for (let k = 0; k < n; k++) if (core.inlierMask[k]) inlierMask[order[k]] = true;
  const toCaller = (idx: Int32Array) => Array.from(idx, (k) => order[k]).sort((a, b) => a - b);
  // An optimum found in internal parameters can still be unrepresentable in natural ones (e.g. the
  // power law's a = A·xRef^(−b) for x near 1e-300): such a fit is reported as 'non-finite'.
  const overflow = [...Object.entries(core.params), ...Object.entries(core.stage1Params), ['objective', core.objective], ['sse', core.sse]].find(([, v]) => !Number.isFinite(v as number));
  const status = overflow ? 'non-finite' : core.status;
  let message = status === core.status ? core.message : `${core.message}; but ${overflow![0]} = ${overflow![1]} is not representable in f64 (rescale x or y)`;
  // Intervals from no usable resample, or a prediction the model leaves undefined, are not reported.
  const undefinedAt = ci?.predictions.find((p) => Number.isNaN(p.lower) || Number.isNaN(p.upper));
  if (undefinedAt) message += `; no bootstrap intervals: the prediction at x = ${undefinedAt.x} is undefined (NaN)`;
  const reportedCi = ci && ci.used > 0 && !undefinedAt ? ci : null;
  return {
    model,
    params: core.params,
    stage1Params: core.stage1Params,
    status,
    success: status === 'converged' || status === 'at-bound',
    message,
    objective: core.objective,
    h: core.h,
    inlierMask,
    stage1Rejected: toCaller(core.stage1Rejected),
    ltsTrimmed: toCaller(core.ltsTrimmed),
    r2Train: core.r2Train,
    r2Val: core.r2Val,
    rmseVal: core.rmseVal,
    sse: core.sse,
    score: core.score,
    standardErrors: core.standardErrors,
    hyper,
    ci: reportedCi,
    diagnostics: core.diagnostics,
    backend,
  };
}
