import { describe, expect, it } from 'vitest';
import { normalPass, normalPassAnyP } from '../../src/core/gn.js';
import { inLogDomain } from '../../src/core/models/model.js';
import { createModel, DEFAULT_MODEL_SETTINGS, type ModelName } from '../../src/core/models/index.js';
import { rngUniform } from '../../src/core/rng.js';

const RANGE = { xMin: 0, xMax: 60, xMinPositive: 2 };
const MODELS: [string, ModelName, boolean][] = [
  ['sigmoid', 'sigmoid', false],
  ['sigmoid free c0', 'sigmoid', true],
  ['power', 'power', false],
  ['log', 'log', false],
  ['exp', 'exp', false],
  ['linear', 'linear', false],
];

/** Every entry equal as bits (Object.is: also tells 0 from −0 and compares NaN). */
function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < actual.length; k++) if (!Object.is(actual[k], expected[k])) expect.fail(`entry ${k}: ${actual[k]} ≠ ${expected[k]}`);
}

describe('normalPass: the small-p pass gives the bits of the general one', () => {
  it.each(MODELS)('%s (and its ln x form where it has one), 200 random (θ, points) draws', (_label, name, freeEpsilon) => {
    const base = createModel(name, { ...DEFAULT_MODEL_SETTINGS, freeEpsilon, uMax: 80 }, RANGE);
    const p = base.nParams;
    expect(p).toBeLessThanOrEqual(4);
    for (let draw = 0; draw < 200; draw++) {
      const u = (i: number) => rngUniform(7, draw, i);
      const n = 5 + Math.floor(40 * u(0));
      // x = 0 is in the sigmoid's domain (its x = 0 branch); the other models get positive x.
      const x = Float64Array.from({ length: n }, (_, i) => (name === 'sigmoid' && i === 0 ? 0 : 0.5 + 60 * u(1 + i)));
      const y = Float64Array.from({ length: n }, (_, i) => 40 * u(100 + i) - 5);
      const idx = Int32Array.from({ length: n }, (_, i) => i).filter((i) => u(200 + i) < 0.8);
      const theta = Float64Array.from({ length: p }, (_, q) => {
        const lo = Math.max(base.lower[q], -3);
        const hi = Math.min(base.upper[q], 5);
        return lo + (hi - lo) * u(300 + q);
      });
      // The sigmoid also in its ln x form (the one the LTS candidates and LM use).
      const log = inLogDomain(base, x);
      for (const { model, xs } of [{ model: base, xs: x }, ...(log ? [{ model: log.model, xs: log.t }] : [])]) {
        const small = { jtj: new Float64Array(p * p).fill(7), jtr: new Float64Array(p).fill(7), grad: new Float64Array(p) };
        const general = { jtj: new Float64Array(p * p).fill(7), jtr: new Float64Array(p).fill(7), grad: new Float64Array(p) };
        const sseSmall = normalPass(model, xs, y, idx, theta, small.grad, small.jtj, small.jtr);
        const sseGeneral = normalPassAnyP(model, xs, y, idx, theta, general.grad, general.jtj, general.jtr);
        expect(Object.is(sseSmall, sseGeneral)).toBe(true);
        expectSameBits(small.jtj, general.jtj);
        expectSameBits(small.jtr, general.jtr);
      }
    }
  });
});
