/**
 * Saturating exponential y = a·(1 − e^(−b·x)) + c.
 *
 * Internal theta = [a, β = ln b, c]: the rate is positive (a saturating curve) and spans decades, so
 * it is fitted on a log scale. Box: a, c unbounded; b ∈ [EXP_RATE_MIN, EXP_RATE_MAX]/xScale, so
 * b·|x| ≤ 50 over the data and e^(−b·x) cannot overflow for negative x. 1 − e^(−b·x) is computed
 * with expm1 for accuracy at small b·x.
 */
import type { Model } from './model.js';
import { insideBox, varproStarts, xScaleOf, type DataRange } from './varpro.js';

/** Rate bounds times the x scale of the data. */
export const EXP_RATE_MIN = 1e-4;
export const EXP_RATE_MAX = 50;

const START_RATE = [0.03, 0.1, 0.2, 0.5, 1, 2, 4, 8, 16, 32];

export function createExp(data: DataRange): Model {
  const xScale = xScaleOf(data);
  const lower = Float64Array.of(-Infinity, Math.log(EXP_RATE_MIN / xScale), -Infinity);
  const upper = Float64Array.of(Infinity, Math.log(EXP_RATE_MAX / xScale), Infinity);

  const value = (x: number, theta: ArrayLike<number>): number => -theta[0] * Math.expm1(-Math.exp(theta[1]) * x) + theta[2];

  const valueAndGradient = (x: number, theta: ArrayLike<number>, out: Float64Array): number => {
    const rate = Math.exp(theta[1]);
    const decay = Math.exp(-rate * x);
    const rise = -Math.expm1(-rate * x);
    out[0] = rise;
    out[1] = theta[0] * x * decay * rate;
    out[2] = 1;
    return theta[0] * rise + theta[2];
  };

  const grid = insideBox(START_RATE.map((r) => Math.log(r / xScale)), lower[1], upper[1]).map((g) => Float64Array.of(g));

  return {
    name: 'exp',
    paramNames: ['a', 'b', 'c'],
    nParams: 3,
    xDomain: 'any',
    lower,
    upper,
    value,
    valueAndGradient,
    toNatural: (theta) => ({ a: theta[0], b: Math.exp(theta[1]), c: theta[2] }),
    fromNatural: (p) => Float64Array.of(p.a, Math.log(p.b), p.c),
    starts: (x, y, idx, count) =>
      varproStarts(
        {
          grid,
          nLinear: 2,
          linearLower: [-Infinity, -Infinity],
          linearUpper: [Infinity, Infinity],
          features(xi, node, out) {
            out[0] = -Math.expm1(-Math.exp(node[0]) * xi);
            out[1] = 1;
          },
          assemble(node, linear, theta) {
            theta[0] = linear[0];
            theta[1] = node[0];
            theta[2] = linear[1];
          },
          lower,
          upper,
          nParams: 3,
        },
        x,
        y,
        idx,
        count,
      ),
  };
}
