/**
 * Straight line y = a·x + b. Internal theta = natural [a, b], unbounded. Its single start is the
 * ordinary least-squares solution (the whole model is linear, so there is nothing to grid).
 */
import type { Model } from './model.js';
import { varproStarts } from './varpro.js';

const UNBOUNDED_LOWER = Float64Array.of(-Infinity, -Infinity);
const UNBOUNDED_UPPER = Float64Array.of(Infinity, Infinity);
const NO_NONLINEAR = [new Float64Array(0)];

export function createLinear(): Model {
  return {
    name: 'linear',
    paramNames: ['a', 'b'],
    nParams: 2,
    xDomain: 'any',
    lower: UNBOUNDED_LOWER.slice(),
    upper: UNBOUNDED_UPPER.slice(),
    value: (x, theta) => theta[0] * x + theta[1],
    valueAndGradient: (x, theta, out) => {
      out[0] = x;
      out[1] = 1;
      return theta[0] * x + theta[1];
    },
    toNatural: (theta) => ({ a: theta[0], b: theta[1] }),
    fromNatural: (p) => Float64Array.of(p.a, p.b),
    starts: (x, y, idx, count) =>
      varproStarts(
        {
          grid: NO_NONLINEAR,
          nLinear: 2,
          linearLower: UNBOUNDED_LOWER,
          linearUpper: UNBOUNDED_UPPER,
          features(xi, _node, out) {
            out[0] = xi;
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
