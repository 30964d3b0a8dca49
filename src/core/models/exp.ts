/**
 * Saturating exponential y = a·(1 − e^(−b·x)) + c.
 *
 * Internal theta = [a, β = ln b, c]: the rate is positive (a saturating curve) and spans decades, so
 * it is fitted on a log scale. Box: a, c unbounded; b ∈ [EXP_RATE_MIN/xScale, EXP_RATE_MAX/xMinPositive]:
 * slower rates are a straight line over the data, faster ones have saturated before the first
 * positive x. When the data reach negative x the upper rate is also capped at
 * EXP_MAX_EXPONENT/|xMin| so e^(−b·x) cannot overflow. 1 − e^(−b·x) is computed with expm1 for
 * accuracy at small b·x.
 */
import type { Model } from './model.js';
import { linspace, varproStarts, xScaleOf, type DataRange } from './varpro.js';

/** Rate bounds: EXP_RATE_MIN per x scale of the data, EXP_RATE_MAX per smallest positive x. */
export const EXP_RATE_MIN = 1e-4;
export const EXP_RATE_MAX = 50;
/** Largest −b·x allowed at negative data x (e^700 is finite in f64). */
export const EXP_MAX_EXPONENT = 700;

/** Start grid: this many rates, log-spaced from START_RATE_LOW/xScale to the upper bound. */
const START_GRID = 12;
const START_RATE_LOW = 0.03;

export function createExp(data: DataRange): Model {
  const xScale = xScaleOf(data);
  const xPos = data.xMinPositive > 0 && Number.isFinite(data.xMinPositive) ? Math.min(data.xMinPositive, xScale) : xScale;
  let rateMax = EXP_RATE_MAX / xPos;
  if (data.xMin < 0) rateMax = Math.min(rateMax, EXP_MAX_EXPONENT / -data.xMin);
  const rateMin = Math.min(EXP_RATE_MIN / xScale, rateMax);
  const lower = Float64Array.of(-Infinity, Math.log(rateMin), -Infinity);
  const upper = Float64Array.of(Infinity, Math.log(rateMax), Infinity);

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

  const grid = linspace(Math.min(Math.max(lower[1], Math.log(START_RATE_LOW / xScale)), upper[1]), upper[1], START_GRID).map((g) => Float64Array.of(g));

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
