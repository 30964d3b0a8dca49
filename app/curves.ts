/**
 * Evaluating a fitted model from its natural parameters, for plots. The formulas are the ones the
 * library's models document (src/core/models/*.ts); the public entry exports results, not model
 * evaluators, so the page carries these one-liners.
 */
import type { ModelName } from '../src/index.js';

export function modelValue(model: ModelName, p: Record<string, number>, x: number): number {
  switch (model) {
    case 'sigmoid': {
      const c0 = p.c0 ?? 0;
      // y = c0 + (u − c0) / (1 + (cMid/x)^b), with the limit c0 at x = 0.
      return x <= 0 ? c0 : c0 + (p.u - c0) / (1 + Math.pow(p.cMid / x, p.b));
    }
    case 'power':
      return p.a * Math.pow(x + p.c, p.b);
    case 'log':
      return p.a * Math.log(x + p.c) + p.b;
    case 'exp':
      return p.a * (1 - Math.exp(-p.b * x)) + p.c;
    case 'linear':
      return p.a * x + p.b;
  }
}

/** How far past the last point the fitted curve is drawn (extrapolation), as a multiple of max x. */
export const EXTRAPOLATION_FACTOR = 3;
const PLOT_SAMPLES = 120;

/**
 * The x values a fitted curve (and its bootstrap band) is drawn at: evenly spaced from 0 and
 * log-spaced from the smallest positive x, up to EXTRAPOLATION_FACTOR × max x, merged so the curve
 * looks smooth on both linear and log axes.
 */
export function plotXs(x: ArrayLike<number>): number[] {
  let maxX = -Infinity;
  let minX = 0;
  let minPos = Infinity;
  for (let i = 0; i < x.length; i++) {
    maxX = Math.max(maxX, x[i]);
    minX = Math.min(minX, x[i]);
    if (x[i] > 0) minPos = Math.min(minPos, x[i]);
  }
  if (!(maxX > 0)) return [];
  const hi = maxX * EXTRAPOLATION_FACTOR;
  const out = new Set<number>();
  for (let k = 0; k <= PLOT_SAMPLES; k++) out.add(minX + ((hi - minX) * k) / PLOT_SAMPLES);
  const logLo = Math.log(minPos);
  const logHi = Math.log(hi);
  for (let k = 0; k <= PLOT_SAMPLES; k++) out.add(Math.exp(logLo + ((logHi - logLo) * k) / PLOT_SAMPLES));
  return [...out].sort((a, b) => a - b);
}
