/**
 * Bounded Levenberg–Marquardt in f64 over the points idx (an index list into x/y).
 *
 * Each iteration builds A = JᵀJ and g = Jᵀr (r = y − f) at θ, fixes the parameters that sit on a
 * bound with the gradient pushing outward, solves (A + λ·diag(A))·δ = g over the rest by Cholesky,
 * and projects θ + δ onto the box, so iterates never leave it. A trial that lowers the SSE is
 * accepted (λ shrinks by Nielsen's rule), otherwise λ grows; one trial is one iteration.
 *
 * Convergence (either relative or absolute), checked as in MINPACK on every trial:
 * - ftol: actual and predicted SSE reductions both ≤ ftol·SSE;
 * - xtol: every |step_k| ≤ xtol·(|θ_k| + xtol);
 * - gtol: max_k |g_k| / √(A_kk·SSE) ≤ gtol over free parameters (the cosine between the residual
 *   and each Jacobian column, as MINPACK's gtol);
 * - absolute: SSE ≤ n·(ε·max|y|)², an exact fit to working precision.
 * Numerical trouble is a status, never an exception.
 */
import { choleskyFactor, choleskySolveFactored, SINGULAR_PIVOT_RATIO } from './linalg.js';
import { normalPass, sseOver } from './gn.js';
import { evaluationDomain, type Model } from './models/model.js';

export interface LmOptions {
  /** Trial steps before giving up with status 'max-iterations'. @default 200 */
  maxIterations: number;
  /** Relative step-size tolerance. @default 1e-10 */
  xtol: number;
  /** Relative SSE-reduction tolerance. @default 1e-12 */
  ftol: number;
  /** Gradient (residual–Jacobian cosine) tolerance. @default 1e-12 */
  gtol: number;
}

export const DEFAULT_LM_OPTIONS: Readonly<LmOptions> = Object.freeze({ maxIterations: 200, xtol: 1e-10, ftol: 1e-12, gtol: 1e-12 });

/**
 * - converged: a convergence test passed with every parameter strictly inside its box;
 * - at-bound: converged with at least one parameter on a finite bound (message names which);
 * - max-iterations: no test passed within maxIterations trials;
 * - singular: JᵀJ over the parameters not on a bound is numerically singular at the final θ
 *   (fewer points than such parameters, too few distinct x, or a parameter without influence), so
 *   θ is not identified by these points;
 * - non-finite: the model, its gradient or the data gave a non-finite value at θ (sse is then
 *   Infinity when the SSE itself is not finite).
 */
export type FitStatus = 'converged' | 'max-iterations' | 'singular' | 'non-finite' | 'at-bound';

export interface NlsResult {
  /** Final internal parameters (inside the model's box). */
  theta: Float64Array;
  /** SSE of theta over idx; Infinity when it is not finite. */
  sse: number;
  status: FitStatus;
  message: string;
  /** Trial steps taken. */
  iterations: number;
  /** Per internal parameter: theta_k equals a finite bound. */
  atBound: boolean[];
}

const LAMBDA_START = 1e-3;
/** Beyond this damping relative to diag(A) the step is pure (tiny) gradient descent: give up. */
const LAMBDA_MAX = 1e32;
/** Damping diagonal for parameters without influence on the points (A_kk = 0). */
const DIAG_FLOOR = 1e-300;

interface Workspace {
  a: Float64Array;
  g: Float64Array;
  aTrial: Float64Array;
  gTrial: Float64Array;
  m: Float64Array;
  grad: Float64Array;
  delta: Float64Array;
  trial: Float64Array;
  free: Uint8Array;
}
const workspaces = new Map<number, Workspace>();
function workspace(p: number): Workspace {
  let ws = workspaces.get(p);
  if (!ws) {
    ws = {
      a: new Float64Array(p * p),
      g: new Float64Array(p),
      aTrial: new Float64Array(p * p),
      gTrial: new Float64Array(p),
      m: new Float64Array(p * p),
      grad: new Float64Array(p),
      delta: new Float64Array(p),
      trial: new Float64Array(p),
      free: new Uint8Array(p),
    };
    workspaces.set(p, ws);
  }
  return ws;
}

/**
 * One pass over the points: fills `a` (full symmetric JᵀJ) and `g` (Jᵀr) at theta and returns the
 * SSE, or NaN when the SSE or any entry of a, g is not finite. Evaluating a trial this way costs one
 * pass instead of two whenever it is accepted (the common case).
 */
function normalEquations(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, theta: ArrayLike<number>, a: Float64Array, g: Float64Array, grad: Float64Array): number {
  const p = model.nParams;
  const sse = normalPass(model, x, y, idx, theta, grad, a, g);
  let finite = Number.isFinite(sse);
  for (let j = 0; j < p; j++) {
    // A finite diagonal implies finite gradients, hence finite off-diagonal entries.
    if (!Number.isFinite(g[j]) || !Number.isFinite(a[j * p + j])) finite = false;
    for (let k = 0; k < j; k++) a[k * p + j] = a[j * p + k];
  }
  return finite ? sse : NaN;
}

/** Per internal parameter: true where θ sits exactly on a finite bound of the model's box. */
function boundFlags(model: Model, theta: ArrayLike<number>): boolean[] {
  const out: boolean[] = [];
  for (let k = 0; k < model.nParams; k++) {
    out.push((Number.isFinite(model.lower[k]) && theta[k] === model.lower[k]) || (Number.isFinite(model.upper[k]) && theta[k] === model.upper[k]));
  }
  return out;
}

/** The parameters on a bound, by name, with the side (the at-bound status and the warnings name them). */
export function parametersAtBound(model: Model, theta: ArrayLike<number>): Array<{ name: string; k: number; side: 'lower' | 'upper' }> {
  const flags = boundFlags(model, theta);
  return model.paramNames.flatMap((name, k) => (flags[k] ? [{ name, k, side: theta[k] === model.lower[k] ? ('lower' as const) : ('upper' as const) }] : []));
}

export function levenbergMarquardt(
  model: Model,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  idx: ArrayLike<number>,
  theta0: ArrayLike<number>,
  options?: Partial<LmOptions>,
): NlsResult {
  const opts = { ...DEFAULT_LM_OPTIONS, ...options };
  // Models with a t = ln x form are evaluated on logs taken once here instead of at every
  // evaluation (bit-identical results; only the points in idx are transformed).
  ({ model, x } = evaluationDomain(model, x, idx));
  const p = model.nParams;
  const n = idx.length;
  const { lower, upper } = model;
  const ws = workspace(p);
  const { m, delta, trial, free, grad } = ws;
  // Current (a, g) and trial (aTrial, gTrial) normal equations; swapped when a trial is accepted.
  let { a, g, aTrial, gTrial } = ws;
  const theta = new Float64Array(p);
  for (let k = 0; k < p; k++) theta[k] = Math.min(Math.max(theta0[k], lower[k]), upper[k]);

  const finish = (status: FitStatus, message: string, sse: number, iterations: number): NlsResult => ({
    theta,
    sse: Number.isFinite(sse) ? sse : Infinity,
    status,
    message,
    iterations,
    atBound: boundFlags(model, theta),
  });

  if (!theta.every(Number.isFinite)) return finish('non-finite', 'starting parameters are not finite', Infinity, 0);
  let sse = normalEquations(model, x, y, idx, theta, a, g, grad);
  if (Number.isNaN(sse)) {
    const sse0 = sseOver(model, x, y, idx, theta);
    const what = Number.isFinite(sse0) ? 'Jacobian' : 'SSE';
    return finish('non-finite', `${what} at the starting parameters is not finite`, sse0, 0);
  }

  let yScale = 0;
  for (let t = 0; t < n; t++) yScale = Math.max(yScale, Math.abs(y[idx[t]]));
  const sseExact = n * (Number.EPSILON * yScale) ** 2;

  let lambda = LAMBDA_START;
  let nu = 2;
  let iterations = 0;
  let converged = '';

  while (!converged && iterations < opts.maxIterations) {
    // Parameters on a bound whose descent direction (+g) points outward are held fixed this step.
    let nFree = 0;
    let gradCos = 0;
    for (let k = 0; k < p; k++) {
      const pinned = (theta[k] <= lower[k] && g[k] <= 0) || (theta[k] >= upper[k] && g[k] >= 0);
      free[k] = pinned ? 0 : 1;
      if (pinned) continue;
      nFree++;
      const akk = a[k * p + k];
      if (akk > 0) gradCos = Math.max(gradCos, Math.abs(g[k]) / Math.sqrt(akk * sse));
    }
    if (sse <= sseExact) {
      converged = 'exact fit (SSE at rounding level)';
      break;
    }
    if (nFree === 0 || gradCos <= opts.gtol) {
      converged = nFree === 0 ? 'every parameter held by a bound' : `gradient test (gtol ${opts.gtol})`;
      break;
    }
    if (lambda > LAMBDA_MAX) {
      converged = 'no SSE decrease at any damping (minimum to working precision)';
      break;
    }
    iterations++;
    // Damped system over the free parameters; pinned rows/columns become identity with rhs 0.
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < p; k++) m[j * p + k] = free[j] && free[k] ? a[j * p + k] : 0;
      m[j * p + j] = free[j] ? a[j * p + j] + lambda * Math.max(a[j * p + j], DIAG_FLOOR) : 1;
      delta[j] = free[j] ? g[j] : 0;
    }
    if (choleskyFactor(m, p) >= 0) {
      lambda *= nu;
      nu *= 2;
      continue;
    }
    choleskySolveFactored(m, p, delta);
    let stepSmall = true;
    for (let k = 0; k < p; k++) {
      trial[k] = Math.min(Math.max(theta[k] + delta[k], lower[k]), upper[k]);
      const step = trial[k] - theta[k];
      delta[k] = step;
      if (!(Math.abs(step) <= opts.xtol * (Math.abs(theta[k]) + opts.xtol))) stepSmall = false;
    }
    // Predicted reduction of the Gauss–Newton model for the projected step: 2δᵀg − δᵀAδ.
    let predicted = 0;
    for (let j = 0; j < p; j++) {
      let ad = 0;
      for (let k = 0; k < p; k++) ad += a[j * p + k] * delta[k];
      predicted += delta[j] * (2 * g[j] - ad);
    }
    // A trial with a non-finite SSE or Jacobian (NaN here) is rejected like an uphill one.
    const sseTrial = normalEquations(model, x, y, idx, trial, aTrial, gTrial, grad);
    const actual = sse - sseTrial;
    const sseBefore = sse;
    if (actual > 0) {
      theta.set(trial);
      sse = sseTrial;
      [a, aTrial] = [aTrial, a];
      [g, gTrial] = [gTrial, g];
      const rho = predicted > 0 ? actual / predicted : 0;
      lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
      nu = 2;
    } else {
      lambda *= nu;
      nu *= 2;
    }
    if (Math.abs(actual) <= opts.ftol * sseBefore && predicted <= opts.ftol * sseBefore) converged = `relative SSE reduction below ftol ${opts.ftol}`;
    else if (stepSmall) converged = `relative step below xtol ${opts.xtol}`;
  }

  const singular = singularParameter(model, theta, n, a, m);
  if (singular) return finish('singular', singular, sse, iterations);
  if (!converged) return finish('max-iterations', `no convergence within ${opts.maxIterations} iterations`, sse, iterations);
  const bounded = parametersAtBound(model, theta);
  if (bounded.length > 0) {
    const which = bounded.map(({ name, side }) => `${name} at its ${side} bound`);
    return finish('at-bound', `converged (${converged}) with ${which.join(', ')} (internal value ${bounded.map(({ k }) => theta[k]).join(', ')})`, sse, iterations);
  }
  return finish('converged', `converged: ${converged}`, sse, iterations);
}

/**
 * Names the first parameter (not on a bound) that the points do not identify at theta, or '' when
 * JᵀJ (`a`, at theta) over those parameters is numerically nonsingular (pivot test
 * SINGULAR_PIVOT_RATIO). `scratch` holds at least p² entries.
 */
function singularParameter(model: Model, theta: Float64Array, n: number, a: Float64Array, scratch: Float64Array): string {
  const p = model.nParams;
  const onBound = boundFlags(model, theta);
  const cols: number[] = [];
  for (let k = 0; k < p; k++) if (!onBound[k]) cols.push(k);
  const q = cols.length;
  if (q === 0) return '';
  if (n < q) return `singular: ${n} points for ${q} free parameters`;
  for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) scratch[r * q + c] = a[cols[r] * p + cols[c]];
  const bad = choleskyFactor(scratch, q, SINGULAR_PIVOT_RATIO);
  if (bad < 0) return '';
  return `singular: JᵀJ is rank-deficient in ${model.paramNames[cols[bad]]} (not identified by these ${n} points)`;
}
