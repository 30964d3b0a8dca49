import { beforeAll, describe, expect, test } from 'vitest';
import { readRetuDir } from '../../src/ceiling/retu-node.js';
import { ceilingRows, type CeilingRow, type SearchMode } from '../../src/ceiling/analysis.js';
import { createFitter, type Fitter } from '../../src/api/fitter.js';
import type { RetuCurve } from '../../src/ceiling/retu.js';

const RETU = '../shared/data/retu';

/**
 * The paper's v2 Table 4 (PL_rl, C_mid, B, A_post) for the curves whose released settings match the
 * table's (τ, LTS, α, ε). Curves where the released script and the table disagree, or where the
 * published fit does not sit at the lowest-SSE optimum of the published model, are not listed.
 */
const TABLE4: Record<string, { plRl: number; cMid: number; b: number; aPost: number }> = {
  'S1K/ckpt186': { plRl: 4.0, cMid: 99, b: 1.1, aPost: 76.5 },
  'S1K/ckpt248': { plRl: 2.5, cMid: 93, b: 2.8, aPost: 76.4 },
  'Easy102K/ckpt360': { plRl: 6.0, cMid: 22, b: 1.0, aPost: 76.7 },
  'Uniform102K/ckpt360': { plRl: 4.8, cMid: 32, b: 1.8, aPost: 76.9 },
  'Uniform102K/ckpt1440': { plRl: 1.8, cMid: 46, b: 2.2, aPost: 77.5 },
  'Hard102K/ckpt360': { plRl: 4.9, cMid: 40, b: 0.9, aPost: 78.1 },
  'SFT889K/ckpt1440': { plRl: 7.0, cMid: 9, b: 1.7, aPost: 80.3 },
  'SFT889K/ckpt1800': { plRl: 6.9, cMid: 9, b: 1.6, aPost: 81.0 },
  'SFT889K/ckpt3600': { plRl: 6.6, cMid: 13, b: 1.6, aPost: 83.1 },
  'SFT889K/ckpt5400': { plRl: 5.3, cMid: 13, b: 2.2, aPost: 82.8 },
  'SFT889K/ckpt9000': { plRl: 6.7, cMid: 13, b: 1.8, aPost: 83.4 },
  'SFT889K/ckpt14080': { plRl: 7.8, cMid: 11, b: 1.1, aPost: 84.0 },
};

let curves: RetuCurve[];
let fitter: Fitter;
const rowsBy: Partial<Record<SearchMode, CeilingRow[]>> = {};

async function run(search: SearchMode, bootstrapResamples = 0): Promise<CeilingRow[]> {
  const rows: CeilingRow[] = [];
  for await (const r of ceilingRows(curves, { search, fitter, bootstrapResamples })) rows.push(r);
  return rows;
}

beforeAll(async () => {
  curves = await readRetuDir(RETU);
  // One worker-free CPU fitter: the f64 reference on this thread.
  fitter = await createFitter({ backend: 'cpu', workers: 1 });
  rowsBy.released = await run('released', 50);
  rowsBy.none = await run('none');
});

describe('ceiling analysis of the paper curves', () => {
  test('one row per RL branch, every ceiling at or below the 100 % cap', () => {
    for (const mode of ['released', 'none'] as const) {
      const rows = rowsBy[mode]!;
      expect(rows.length).toBe(curves.length);
      for (const r of rows) {
        expect(r.status).not.toBe('failed');
        expect(r.aPost).toBeLessThanOrEqual(100 + 1e-9);
        expect(r.aPost).toBeCloseTo(r.pSft + r.plRl, 10);
        expect(Number.isFinite(r.cMid) && Number.isFinite(r.b)).toBe(true);
      }
    }
  });
  test('fits on a bound say so in their status and message', () => {
    const rows = [...rowsBy.released!, ...rowsBy.none!];
    for (const r of rows) {
      const curve = curves.find((c) => c.id === r.id)!;
      const cMidAtMax = Math.abs(r.cMid - curve.x[curve.x.length - 1]) < 1e-6 * r.cMid;
      const uAtCap = Math.abs(r.aPost - 100) < 1e-9;
      if (cMidAtMax || uAtCap) {
        expect(r.status).toBe('at-bound');
        expect(r.message.length).toBeGreaterThan(0);
      }
    }
  });
  test('released settings reproduce the published Table 4 where the settings agree', () => {
    const rows = rowsBy.released!;
    for (const [id, t] of Object.entries(TABLE4)) {
      const r = rows.find((row) => row.id === id)!;
      expect(r, id).toBeDefined();
      expect(Math.abs(r.plRl - t.plRl), `${id} PL_rl ${r.plRl}`).toBeLessThan(0.45);
      expect(Math.abs(r.aPost - t.aPost), `${id} A_post ${r.aPost}`).toBeLessThan(0.45);
      expect(Math.abs(Math.log(r.cMid / t.cMid)), `${id} C_mid ${r.cMid}`).toBeLessThan(0.3);
      expect(Math.abs(r.b - t.b), `${id} B ${r.b}`).toBeLessThan(0.45);
    }
  });
  test('bootstrap intervals contain the point estimates', () => {
    for (const r of rowsBy.released!) {
      if (!r.ci) continue;
      expect(r.ci.aPost.lower).toBeLessThanOrEqual(r.aPost + 1e-6);
      expect(r.ci.aPost.upper).toBeGreaterThanOrEqual(r.aPost - 1e-6);
      expect(r.ci.aPost.upper).toBeLessThanOrEqual(100 + 1e-9);
    }
    expect(rowsBy.released!.filter((r) => r.ci).length).toBeGreaterThan(curves.length / 2);
  });
  test('warnings single out the collapsed branches and leave the clean fits alone', () => {
    const rows = rowsBy.released!;
    const codes = (id: string) => rows.find((r) => r.id === id)!.warnings.map((w) => w.code);
    // Severe overfitting: the RL branch falls ~15 points below its fit's extrapolation.
    expect(codes('Easy102K/ckpt6120')).toEqual(expect.arrayContaining(['poor-validation', 'negative-gain']));
    // The released split of S1K/ckpt62 leaves no validation points.
    expect(codes('S1K/ckpt62')).toContain('no-validation');
    // The validation points miss the fit by more than 3σ on exactly the branches that fall away at
    // the end: the collapse above and Uniform102K's last two. Uniform102K/ckpt1440 is in Table 4: the
    // released settings reproduce its published ceiling, which rests on a fit that misses those points.
    const poor = rows.filter((r) => r.warnings.some((w) => w.code === 'poor-validation')).map((r) => r.id).sort();
    expect(poor).toEqual(['Easy102K/ckpt6120', 'Uniform102K/ckpt1440', 'Uniform102K/ckpt1800']);
    for (const id of Object.keys(TABLE4).filter((k) => !poor.includes(k))) expect(codes(id).filter((c) => c !== 'few-resamples' && c !== 'parameter-at-bound'), id).toEqual([]);
    for (const r of rows) if (r.ci) expect(r.warnings.map((w) => w.code)).toContain('few-resamples');
  });
  test('the full search picks, per curve, the highest score of its grid', async () => {
    const subset = curves.filter((c) => c.id === 'SFT889K/ckpt1440' || c.id === 'S1K/ckpt62');
    const rows: CeilingRow[] = [];
    for await (const r of ceilingRows(subset, { search: 'full', fitter, bootstrapResamples: 0, fit: { ltsStarts: 16 } })) rows.push(r);
    expect(rows.length).toBe(2);
    for (const r of rows) {
      expect(r.settingsTried).toBeGreaterThan(100);
      expect(r.hyper).not.toBeNull();
      expect(Number.isFinite(r.score)).toBe(true);
      // the `none` setting (train 0:round(0.6n), τ 2.5, LTS off, ε fixed) is in the full grid, so the
      // chosen setting can never score below it
      const plain = rowsBy.none!.find((x) => x.id === r.id)!;
      expect(r.score).toBeGreaterThanOrEqual(plain.score - 1e-9);
    }
  });
});
