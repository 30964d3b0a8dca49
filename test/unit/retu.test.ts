import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrimfitError } from '../../src/api/errors';
import { readRetuDir } from '../../src/ceiling/retu-node';
import {
  RETU_SFT_RUNS,
  buildRetuCurves,
  estimateSftEflops,
  forwardFlopsPerToken,
  snapToSftKey,
  type RetuCurve,
  type RlBranchJson,
  type SftCurveJson,
} from '../../src/ceiling/retu';

const RETU_DIR = fileURLToPath(new URL('../../../shared/data/retu', import.meta.url));

interface IndexRow { json: string; kind: string; cache_scene: string; dataset: string; sft_step?: number; n_points: number }

async function readJsonFile<T>(rel: string): Promise<T> {
  return JSON.parse(await readFile(join(RETU_DIR, rel), 'utf8')) as T;
}

async function expectTrimfitError(promise: Promise<unknown>, code: string, fieldPart: string): Promise<TrimfitError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TrimfitError);
  const te = err as TrimfitError;
  expect(te.code).toBe(code);
  expect(te.field).toContain(fieldPart);
  return te;
}

let curves: RetuCurve[];
let index: { files: IndexRow[] };
const byId = (id: string): RetuCurve => {
  const c = curves.find((k) => k.id === id);
  if (c === undefined) throw new Error(`no curve ${id}`);
  return c;
};

beforeAll(async () => {
  curves = await readRetuDir(RETU_DIR);
  index = await readJsonFile('index.json');
});

describe('readRetuDir on the RETU data', () => {
  // 38 branch files less the 4 duplicate ckpt0 copies: 34 curves. 33 of them have a released
  // script (the README's "33 unique curves"); Easy102K ckpt6120 has data but no script.
  it('builds the 34 unique SFT->RL fit datasets, sorted by (dataset, sftStep)', () => {
    expect(index.files.filter((r) => r.kind === 'sft_then_rl')).toHaveLength(38);
    expect(curves).toHaveLength(34);
    expect(new Set(curves.map((c) => c.id)).size).toBe(34);
    const keys = curves.map((c) => [c.dataset, c.sftStep] as const);
    const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    expect(keys).toEqual(sorted);
    expect(curves.filter((c) => c.sftStep === 0).map((c) => c.id)).toEqual(['SFT889K/ckpt0']);
    const perDataset = Object.fromEntries(['Easy102K', 'Hard102K', 'S1K', 'SFT889K', 'Uniform102K'].map((d) => [d, curves.filter((c) => c.dataset === d).length]));
    expect(perDataset).toEqual({ Easy102K: 6, Hard102K: 5, S1K: 5, SFT889K: 13, Uniform102K: 5 });
  });

  it('has, per curve, the index n_points plus the prepended branch point', () => {
    for (const c of curves) {
      const row = index.files.find((r) => r.kind === 'sft_then_rl' && r.cache_scene === c.scene && r.sft_step === c.sftStep);
      expect(row, c.id).toBeDefined();
      expect(c.x.length, c.id).toBe((row as IndexRow).n_points + 1);
      expect(c.y.length, c.id).toBe(c.x.length);
      expect(c.x[0]).toBe(0);
      expect(c.y[0]).toBe(0);
      for (let i = 1; i < c.x.length; i++) expect(c.x[i], c.id).toBeGreaterThan(c.x[i - 1]);
    }
  });

  it('folds ckpt0 into SFT889K with pSft = 46.71 at xSft = 0', () => {
    const c = byId('SFT889K/ckpt0');
    expect(c.scene).toBe('general');
    expect(c.xSft).toBe(0);
    expect(c.pSft).toBe(46.71);
  });

  it('places branch points with the segment-rounded estimator snapped to the SFT keys', () => {
    const general = estimateSftEflops(RETU_SFT_RUNS.general);
    expect(general.get(14080)).toBeCloseTo(1365.6, 1);
    expect(byId('SFT889K/ckpt14080').xSft).toBe(1365.76);
    expect(general.get(3600)).toBe(349.18);
    expect(byId('SFT889K/ckpt3600').xSft).toBe(349.2);
    expect(byId('SFT889K/ckpt360').xSft).toBe(34.92);
    expect(byId('Easy102K/ckpt6120').xSft).toBe(335.95);
    expect(byId('S1K/ckpt62').xSft).toBe(0.57);
    expect(byId('Hard102K/ckpt1800').xSft).toBe(446.25);
    expect(byId('Uniform102K/ckpt1800').xSft).toBe(173.35);
  });

  it('takes pSft and y from the raw JSON', async () => {
    const sft = await readJsonFile<SftCurveJson>('cache/sft/s1K_flops2valPerform_sft_dict.json');
    const rl = await readJsonFile<RlBranchJson>('cache/sft_then_rl/s1K/s1K_step2flops2valPerform_dapo_ckpt62.json');
    const c = byId('S1K/ckpt62');
    expect(c.pSft).toBe(68.56);
    expect(sft.points.find((p) => p.sft_eflops === 0.57)?.derived_overall).toBe(68.56);
    expect(c.x[1]).toBe(3.52);
    expect(c.y[1]).toBe(68.19 - 68.56);
    expect(c.x[2]).toBe(6.39);
    expect(c.y[2]).toBe(69.92 - 68.56);
    const last = rl.points[rl.points.length - 1];
    expect(c.x[c.x.length - 1]).toBe(last.rl_eflops);
    expect(c.y[c.y.length - 1]).toBe(last.derived_overall - 68.56);

    const hard = await readJsonFile<RlBranchJson>('cache/sft_then_rl/hard102K/hard102K_step2flops2valPerform_dapo_ckpt1080.json');
    const h = byId('Hard102K/ckpt1080');
    hard.points.forEach((p, i) => {
      expect(h.x[i + 1]).toBe(p.rl_eflops);
      expect(h.y[i + 1] + h.pSft).toBeCloseTo(p.derived_overall, 10);
    });
  });

  it('attaches the released hyperparameters (s1K ckpt62, SFT889K ckpt10800, Easy102K ckpt6120)', () => {
    expect(byId('S1K/ckpt62').released).toEqual({
      trainStart: 12, trainEnd: 87, valStart: 87, valEnd: 100,
      tau: 2.5, useLts: true, alpha: 0.75, freeEpsilon: true, gapWeight: 0.2, excludeNonpositiveVal: false,
      paperTable4: { tau: 2.5, useLts: false, alpha: null, epsilon: 4.4 },
    });
    expect(byId('SFT889K/ckpt10800').released?.gapWeight).toBe(0.35);
    expect(byId('SFT889K/ckpt0').released).toMatchObject({ trainStart: 0, trainEnd: 34, valStart: 34, valEnd: 100 });
    expect(byId('Easy102K/ckpt6120').released).toBeNull();
    expect(curves.filter((c) => c.released === null).map((c) => c.id)).toEqual(['Easy102K/ckpt6120']);
    expect(curves.filter((c) => c.released?.freeEpsilon).map((c) => c.id).sort()).toEqual(['S1K/ckpt310', 'S1K/ckpt62', 'Uniform102K/ckpt1080']);
  });
});

describe('estimator and snapping', () => {
  it('counts 2 x 7,615,283,200 dense FLOPs plus 401,408 per token of context', () => {
    expect(forwardFlopsPerToken(0)).toBe(15_230_566_400);
    expect(forwardFlopsPerToken(1) - forwardFlopsPerToken(0)).toBe(401_408);
  });

  it('snaps within 0.2 EF inclusive and refuses farther keys', () => {
    expect(snapToSftKey(349.18, [174.6, 349.2, 523.8])).toBe(349.2);
    expect(snapToSftKey(10.2, [10, 20])).toBe(10);
    expect(snapToSftKey(10.5, [10, 20])).toBeNull();
  });
});

describe('buildRetuCurves on raw JSON objects (the page path)', () => {
  it('builds curves without released settings and folds identical ckpt0 copies', async () => {
    const sft = await readJsonFile<SftCurveJson>('cache/sft/easy102K_flops2valPerform_sft_dict.json');
    const rls = await Promise.all(
      ['easy102K/easy102K_step2flops2valPerform_dapo_ckpt0.json', 'general/general_step2flops2valPerform_dapo_ckpt0.json', 'easy102K/easy102K_step2flops2valPerform_dapo_ckpt6120.json'].map((f) =>
        readJsonFile<RlBranchJson>(`cache/sft_then_rl/${f}`),
      ),
    );
    const built = buildRetuCurves({ sft: [sft], rl: rls });
    expect(built.map((c) => c.id)).toEqual(['Easy102K/ckpt6120', 'SFT889K/ckpt0']);
    expect(built.every((c) => c.released === null)).toBe(true);
    // ckpt0 falls back to the easy102K SFT curve's base-model score when general is absent.
    expect(built[1].pSft).toBe(46.71);
    expect(built[0].xSft).toBe(335.95);
  });

  it('refuses ckpt0 copies that differ instead of dropping one', async () => {
    const sft = await readJsonFile<SftCurveJson>('cache/sft/general_flops2valPerform_sft_dict.json');
    const a = await readJsonFile<RlBranchJson>('cache/sft_then_rl/general/general_step2flops2valPerform_dapo_ckpt0.json');
    const b = structuredClone(a);
    b.cache_scene = 's1K';
    b.dataset = 'S1K';
    b.points[3].derived_overall += 1;
    expect(() => buildRetuCurves({ sft: [sft], rl: [a, b] })).toThrowError(TrimfitError);
  });

  it('rejects a malformed point with a parse-error naming the input and field', async () => {
    const sft = await readJsonFile<SftCurveJson>('cache/sft/general_flops2valPerform_sft_dict.json');
    const rl = await readJsonFile<RlBranchJson>('cache/sft_then_rl/general/general_step2flops2valPerform_dapo_ckpt360.json');
    (rl.points[4] as { rl_eflops: unknown }).rl_eflops = 'NaN';
    const err = (() => {
      try {
        buildRetuCurves({ sft: [sft], rl: [rl] });
        return null;
      } catch (e) {
        return e as TrimfitError;
      }
    })();
    expect(err?.code).toBe('parse-error');
    expect(err?.field).toBe('rl[0]:points[4].rl_eflops');
  });
});

describe('readRetuDir error paths', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'retu-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names index.json when the folder does not exist', async () => {
    const err = await expectTrimfitError(readRetuDir(join(dir, 'missing')), 'file-not-found', 'index.json');
    expect(err.received).toContain('ENOENT');
  });

  it('names the file that is not valid JSON', async () => {
    const copy = join(dir, 'bad-json');
    await cp(RETU_DIR, copy, { recursive: true });
    const target = join(copy, 'cache/sft_then_rl/hard102K/hard102K_step2flops2valPerform_dapo_ckpt720.json');
    await writeFile(target, '{"schema": "retu.rl_branch_curve.v1", "points": [', { mode: 0o644 });
    await expectTrimfitError(readRetuDir(copy), 'parse-error', target);
  });

  it('names the file and field that break the schema', async () => {
    const copy = join(dir, 'bad-schema');
    await cp(RETU_DIR, copy, { recursive: true });
    const target = join(copy, 'cache/sft/s1K_flops2valPerform_sft_dict.json');
    const json = JSON.parse(await readFile(target, 'utf8')) as SftCurveJson;
    (json.points[2] as { derived_overall: unknown }).derived_overall = null;
    await writeFile(target, JSON.stringify(json), { mode: 0o644 });
    const err = await expectTrimfitError(readRetuDir(copy), 'parse-error', target);
    expect(err.field).toBe(`${target}:points[2].derived_overall`);
  });

  it('names a missing cache file', async () => {
    const copy = join(dir, 'missing-file');
    await cp(RETU_DIR, copy, { recursive: true });
    const target = join(copy, 'released_hparams.json');
    await rm(target, { force: true });
    await expectTrimfitError(readRetuDir(copy), 'file-not-found', target);
  });
});
