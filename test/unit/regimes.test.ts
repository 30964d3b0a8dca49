import { describe, expect, it } from 'vitest';
import { TrimfitError } from '../../src/api/errors';
import { averageRanks, pearson, spearman } from '../../src/core/stats';
import { analyzeSftRegimes, minValLossCeilingCorrelation } from '../../src/ceiling/regimes';

function thrown(fn: () => unknown): TrimfitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrimfitError);
    return e as TrimfitError;
  }
  throw new Error('expected a TrimfitError');
}

describe('correlation (src/core/stats)', () => {
  // By hand: dx = [-2,-1,0,1,2], dy = [-2,0,1,0,1]; Sxy = 6, Sxx = 10, Syy = 6 -> r = 6/sqrt(60).
  it('Pearson matches the hand computation', () => {
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
  });

  it('gives tied values the average of their ranks', () => {
    expect(Array.from(averageRanks([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(averageRanks([5, 1, 5, 5]))).toEqual([3, 1, 3, 3]);
  });

  // Ranks of y = [2,4,5,4,5] are [1,2.5,4.5,2.5,4.5]: Sxy = 7, Sxx = 10, Syy = 9 -> 7/sqrt(90).
  it('Spearman with ties matches the hand computation', () => {
    expect(spearman([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(7 / Math.sqrt(90), 14);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBe(1);
  });

  it('returns NaN when a sample has no variance', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

describe('analyzeSftRegimes', () => {
  // L_min = 0.50 at step 400: stable up to 0.51, severe from 0.55.
  const valLosses = [
    { sftStep: 0, valLoss: 0.9 },
    { sftStep: 100, valLoss: 0.6 },
    { sftStep: 200, valLoss: 0.505 },
    { sftStep: 300, valLoss: 0.515 }, // bump inside the stable window: Eqs. 6-9 do not cover it
    { sftStep: 400, valLoss: 0.5 },
    { sftStep: 500, valLoss: 0.51 }, // exactly (1 + δ) L_min: stable (<=)
    { sftStep: 600, valLoss: 0.53 },
    { sftStep: 700, valLoss: 0.55 }, // exactly (1 + δ2) L_min: severe (>=)
    { sftStep: 800, valLoss: 0.54 },
    { sftStep: 900, valLoss: 0.7 },
  ];

  it('labels a hand-built loss sequence with the paper regimes', () => {
    // Given out of order on purpose: the analysis sorts by step.
    const a = analyzeSftRegimes({ dataset: 'toy', valLosses: [...valLosses].reverse(), ceilings: [{ sftStep: 100, aPost: 80 }, { sftStep: 400, aPost: 83 }, { sftStep: 600, aPost: 84 }] });
    expect(a.checkpoints.map((c) => [c.sftStep, c.regime])).toEqual([
      [0, 'adaptive'], [100, 'adaptive'], [200, 'stable'], [300, 'unclassified'], [400, 'stable'],
      [500, 'stable'], [600, 'mild'], [700, 'severe'], [800, 'mild'], [900, 'severe'],
    ]);
    expect(a.minValLoss).toBe(0.5);
    expect(a.minValLossStep).toBe(400);
    expect([a.stableFirstStep, a.stableLastStep]).toEqual([200, 500]);
    expect(a.recommendedSwitchStep).toBe(400);
    expect(a.checkpoints[6].relativeRise).toBeCloseTo(0.06, 12);
    expect([a.highestAPost, a.highestAPostStep, a.highestAPostRegime]).toEqual([84, 600, 'mild']);
    expect(a.checkpoints[0].aPost).toBeNull();
  });

  it('honours δ and δ2 options', () => {
    const a = analyzeSftRegimes({ valLosses }, { delta: 0.05, delta2: 0.2 });
    // Stable now reaches 0.525: steps 200..500 all stable, 600 (0.53) mild, 900 (0.70 >= 0.60) severe.
    expect(a.checkpoints.map((c) => c.regime)).toEqual(['adaptive', 'adaptive', 'stable', 'stable', 'stable', 'stable', 'mild', 'mild', 'mild', 'severe']);
    expect(a.highestAPost).toBeNull();
  });

  it('reproduces the paper Table 6 labels (Qwen2.5-14B, Uniform55K)', () => {
    // 0.44 is > 1.1 x 0.39 yet Adaptive, because it comes before the first stable checkpoint.
    const a = analyzeSftRegimes({ valLosses: [{ sftStep: 0, valLoss: 0.67 }, { sftStep: 172, valLoss: 0.44 }, { sftStep: 1720, valLoss: 0.39 }] });
    expect(a.checkpoints.map((c) => c.regime)).toEqual(['adaptive', 'adaptive', 'stable']);
  });

  it('rejects bad input with typed errors naming the field', () => {
    expect(thrown(() => analyzeSftRegimes({ valLosses: [] })).field).toBe('valLosses');
    expect(thrown(() => analyzeSftRegimes({ valLosses: [{ sftStep: 1, valLoss: -0.1 }] })).field).toBe('valLosses[0].valLoss');
    expect(thrown(() => analyzeSftRegimes({ valLosses: [{ sftStep: 1, valLoss: NaN }] })).received).toBe('NaN');
    expect(thrown(() => analyzeSftRegimes({ valLosses: [{ sftStep: 1, valLoss: 1 }, { sftStep: 1, valLoss: 2 }] })).field).toBe('valLosses[1].sftStep');
    expect(thrown(() => analyzeSftRegimes({ valLosses: [{ sftStep: 1.5, valLoss: 1 }] })).field).toBe('valLosses[0].sftStep');
    expect(thrown(() => analyzeSftRegimes({ valLosses, ceilings: [{ sftStep: 150, aPost: 80 }] })).field).toBe('ceilings[0].sftStep');
    const opt = thrown(() => analyzeSftRegimes({ valLosses }, { delta: 0.1, delta2: 0.1 }));
    expect([opt.code, opt.field]).toEqual(['invalid-option', 'delta2']);
  });
});

describe('minValLossCeilingCorrelation', () => {
  // Paper v2 Table 5 / Fig. 8a (Qwen2.5-7B): min val loss and highest A_post per dataset
  // (S1K, Easy102K, Uniform102K, Hard102K, SFT889K). The paper reports r = -0.92, rho = -1.00.
  const paper = [
    { dataset: 'S1K', minValLoss: 0.51, highestAPost: 77.3 },
    { dataset: 'Easy102K', minValLoss: 0.44, highestAPost: 78.8 },
    { dataset: 'Uniform102K', minValLoss: 0.42, highestAPost: 79.7 },
    { dataset: 'Hard102K', minValLoss: 0.4, highestAPost: 82.8 },
    { dataset: 'SFT889K', minValLoss: 0.37, highestAPost: 84.0 },
  ];

  it('reproduces the paper Fig. 8a coefficients', () => {
    const c = minValLossCeilingCorrelation(paper);
    expect(c.n).toBe(5);
    expect(c.pearson).toBeCloseTo(-0.9233, 4);
    expect(c.spearman).toBe(-1);
  });

  it('accepts analyzeSftRegimes results directly', () => {
    const analyses = paper.map((p) =>
      analyzeSftRegimes({ dataset: p.dataset, valLosses: [{ sftStep: 0, valLoss: p.minValLoss * 1.5 }, { sftStep: 360, valLoss: p.minValLoss }], ceilings: [{ sftStep: 360, aPost: p.highestAPost }] }),
    );
    expect(minValLossCeilingCorrelation(analyses).pearson).toBeCloseTo(minValLossCeilingCorrelation(paper).pearson, 14);
  });

  it('rejects too few datasets, missing ceilings and constant inputs', () => {
    expect(thrown(() => minValLossCeilingCorrelation(paper.slice(0, 2))).field).toBe('datasets');
    expect(thrown(() => minValLossCeilingCorrelation([...paper.slice(0, 2), { dataset: 'X', minValLoss: 0.3, highestAPost: null }])).field).toBe('datasets[2] (X).highestAPost');
    expect(thrown(() => minValLossCeilingCorrelation(paper.map((p) => ({ ...p, minValLoss: 0.4 })))).field).toBe('datasets[].minValLoss');
  });
});
