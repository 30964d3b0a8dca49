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
