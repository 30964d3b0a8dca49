// The seeded synthetic sigmoid curves shared by the conformance suite and the kernel profile.
import { describe, expect, it } from 'vitest';
import { rngUniform } from '../../src/core/rng.js';
import { syntheticSigmoid } from '../../src/core/synthetic.js';

const stream = (seed: number) => {
  let counter = 0;
  return () => rngUniform(seed, 0, counter++);
};

describe('syntheticSigmoid', () => {
  it('is a pure function of its stream, with x = 0 first and increasing x after it', () => {
    const a = syntheticSigmoid(stream(3), 40, { freeEpsilon: true, contaminated: true });
    const b = syntheticSigmoid(stream(3), 40, { freeEpsilon: true, contaminated: true });
    expect(b).toEqual(a);
    expect(a.x[0]).toBe(0);
    for (let k = 2; k < 40; k++) expect(a.x[k]).toBeGreaterThan(a.x[k - 1]);
    expect(a.c0).toBeGreaterThanOrEqual(0);
    expect(a.c0).toBeLessThan(0.2 * a.u);
    // The midpoint lies inside the positive x range.
    expect(Math.exp(a.m)).toBeGreaterThan(a.x[1]);
    expect(Math.exp(a.m)).toBeLessThan(a.x[39]);
  });

  it('draws outliers only when contaminated, and no floor without freeEpsilon', () => {
    let outliers = 0;
    for (let seed = 0; seed < 50; seed++) {
      const clean = syntheticSigmoid(stream(seed), 60, { freeEpsilon: false, contaminated: false });
      expect(clean.c0).toBe(0);
      for (let k = 1; k < 60; k++) {
        const s = 1 / (1 + Math.exp(clean.b * (clean.m - Math.log(clean.x[k]))));
        // The noise is a sum of three uniforms: at most 3σ from the curve.
        expect(Math.abs(clean.y[k] - clean.u * s)).toBeLessThanOrEqual(3 * clean.sigma + 1e-12);
      }
      const dirty = syntheticSigmoid(stream(seed), 60, { freeEpsilon: false, contaminated: true });
      for (let k = 1; k < 60; k++) {
        const s = 1 / (1 + Math.exp(dirty.b * (dirty.m - Math.log(dirty.x[k]))));
        if (Math.abs(dirty.y[k] - dirty.u * s) > 4 * dirty.sigma) outliers++;
      }
    }
    // About 20 % of 50 × 59 points, each 8–18 σ out (minus at most 3σ of noise).
    expect(outliers / (50 * 59)).toBeGreaterThan(0.15);
    expect(outliers / (50 * 59)).toBeLessThan(0.25);
  });
});
