/**
 * Shared machinery for model starting points by variable projection: every model here is linear in
 * one to three of its parameters once the others are fixed. A grid over the nonlinear parameters is
 * scanned; at each node the linear ones are solved in closed form (box-constrained least squares)
 * and the node is ranked by its SSE.
 */
import { boundedLeastSquaresSmall, MAX_BOUNDED_LS_N } from '../linalg.js';

/** Data range a model is built for (the api layer computes it over all points of the curve). */
export interface DataRange {
  xMin: number;
  xMax: number;
  xMinPositive: number;
}

/**
 * A positive length scale of the x data: the largest of |xMin|, |xMax| and the span, or 1 when all
 * of those are 0 or not finite. Used to make shift/rate bounds and grids unit-free.
 */
export function xScaleOf(data: DataRange): number {
  const s = Math.max(Math.abs(data.xMin), Math.abs(data.xMax), data.xMax - data.xMin);
  return Number.isFinite(s) && s > 0 ? s : 1;
}

/** `count` values evenly spaced over [lo, hi] (lo alone when count is 1 or lo = hi). */
export function linspace(lo: number, hi: number, count: number): number[] {
  if (count <= 1 || lo === hi) return [lo];
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(lo + ((hi - lo) * k) / (count - 1));
  return out;
}

/** The values inside [lo, hi]; when none is, the midpoint of the (finite part of the) interval. */
export function insideBox(values: readonly number[], lo: number, hi: number): number[] {
  const kept = values.filter((v) => v >= lo && v <= hi);
  if (kept.length > 0) return kept;
  if (Number.isFinite(lo) && Number.isFinite(hi)) return [(lo + hi) / 2];
  return [Number.isFinite(lo) ? lo : Number.isFinite(hi) ? hi : 0];
}

/** Copies theta clamped into [lower, upper] (NaN stays NaN so callers can see it). */
export function clampToBox(theta: Float64Array, lower: ArrayLike<number>, upper: ArrayLike<number>): Float64Array {
  for (let k = 0; k < theta.length; k++) theta[k] = Math.min(Math.max(theta[k], lower[k]), upper[k]);
  return theta;
}

/** What a model tells `varproStarts` about its split into nonlinear (gridded) and linear parts. */
export interface VarproSpec {
  /** Grid nodes over the nonlinear parameters (each of length nNonlinear; may be empty arrays). */
  grid: readonly Float64Array[];
  /** Number of linear parameters (1..MAX_BOUNDED_LS_N). */
  nLinear: number;
  /** Box on the linear parameters. */
  linearLower: ArrayLike<number>;
  linearUpper: ArrayLike<number>;
  /**
   * Writes the regressors of the linear parameters at x for the nonlinear node `node` into
   * `features`, so that f(x) = Σ_k features[k]·linear[k].
   */
  features(x: number, node: Float64Array, features: Float64Array): void;
  /** Writes the internal theta for (node, linear) into `theta`. */
  assemble(node: Float64Array, linear: Float64Array, theta: Float64Array): void;
  /** Internal box of the model (the result is clamped into it as a last guard). */
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  nParams: number;
}

const feat = new Float64Array(MAX_BOUNDED_LS_N);
const gram = new Float64Array(MAX_BOUNDED_LS_N * MAX_BOUNDED_LS_N);
const rhs = new Float64Array(MAX_BOUNDED_LS_N);
const lin = new Float64Array(MAX_BOUNDED_LS_N);

/** Relative ridge for the fallback start when no grid node gives a nonsingular linear solve. */
const FALLBACK_RIDGE = 1e-10;

/**
 * Scans the grid on the points idx and returns the `count` nodes with the lowest SSE (ties keep grid
 * order), best first, each as an internal theta inside the box. Never returns an empty list: when no
 * node has a nonsingular, finite solve (e.g. all x equal), one start from the first node with a
 * slightly ridge-regularised solve is returned, and if even that fails the first node with the
 * linear parameters at 0 clamped into their box.
 */
export function varproStarts(spec: VarproSpec, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, count: number): Float64Array[] {
  const nl = spec.nLinear;
  const bestSse: number[] = [];
  const bestTheta: Float64Array[] = [];
  const want = Math.max(1, Math.floor(count));
  for (const node of spec.grid) {
    const sse = solveNode(spec, node, x, y, idx, 0);
    if (!Number.isFinite(sse)) continue;
    if (bestSse.length === want && sse >= bestSse[want - 1]) continue;
    let pos = bestSse.length;
    while (pos > 0 && bestSse[pos - 1] > sse) pos--;
    const theta = new Float64Array(spec.nParams);
    spec.assemble(node, lin, theta);
    bestSse.splice(pos, 0, sse);
    bestTheta.splice(pos, 0, theta);
    if (bestSse.length > want) {
      bestSse.pop();
      bestTheta.pop();
    }
  }
  if (bestTheta.length === 0) {
    const node = spec.grid[0];
    const sse = solveNode(spec, node, x, y, idx, FALLBACK_RIDGE);
    if (!Number.isFinite(sse)) for (let k = 0; k < nl; k++) lin[k] = Math.min(Math.max(0, spec.linearLower[k]), spec.linearUpper[k]);
    const theta = new Float64Array(spec.nParams);
    spec.assemble(node, lin, theta);
    bestTheta.push(theta);
  }
  return bestTheta.map((t) => clampToBox(t, spec.lower, spec.upper));
}

/** Accumulates the normal equations at one node and solves them into `lin`; returns the SSE. */
function solveNode(spec: VarproSpec, node: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, relativeRidge: number): number {
  const nl = spec.nLinear;
  gram.fill(0);
  rhs.fill(0);
  let yy = 0;
  for (let t = 0; t < idx.length; t++) {
    const i = idx[t];
    const yi = y[i];
    spec.features(x[i], node, feat);
    for (let a = 0; a < nl; a++) {
      rhs[a] += feat[a] * yi;
      for (let b = 0; b <= a; b++) gram[a * nl + b] += feat[a] * feat[b];
    }
    yy += yi * yi;
  }
  let trace = 0;
  for (let a = 0; a < nl; a++) {
    trace += gram[a * nl + a];
    for (let b = 0; b < a; b++) gram[b * nl + a] = gram[a * nl + b];
  }
  const ridge = relativeRidge * (trace / nl + Number.MIN_VALUE);
  return boundedLeastSquaresSmall(gram, rhs, yy, nl, spec.linearLower, spec.linearUpper, lin, ridge);
}
