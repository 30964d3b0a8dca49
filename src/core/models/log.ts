/**
 * Logarithmic law y = a·ln(x + c) + b.
 *
 * Internal theta = [a, b, γ] with c = e^γ − xMin: the shift parametrisation keeps
 * x + c = (x − xMin) + e^γ > 0 at every x ≥ xMin of the data without a constraint (x < xMin is
 * outside the domain, NaN). Box: a, b unbounded; e^γ ∈ [SHIFT_MIN, SHIFT_MAX]·xScale (as for the
 * power law).
 */
import type { Model } from './model.js';
import { SHIFT_MAX, SHIFT_MIN, START_SHIFT } from './power.js';
import { insideBox, varproStarts, xScaleOf, type DataRange } from './varpro.js';

export function createLog(data: DataRange): Model {
  const xMin = data.xMin;
  const xScale = xScaleOf(data);
  const lower = Float64Array.of(-Infinity, -Infinity, Math.log(SHIFT_MIN * xScale));
  const upper = Float64Array.of(Infinity, Infinity, Math.log(SHIFT_MAX * xScale));

  const value = (x: number, theta: ArrayLike<number>): number => theta[0] * Math.log(x - xMin + Math.exp(theta[2])) + theta[1];

  const valueAndGradient = (x: number, theta: ArrayLike<number>, out: Float64Array): number => {
    const shift = Math.exp(theta[2]);
    const w = x - xMin + shift;
    const lw = Math.log(w);
    out[0] = lw;
    out[1] = 1;
    out[2] = (theta[0] * shift) / w;
    return theta[0] * lw + theta[1];
  };

  const grid = insideBox([1e-6, ...START_SHIFT, 10].map((r) => Math.log(r * xScale)), lower[2], upper[2]).map((g) => Float64Array.of(g));

  return {
    name: 'log',
    paramNames: ['a', 'b', 'c'],
    nParams: 3,
    xDomain: 'any',
    lower,
    upper,
    value,
    valueAndGradient,
    toNatural: (theta) => ({ a: theta[0], b: theta[1], c: Math.exp(theta[2]) - xMin }),
    fromNatural: (p) => Float64Array.of(p.a, p.b, Math.log(p.c + xMin)),
    starts: (x, y, idx, count) =>
      varproStarts(
        {
          grid,
          nLinear: 2,
          linearLower: [-Infinity, -Infinity],
          linearUpper: [Infinity, Infinity],
          features(xi, node, out) {
            out[0] = Math.log(xi - xMin + Math.exp(node[0]));
            out[1] = 1;
          },
          assemble(node, linear, theta) {
            theta[0] = linear[0];
            theta[1] = linear[1];
            theta[2] = node[0];
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
