/**
 * Validation at the door: every check names the field, the expected range and the value received.
 * Functions here throw TrimfitError; batch callers catch per fit and turn it into a status.
 */
import { MODEL_NAMES, type ModelName } from '../core/models/model.js';
import { CMID_DATA_FACTOR, createModel } from '../core/models/index.js';
import { dataRange } from '../core/pipeline.js';
import type { GridSpec } from '../core/search.js';
import { TrimfitError } from './errors.js';
import { DEFAULTS, type FitOptions, type ResolvedFitOptions } from './options.js';

export interface CurveInput {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/**
 * Largest curve accepted. One default fit costs about 4 s of one core per 10^6 points, and a sweep
 * repeats it per setting: beyond this a call would run for minutes to hours (subsample instead).
 */
export const MAX_CURVE_POINTS = 1_000_000;

export function checkModelName(value: unknown, field = 'model'): ModelName {
  if (typeof value !== 'string' || !(MODEL_NAMES as readonly string[]).includes(value))
    throw new TrimfitError('unknown-model', field, `one of ${MODEL_NAMES.join(', ')}`, value);
  return value as ModelName;
}

export function checkNumber(value: unknown, field: string, min: number, max: number, opts: { integer?: boolean; minExclusive?: boolean } = {}): number {
  const range = `${opts.integer ? 'an integer' : 'a number'} in ${opts.minExclusive ? '(' : '['}${min}, ${max}]`;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TrimfitError('invalid-option', field, range, value);
  if (opts.integer && !Number.isInteger(value)) throw new TrimfitError('invalid-option', field, range, value);
  if (value < min || value > max || (opts.minExclusive && value === min)) throw new TrimfitError('invalid-option', field, range, value);
  return value;
}

/**
 * The keys of an options type, listed as a record over all of them: a key added to the type and
 * not to the record fails to compile, so `checkOptionKeys` never refuses a valid option.
 */
export function keysOf<T>(all: Record<keyof T, true>): ReadonlyArray<keyof T & string> {
  return Object.keys(all) as Array<keyof T & string>;
}

/** Every key of FitOptions: `checkOptionKeys` refuses others, so a misspelt option is not silently ignored. */
export const FIT_OPTION_KEYS = keysOf<FitOptions>({
  model: true, lts: true, alpha: true, tau: true, train: true, val: true, freeEpsilon: true, scoreCap: true, scoreFloor: true, pSft: true,
  bMin: true, bMax: true, cMidMin: true, cMidMax: true, nStarts: true, ltsStarts: true, cSteps: true, gnIterations: true, keepBest: true,
  maxCSteps: true, maxStage1Rounds: true, gapWeight: true, seed: true, bootstrap: true,
});
const BOOTSTRAP_KEYS = keysOf<NonNullable<FitOptions['bootstrap']>>({ resamples: true, level: true, predictAt: true });

/** Throws invalid-option for an own key of `options` outside `known` (undefined values included: a typo is a typo). */
export function checkOptionKeys(options: object, known: readonly string[], field: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const close = closeMatches(key, known);
      throw new TrimfitError('invalid-option', `${field}.${key}`, close.length > 0 ? `a known option (did you mean ${close.join(' or ')}?)` : `one of ${known.join(', ')}`, key, `${field}.${key}: unknown option${close.length > 0 ? ` (did you mean ${close.join(' or ')}?)` : ''}`);
    }
  }
}

/** The names in `known` that `name` may be a misspelling of (same letters in another case, or at most 2 edits): "did you mean" hints. */
export function closeMatches(name: string, known: readonly string[]): string[] {
  return known.filter((k) => k.toLowerCase() === name.toLowerCase() || editDistanceAtMost2(k, name));
}

/** Levenshtein distance ≤ 2, for "did you mean" hints only. */
function editDistanceAtMost2(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length] <= 2;
}

/**
 * The options only the sigmoid reads, refused for the other models, which would silently ignore
 * them: a free ε, and the bounds of its parameters (u through the score cap and floor, b, cMid).
 * They do not depend on the curve, so a sweep checks them once at the door. Returns freeEpsilon.
 */
export function checkModelOptions(model: ModelName, o: FitOptions): boolean {
  const freeEpsilon = o.freeEpsilon ?? DEFAULTS.freeEpsilon;
  if (typeof freeEpsilon !== 'boolean') throw new TrimfitError('invalid-option', 'freeEpsilon', 'a boolean', freeEpsilon);
  if (model === 'sigmoid') return freeEpsilon;
  if (freeEpsilon) throw new TrimfitError('invalid-option', 'freeEpsilon', `false for the ${model} model (only the sigmoid has ε)`, freeEpsilon);
  // Infinite caps and floors bound nothing, so they are accepted.
  const bounds: Array<[keyof FitOptions, unknown, number]> = [['scoreCap', o.scoreCap, Infinity], ['scoreFloor', o.scoreFloor, -Infinity], ['bMin', o.bMin, NaN], ['bMax', o.bMax, NaN], ['cMidMin', o.cMidMin, NaN], ['cMidMax', o.cMidMax, NaN]];
  for (const [field, value, none] of bounds) {
    if (value !== undefined && value !== none) throw new TrimfitError('invalid-option', field, `no ${field} for the ${model} model (it bounds the sigmoid's parameters)`, value);
  }
  return false;
}

const GRID_KEYS = keysOf<GridSpec>({ trainEndFractions: true, trainStartFractions: true, taus: true, ltsAlphas: true, freeEpsilon: true, minTrainPoints: true, minValPoints: true });

/** A GridSpec with every field present and in range (a malformed one would fail inside the search). */
export function checkGridSpec(spec: unknown, field = 'grid'): GridSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new TrimfitError('invalid-option', field, "a GridSpec object (or 'single' for a sweep)", spec);
  checkOptionKeys(spec, GRID_KEYS, field);
  const g = spec as Partial<Record<keyof GridSpec, unknown>>;
  const list = (key: keyof GridSpec, check: (v: unknown, f: string) => void) => {
    const v = g[key];
    if (!Array.isArray(v) || v.length === 0) throw new TrimfitError('invalid-option', `${field}.${key}`, 'a non-empty array', v);
    v.forEach((item, k) => check(item, `${field}.${key}[${k}]`));
  };
  list('trainEndFractions', (v, f) => checkNumber(v, f, 0, 1, { minExclusive: true }));
  list('trainStartFractions', (v, f) => checkNumber(v, f, 0, 1));
  list('taus', (v, f) => checkNumber(v, f, 0, 1e6, { minExclusive: true }));
  list('ltsAlphas', (v, f) => { if (v !== null) checkNumber(v, f, 0.5, 1); });
  list('freeEpsilon', (v, f) => { if (typeof v !== 'boolean') throw new TrimfitError('invalid-option', f, 'a boolean', v); });
  checkNumber(g.minTrainPoints, `${field}.minTrainPoints`, 1, MAX_CURVE_POINTS, { integer: true });
  checkNumber(g.minValPoints, `${field}.minValPoints`, 0, MAX_CURVE_POINTS, { integer: true });
  return spec as GridSpec;
}

/** `bootstrap` is an object with known keys only (its values are checked with the rest). */
export function checkBootstrapShape(value: FitOptions['bootstrap']): NonNullable<FitOptions['bootstrap']> {
  const bs = value ?? {};
  if (typeof bs !== 'object' || bs === null || Array.isArray(bs)) throw new TrimfitError('invalid-option', 'bootstrap', 'an object { resamples, level, predictAt }', bs);
  checkOptionKeys(bs, BOOTSTRAP_KEYS, 'bootstrap');
  return bs;
}

function checkArray(value: unknown, field: string): ArrayLike<number> {
  if (!(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))))
    throw new TrimfitError('invalid-input', field, 'an array of finite numbers', value);
  return value as ArrayLike<number>;
}

/**
 * Checks x and y and returns them as Float64Arrays sorted by x (stable: equal x keep their order),
 * with `order[k]` the caller's index of sorted point k so masks can be mapped back.
 */
export function checkCurve(curve: unknown, modelName: ModelName, minPoints: number, field = 'curve'): { x: Float64Array; y: Float64Array; order: Int32Array } {
  if (typeof curve !== 'object' || curve === null) throw new TrimfitError('invalid-input', field, 'an object { x, y }', curve);
  const { x: xs, y: ys } = curve as Partial<CurveInput>;
  const x = checkArray(xs, `${field}.x`);
  const y = checkArray(ys, `${field}.y`);
  if (x.length !== y.length) throw new TrimfitError('invalid-input', `${field}.y`, `the same length as ${field}.x (${x.length})`, `length ${y.length}`);
  if (x.length > MAX_CURVE_POINTS) throw new TrimfitError('invalid-input', `${field}.x`, `at most ${MAX_CURVE_POINTS} points`, `${x.length} points`);
  const model = createModel(modelName, { freeEpsilon: false, uMax: Infinity, bMin: DEFAULTS.bMin, bMax: DEFAULTS.bMax, cMidMin: NaN, cMidMax: NaN }, { xMin: 0, xMax: 1, xMinPositive: 1 });
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = y[i];
    if (typeof xi !== 'number' || !Number.isFinite(xi)) throw new TrimfitError('invalid-input', `${field}.x[${i}]`, 'a finite number', xi);
    if (typeof yi !== 'number' || !Number.isFinite(yi)) throw new TrimfitError('invalid-input', `${field}.y[${i}]`, 'a finite number', yi);
    if (model.xDomain === 'positive' && !(xi > 0)) throw new TrimfitError('invalid-input', `${field}.x[${i}]`, `x > 0 for the ${modelName} model`, xi);
    if (model.xDomain === 'nonnegative' && !(xi >= 0)) throw new TrimfitError('invalid-input', `${field}.x[${i}]`, `x >= 0 for the ${modelName} model`, xi);
  }
  // The sigmoid's midpoint box is derived from the positive x: with none there is no box.
  if (model.xDomain === 'nonnegative' && x.length > 0 && !Array.prototype.some.call(x, (v: number) => v > 0))
    throw new TrimfitError('invalid-input', `${field}.x`, `at least one x > 0 for the ${modelName} model`, 'all x = 0');
  if (x.length < minPoints) throw new TrimfitError('too-few-points', `${field}.x`, `at least ${minPoints} points`, `${x.length} points`);
  const order = Int32Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
  return { x: Float64Array.from(order, (i) => x[i]), y: Float64Array.from(order, (i) => y[i]), order };
}

function checkRange(value: unknown, field: string, n: number): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new TrimfitError('invalid-option', field, '[start, end] with 0 <= start < end', value);
  const start = checkNumber(value[0], `${field}[0]`, 0, n, { integer: true });
  const end = checkNumber(value[1], `${field}[1]`, 0, Number.MAX_SAFE_INTEGER, { integer: true });
  if (end <= start) throw new TrimfitError('invalid-option', field, 'start < end', `[${start}, ${end}]`);
  return [start, end];
}

/** Resolves FitOptions for a validated curve of n points (x sorted). */
export function resolveFitOptions(options: FitOptions | undefined, x: Float64Array): ResolvedFitOptions {
  const o = options ?? {};
  if (typeof o !== 'object') throw new TrimfitError('invalid-option', 'options', 'an object', o);
  const n = x.length;
  const model = checkModelName(o.model ?? DEFAULTS.model);
  const alpha = checkNumber(o.alpha ?? DEFAULTS.alpha, 'alpha', 0.5, 1);
  const tau = checkNumber(o.tau ?? DEFAULTS.tau, 'tau', 0, 1e6, { minExclusive: true });
  const defaultEnd = Math.max(1, Math.round(DEFAULTS.trainFraction * n));
  const [trainStart, trainEnd] = o.train !== undefined ? checkRange(o.train, 'train', n) : [0, defaultEnd];
  // The end of either range may pass n (it is clipped: the released settings use 100), but a
  // validation range that starts past the data holds no point and leaves the fit without a score.
  const [valStart, valEnd] = o.val !== undefined ? checkRange(o.val, 'val', n - 1) : [trainEnd, n];
  const bMin = checkNumber(o.bMin ?? DEFAULTS.bMin, 'bMin', 0, 1e6, { minExclusive: true });
  const bMax = checkNumber(o.bMax ?? DEFAULTS.bMax, 'bMax', bMin, 1e6);
  const cMidMin = o.cMidMin === undefined ? NaN : checkNumber(o.cMidMin, 'cMidMin', 0, Number.MAX_VALUE, { minExclusive: true });
  // Default: the largest x. A midpoint beyond the observed range is an extrapolation the data cannot
  // identify (the fit then runs along the u–cMid ridge to the score cap); at the bound the status says so.
  const cMidMax = o.cMidMax === undefined ? Math.max(x[n - 1], Number.MIN_VALUE) : checkNumber(o.cMidMax, 'cMidMax', Number.isNaN(cMidMin) ? 0 : cMidMin, Number.MAX_VALUE, { minExclusive: true });
  const scoreCap = o.scoreCap === undefined ? DEFAULTS.scoreCap : checkNumber(o.scoreCap, 'scoreCap', -Number.MAX_VALUE, Infinity);
  const pSft = checkNumber(o.pSft ?? DEFAULTS.pSft, 'pSft', -Number.MAX_VALUE, Number.MAX_VALUE);
  const scoreFloor = o.scoreFloor === undefined ? -Infinity : checkNumber(o.scoreFloor, 'scoreFloor', -Infinity, pSft);
  if (pSft > scoreCap) throw new TrimfitError('invalid-option', 'pSft', `at most scoreCap (${scoreCap})`, pSft);
  const freeEpsilon = checkModelOptions(model, o);
  const lts = o.lts ?? DEFAULTS.lts;
  if (typeof lts !== 'boolean') throw new TrimfitError('invalid-option', 'lts', 'a boolean', lts);
  const bs = checkBootstrapShape(o.bootstrap);
  const predictAt = bs.predictAt ?? [];
  if (!Array.isArray(predictAt)) throw new TrimfitError('invalid-option', 'bootstrap.predictAt', 'an array of finite numbers', predictAt);
  // A prediction outside the model's domain is NaN: the sigmoid's (cMid/x)^b needs x ≥ 0, and the
  // power and log models are defined from the data's smallest x on (their shift c starts there).
  const predictMin = model === 'sigmoid' ? 0 : model === 'power' || model === 'log' ? x[0] : -Number.MAX_VALUE;
  predictAt.forEach((v, k) => checkNumber(v, `bootstrap.predictAt[${k}]`, predictMin, Number.MAX_VALUE));
  const trainCount = Math.min(trainEnd, n) - Math.min(trainStart, n);
  if (model === 'sigmoid') {
    // The box the pipeline will build from the data (core/models createModel): reject an empty one here.
    const cMidLow = Number.isNaN(cMidMin) ? dataRange(x).xMinPositive / CMID_DATA_FACTOR : cMidMin;
    if (!(cMidLow > 0)) throw new TrimfitError('invalid-option', 'cMidMin', `a number > 0 (the default, smallest positive x / ${CMID_DATA_FACTOR}, underflows)`, cMidLow);
    if (cMidLow > cMidMax) throw new TrimfitError('invalid-option', o.cMidMax === undefined ? 'cMidMin' : 'cMidMax', `cMidMin ≤ cMidMax (the default cMidMax is the largest x, ${x[n - 1]})`, `[${cMidLow}, ${cMidMax}]`);
  }
  const pModel = createModel(model, { freeEpsilon, uMax: Infinity, bMin, bMax, cMidMin, cMidMax }, dataRange(x)).nParams;
  if (trainCount < pModel + 2) throw new TrimfitError('too-few-points', 'train', `at least ${pModel + 2} train points for ${pModel} parameters`, `${trainCount} (range [${trainStart}, ${trainEnd}) of ${n} points)`);
  return {
    model,
    hyper: { trainStart, trainEnd, valStart, valEnd, tau, lts, alpha, freeEpsilon },
    scoreCap,
    pSft,
    pipeline: {
      modelSettings: { uMax: scoreCap - pSft, uMin: scoreFloor - pSft, bMin, bMax, cMidMin, cMidMax },
      nStarts: checkNumber(o.nStarts ?? DEFAULTS.nStarts, 'nStarts', 1, 1000, { integer: true }),
      ltsStarts: checkNumber(o.ltsStarts ?? DEFAULTS.ltsStarts, 'ltsStarts', 1, 1e7, { integer: true }),
      cSteps: checkNumber(o.cSteps ?? DEFAULTS.cSteps, 'cSteps', 0, 100, { integer: true }),
      gnIterations: checkNumber(o.gnIterations ?? DEFAULTS.gnIterations, 'gnIterations', 1, 1000, { integer: true }),
      keepBest: checkNumber(o.keepBest ?? DEFAULTS.keepBest, 'keepBest', 1, 1000, { integer: true }),
      maxCSteps: checkNumber(o.maxCSteps ?? DEFAULTS.maxCSteps, 'maxCSteps', 1, 10000, { integer: true }),
      maxStage1Rounds: checkNumber(o.maxStage1Rounds ?? DEFAULTS.maxStage1Rounds, 'maxStage1Rounds', 0, 1000, { integer: true }),
      gapWeight: checkNumber(o.gapWeight ?? DEFAULTS.gapWeight, 'gapWeight', 0, 1e6),
      seed: checkNumber(o.seed ?? DEFAULTS.seed, 'seed', 0, 0xffffffff, { integer: true }),
    },
    bootstrap: {
      resamples: checkNumber(bs.resamples ?? 0, 'bootstrap.resamples', 0, 1e6, { integer: true }),
      level: checkNumber(bs.level ?? DEFAULTS.bootstrapLevel, 'bootstrap.level', 0, 1, { minExclusive: true }),
      predictAt: predictAt.slice(),
    },
  };
}

