/**
 * Power law y = a·(x + c)^b.
 *
 * Internal theta = [A, b, γ] with c = e^γ − xMin and f = A·((x − xMin + e^γ)/xRef)^b, so
 * a = A·xRef^(−b). The shift parametrisation keeps x + c = (x − xMin) + e^γ > 0 at every x ≥ xMin of
 * the data without a constraint, and dividing by xRef (the data's x scale) keeps A of the order of
 * y whatever b is. Points with x < data xMin are outside the domain (NaN).
 * Box: A unbounded; b ∈ [−POWER_B_MAX, POWER_B_MAX], so (x + c)/xRef ∈ [1e-8, ~1e4] cannot overflow;
 * e^γ ∈ [SHIFT_MIN, SHIFT_MAX]·xRef.
 */
import type { Model } from './model.js';
import { insideBox, varproStarts, xScaleOf, type DataRange } from './varpro.js';

/** Largest |b|. */
export const POWER_B_MAX = 10;
/** Range of x + c at x = xMin, relative to the x scale of the data. */
export const SHIFT_MIN = 1e-8;
export const SHIFT_MAX = 1e4;

const START_B = [-1, -0.5, -0.2, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];
/** Start grid over e^γ / xRef (shared with the log model). */
export const START_SHIFT = [1e-4, 1e-3, 1e-2, 0.1, 0.3, 1, 3];

/**
 * v·e^logFactor. Where e^logFactor alone is beyond f64 (xRef^(−b) for x near 1e-300), the plain
 * product would turn v = 0 into NaN (0·∞) or overflow or underflow a representable product, so
 * it is then formed in log space. ±Infinity only when the product itself is beyond f64.
 */
export function scaleByPower(v: number, logFactor: number): number {
  const direct = v * Math.exp(logFactor);
  if (Number.isFinite(direct) && (direct !== 0 || v === 0)) return direct;
  if (v === 0) return 0;
  return Math.sign(v) * Math.exp(Math.log(Math.abs(v)) + logFactor);
}

export function createPower(data: DataRange): Model {
  const xMin = data.xMin;
  const xRef = xScaleOf(data);
  const lnRef = Math.log(xRef);
  const lower = Float64Array.of(-Infinity, -POWER_B_MAX, Math.log(SHIFT_MIN * xRef));
  const upper = Float64Array.of(Infinity, POWER_B_MAX, Math.log(SHIFT_MAX * xRef));

  const value = (x: number, theta: ArrayLike<number>): number =>
    theta[0] * Math.exp(theta[1] * (Math.log(x - xMin + Math.exp(theta[2])) - lnRef));

  const valueAndGradient = (x: number, theta: ArrayLike<number>, out: Float64Array): number => {
    const shift = Math.exp(theta[2]);
    const w = x - xMin + shift;
    const logRatio = Math.log(w) - lnRef;
    const pw = Math.exp(theta[1] * logRatio);
    const f = theta[0] * pw;
    out[0] = pw;
    out[1] = f * logRatio;
    out[2] = (f * theta[1] * shift) / w;
    return f;
  };

  const bGrid = insideBox(START_B, lower[1], upper[1]);
  const gGrid = insideBox(START_SHIFT.map((r) => Math.log(r * xRef)), lower[2], upper[2]);
  const grid: Float64Array[] = [];
  for (const b of bGrid) for (const g of gGrid) grid.push(Float64Array.of(b, g));

  return {
    name: 'power',
    paramNames: ['a', 'b', 'c'],
    nParams: 3,
    xDomain: 'any',
    lower,
    upper,
    value,
    valueAndGradient,
    toNatural: (theta) => ({ a: scaleByPower(theta[0], -theta[1] * lnRef), b: theta[1], c: Math.exp(theta[2]) - xMin }),
    fromNatural: (p) => Float64Array.of(scaleByPower(p.a, p.b * lnRef), p.b, Math.log(p.c + xMin)),
    starts: (x, y, idx, count) =>
      varproStarts(
        {
          grid,
          nLinear: 1,
          linearLower: [-Infinity],
          linearUpper: [Infinity],
          features(xi, node, out) {
            out[0] = Math.exp(node[0] * (Math.log(xi - xMin + Math.exp(node[1])) - lnRef));
          },
          assemble(node, linear, theta) {
            theta[0] = linear[0];
            theta[1] = node[0];
            theta[2] = node[1];
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
