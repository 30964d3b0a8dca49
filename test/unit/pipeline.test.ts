import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createModel } from '../../src/core/models/index.js';
import { modifiedZScores, stage1 } from '../../src/core/stage1.js';
import { candidateScratch, candidateSpec, evaluateJobF64, keepLowest, ltsCandidate, smallestH } from '../../src/core/lts.js';
import { bootstrapProcedure, createStage1Cache, prepareRobustFit, robustFitSync, dataRange, type PipelineOptions } from '../../src/core/pipeline.js';
import { selectionScore, rSquared } from '../../src/core/metrics.js';
import { expandGrid, FULL_GRID, pickBest } from '../../src/core/search.js';
import { bootstrapFit } from '../../src/core/bootstrap.js';
import { kthSmallest } from '../../src/core/stats.js';
import { elementalSubset, rngU32 } from '../../src/core/rng.js';

const settings = { freeEpsilon: false, uMax: Infinity, bMin: 0.05, bMax: 20, cMidMin: NaN, cMidMax: NaN };
const options: PipelineOptions = {
  modelSettings: { uMax: Infinity, bMin: 0.05, bMax: 20, cMidMin: NaN, cMidMax: NaN },
  nStarts: 4, ltsStarts: 32, cSteps: 2, gnIterations: 8, keepBest: 5, maxCSteps: 50, maxStage1Rounds: 10, gapWeight: 0.2, seed: 7,
};

/** A clean sigmoid curve y = 10/(1 + (20/x)^1.5) on x = 0, 2, 4, ... with optional spikes. */
function sigmoidCurve(n: number, spikes: Record<number, number> = {}, noise = 0.01) {
  const x = Float64Array.from({ length: n }, (_, i) => 2 * i);
  const y = Float64Array.from(x, (v, i) => (v === 0 ? 0 : 10 / (1 + Math.pow(20 / v, 1.5))) + (spikes[i] ?? 0) + noise * Math.sin(7 * i));
  return { x, y };
}

describe('modified z-scores', () => {
  test('match the textbook formula on a hand-computed sample', () => {
    // median 3, |r − 3| = [2,1,0,1,7] → MAD 1; M = 0.6745·(r − 3)
    const { scores, mad } = modifiedZScores(Float64Array.of(1, 2, 3, 4, 10));
    expect(mad).toBe(1);
    expect(Array.from(scores)).toEqual([-1.349, -0.6745, 0, 0.6745, 4.7215].map((v) => expect.closeTo(v, 12)));
  });
  test('MAD of zero gives no scores (all zero) so Stage 1 stops', () => {
    const { mad } = modifiedZScores(Float64Array.of(1, 1, 1, 5));
    expect(mad).toBe(0);
  });
});

describe('Stage 1', () => {
  test('rejects exactly the planted spikes on a clean sigmoid', () => {
    const c = sigmoidCurve(30, { 5: 4, 17: -5 }, 0.3);
    const model = createModel('sigmoid', settings, dataRange(c.x));
    const r = stage1(model, c.x, c.y, Int32Array.from({ length: 30 }, (_, i) => i), { tau: 3.5, maxRounds: 10, minPoints: 5, nStarts: 4 });
    expect(Array.from(r.rejected)).toEqual([5, 17]);
    expect(r.kept.length).toBe(28);
    expect(r.fit.status).toBe('converged');
    expect(Math.abs(model.toNatural(r.fit.theta).u - 10)).toBeLessThan(1);
  });
  test('stops at the round cap and never keeps fewer than minPoints', () => {
    const c = sigmoidCurve(12, { 3: 3, 6: -3, 9: 3 });
    const model = createModel('sigmoid', settings, dataRange(c.x));
    const capped = stage1(model, c.x, c.y, Int32Array.from({ length: 12 }, (_, i) => i), { tau: 0.1, maxRounds: 1, minPoints: 5, nStarts: 2 });
    expect(capped.rounds).toBeLessThanOrEqual(1);
    const floor = stage1(model, c.x, c.y, Int32Array.from({ length: 12 }, (_, i) => i), { tau: 0.01, maxRounds: 50, minPoints: 10, nStarts: 2 });
    expect(floor.kept.length).toBeGreaterThanOrEqual(10);
    expect(['too-few-points', 'mad-zero']).toContain(floor.stop);
  });
});

describe('LTS', () => {
  test('smallestH picks the h smallest with ties to the lower position', () => {
    const { subset, sum } = smallestH(Float64Array.of(5, 1, 3, 1, 9), 3);
    expect(Array.from(subset)).toEqual([1, 2, 3]);
    expect(sum).toBe(5);
  });
  test('kthSmallest equals the k-th entry of a sort, with ties, zeros and Infinity', () => {
    // Sizes both sides of the insertion-sort cut-off (16); values drawn from few levels make ties common.
    fc.assert(
      fc.property(
        // Lengths drawn uniformly: fast-check's default array sizes stay mostly below the cut-off.
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.array(fc.oneof(fc.constantFrom(0, 1, 2, Infinity), fc.double({ min: 0, max: 1e6, noNaN: true })), { minLength: n, maxLength: n })),
        fc.nat(),
        (list, kSeed) => {
          const values = Float64Array.from(list);
          const k = kSeed % values.length;
          expect(kthSmallest(values, k)).toBe(values.slice().sort()[k]);
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
    expect(() => kthSmallest(Float64Array.of(1, 2), 2)).toThrow(/k must be in \[0, 1\], received 2/);
  });
  test('evaluateJobF64 keeps the keepBest lowest of all candidates, as keepLowest over ltsCandidate', () => {
    const c = sigmoidCurve(30, { 5: 4, 22: -5 });
    const model = createModel('sigmoid', { ...settings, freeEpsilon: true }, dataRange(c.x));
    const spec = { model, x: c.x, y: c.y, pool: Int32Array.from({ length: 28 }, (_, i) => i), h: 21, theta0: model.fromNatural({ b: 1.2, cMid: 18, u: 9, c0: 0.3 }), seed: 5, cSteps: 2, gnIterations: 8 };
    const all = Array.from({ length: 40 }, (_, k) => ltsCandidate(spec, k));
    for (const keep of [1, 10, 40, 50]) {
      const { best, nonFinite } = evaluateJobF64(spec, 40, keep);
      expect(nonFinite).toBe(all.filter((o) => !Number.isFinite(o.objective)).length);
      const expected = keepLowest(all, keep);
      expect(best.map((o) => o.candidate)).toEqual(expected.map((o) => o.candidate));
      best.forEach((o, i) => {
        expect(o.objective).toBe(expected[i].objective);
        expect(Array.from(o.theta)).toEqual(Array.from(expected[i].theta));
        expect(Array.from(o.subset)).toEqual(Array.from(expected[i].subset));
      });
    }
  });
  test('evaluateJobF64 = keepLowest over ltsCandidate on random jobs, ties (exact curves) and keepBest 0 included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 40 }), fc.constantFrom(0, 0.01, 0.5), fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(0, 1, 3, 10, 64), (n, noise, seed, keep) => {
        const c = sigmoidCurve(n, { 3: 4 }, noise);
        const model = createModel('sigmoid', settings, dataRange(c.x));
        const h = Math.max(4, Math.floor(0.75 * n));
        const spec = { model, x: c.x, y: c.y, pool: Int32Array.from({ length: n }, (_, i) => i), h, theta0: model.fromNatural({ b: 1.5, cMid: 20, u: 10, c0: 0 }), seed, cSteps: 2, gnIterations: 8 };
        const fast = candidateSpec(spec);
        const all = Array.from({ length: 24 }, (_, k) => ltsCandidate(fast, k));
        const { best, nonFinite } = evaluateJobF64(spec, 24, keep);
        expect(nonFinite).toBe(all.filter((o) => !Number.isFinite(o.objective)).length);
        const expected = keepLowest(all, keep);
        expect(best.map((o) => [o.candidate, o.objective])).toEqual(expected.map((o) => [o.candidate, o.objective]));
        best.forEach((o, i) => {
          expect(Array.from(o.theta)).toEqual(Array.from(expected[i].theta));
          expect(Array.from(o.subset)).toEqual(Array.from(expected[i].subset));
        });
      }),
      { numRuns: 40, seed: 11 },
    );
  });
  test('elemental subsets are distinct, in range, and a pure function of (seed, stream)', () => {
    for (let k = 0; k < 200; k++) {
      const s = elementalSubset(3, k, 10, 4);
      expect(new Set(s).size).toBe(4);
      for (const v of s) expect(v >= 0 && v < 10).toBe(true);
      expect(Array.from(elementalSubset(3, k, 10, 4))).toEqual(Array.from(s));
    }
    expect(rngU32(1, 2, 3)).toBe(rngU32(1, 2, 3));
    expect(rngU32(1, 2, 3)).not.toBe(rngU32(1, 2, 4));
  });
  test('the sigmoid in t = ln x gives bit-identical values, gradients and candidates', () => {
    const c = sigmoidCurve(25, { 4: 6, 20: -6 });
    for (const freeEpsilon of [false, true]) {
      const model = createModel('sigmoid', { ...settings, freeEpsilon }, dataRange(c.x));
      const logModel = model.logDomain!();
      const theta = model.fromNatural({ b: 1.3, cMid: 15, u: 8, c0: 0.5 });
      const g1 = new Float64Array(model.nParams);
      const g2 = new Float64Array(model.nParams);
      for (const x of c.x) {
        const t = x === 0 ? -Infinity : Math.log(x);
        expect(logModel.value(t, theta)).toBe(model.value(x, theta));
        expect(logModel.valueAndGradient(t, theta, g2)).toBe(model.valueAndGradient(x, theta, g1));
        expect(Array.from(g2)).toEqual(Array.from(g1));
      }
      const base = { model, x: c.x, y: c.y, pool: Int32Array.from({ length: 25 }, (_, i) => i), h: 19, theta0: theta, seed: 4, cSteps: 2, gnIterations: 8 };
      for (let k = 0; k < 8; k++) {
        const a = ltsCandidate(base, k);
        const b = ltsCandidate(candidateSpec(base), k);
        expect(b.objective).toBe(a.objective);
        expect(Array.from(b.theta)).toEqual(Array.from(a.theta));
      }
    }
  });
  test("the candidates of a job sharing one scratch give each candidate's own result, in any order", () => {
    const c = sigmoidCurve(30, { 5: 4, 22: -5 });
    for (const freeEpsilon of [false, true]) {
      const model = createModel('sigmoid', { ...settings, freeEpsilon }, dataRange(c.x));
      const spec = candidateSpec({ model, x: c.x, y: c.y, pool: Int32Array.from({ length: 28 }, (_, i) => i), h: 21, theta0: model.fromNatural({ b: 1.2, cMid: 18, u: 9, c0: 0.3 }), seed: 11, cSteps: 2, gnIterations: 8 });
      const scratch = candidateScratch(spec);
      // Forward, then backward: a candidate must not see what the previous one left in the scratch.
      const order = [...Array.from({ length: 12 }, (_, k) => k), ...Array.from({ length: 12 }, (_, k) => 11 - k)];
      const shared = order.map((k) => ltsCandidate(spec, k, scratch));
      const alone = order.map((k) => ltsCandidate(spec, k));
      shared.forEach((got, i) => {
        expect(got.candidate).toBe(alone[i].candidate);
        expect(Object.is(got.objective, alone[i].objective)).toBe(true);
        expect(Array.from(got.theta)).toEqual(Array.from(alone[i].theta));
        expect(Array.from(got.subset)).toEqual(Array.from(alone[i].subset));
      });
      // Each outcome owns its parameters: later candidates do not overwrite them.
      expect(new Set(shared.map((o) => o.theta)).size).toBe(shared.length);
      expect(shared.some((o) => o.theta === scratch.thetaA || o.theta === scratch.thetaB)).toBe(false);
    }
  });
  test('a candidate never reports an objective below the exact h-trimmed SSE of its parameters', () => {
    const c = sigmoidCurve(25, { 4: 6, 20: -6 });
    const model = createModel('sigmoid', settings, dataRange(c.x));
    const pool = Int32Array.from({ length: 25 }, (_, i) => i);
    const theta0 = model.fromNatural({ b: 1, cMid: 15, u: 8, c0: 0 });
    for (let k = 0; k < 10; k++) {
      const cand = ltsCandidate({ model, x: c.x, y: c.y, pool, h: 20, theta0, seed: 1, cSteps: 2, gnIterations: 8 }, k);
      const r2 = Array.from(pool, (i) => (c.y[i] - model.value(c.x[i], cand.theta)) ** 2).sort((a, b) => a - b);
      expect(cand.objective).toBeCloseTo(r2.slice(0, 20).reduce((a, b) => a + b, 0), 10);
    }
  });
  test('LTS trims contamination that Stage 1 with a loose τ keeps', () => {
    // A collapse at the end: the last 4 points drop by 5 — a block, not isolated spikes.
    const c = sigmoidCurve(24, { 20: -5, 21: -5, 22: -5, 23: -5 });
    const hyper = { trainStart: 0, trainEnd: 24, valStart: 24, valEnd: 24, tau: 1e6, lts: true, alpha: 0.8, freeEpsilon: false };
    const robust = robustFitSync('sigmoid', c, hyper, options);
    const plain = robustFitSync('sigmoid', c, { ...hyper, lts: false }, options);
    expect(robust.h).toBe(Math.floor(24 * 0.8));
    expect(Array.from(robust.ltsTrimmed)).toEqual(expect.arrayContaining([20, 21, 22, 23]));
    expect(Math.abs(robust.params.u - 10)).toBeLessThan(0.2);
    expect(Math.abs(plain.params.u - 10)).toBeGreaterThan(Math.abs(robust.params.u - 10));
    expect(robust.objective).toBeLessThan(plain.objective);
  });
  test('settings of one curve share Stage 1 and its first fit through the cache without changing them', () => {
    // Outliers that a tight τ rejects and a loose one keeps; free and fixed ε; the whole grid.
    const c = sigmoidCurve(40, { 6: 3, 17: -4, 31: 2.5 }, 0.05);
    const grid = expandGrid(40, FULL_GRID);
    const cache = createStage1Cache();
    const shared = grid.map((hyper, s) => prepareRobustFit('sigmoid', c, hyper, options, s, cache));
    expect(cache.firstFit.size).toBeLessThan(cache.stage1.size);
    grid.forEach((hyper, s) => {
      const alone = prepareRobustFit('sigmoid', c, hyper, options, s);
      expect(Array.from(shared[s].stage1.kept)).toEqual(Array.from(alone.stage1.kept));
      expect(Array.from(shared[s].stage1.fit.theta)).toEqual(Array.from(alone.stage1.fit.theta));
      expect(shared[s].stage1.fit.status).toBe(alone.stage1.fit.status);
      expect(shared[s].stage1.rounds).toBe(alone.stage1.rounds);
      expect(shared[s].job?.h).toBe(alone.job?.h);
    });
  });
});

describe('metrics, score, grid', () => {
  test('score penalises only a positive train–validation gap', () => {
    expect(selectionScore(0.9, 0.8, 0.2)).toBeCloseTo(0.78, 12);
    expect(selectionScore(0.7, 0.8, 0.2)).toBeCloseTo(0.8, 12);
    expect(selectionScore(0.9, null, 0.2)).toBe(-Infinity);
  });
  test('R² is null for constant y and for fewer than 2 points', () => {
    const model = createModel('linear', settings, { xMin: 0, xMax: 1, xMinPositive: 1 });
    expect(rSquared(model, [0, 1, 2], [1, 1, 1], [0, 1, 2], [0, 1])).toBeNull();
    expect(rSquared(model, [0, 1], [1, 2], [0], [1, 1])).toBeNull();
  });
  test('the full grid has 324 settings for a long curve and respects the length filters', () => {
    expect(expandGrid(100, FULL_GRID).length).toBe(324);
    for (const h of expandGrid(20, FULL_GRID)) {
      expect(h.trainEnd - h.trainStart).toBeGreaterThanOrEqual(8);
      expect(20 - h.trainEnd).toBeGreaterThanOrEqual(3);
    }
    expect(pickBest([-Infinity, 0.5, 0.5, 0.2])).toBe(1);
    expect(pickBest([-Infinity])).toBe(-1);
    // Within the tie tolerance the earlier setting wins, wherever the maximum lies.
    expect(pickBest([0.5 - 4e-8, 0.5, 0.2])).toBe(0);
    expect(pickBest([0.2, 0.5 - 1e-5, 0.5])).toBe(2);
  });
  test('bootstrap intervals bracket the fitted value and are reproducible for a seed', () => {
    const c = sigmoidCurve(30);
    const r = robustFitSync('sigmoid', c, { trainStart: 0, trainEnd: 30, valStart: 30, valEnd: 30, tau: 3, lts: false, alpha: 0.75, freeEpsilon: false }, options);
    const procedure = bootstrapProcedure(r.model, 30, { trainStart: 0, trainEnd: 30, valStart: 30, valEnd: 30, tau: 3, lts: false, alpha: 0.75, freeEpsilon: false }, options);
    const a = bootstrapFit(r.model, c.x, c.y, procedure, r.theta, { resamples: 60, seed: 3, level: 0.9, predictAt: [100] });
    const b = bootstrapFit(r.model, c.x, c.y, procedure, r.theta, { resamples: 60, seed: 3, level: 0.9, predictAt: [100] });
    expect(a).toEqual(b);
    expect(a.used).toBeGreaterThan(50);
    expect(a.params.u.lower).toBeLessThanOrEqual(r.params.u);
    expect(a.params.u.upper).toBeGreaterThanOrEqual(r.params.u);
    expect(a.predictions[0].upper).toBeGreaterThan(a.predictions[0].lower);
  });
});
