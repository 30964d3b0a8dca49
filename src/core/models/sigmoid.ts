/**
 * Sigmoid scaling law y = c0 + (u − c0) / (1 + (cMid/x)^b) (Ding et al., arXiv 2512.11470, App. F).
 *
 * Internal theta = [b, m = ln cMid, u] and, when settings.freeEpsilon, c0 as a 4th entry; otherwise
 * c0 = 0 is fixed. Evaluated as s = 1/(1 + exp(b·(m − ln x))), f = c0 + (u − c0)·s, which never
 * forms (cMid/x)^b and so cannot overflow; x = 0 gives f = c0 exactly with zero gradient for b, m, u
 * (ln 0 = −∞ would otherwise produce 0·∞). Negative x is outside the domain (NaN).
 * Box: b ∈ [bMin, bMax], m ∈ [ln cMidMin, ln cMidMax], uMin ≤ u ≤ uMax (uMin −∞ unless given), c0 ∈ [0, uMax].
 *
 * The WGSL backend mirrors this exact form (internal parameters, s, bounds): change both together.
 */
import type { Model, ModelSettings } from './model.js';
import { insideBox, linspace, varproStarts, type VarproSpec } from './varpro.js';

/** Grid sizes of the starting scan over (b, m): log-spaced b, evenly spaced m. */
const START_GRID_B = 6;
const START_GRID_M = 10;
/**
 * The m grid covers [ln(xMinPositive/4), ln(xMax·10)] of the fitted points (within the box): a
 * midpoint far below the data is indistinguishable from a shifted plateau, while one beyond the
 * data is common for curves that have not saturated yet.
 */
const START_M_BELOW = Math.log(4);
const START_M_ABOVE = Math.log(10);

/** Settings with cMid bounds already resolved to finite positive numbers. */
export function createSigmoid(settings: ModelSettings): Model {
  const free = settings.freeEpsilon;
  const nParams = free ? 4 : 3;
  const lower = new Float64Array(nParams);
  const upper = new Float64Array(nParams);
  lower[0] = settings.bMin;
  upper[0] = settings.bMax;
  lower[1] = Math.log(settings.cMidMin);
  upper[1] = Math.log(settings.cMidMax);
  lower[2] = settings.uMin ?? -Infinity;
  upper[2] = settings.uMax;
  if (free) {
    lower[3] = 0;
    // ε is the score gain at x = 0, so the score cap bounds it like u.
    upper[3] = settings.uMax;
  }

  // The model in t = ln x (x = 0 ↔ t = −∞). The x-form below evaluates these at Math.log(x), so the
  // two forms are bit-identical; callers that evaluate the same points many times (LTS candidates)
  // use the t-form on logs taken once.
  const valueAt = (t: number, theta: ArrayLike<number>): number => {
    const c0 = free ? theta[3] : 0;
    if (t === -Infinity) return c0;
    const s = 1 / (1 + Math.exp(theta[0] * (theta[1] - t)));
    return c0 + (theta[2] - c0) * s;
  };

  const valueAndGradientAt = (t: number, theta: ArrayLike<number>, out: Float64Array): number => {
    const b = theta[0];
    const c0 = free ? theta[3] : 0;
    if (t === -Infinity) {
      out[0] = 0;
      out[1] = 0;
      out[2] = 0;
      if (free) out[3] = 1;
      return c0;
    }
    const d = theta[1] - t;
    const e = Math.exp(b * d);
    const s = 1 / (1 + e);
    // 1 − s = e/(1 + e): exact form when e < 1 (s near 1), plain subtraction otherwise (incl. e = ∞).
    const oneMinusS = e < 1 ? e * s : 1 - s;
    const amp = theta[2] - c0;
    const slope = -amp * s * oneMinusS; // ∂f/∂z with z = b·(m − ln x)
    out[0] = slope * d;
    out[1] = slope * b;
    out[2] = s;
    if (free) out[3] = oneMinusS;
    return c0 + amp * s;
  };

  const value = (x: number, theta: ArrayLike<number>): number => valueAt(x === 0 ? -Infinity : Math.log(x), theta);
  const valueAndGradient = (x: number, theta: ArrayLike<number>, out: Float64Array): number => valueAndGradientAt(x === 0 ? -Infinity : Math.log(x), theta, out);

  const starts = (x: ArrayLike<number>, y: ArrayLike<number>, idx: ArrayLike<number>, count: number): Float64Array[] => {
    let xPos = Infinity;
    let xMax = -Infinity;
    for (let t = 0; t < idx.length; t++) {
      const xi = x[idx[t]];
      if (xi > 0 && xi < xPos) xPos = xi;
      if (xi > xMax) xMax = xi;
    }
    const bGrid = linspace(Math.log(lower[0]), Math.log(upper[0]), START_GRID_B).map(Math.exp);
    const mLo = Number.isFinite(xPos) ? Math.max(lower[1], Math.log(xPos) - START_M_BELOW) : lower[1];
    const mHi = xMax > 0 ? Math.min(upper[1], Math.log(xMax) + START_M_ABOVE) : upper[1];
    const mGrid = mLo <= mHi ? linspace(mLo, mHi, START_GRID_M) : insideBox([(lower[1] + upper[1]) / 2], lower[1], upper[1]);
    const grid: Float64Array[] = [];
    for (const b of bGrid) for (const m of mGrid) grid.push(Float64Array.of(Math.min(Math.max(b, lower[0]), upper[0]), m));
    // Linear part: f = u·s + c0·(1 − s) with u ≤ uMax and c0 ≥ 0 (or c0 = 0 fixed). The scan runs
    // on ln x (−∞ at x = 0, where s = exp(+∞) → 0 since b > 0) so the logarithm is taken once.
    const spec: VarproSpec = {
      grid,
      nLinear: free ? 2 : 1,
      linearLower: free ? [lower[2], 0] : [lower[2]],
      linearUpper: free ? [upper[2], upper[3]] : [upper[2]],
      features(lnX, node, out) {
        const s = 1 / (1 + Math.exp(node[0] * (node[1] - lnX)));
        out[0] = s;
        if (free) out[1] = 1 - s;
      },
      assemble(node, linear, theta) {
        theta[0] = node[0];
        theta[1] = node[1];
        theta[2] = linear[0];
        if (free) theta[3] = linear[1];
      },
      lower,
      upper,
      nParams,
    };
    const n = idx.length;
    const lnX = new Float64Array(n);
    const ys = new Float64Array(n);
    const all = new Int32Array(n);
    for (let t = 0; t < n; t++) {
      lnX[t] = Math.log(x[idx[t]]);
      ys[t] = y[idx[t]];
      all[t] = t;
    }
    return varproStarts(spec, lnX, ys, all, count);
  };

  const model: Model = {
    name: 'sigmoid',
    paramNames: free ? ['b', 'cMid', 'u', 'c0'] : ['b', 'cMid', 'u'],
    nParams,
    xDomain: 'nonnegative',
    lower,
    upper,
    value,
    valueAndGradient,
    toNatural: (theta) => ({ b: theta[0], cMid: Math.exp(theta[1]), u: theta[2], c0: free ? theta[3] : 0 }),
    fromNatural: (p) => {
      const theta = new Float64Array(nParams);
      theta[0] = p.b;
      theta[1] = Math.log(p.cMid);
      theta[2] = p.u;
      if (free) theta[3] = p.c0 ?? 0;
      return theta;
    },
    starts,
      logDomain: () => ({ ...model, xDomain: 'any', value: valueAt, valueAndGradient: valueAndGradientAt, logDomain: undefined }),
  };
  return model;
}
