/**
 * Public result objects, in the spirit of SciPy's OptimizeResult and robustbase's ltsReg: parameters
 * (natural names), the Stage-1 (raw, before trimming) and final estimates, the objective, h, the
 * inlier mask, status + message, metrics, diagnostics, and which backend ran and why.
 */
import { parametersAtBound, type FitStatus } from '../core/lm.js';
import type { ModelName } from '../core/models/model.js';
import type { Hyper, RobustFitCore } from '../core/pipeline.js';
import type { BootstrapResult } from '../core/bootstrap.js';
import { NOISE_MULTIPLE_OF_A_MISS } from '../core/metrics.js';
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

/**
 * Why a fit's numbers may not mean what they seem, although the optimiser finished: a ceiling read
 * off such a fit deserves a second look. Codes:
 * - 'poor-train-fit': R² on the train points < 0 (worse than their mean);
 * - 'poor-validation': the validation RMSE exceeds POOR_VALIDATION_NOISE_MULTIPLE times the curve's
 *   point-to-point noise (diagnostics.noiseScale): the extrapolation misses the later points by more
 *   than the noise explains. (A validation R² below 0 alone is not flagged: on a plateau the
 *   validation points vary little about their mean, so R² sits near 0 for a fit within the noise.)
 * - 'no-validation': fewer than 2 validation points, so no validation R² (and no score to rank by);
 * - 'parameter-at-bound': the optimum sits on a bound of the box (the message names which), so the
 *   bound, not the data, sets that parameter (not raised for the sigmoid's c0 = 0, the model
 *   without offset);
 * - 'negative-gain': sigmoid u < 0, the curve ends below where it started (a collapse);
 * - 'few-resamples': the bootstrap interval rests on fewer than MIN_RELIABLE_RESAMPLES usable
 *   resamples, too few for its percentiles;
 * - 'lts-not-run': the setting asked for LTS, but h = ⌊α·m⌋ of the m Stage-1 survivors was not more
 *   than the parameters, or left nothing to trim, so the fit is Stage 1's.
 */
export type FitWarningCode = 'poor-train-fit' | 'poor-validation' | 'no-validation' | 'parameter-at-bound' | 'negative-gain' | 'few-resamples' | 'lts-not-run';

export interface FitWarning {
  code: FitWarningCode;
  message: string;
}

/**
 * Below this many usable resamples the 2.5 % and 97.5 % percentiles rest on 2–3 draws, and the
 * interval can even exclude the point estimate.
 */
export const MIN_RELIABLE_RESAMPLES = 100;

/** 'poor-validation' threshold, in units of the curve's noise σ (core/metrics NOISE_MULTIPLE_OF_A_MISS says why 3). */
export const POOR_VALIDATION_NOISE_MULTIPLE = NOISE_MULTIPLE_OF_A_MISS;

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
  /** What to check before trusting the fit (empty for a clean one); see FitWarningCode. */
  warnings: FitWarning[];
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
    warnings: fitWarnings(core, status, reportedCi, model, hyper),
    diagnostics: core.diagnostics,
    backend,
  };
}

const fmtR2 = (v: number) => v.toFixed(3);

/**
 * What the end of a missed validation range says: a collapse (the last points all below the fit) or
 * a curve that ends above it (still rising, or falling less than the fit). One point alone may be an outlier, so it takes two.
 */
function tailNote(tail: RobustFitCore['diagnostics']['valTail']): string {
  if (!tail || tail.points < 2) return '';
  const where = `its last ${tail.points} points, from x = ${tail.fromX.toPrecision(4)} on, all lie more than ${POOR_VALIDATION_NOISE_MULTIPLE}σ ${tail.side} the fit`;
  return tail.side === 'below'
    ? `; ${where}: if the run collapsed there, fit the points before x = ${tail.fromX.toPrecision(4)} to read the ceiling before the collapse`
    : `; ${where}: the curve ends above the fit, so the ceiling may be higher than the fit says`;
}

function fitWarnings(core: RobustFitCore, status: ResultStatus, ci: BootstrapResult | null, model: ModelName, hyper: Hyper): FitWarning[] {
  const out: FitWarning[] = [];
  if (hyper.lts && core.diagnostics.ltsCandidates === 0) {
    const m = core.diagnostics.nTrain - core.stage1Rejected.length;
    const h = Math.floor(m * hyper.alpha);
    const p = core.model.nParams;
    out.push({ code: 'lts-not-run', message: `LTS was not run: h = ⌊${hyper.alpha}·${m}⌋ = ${h} of the ${m} Stage-1 survivors ${h <= p ? `is not more than the ${p} parameters` : 'leaves nothing to trim'}, so the fit is Stage 1's` });
  }
  if (core.r2Train !== null && core.r2Train < 0) out.push({ code: 'poor-train-fit', message: `R² on the train points is ${fmtR2(core.r2Train)}: the fit is worse than their mean` });
  if (core.r2Val === null) {
    const nVal = core.diagnostics.nVal;
    // With 2 or more points R² is undefined only when their y do not vary (or the sums overflow).
    const why = nVal < 2 ? `${nVal} validation point${nVal === 1 ? '' : 's'}; at least 2 are needed` : `the ${nVal} validation points' y do not vary, or their sums are not finite`;
    out.push({ code: 'no-validation', message: `no validation R² (${why})` });
  }
  const sigma = core.diagnostics.noiseScale;
  if (core.rmseVal !== null && sigma > 0 && core.rmseVal > POOR_VALIDATION_NOISE_MULTIPLE * sigma)
    out.push({ code: 'poor-validation', message: `validation RMSE ${core.rmseVal.toPrecision(3)} is ${(core.rmseVal / sigma).toFixed(1)}× the curve's noise (σ ≈ ${sigma.toPrecision(2)} from successive differences): the fit misses the validation points${tailNote(core.diagnostics.valTail)}` });
  if (status === 'at-bound') {
    // The sigmoid's c0 = 0 (ε = 0) is the model without the offset, the paper's default, not a sign
    // of a fit the data cannot determine.
    const which = parametersAtBound(core.model, core.theta)
      .filter(({ name, side }) => !(model === 'sigmoid' && name === 'c0' && side === 'lower'))
      .map(({ name, side }) => `${name} at its ${side} bound`);
    if (which.length > 0) out.push({ code: 'parameter-at-bound', message: `${which.join(', ')}: the bound, not the data, sets ${which.length > 1 ? 'these values' : 'its value'}` });
  }
  if (model === 'sigmoid' && core.params.u < 0) out.push({ code: 'negative-gain', message: `u = ${core.params.u.toPrecision(4)} < 0: the curve ends below where it started` });
  if (ci && ci.used < MIN_RELIABLE_RESAMPLES) out.push({ code: 'few-resamples', message: `the bootstrap intervals rest on ${ci.used} usable resample${ci.used === 1 ? '' : 's'} (fewer than ${MIN_RELIABLE_RESAMPLES})` });
  return out;
}
