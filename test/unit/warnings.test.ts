import { describe, expect, test } from 'vitest';
import { fit } from '../../src/api/fit';
import { differenceNoiseScale } from '../../src/core/metrics';

/** A sigmoid gain curve with deterministic ±noise, optionally collapsing after index `collapseFrom`. */
function curve(n: number, noise: number, collapseFrom = Infinity, drop = 0): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = 10 * (i + 1);
    x.push(xi);
    y.push(20 / (1 + Math.pow(80 / xi, 1.5)) + noise * Math.sin(2.3 * i) - (i >= collapseFrom ? drop : 0));
  }
  return { x, y };
}

const codes = (r: { warnings: Array<{ code: string }> }) => r.warnings.map((w) => w.code);

describe('differenceNoiseScale', () => {
  test('recovers the σ of white noise on a smooth curve', () => {
    // Box–Muller normals from a fixed LCG: the estimate must land near σ = 0.5.
    let s = 12345;
    const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
    const y = Array.from({ length: 4000 }, (_, i) => 0.01 * i + 0.5 * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
    expect(differenceNoiseScale(y)).toBeGreaterThan(0.45);
    expect(differenceNoiseScale(y)).toBeLessThan(0.55);
  });
  test('NaN below 3 points, 0 for constant y', () => {
    expect(differenceNoiseScale([1, 2])).toBeNaN();
    expect(differenceNoiseScale([3, 3, 3, 3])).toBe(0);
  });
});

describe('FitResult.warnings', () => {
  test('a clean fit has none', () => {
    const r = fit(curve(30, 0.2), { seed: 1 });
    expect(r.success).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.diagnostics.noiseScale).toBeGreaterThan(0);
  });
  test('a collapse in the validation range is flagged, with the multiple of σ in the message', () => {
    const r = fit(curve(30, 0.2, 22, 8), { seed: 1 });
    const w = r.warnings.find((k) => k.code === 'poor-validation');
    expect(w, JSON.stringify(r.warnings)).toBeDefined();
    expect(w!.message).toMatch(/× the curve's noise/);
    expect(r.rmseVal!).toBeGreaterThan(3 * r.diagnostics.noiseScale);
  });
  test('the warning says where a collapse starts, and that fitting the points before it reads the ceiling before it', () => {
    // Collapse from index 22 (x = 230): the fit's validation range is [18, 30).
    const r = fit(curve(30, 0.2, 22, 8), { seed: 1 });
    expect(r.diagnostics.valTail).toEqual({ points: 8, side: 'below', fromX: 230 });
    expect(r.warnings.find((k) => k.code === 'poor-validation')!.message).toMatch(/; its last 8 points, from x = 230\.0 on, all lie more than 3σ below the fit: if the run collapsed there, fit the points before x = 230\.0 to read the ceiling before the collapse$/);
    // Doing so: the points before the collapse give the clean curve's ceiling and no warning.
    const before = curve(30, 0.2, 22, 8);
    const cut = fit({ x: before.x.slice(0, 22), y: before.y.slice(0, 22) }, { seed: 1 });
    expect(codes(cut)).not.toContain('poor-validation');
    expect(Math.abs(cut.params.u - 20)).toBeLessThan(1);
  });
  test('a curve still rising past the fit: the warning says it ends above the fit and the ceiling may be higher', () => {
    const c = curve(30, 0.2);
    const y = c.y.map((v, i) => v + (i >= 20 ? 0.8 * (i - 19) : 0));
    const r = fit({ x: c.x, y }, { seed: 1 });
    expect(r.diagnostics.valTail?.side).toBe('above');
    expect(r.warnings.find((k) => k.code === 'poor-validation')!.message).toMatch(/all lie more than 3σ above the fit: the curve ends above the fit, so the ceiling may be higher than the fit says$/);
  });
  test('no validation R² with enough points says why: their y do not vary', () => {
    const c = curve(30, 0.2);
    const y = c.y.map((v, i) => (i >= 18 ? 5 : v));
    const r = fit({ x: c.x, y }, { seed: 1 });
    expect(r.r2Val).toBeNull();
    expect(r.warnings.find((k) => k.code === 'no-validation')!.message).toBe("no validation R² (the 12 validation points' y do not vary, or their sums are not finite)");
  });
  test('one point off at the end is not a run: no note', () => {
    const c = curve(30, 0.2);
    const y = c.y.map((v, i) => (i === 29 ? v - 30 : v));
    const r = fit({ x: c.x, y }, { seed: 1 });
    expect(r.diagnostics.valTail).toMatchObject({ points: 1, side: 'below' });
    expect(r.warnings.find((k) => k.code === 'poor-validation')!.message).toMatch(/the fit misses the validation points$/);
    // A clean curve ends within the noise.
    expect(fit(curve(30, 0.2), { seed: 1 }).diagnostics.valTail).toBeNull();
  });
  test('no validation points, a falling curve, a bound that sets b, and few resamples', () => {
    const c = curve(30, 0.2);
    expect(codes(fit(c, { train: [0, 30] }))).toContain('no-validation');
    const falling = { x: c.x, y: c.y.map((v) => -v) };
    expect(codes(fit(falling, {}))).toContain('negative-gain');
    const boxed = fit(c, { bMax: 0.3 });
    expect(boxed.status).toBe('at-bound');
    expect(boxed.warnings.find((w) => w.code === 'parameter-at-bound')?.message).toMatch(/^b at its upper bound/);
    expect(codes(fit(c, { bootstrap: { resamples: 20 } }))).toContain('few-resamples');
    expect(codes(fit(c, { bootstrap: { resamples: 120 } }))).not.toContain('few-resamples');
  });
  test('ε = 0 on its bound is the model without offset, not a warning', () => {
    // Early points below 0 would pull the free c0 negative: it rests on its lower bound 0.
    const c = curve(30, 0.05);
    const r = fit({ x: c.x, y: c.y.map((v) => v - 1) }, { freeEpsilon: true });
    expect(r.params.c0).toBe(0);
    expect(r.status).toBe('at-bound');
    expect(r.message).toMatch(/c0 at its lower bound/);
    expect(r.warnings.filter((w) => /c0/.test(w.message))).toEqual([]);
  });
});

describe('settings the data cannot carry out', () => {
  test('LTS asked for but not run (h not above the parameters) is a warning, not silence', () => {
    // 6 train points, free ε (4 parameters), α = 0.5: h = 3 ≤ 4, so nothing is trimmed.
    const c = curve(10, 0.2);
    const r = fit(c, { lts: true, alpha: 0.5, freeEpsilon: true, train: [0, 6], tau: 1e6 });
    expect(r.diagnostics.ltsCandidates).toBe(0);
    expect(r.warnings.find((w) => w.code === 'lts-not-run')?.message).toMatch(/h = ⌊0\.5·6⌋ = 3 of the 6 Stage-1 survivors is not more than the 4 parameters/);
    expect(codes(fit(c, { lts: true, alpha: 0.75, train: [0, 10], val: [0, 10] }))).not.toContain('lts-not-run');
  });
  test('Stage 1 does not score rounding as outliers on noise-free data', () => {
    // An exact sigmoid on x = 2^i: residuals are rounding only. Before, the default τ dropped 7 of
    // its 12 train points.
    const x = Array.from({ length: 20 }, (_, i) => 2 ** i);
    const r = fit({ x, y: x.map((v) => 30 / (1 + (100 / v) ** 1.3)) });
    expect(r.stage1Rejected).toEqual([]);
    expect(r.diagnostics.stage1Stop).toBe('mad-zero');
    expect(r.params.u).toBeCloseTo(30, 6);
  });
});
