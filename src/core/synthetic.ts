/**
 * Seeded synthetic sigmoid curves with the shape of real RL curves (x = 0 first, then x spread
 * log-uniformly over 2–8 e-folds; the midpoint inside the range; Gaussian-like noise and, when
 * contaminated, about 20 % gross outliers of 8–18 σ), for the conformance suite and the kernel
 * profile. Every draw comes from `u01` in a fixed order, so a curve is a pure function of the
 * stream that feeds it.
 */

export interface SyntheticSigmoid {
  x: Float64Array;
  y: Float64Array;
  /** The generating parameters: s = 1/(1 + exp(b·(m − ln x))), y = c0 + (u − c0)·s + noise. */
  b: number;
  m: number;
  u: number;
  c0: number;
  sigma: number;
}

export interface SyntheticSigmoidOptions {
  /** A floor c0 ∈ [0, 0.2·u) drawn after u (one draw); else c0 = 0 and no draw. */
  freeEpsilon: boolean;
  /** Outliers: per point after its noise, one draw, and two more for an outlier's sign and size. */
  contaminated: boolean;
}

/** n ≥ 2 points from the uniform [0, 1) draws of `u01`, in the order documented on the options. */
export function syntheticSigmoid(u01: () => number, n: number, options: SyntheticSigmoidOptions): SyntheticSigmoid {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const logSpan = 2 + 6 * u01();
  const logStart = -3 + 4 * u01();
  for (let k = 1; k < n; k++) x[k] = Math.exp(logStart + (logSpan * (k - 1 + 0.8 * u01())) / (n - 1));
  const b = 0.5 + 4.5 * u01();
  const m = logStart + logSpan * (0.2 + 0.6 * u01());
  const u = 5 + 45 * u01();
  const c0 = options.freeEpsilon ? 0.2 * u * u01() : 0;
  const sigma = 0.02 * u * (0.2 + u01());
  for (let k = 0; k < n; k++) {
    const s = x[k] === 0 ? 0 : 1 / (1 + Math.exp(b * (m - Math.log(x[k]))));
    const noise = sigma * (u01() + u01() + u01() - 1.5) * 2;
    const outlier = options.contaminated && u01() < 0.2 ? (u01() < 0.5 ? -1 : 1) * (8 + 10 * u01()) * sigma : 0;
    y[k] = c0 + (u - c0) * s + noise + outlier;
  }
  return { x, y, b, m, u, c0, sigma };
}
