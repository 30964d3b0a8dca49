/**
 * Straight line y = a·x + b. Internal theta = [a, c] with y = a·(x − xc) + c, xc the middle of the
 * data's x range, unbounded: centring keeps the normal equations conditioned where x sits far from 0
 * (x = 1e9 + i made them singular in f64, while a = 2 was exact). Natural b = c − a·xc. Its single
 * start is the ordinary least-squares solution (the model is linear, so there is nothing to grid).
 */
import type { Model } from './model.js';
import { varproStarts, type DataRange } from './varpro.js';

const UNBOUNDED_LOWER = Float64Array.of(-Infinity, -Infinity);
const UNBOUNDED_UPPER = Float64Array.of(Infinity, Infinity);
const NO_NONLINEAR = [new Float64Array(0)];

export function createLinear(data: DataRange): Model {
  const xc = Number.isFinite(data.xMin) && Number.isFinite(data.xMax) ? 0.5 * data.xMin + 0.5 * data.xMax : 0;
  return {
    name: 'linear',
    paramNames: ['a', 'b'],
    nParams: 2,
    xDomain: 'any',
    lower: UNBOUNDED_LOWER.slice(),
    upper: UNBOUNDED_UPPER.slice(),
    value: (x, theta) => theta[0] * (x - xc) + theta[1],
    valueAndGradient: (x, theta, out) => {
      out[0] = x - xc;
      out[1] = 1;
      return theta[0] * (x - xc) + theta[1];
    },
    toNatural: (theta) => ({ a: theta[0], b: theta[1] - theta[0] * xc }),
    fromNatural: (p) => Float64Array.of(p.a, p.b + p.a * xc),
    starts: (x, y, idx, count) =>
      varproStarts(
        {
          grid: NO_NONLINEAR,
          nLinear: 2,
          linearLower: UNBOUNDED_LOWER,
          linearUpper: UNBOUNDED_UPPER,
          features(xi, _node, out) {
            out[0] = xi - xc;
            out[1] = 1;
          },
          assemble(_node, linear, theta) {
            theta[0] = linear[0];
            theta[1] = linear[1];
          },
          lower: UNBOUNDED_LOWER,
          upper: UNBOUNDED_UPPER,
          nParams: 2,
        },
        x,
        y,
        idx,
        count,
      ),
  };
}
