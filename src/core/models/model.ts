/**
 * The contract every model in core/ fulfils. Pure f64 maths: nothing here imports anything of ours
 * outside src/core.
 *
 * Models are evaluated in an *internal* parametrisation chosen for conditioning (e.g. log cMid for
 * the sigmoid); callers see natural parameters through `toNatural`/`fromNatural`.
 */
export type ModelName = 'sigmoid' | 'power' | 'log' | 'exp' | 'linear';

export const MODEL_NAMES: readonly ModelName[] = ['sigmoid', 'power', 'log', 'exp', 'linear'];

/** What the x values of a curve must satisfy for a model to be evaluated. */
export type XDomain = 'any' | 'nonnegative' | 'positive';

/** Fully-resolved model settings (the api layer fills defaults; core trusts these). */
export interface ModelSettings {
  /** sigmoid: fit c0 (>= 0) instead of fixing c0 = 0. */
  freeEpsilon: boolean;
  /** sigmoid: upper bound for u (score cap − pSft); Infinity when there is no cap. */
  uMax: number;
  /** sigmoid: lower bound for u (score floor − pSft); −Infinity (the default) when there is no floor. */
  uMin?: number;
  /** sigmoid: bounds on the steepness b. */
  bMin: number;
  bMax: number;
  /** sigmoid: bounds on cMid, in x units. */
  cMidMin: number;
  cMidMax: number;
}

export interface Model {
  readonly name: ModelName;
  /** Natural parameter names, in internal-parameter order (same length as theta). */
  readonly paramNames: readonly string[];
  readonly nParams: number;
  readonly xDomain: XDomain;
  /** Internal-parameter box; -Infinity/Infinity where unbounded. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** f(x; theta) with theta internal. */
  value(x: number, theta: ArrayLike<number>): number;
  /** Writes ∂f/∂theta_k (internal) into out[0..nParams). Returns f(x; theta). */
  valueAndGradient(x: number, theta: ArrayLike<number>, out: Float64Array): number;
  toNatural(theta: ArrayLike<number>): Record<string, number>;
  fromNatural(params: Record<string, number>): Float64Array;
  /**
   * Starting points (internal, inside the box) from a grid over the nonlinear parameters with the
   * linear ones solved in closed form (variable projection) on the points idx. Best first.
   */
  starts(x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, count: number): Float64Array[];
  /**
   * Optional: the same model evaluated at t = ln x instead of x (x = 0 ↔ t = −∞), bit-identical to
   * evaluating this model at x. Hot loops that evaluate the same points many times take the logs once.
   * Its `starts` still expect x.
   */
  logDomain?(): Model;
}

/**
 * The model in its t = ln x form (`Model.logDomain`) and t = ln x of the points (x = 0 ↔ t = −∞),
 * taken once here for callers that evaluate the same points many times: only at `idx` when given
 * (the other entries stay 0), else at every point. null when the model has no such form.
 */
export function inLogDomain(model: Model, x: ArrayLike<number>, idx?: ArrayLike<number>): { model: Model; t: Float64Array } | null {
  const logModel = model.logDomain?.();
  if (!logModel) return null;
  const t = new Float64Array(x.length);
  const n = idx ? idx.length : x.length;
  for (let k = 0; k < n; k++) {
    const i = idx ? idx[k] : k;
    t[i] = x[i] === 0 ? -Infinity : Math.log(x[i]);
  }
  return { model: logModel, t };
}

/**
 * The model and points to evaluate many times: inLogDomain's form and logs where the model has
 * one (bit-identical results), else the model and x as given.
 */
export function evaluationDomain(model: Model, x: ArrayLike<number>, idx?: ArrayLike<number>): { model: Model; x: ArrayLike<number> } {
  const log = inLogDomain(model, x, idx);
  return log ? { model: log.model, x: log.t } : { model, x };
}
