import type { SweepCurve, SweepOptions } from '../../src/index.js';

/** A noisy sigmoid with one outlier; k varies midpoint, steepness, noise and the outlier's place. */
export function sigmoidCurve(k: number, n = 24): SweepCurve {
  const x = Array.from({ length: n }, (_, i) => (i + 1) * 10);
  const y = x.map((v, i) => 40 / (1 + Math.pow((60 + 7 * k) / v, 1.2 + 0.1 * k)) + (i === 5 + (k % 7) ? 8 : 0) + 0.3 * Math.sin(i * (k + 2)));
  return { id: `c${k}`, x, y };
}

/**
 * A GPU sweep big enough for the fitter to put a worker pool beside the GPU (6 curves × 24 settings
 * × 160 starts ≈ 23k candidate fits, above TUNING.minWorkerCandidates); shared by the Node and
 * browser tests of that path.
 */
export const HOST_WORKER_SWEEP: { curves: SweepCurve[]; options: SweepOptions } = {
  curves: Array.from({ length: 6 }, (_, k) => sigmoidCurve(k, 40)),
  options: {
    grid: { trainEndFractions: [0.5, 0.6, 0.7], trainStartFractions: [0, 0.1], taus: [2.5, 3], ltsAlphas: [0.75, 0.85], freeEpsilon: [false], minTrainPoints: 12, minValPoints: 3 },
    ltsStarts: 160,
    seed: 5,
    chunkCurves: 1,
  },
};
