/**
 * The RETU scaling-curve data (Ding et al., arXiv 2512.11470; repository LINs-lab/RETU, converted
 * to JSON in data/retu): schemas, validation, the SFT FLOPs estimator and the construction of the
 * per-branch fit datasets exactly as the released fitting kit builds them.
 *
 * Runs in the browser as well as in Node: nothing here touches the file system (see retu-node.ts).
 * A page can import the JSON files with Vite and call `buildRetuCurves` on the objects.
 */
import { TrimfitError } from '../api/errors';

// ---------------------------------------------------------------------------------------------
// Scenes, datasets and the SFT compute estimator
// ---------------------------------------------------------------------------------------------

export type RetuScene = 'general' | 'easy102K' | 'uniform102K' | 'hard102K' | 's1K';
export type RetuDataset = 'SFT889K' | 'Easy102K' | 'Uniform102K' | 'Hard102K' | 'S1K';

export const RETU_SCENES: readonly RetuScene[] = ['general', 'easy102K', 'uniform102K', 'hard102K', 's1K'];

/** Cache scene name -> dataset name used in the paper. */
export const RETU_DATASET_OF_SCENE: Readonly<Record<RetuScene, RetuDataset>> = {
  general: 'SFT889K',
  easy102K: 'Easy102K',
  uniform102K: 'Uniform102K',
  hard102K: 'Hard102K',
  s1K: 'S1K',
};

/** Qwen2.5-7B shape used by the SFT FLOPs estimator (paper App. E). */
export interface TransformerShape {
  layers: number;
  hiddenSize: number;
  attentionHeads: number;
  kvHeads: number;
  ffnSize: number;
  vocabSize: number;
}

export const QWEN25_7B: Readonly<TransformerShape> = {
  layers: 28,
  hiddenSize: 3584,
  attentionHeads: 28,
  kvHeads: 4,
  ffnSize: 18944,
  vocabSize: 152064,
};

/** Per-scene SFT run settings: mean prompt+response length, sequences per step, saved checkpoints. */
export interface SftRunSettings {
  seqLenTokens: number;
  batchSize: number;
  /** The evaluated checkpoints, ascending; the estimator rounds each segment between them. */
  checkpointSteps: readonly number[];
}

export const RETU_SFT_RUNS: Readonly<Record<RetuScene, SftRunSettings>> = {
  general: { seqLenTokens: 3771, batchSize: 512, checkpointSteps: [0, 360, 720, 1080, 1440, 1800, 3600, 5400, 7200, 9000, 10800, 12600, 14080] },
  easy102K: { seqLenTokens: 2153 + 64, batchSize: 512, checkpointSteps: [0, 360, 720, 1080, 1440, 1800, 6120] },
  uniform102K: { seqLenTokens: 3673 + 74, batchSize: 512, checkpointSteps: [0, 360, 720, 1080, 1440, 1800] },
  hard102K: { seqLenTokens: 8532 + 101, batchSize: 512, checkpointSteps: [0, 360, 720, 1080, 1440, 1800] },
  s1K: { seqLenTokens: 9884 + 127, batchSize: 16, checkpointSteps: [0, 62, 124, 186, 248, 310] },
};

/** Historical cache keys mix 1- and 2-decimal EFLOPs, so estimates snap to a key this close. */
export const SFT_KEY_SNAP_TOLERANCE_EF = 0.2;

/**
 * Round to 2 decimals from the exact binary value (as Python's `round(x, 2)` does, except that an
 * exact binary tie rounds up rather than to even; no value in this data set is such a tie).
 */
export function round2(value: number): number {
  return Number(value.toFixed(2));
}

/** Forward FLOPs per token: 2 x dense parameters + 4 S head_dim heads layers (attention scores). */
export function forwardFlopsPerToken(seqLenTokens: number, shape: TransformerShape = QWEN25_7B): number {
  const headDim = Math.floor(shape.hiddenSize / shape.attentionHeads);
  const qWidth = shape.attentionHeads * headDim;
  const kvWidth = shape.kvHeads * headDim;
  const mlpParams = 3 * shape.hiddenSize * shape.ffnSize;
  const attnParams = shape.hiddenSize * (qWidth + 2 * kvWidth + qWidth);
  const denseParams = shape.layers * (mlpParams + attnParams) + 2 * shape.vocabSize * shape.hiddenSize;
  return 2 * denseParams + 4 * seqLenTokens * headDim * shape.attentionHeads * shape.layers;
}

/**
 * Cumulative SFT EFLOPs at each checkpoint of `run`: per step 3 B S F_fwd (forward + backward),
 * each segment between consecutive checkpoints rounded to 2 decimals, then summed (and the running
 * sum rounded), which is how the cached keys were produced. Step 0 maps to 0.
 */
export function estimateSftEflops(run: SftRunSettings, shape: TransformerShape = QWEN25_7B): Map<number, number> {
  const flopsPerStep = 3 * run.batchSize * run.seqLenTokens * forwardFlopsPerToken(run.seqLenTokens, shape);
  const out = new Map<number, number>();
  let cumulativeEf = 0;
  let prevStep = 0;
  for (const step of run.checkpointSteps) {
    if (step !== 0) {
      cumulativeEf = round2(cumulativeEf + round2(((step - prevStep) * flopsPerStep) / 1e18));
      prevStep = step;
    }
    out.set(step, cumulativeEf);
  }
  return out;
}

/** The key nearest to `targetEf` if it lies within `toleranceEf` (inclusive), else null. */
export function snapToSftKey(targetEf: number, keysEf: ArrayLike<number>, toleranceEf: number = SFT_KEY_SNAP_TOLERANCE_EF): number | null {
  let best: number | null = null;
  for (let i = 0; i < keysEf.length; i++) {
    if (best === null || Math.abs(keysEf[i] - targetEf) < Math.abs(best - targetEf)) best = keysEf[i];
  }
  return best !== null && Math.abs(best - targetEf) <= toleranceEf ? best : null;
}

// ---------------------------------------------------------------------------------------------
// JSON schemas
// ---------------------------------------------------------------------------------------------

export const RETU_BENCHMARKS = ['gsm8k', 'olympiad_bench', 'math', 'minerva', 'aime', 'aime25'] as const;
export type RetuBenchmark = (typeof RETU_BENCHMARKS)[number];
/** Percent accuracy (0-100) per benchmark. */
export type RetuScores = Record<RetuBenchmark, number>;

export interface RetuSourceJson {
  repository: string;
  commit: string;
  path: string;
  git_blob: string;
}

/** One point of an SFT curve: cumulative SFT EFLOPs and the scores there. */
export interface SftPointJson {
  sft_eflops: number;
  key_python_type: 'int' | 'float';
  scores: RetuScores;
  /** Benchmark-count-weighted mean of the six scores: the `overall` metric that is fitted. */
  derived_overall: number;
}

/** `schema: retu.sft_curve.v1` */
export interface SftCurveJson {
  schema: 'retu.sft_curve.v1';
  kind: 'sft';
  cache_scene: RetuScene;
  dataset: RetuDataset;
  x_field: 'sft_eflops';
  x_meaning: string;
  benchmarks: string[];
  n_points: number;
  source: RetuSourceJson;
  points: SftPointJson[];
}

/** One RL evaluation: RL EFLOPs spent since the branch SFT checkpoint (the branch point is absent). */
export interface RlPointJson {
  rl_eflops: number;
  scores: RetuScores;
  derived_overall: number;
}

/** `schema: retu.rl_branch_curve.v1` */
export interface RlBranchJson {
  schema: 'retu.rl_branch_curve.v1';
  kind: 'sft_then_rl';
  cache_scene: RetuScene;
  dataset: RetuDataset;
  sft_step: number;
  rl_method: string;
  x_field: 'rl_eflops';
  x_meaning: string;
  benchmarks: string[];
  n_points: number;
  source: RetuSourceJson;
  points: RlPointJson[];
}

/** The paper's v2 Table 4 settings for a curve, kept for cross-checking. */
export interface PaperTable4Json {
  outlier_threshold: number;
  use_lts: boolean;
  lts_alpha: number | null;
  epsilon: number;
}

/** One released fit script (`run_sh/<scene>/<scene>_fit_ckpt<step>.sh`). */
export interface ReleasedHparamsEntryJson {
  /** The scene the script belongs to ("SFT889K", "easy102K", ...). */
  scene: string;
  /** The scene whose RL cache it reads ("general" for every ckpt0 script). */
  cache_scene: RetuScene;
  ckpt: number;
  sft_steps: number[];
  fit_points_num: number;
  lts_alpha: number;
  outlier_threshold: number;
  val_most: number;
  gap_weight: number;
  train_split: [number, number] | null;
  val_split: [number, number] | null;
  /** Requested index ranges [start, end) before clipping to the number of points. */
  effective_train_range: [number, number];
  effective_val_range: [number, number];
  free_c0: boolean;
  exclude_nonpositive_val: boolean;
  use_robust_reg: boolean;
  script: string;
  sft_dict_file: string;
  rl_dict_file: string;
  model_name: string;
  rl_method: string;
  figure_name: string;
  generated_from: string;
  paper_table4_v2: PaperTable4Json;
}

/** `released_hparams.json` */
export interface ReleasedHparamsJson {
  provenance: Record<string, unknown>;
  curves: ReleasedHparamsEntryJson[];
}

// ---------------------------------------------------------------------------------------------
// Validation (shared by buildRetuCurves and the Node reader, which passes file names as sources)
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function parseFail(source: string, path: string, expected: string, received: unknown): never {
  throw new TrimfitError('parse-error', `${source}:${path}`, expected, received);
}

function asObject(value: unknown, source: string, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) parseFail(source, path, 'an object', value);
  return value as Json;
}

function asArray(value: unknown, source: string, path: string): unknown[] {
  if (!Array.isArray(value)) parseFail(source, path, 'an array', value);
  return value;
}

function asFinite(value: unknown, source: string, path: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    parseFail(source, path, `a finite number in [${min}, ${max}]`, value);
  }
  return value;
}

function asStep(value: unknown, source: string, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) parseFail(source, path, 'an integer >= 0', value);
  return value;
}

function asBoolean(value: unknown, source: string, path: string): boolean {
  if (typeof value !== 'boolean') parseFail(source, path, 'true or false', value);
  return value;
}

function asLiteral<T extends string>(value: unknown, allowed: readonly T[], source: string, path: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) parseFail(source, path, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

function asRange(value: unknown, source: string, path: string): [number, number] {
  const arr = asArray(value, source, path);
  if (arr.length !== 2) parseFail(source, path, 'a [start, end] pair', value);
  const start = asStep(arr[0], source, `${path}[0]`);
  const end = asStep(arr[1], source, `${path}[1]`);
  if (end < start) parseFail(source, path, 'start <= end', `[${start}, ${end}]`);
  return [start, end];
}

function checkScores(value: unknown, source: string, path: string): void {
  const scores = asObject(value, source, path);
  for (const b of RETU_BENCHMARKS) asFinite(scores[b], source, `${path}.${b}`, 0, 100);
}

/** Header checks shared by both curve kinds; returns the validated points array. */
function checkCurveHeader(o: Json, schema: string, kind: string, source: string): unknown[] {
  asLiteral(o.schema, [schema], source, 'schema');
  asLiteral(o.kind, [kind], source, 'kind');
  const scene = asLiteral(o.cache_scene, RETU_SCENES, source, 'cache_scene');
  asLiteral(o.dataset, [RETU_DATASET_OF_SCENE[scene]], source, 'dataset');
  const points = asArray(o.points, source, 'points');
  if (points.length === 0) parseFail(source, 'points', 'at least one point', points);
  if (o.n_points !== points.length) parseFail(source, 'n_points', `the number of points (${points.length})`, o.n_points);
  return points;
}

/** Checks a `retu.sft_curve.v1` object; throws TrimfitError('parse-error') naming `source` and the field. */
export function parseSftCurveJson(value: unknown, source: string): SftCurveJson {
  const o = asObject(value, source, '(root)');
  const points = checkCurveHeader(o, 'retu.sft_curve.v1', 'sft', source);
  let prev = -Infinity;
  points.forEach((p, i) => {
    const po = asObject(p, source, `points[${i}]`);
    const x = asFinite(po.sft_eflops, source, `points[${i}].sft_eflops`, 0);
    if (x <= prev) parseFail(source, `points[${i}].sft_eflops`, `strictly increasing (> ${prev})`, x);
    prev = x;
    asFinite(po.derived_overall, source, `points[${i}].derived_overall`, 0, 100);
    checkScores(po.scores, source, `points[${i}].scores`);
  });
  return value as SftCurveJson;
}

/** Checks a `retu.rl_branch_curve.v1` object; throws TrimfitError('parse-error') naming `source` and the field. */
export function parseRlBranchJson(value: unknown, source: string): RlBranchJson {
  const o = asObject(value, source, '(root)');
  const points = checkCurveHeader(o, 'retu.rl_branch_curve.v1', 'sft_then_rl', source);
  asStep(o.sft_step, source, 'sft_step');
  const seen = new Set<number>();
  points.forEach((p, i) => {
    const po = asObject(p, source, `points[${i}]`);
    // x = 0 is the branch point, which comes from the SFT curve, never from this file.
    const x = asFinite(po.rl_eflops, source, `points[${i}].rl_eflops`, Number.MIN_VALUE);
    if (seen.has(x)) parseFail(source, `points[${i}].rl_eflops`, 'distinct RL EFLOPs values', x);
    seen.add(x);
    asFinite(po.derived_overall, source, `points[${i}].derived_overall`, 0, 100);
    checkScores(po.scores, source, `points[${i}].scores`);
  });
  return value as RlBranchJson;
}

/** Checks `released_hparams.json`; throws TrimfitError('parse-error') naming `source` and the field. */
export function parseReleasedHparamsJson(value: unknown, source: string): ReleasedHparamsJson {
  const o = asObject(value, source, '(root)');
  asObject(o.provenance, source, 'provenance');
  asArray(o.curves, source, 'curves').forEach((c, i) => {
    const path = `curves[${i}]`;
    const e = asObject(c, source, path);
    if (typeof e.scene !== 'string') parseFail(source, `${path}.scene`, 'a scene name', e.scene);
    asLiteral(e.cache_scene, RETU_SCENES, source, `${path}.cache_scene`);
    asStep(e.ckpt, source, `${path}.ckpt`);
    asArray(e.sft_steps, source, `${path}.sft_steps`).forEach((s, k) => asStep(s, source, `${path}.sft_steps[${k}]`));
    asRange(e.effective_train_range, source, `${path}.effective_train_range`);
    asRange(e.effective_val_range, source, `${path}.effective_val_range`);
    asFinite(e.outlier_threshold, source, `${path}.outlier_threshold`, Number.MIN_VALUE);
    asFinite(e.lts_alpha, source, `${path}.lts_alpha`, Number.MIN_VALUE, 1);
    asFinite(e.gap_weight, source, `${path}.gap_weight`, 0);
    for (const key of ['use_robust_reg', 'free_c0', 'exclude_nonpositive_val'] as const) asBoolean(e[key], source, `${path}.${key}`);
    const t4 = asObject(e.paper_table4_v2, source, `${path}.paper_table4_v2`);
    asFinite(t4.outlier_threshold, source, `${path}.paper_table4_v2.outlier_threshold`, Number.MIN_VALUE);
    asBoolean(t4.use_lts, source, `${path}.paper_table4_v2.use_lts`);
    if (t4.lts_alpha !== null) asFinite(t4.lts_alpha, source, `${path}.paper_table4_v2.lts_alpha`, Number.MIN_VALUE, 1);
    asFinite(t4.epsilon, source, `${path}.paper_table4_v2.epsilon`, 0);
  });
  return value as ReleasedHparamsJson;
}

// ---------------------------------------------------------------------------------------------
// Fit datasets
// ---------------------------------------------------------------------------------------------

/**
 * The released fit settings of one curve. `tau`, `useLts` and `alpha` are what the released
 * script passes (`outlier_threshold`, `use_robust_reg`, `lts_alpha`); note the released fitter
 * accepts but ignores them, and they differ from the paper's Table 4 for six curves, which is why
 * `paperTable4` is kept beside them.
 */
export interface ReleasedHyper {
  /** Requested train index range [trainStart, trainEnd) over the curve's points, before clipping. */
  trainStart: number;
  trainEnd: number;
  /** Requested validation index range [valStart, valEnd), before clipping (valEnd is 100 throughout). */
  valStart: number;
  valEnd: number;
  tau: number;
  useLts: boolean;
  alpha: number;
  /** `free_c0`: fit the offset epsilon instead of fixing it at 0. */
  freeEpsilon: boolean;
  gapWeight: number;
  /** Drop validation points with gain < 0 (zero is kept). No released script sets it. */
  excludeNonpositiveVal: boolean;
  paperTable4: { tau: number; useLts: boolean; alpha: number | null; epsilon: number };
}

/** One SFT->RL fit dataset. */
export interface RetuCurve {
  /** `<dataset>/ckpt<sftStep>`, e.g. "SFT889K/ckpt1080". */
  id: string;
  dataset: RetuDataset;
  scene: RetuScene;
  sftStep: number;
  /** Cumulative SFT EFLOPs at the branch checkpoint (estimator, snapped to the SFT-curve key). */
  xSft: number;
  /** `derived_overall` of the SFT curve at xSft, percent. */
  pSft: number;
  /** RL EFLOPs since the branch point: 0 first, then the cached rl_eflops ascending. */
  x: Float64Array;
  /** Gain over pSft in percentage points: 0 first, then overall - pSft. */
  y: Float64Array;
  released: ReleasedHyper | null;
}

/** Where each input came from, for error messages. */
export interface RetuSourceNames {
  /** @default `sft[i]` */
  sft?: readonly string[];
  /** @default `rl[i]` */
  rl?: readonly string[];
  /** @default `released` */
  released?: string;
}

function toReleasedHyper(e: ReleasedHparamsEntryJson): ReleasedHyper {
  const t4 = e.paper_table4_v2;
  return {
    trainStart: e.effective_train_range[0],
    trainEnd: e.effective_train_range[1],
    valStart: e.effective_val_range[0],
    valEnd: e.effective_val_range[1],
    tau: e.outlier_threshold,
    useLts: e.use_robust_reg,
    alpha: e.lts_alpha,
    freeEpsilon: e.free_c0,
    gapWeight: e.gap_weight,
    excludeNonpositiveVal: e.exclude_nonpositive_val,
    paperTable4: { tau: t4.outlier_threshold, useLts: t4.use_lts, alpha: t4.lts_alpha, epsilon: t4.epsilon },
  };
}

/** Dataset named by a released script's `scene` ("SFT889K", "easy102K", ...), or null if unknown. */
function datasetOfScriptScene(scene: string): RetuDataset | null {
  if (scene === 'SFT889K') return 'SFT889K';
  return (RETU_SCENES as readonly string[]).includes(scene) ? RETU_DATASET_OF_SCENE[scene as RetuScene] : null;
}

function sameRlPoints(a: RlBranchJson, b: RlBranchJson): boolean {
  return a.points.length === b.points.length && a.points.every((p, i) => p.rl_eflops === b.points[i].rl_eflops && p.derived_overall === b.points[i].derived_overall);
}

/**
 * Builds the RETU fit datasets (one per unique SFT->RL branch) from the raw JSON objects, as the
 * released kit does: x_sft from the SFT estimator snapped to the SFT-curve key, pSft = overall
 * there, points (0, 0) then (rl_eflops, overall - pSft) ascending. Every input is validated first
 * (TrimfitError 'parse-error' naming the source and field).
 *
 * Duplicates: pure RL from the base model (ckpt0) is cached once per scene, byte-identical. It is
 * folded into a single curve attributed to SFT889K (scene "general"), with pSft the key-0 score of
 * the general SFT curve (or, when general is not among the inputs, of the SFT curve of a scene
 * whose ckpt0 copy was given; all five hold the same base model, 46.71). The folded copies must hold the same points, otherwise
 * this throws rather than silently dropping data. Any other repeated (scene, step) throws.
 *
 * Released settings: a curve takes the entry whose `cache_scene` and `ckpt` match it and whose
 * script `scene` names the curve's dataset; for ckpt0 that is the SFT889K script among the five
 * (the five carry the same fit settings). A curve without a script (Easy102K ckpt6120, the severe
 * overfitting branch) gets `released: null`.
 *
 * Result order: by dataset name (code-unit order), then by sftStep.
 */
export function buildRetuCurves(
  input: { sft: readonly SftCurveJson[]; rl: readonly RlBranchJson[]; released?: ReleasedHparamsJson },
  sources: RetuSourceNames = {},
): RetuCurve[] {
  const sftByScene = new Map<RetuScene, SftCurveJson>();
  input.sft.forEach((raw, i) => {
    const name = sources.sft?.[i] ?? `sft[${i}]`;
    const curve = parseSftCurveJson(raw, name);
    if (sftByScene.has(curve.cache_scene)) throw new TrimfitError('invalid-input', name, `one SFT curve per scene`, `a second curve for ${curve.cache_scene}`);
    sftByScene.set(curve.cache_scene, curve);
  });

  // Fold branches by (scene, step); all ckpt0 copies fold into scene "general".
  const branches = new Map<string, { branch: RlBranchJson; scene: RetuScene; sourceScenes: RetuScene[]; name: string }>();
  input.rl.forEach((raw, i) => {
    const name = sources.rl?.[i] ?? `rl[${i}]`;
    const branch = parseRlBranchJson(raw, name);
    const scene: RetuScene = branch.sft_step === 0 ? 'general' : branch.cache_scene;
    const key = `${scene}/${branch.sft_step}`;
    const prior = branches.get(key);
    if (prior === undefined) {
      branches.set(key, { branch, scene, sourceScenes: [branch.cache_scene], name });
    } else if (branch.sft_step !== 0 || !sameRlPoints(prior.branch, branch)) {
      throw new TrimfitError('invalid-input', name, branch.sft_step === 0 ? `ckpt0 points identical to ${prior.name}` : `one branch per (scene, step)`, `a second ${key} branch`);
    } else {
      prior.sourceScenes.push(branch.cache_scene);
      if (branch.cache_scene === 'general') Object.assign(prior, { branch, name });
    }
  });

  const releasedSource = sources.released ?? 'released';
  const released = input.released === undefined ? undefined : parseReleasedHparamsJson(input.released, releasedSource);
  released?.curves.forEach((e, i) => {
    const expected = RETU_SFT_RUNS[e.cache_scene].checkpointSteps;
    if (e.sft_steps.length !== expected.length || e.sft_steps.some((s, k) => s !== expected[k])) {
      throw new TrimfitError('invalid-input', `${releasedSource}:curves[${i}].sft_steps`, `the ${e.cache_scene} checkpoints [${expected.join(', ')}]`, e.sft_steps);
    }
  });

  const curves: RetuCurve[] = [];
  for (const { branch, scene, sourceScenes, name } of branches.values()) {
    const step = branch.sft_step;
    const fallback = step === 0 ? sourceScenes.find((s) => sftByScene.has(s)) : undefined;
    const sft = sftByScene.get(scene) ?? (fallback === undefined ? undefined : sftByScene.get(fallback));
    if (sft === undefined) throw new TrimfitError('invalid-input', 'sft', `an SFT curve for scene ${scene}`, 'none', `sft: no SFT curve for scene ${scene}, needed by ${name}`);
    const run = RETU_SFT_RUNS[scene];
    const estimateEf = estimateSftEflops(run).get(step);
    if (estimateEf === undefined) throw new TrimfitError('invalid-input', `${name}:sft_step`, `one of the ${scene} checkpoints [${run.checkpointSteps.join(', ')}]`, step);
    const keys = sft.points.map((p) => p.sft_eflops);
    const xSft = snapToSftKey(estimateEf, keys);
    if (xSft === null) {
      throw new TrimfitError('invalid-input', `${name}:sft_step`, `an SFT-curve key within ${SFT_KEY_SNAP_TOLERANCE_EF} EF of the estimate ${estimateEf}`, step);
    }
    const pSft = sft.points[keys.indexOf(xSft)].derived_overall;

    const sorted = [...branch.points].sort((a, b) => a.rl_eflops - b.rl_eflops);
    const x = new Float64Array(sorted.length + 1);
    const y = new Float64Array(sorted.length + 1);
    sorted.forEach((p, i) => {
      x[i + 1] = p.rl_eflops;
      y[i + 1] = p.derived_overall - pSft;
    });

    const dataset = RETU_DATASET_OF_SCENE[scene];
    const matches = released?.curves.filter((e) => e.cache_scene === scene && e.ckpt === step && datasetOfScriptScene(e.scene) === dataset) ?? [];
    if (matches.length > 1) throw new TrimfitError('invalid-input', releasedSource, `at most one script for ${dataset}/ckpt${step}`, `${matches.length} scripts`);
    curves.push({ id: `${dataset}/ckpt${step}`, dataset, scene, sftStep: step, xSft, pSft, x, y, released: matches.length === 1 ? toReleasedHyper(matches[0]) : null });
  }

  return curves.sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.sftStep - b.sftStep));
}
