import type { SweepCurve } from '../../src/index.js';

/** A noisy sigmoid with one outlier; k varies midpoint, steepness, noise and the outlier's place. */
export function sigmoidCurve(k: number, n = 24): SweepCurve {
  const x = Array.from({ length: n }, (_, i) => (i + 1) * 10);
  const y = x.map((v, i) => 40 / (1 + Math.pow((60 + 7 * k) / v, 1.2 + 0.1 * k)) + (i === 5 + (k % 7) ? 8 : 0) + 0.3 * Math.sin(i * (k + 2)));
  return { id: `c${k}`, x, y };
}
