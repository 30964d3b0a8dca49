/**
 * Linear Least Trimmed Squares compatible with R's robustbase::ltsReg (FAST-LTS, Rousseeuw & Van
 * Driessen 2006), pure f64. Inputs are trusted (the api layer validates); degenerate data give a
 * status, not an exception.
 *
 * What follows robustbase (rfltsreg.f and R/ltsReg.R, version 0.95-0):
 * - h = ⌊2·n2 − n + 2(n − n2)·α⌋, n2 = ⌊(n + p + 1)/2⌋, p counting the intercept.
 * - The search runs on data standardised as rfltsreg does (median/MAD per column; no centring
 *   without intercept), which leaves the C-steps' choices unchanged but their pivots comparable.
 * - Starts: every p-subset when n ≤ 599 and n ≤ (500, 50, 22, 17, 15, 14)[p − 1], enumerated in
 *   the same lexicographic order; otherwise `nSamples` random p-subsets; for n ≥ 600 the nested
 *   scheme (2–5 disjoint groups of ~300, nSamples/groups starts each, the 10 best per group merged
 *   and refined on the union). Every start gets 2 C-steps; the 10 best distinct results (ties kept
 *   unless the coefficients are identical) are iterated on all data until the objective repeats
 *   (only the best of them when n > 5000).
 * - Subset selection ports rffindq, so ties between equal residuals fall the same way.
 * - Raw fit = least squares on the best h-subset; raw scale with the consistency factor and the
 *   small-sample factor (LTScnp2); 0/1 weights at qnorm(0.9875); reweighted least squares; final
 *   scale with its consistency and small-sample (LTScnp2.rew) factors; final weights from the
 *   final residuals (robustbase's lts.wt).
 *
 * Deliberate differences (each can only make the answer more consistent, never the objective worse):
 * - Random starts come from src/core/rng.ts (counter-based), not R's RNG: random-search results
 *   match R's only where both searches find the same subset.
 * - Finalists (the 10 best, or for n > 5000 the best one, as robustbase) get up to 100 C-steps on
 *   all data; robustbase caps them at 1–10 steps when n·p > 10⁵.
 * - Location only (no columns, intercept): robustbase takes the square root of the univariate
 *   LTS standard deviation where it needs the deviation itself (its raw scale is not scale-
 *   equivariant); the raw scale here is √(min window SS / h)·consistency·small-sample factor.
 * - α = 1: the final scale and weights use the reweighted fit's residuals, as for α < 1
 *   (robustbase reuses the raw residuals in that branch).
 * - Exact fit when the raw scale is below 1e-7 times the data's own scale of y (robustbase: 1e-7
 *   absolute).
 * - `objective` is on the data's scale (robustbase's `crit` is divided by the squared MAD-scale of
 *   y it standardises with): the sum of the h smallest squared residuals of the raw coefficients.
 */
import { elementalSubset, rngU32 } from './rng.js';
import { median } from './stats.js';
import { normalDensity, normalQuantile } from './normal.js';

export interface LtsOptions {
  /** Fraction of the data the raw fit must cover, in [0.5, 1] (1 = least squares). @default 0.5 */
  alpha?: number;
  /** Add an intercept (X holds no column of ones). @default true */
  intercept?: boolean;
  /** Random p-subset starts when the subsets are not all enumerated (split across groups when n ≥ 600). @default 500 */
  nSamples?: number;
  /** Seed of the counter-based RNG used for random starts and the nested partition. @default 1 */
  seed?: number;
}

/**
 * ok; exact-fit: at least h points lie on the raw fit (scales 0, weights mark the points on it);
 * singular: a constant or collinear column, no columns without intercept, or no non-singular
 * subset; too-few-points: n ≤ 2p (robustbase's requirement, p counting the intercept).
 */
export type LtsStatus = 'ok' | 'exact-fit' | 'singular' | 'too-few-points';

/** How the starts were chosen: all p-subsets, random ones, the nested scheme, or none (α = 1 or location only). */
export type LtsSearch = 'exhaustive' | 'random' | 'nested' | 'none';

export interface LtsResult {
  /** Number of points the raw fit covers. */
  h: number;
  /** Sum of the h smallest squared residuals of the raw fit, on the data's scale. */
  objective: number;
  /** Least squares on the best h-subset; intercept first when fitted. NaN unless status is ok/exact-fit. */
  rawCoefficients: Float64Array;
  /** Reweighted least squares (points with raw weight 1); intercept first. */
  coefficients: Float64Array;
  rawScale: number;
  scale: number;
  /** 1 where |raw residual / rawScale| ≤ qnorm(0.9875). */
  rawWeights: Uint8Array;
  /** 1 where |final residual / scale| ≤ qnorm(0.9875) (robustbase's lts.wt). */
  weights: Uint8Array;
  /** 0-based indices of the best h-subset, ascending. */
  best: Int32Array;
  search: LtsSearch;
  status: LtsStatus;
  message: string;
}

/** robustbase's 0/1 weight cut-off (wgtFUN "01.original"): qnorm(0.9875) = √qchisq(0.975, 1). */
export const LTS_WEIGHT_CUTOFF = normalQuantile(0.9875);

const GROUP_SIZE = 300; // rfltsreg nmini
const MAX_GROUPS = 5; // rfltsreg kmini
const FINALISTS = 10;
const START_C_STEPS = 2;
const MAX_C_STEPS = 100;
/** Above this n only the best finalist is refined on all data (rfltsreg). */
const LARGE_N = 5000;
/** rfequat's pivot threshold on standardised data: below it a p-subset is singular and skipped. */
const ELEMENTAL_PIVOT_TOLERANCE = 1e-8;
/** rfstatis: a MAD at or below this falls back to 1.2533 × mean absolute deviation. */
const MAD_EPSILON = 1e-6;
/** Relative rank tolerance for least squares (R's lm.fit uses 1e-7). */
const RANK_TOLERANCE = 1e-7;
const EXACT_FIT_TOLERANCE = 1e-7;
/** rfltsreg's replow: the largest n for which all p-subsets are enumerated, p = 1..6. */
const EXHAUSTIVE_MAX_N = [500, 50, 22, 17, 15, 14];
const PARTITION_STREAM = 0xffffffff;
const MAX_REDRAWS = 50;

/** h = ⌊2·n2 − n + 2(n − n2)·α⌋ with n2 = ⌊(n + p + 1)/2⌋ (robustbase's h.alpha.n; p counts the intercept). */
export function hAlphaN(alpha: number, n: number, p: number): number {
  const n2 = Math.floor((n + p + 1) / 2);
  return Math.floor(2 * n2 - n + 2 * (n - n2) * alpha);
}

/**
 * 1/√(1 − 2n·φ(q)·q/m) with q = Φ⁻¹((m + n)/2n): makes the root mean square of the m smallest of n
 * squared N(0, σ²) residuals consistent for σ. 1 when m = n.
 */
export function ltsConsistencyFactor(m: number, n: number): number {
  if (m >= n) return 1;
  const q = normalQuantile((m + n) / (2 * n));
  return 1 / Math.sqrt(1 - ((2 * n) / (m / q)) * normalDensity(q));
}

type Quadratic = readonly [readonly [number, number, number], readonly [number, number, number]];
interface SmallSampleTable {
  /** (log intercept, exponent) of 1 − fp(n) at α = 0.5 and 0.875, for 0 and 1 regressors. */
  zero: readonly [number, number, number, number];
  one: readonly [number, number, number, number];
  /** Two (a, b, c) rows per α for ≥ 2 regressors; fp's constants solve log(−a/p^b) = u − v·log(c·p²). */
  many500: Quadratic;
  many875: Quadratic;
}

// Coefficients copied from robustbase's LTScnp2 / LTScnp2.rew (Pison, Van Aelst & Willems 2002).
const RAW_FACTORS: { intercept: SmallSampleTable; noIntercept: SmallSampleTable } = {
  intercept: {
    zero: [0.262024211897096, 0.604756680630497, -0.351584646688712, 1.01646567502486],
    one: [0.630869217886906, 0.650789250442946, 0.565065391014791, 1.03044199012509],
    many500: [[-0.746945886714663, 0.56264937192689, 3], [-0.535478048924724, 0.543323462033445, 5]],
    many875: [[-0.458580153984614, 1.12236071104403, 3], [-0.267178168108996, 1.1022478781154, 5]],
  },
  noIntercept: {
    zero: [0.262024211897096, 0.604756680630497, -0.351584646688712, 1.01646567502486],
    one: [-0.0181777452315321, 0.697629772271099, -0.310122738776431, 1.06241615923172],
    many500: [[-0.487338281979106, 0.405511279418594, 3], [-0.340762058011, 0.37972360544988, 5]],
    many875: [[-0.251778730491252, 0.883966931611758, 3], [-0.146660023184295, 0.86292940340761, 5]],
  },
};
const REWEIGHTED_FACTORS: typeof RAW_FACTORS = {
  intercept: {
    zero: [1.11098143415027, 1.5182890270453, -0.66046776772861, 0.88939595831888],
    one: [1.58609654199605, 1.46340162526468, 0.391653958727332, 1.03167487483316],
    many500: [[-0.773365715932083, 2.02013996406346, 3], [-0.337571678986723, 2.02037467454833, 5]],
    many875: [[-0.474174840843602, 1.39681715704956, 3], [-0.276640353112907, 1.42543242287677, 5]],
  },
  noIntercept: {
    zero: [1.11098143415027, 1.5182890270453, -0.66046776772861, 0.88939595831888],
    one: [0.6329852387657, 1.40361879788014, -0.642240988645469, 0.926325452943084],
    many500: [[-0.417574780492848, 1.83958876341367, 3], [-0.175753709374146, 1.8313809497999, 5]],
    many875: [[-0.267522855927958, 1.17559984533974, 3], [-0.161200683014406, 1.21675019853961, 5]],
  },
};

function manyRegressorsFp(rows: Quadratic, regressors: number, n: number): number {
  const y0 = Math.log(-rows[0][0] / regressors ** rows[0][1]);
  const y1 = Math.log(-rows[1][0] / regressors ** rows[1][1]);
  const a0 = -Math.log(rows[0][2] * regressors * regressors);
  const a1 = -Math.log(rows[1][2] * regressors * regressors);
  const v = (y0 - y1) / (a0 - a1);
  return 1 - Math.exp(y0 - a0 * v) / n ** v;
}

/**
 * Small-sample correction of the LTS scale (robustbase's LTScnp2, or LTScnp2.rew when
 * `reweighted`): p counts the intercept. The location-only case (p − intercept = 0) takes the
 * square root of the interpolated factor, as robustbase does.
 */
export function ltsSmallSampleFactor(p: number, intercept: boolean, n: number, alpha: number, reweighted = false): number {
  const table = (reweighted ? REWEIGHTED_FACTORS : RAW_FACTORS)[intercept ? 'intercept' : 'noIntercept'];
  const regressors = intercept ? p - 1 : p;
  let fp500: number;
  let fp875: number;
  if (regressors <= 1) {
    const c = regressors === 0 ? table.zero : table.one;
    fp500 = 1 - Math.exp(c[0]) / n ** c[1];
    fp875 = 1 - Math.exp(c[2]) / n ** c[3];
  } else {
    fp500 = manyRegressorsFp(table.many500, regressors, n);
    fp875 = manyRegressorsFp(table.many875, regressors, n);
  }
  let fp = alpha <= 0.875 ? fp500 + ((fp875 - fp500) / 0.375) * (alpha - 0.5) : fp875 + ((1 - fp875) / 0.125) * (alpha - 0.875);
  if (regressors === 0) fp = Math.sqrt(fp);
  return 1 / fp;
}

/** The search's view of the data: standardised as rfstatis does, intercept column last (as in R). */
interface Design {
  n: number;
  p: number;
  /** n × p, row-major. */
  z: Float64Array;
  y: Float64Array;
}

/** Buffers shared by all C-steps of one search. */
interface Work {
  /** |residuals| of the points in play; permuted by `selectSmallest`. */
  res: Float64Array;
  /** Positions (into the points in play) of the current h-subset in index[0..nhalf). */
  index: Int32Array;
  /** The current subset as global rows, ascending. */
  rows: Int32Array;
  /** Scratch marks by position, all 0 between uses. */
  inSubset: Uint8Array;
  normal: Float64Array;
}

interface Stored {
  objective: number;
  a: Float64Array;
}

/**
 * Port of rfltsreg's rffindq (Hoare's selection): afterwards values[0..k) are the k smallest of
 * values[0..count) and index[j] says where values[j] came from. Kept verbatim so that ties between
 * equal residuals are broken as robustbase breaks them.
 */
function selectSmallest(values: Float64Array, count: number, k: number, index: Int32Array): void {
  for (let j = 0; j < count; j++) index[j] = j;
  const target = k - 1;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const pivot = values[target];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const ti = index[i]; index[i] = index[j]; index[j] = ti;
        const tv = values[i]; values[i] = values[j]; values[j] = tv;
        i++;
        j--;
      }
    }
    if (j < target) lo = i;
    if (target < i) hi = j;
  }
}

/**
 * Gaussian elimination with partial pivoting on the augmented p × (p + 1) row-major matrix `m`;
 * writes the solution to `out`. False when a pivot's magnitude is ≤ `tolerance`.
 */
function solveAugmented(m: Float64Array, p: number, tolerance: number, out: Float64Array): boolean {
  const w = p + 1;
  for (let col = 0; col < p; col++) {
    let pivotRow = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(m[r * w + col]) > Math.abs(m[pivotRow * w + col])) pivotRow = r;
    const pivot = m[pivotRow * w + col];
    if (!(Math.abs(pivot) > tolerance)) return false;
    if (pivotRow !== col) {
      for (let c = col; c < w; c++) { const t = m[col * w + c]; m[col * w + c] = m[pivotRow * w + c]; m[pivotRow * w + c] = t; }
    }
    for (let r = col + 1; r < p; r++) {
      const f = m[r * w + col] / pivot;
      if (f !== 0) for (let c = col; c < w; c++) m[r * w + c] -= f * m[col * w + c];
    }
  }
  for (let r = p - 1; r >= 0; r--) {
    let s = m[r * w + p];
    for (let c = r + 1; c < p; c++) s -= m[r * w + c] * out[c];
    out[r] = s / m[r * w + r];
  }
  return true;
}

/** Exact fit through the p points `rows` (global indices); false when they are singular. */
function elementalFit(d: Design, rows: ArrayLike<number>, work: Work, out: Float64Array): boolean {
  const { p, z, y } = d;
  if (p === 1) {
    // rfltsreg: a single regressor equal to 0 leaves the coefficient at 0 rather than skipping.
    const x = z[rows[0]];
    out[0] = x !== 0 ? y[rows[0]] / x : 0;
    return true;
  }
  const m = work.normal;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) m[i * (p + 1) + j] = z[rows[i] * p + j];
    m[i * (p + 1) + p] = y[rows[i]];
  }
  return solveAugmented(m, p, ELEMENTAL_PIVOT_TOLERANCE, out);
}

/** Least squares on the `count` global rows work.rows[0..count) by normal equations (the C-step's fit). */
function subsetFit(d: Design, count: number, work: Work, out: Float64Array): boolean {
  const { p, z, y } = d;
  const w = p + 1;
  const m = work.normal;
  m.fill(0);
  for (let k = 0; k < count; k++) {
    const r = work.rows[k];
    const base = r * p;
    const yr = y[r];
    for (let i = 0; i < p; i++) {
      const zi = z[base + i];
      m[i * w + p] += zi * yr;
      for (let j = 0; j <= i; j++) m[i * w + j] += zi * z[base + j];
    }
  }
  let maxDiagonal = 0;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) m[i * w + j] = m[j * w + i];
    maxDiagonal = Math.max(maxDiagonal, m[i * w + i]);
  }
  return solveAugmented(m, p, 1e-13 * maxDiagonal, out);
}

/** |y − z·a| for the points in play (`rows`, or all n when null) into work.res. */
function absResiduals(d: Design, rows: Int32Array | null, count: number, a: Float64Array, work: Work): void {
  const { p, z, y } = d;
  for (let k = 0; k < count; k++) {
    const r = rows === null ? k : rows[k];
    let fit = 0;
    for (let j = 0; j < p; j++) fit += a[j] * z[r * p + j];
    work.res[k] = Math.abs(y[r] - fit);
  }
}

/**
 * C-steps from coefficients `a` (updated in place) on the points in play, keeping `nhalf` of them:
 * fit the current subset, take the nhalf smallest residuals, until the objective equals the one two
 * steps back (rfltsreg's test) or `maxSteps`. `onStep` sees every accepted step (the subset is in
 * work.index[0..nhalf)). Returns the last objective, NaN when the first fit was already singular.
 */
function concentrate(
  d: Design, rows: Int32Array | null, count: number, nhalf: number, a: Float64Array, maxSteps: number, work: Work,
  onStep?: (objective: number) => void,
): number {
  absResiduals(d, rows, count, a, work);
  selectSmallest(work.res, count, nhalf, work.index);
  let objective = NaN;
  let previous = 0;
  let twoBack = 0;
  for (let step = 1; step <= maxSteps; step++) {
    // The subset in ascending row order (rfltsreg sorts it before the fit), by marking: O(count).
    for (let k = 0; k < nhalf; k++) work.inSubset[work.index[k]] = 1;
    for (let position = 0, k = 0; position < count; position++) {
      if (work.inSubset[position] === 0) continue;
      work.inSubset[position] = 0;
      work.rows[k++] = rows === null ? position : rows[position];
    }
    if (!subsetFit(d, nhalf, work, a)) break;
    absResiduals(d, rows, count, a, work);
    selectSmallest(work.res, count, nhalf, work.index);
    let sum = 0;
    for (let k = 0; k < nhalf; k++) sum += work.res[k] * work.res[k];
    objective = sum;
    if (step >= 2 && sum === twoBack) break;
    twoBack = previous;
    previous = sum;
    onStep?.(sum);
  }
  return objective;
}

/** rfltsreg's bookkeeping of the 10 best: ascending objective; equal objectives kept unless the coefficients are identical. */
function keepBest(stock: Stored[], objective: number, a: Float64Array): void {
  if (!(objective === objective)) return;
  const slots = Math.min(stock.length + 1, FINALISTS);
  for (let j = 0; j < slots; j++) {
    const slot = stock[j];
    if (slot !== undefined && objective > slot.objective) continue;
    if (slot !== undefined && objective === slot.objective) {
      let distinct = false;
      for (let k = j; k < stock.length && !distinct; k++) {
        if (stock[k].objective !== objective) continue;
        for (let i = 0; i < a.length; i++) if (stock[k].a[i] !== a[i]) { distinct = true; break; }
      }
      if (!distinct) return;
    }
    stock.splice(j, 0, { objective, a: Float64Array.from(a) });
    if (stock.length > FINALISTS) stock.length = FINALISTS;
    return;
  }
}

/** rfltsreg's group sizes for the nested scheme (n ≥ 600). */
function groupSizes(n: number): number[] {
  const groups = Math.min(Math.floor(n / GROUP_SIZE), MAX_GROUPS);
  if (groups === MAX_GROUPS) return new Array<number>(MAX_GROUPS).fill(GROUP_SIZE);
  const q = Math.floor(n / groups);
  const extra = n - q * groups;
  // robustbase hands the extra points to groups 2, 3, … in that order.
  const sizes = new Array<number>(groups).fill(q);
  for (let g = 1; g <= extra; g++) sizes[g] += 1;
  return sizes;
}

/** Random start for candidate `candidate` on the `rows` in play; redraws singular subsets. */
function randomStart(d: Design, rows: Int32Array | null, count: number, seed: number, candidate: number, nSamples: number, work: Work, a: Float64Array): boolean {
  const local = new Int32Array(d.p);
  const global = new Int32Array(d.p);
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    elementalSubset(seed, candidate + attempt * nSamples, count, d.p, local);
    for (let j = 0; j < d.p; j++) global[j] = rows === null ? local[j] : rows[local[j]];
    if (elementalFit(d, global, work, a)) return true;
  }
  return false;
}

/** Starts, 2 C-steps each, into `stock` (the points in play are `rows`, or all n when null). */
function searchStarts(d: Design, rows: Int32Array | null, count: number, nhalf: number, starts: (a: Float64Array, i: number) => boolean, total: number, work: Work, stock: Stored[]): void {
  const a = new Float64Array(d.p);
  for (let i = 0; i < total; i++) {
    if (!starts(a, i)) continue;
    keepBest(stock, concentrate(d, rows, count, nhalf, a, START_C_STEPS, work), a);
  }
}

/** FAST-LTS on the standardised design: the best h-subset (global indices, ascending) or null. */
function fastLts(d: Design, h: number, nSamples: number, seed: number): { best: Int32Array; search: LtsSearch } | null {
  const { n, p } = d;
  const work: Work = { res: new Float64Array(n), index: new Int32Array(n), rows: new Int32Array(n), inSubset: new Uint8Array(n), normal: new Float64Array(p * (p + 1)) };
  const finalists: Stored[] = [];
  let search: LtsSearch;
  if (n >= 2 * GROUP_SIZE) {
    search = 'nested';
    const sizes = groupSizes(n);
    const fraction = h / n;
    const selected = sizes.reduce((s, v) => s + v, 0);
    // Partial Fisher–Yates: `selected` distinct points, the first sizes[0] forming group 0, …
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = 0; i < selected; i++) {
      const j = i + (rngU32(seed, PARTITION_STREAM, i) % (n - i));
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    const perGroup = Math.floor(nSamples / sizes.length);
    const groupHalf = Math.floor(sizes[0] * fraction);
    const merged = order.slice(0, selected).sort();
    let offset = 0;
    const groupStocks = sizes.map((size, g) => {
      const rows = order.slice(offset, offset + size).sort();
      offset += size;
      const stock: Stored[] = [];
      searchStarts(d, rows, size, groupHalf, (a, i) => randomStart(d, rows, size, seed, g * perGroup + i, nSamples, work, a), perGroup, work, stock);
      return stock;
    });
    const mergedHalf = Math.floor(selected * fraction);
    for (const stock of groupStocks) {
      for (const s of stock) {
        const a = Float64Array.from(s.a);
        keepBest(finalists, concentrate(d, merged, selected, mergedHalf, a, START_C_STEPS, work), a);
      }
    }
  } else if (p <= EXHAUSTIVE_MAX_N.length && n <= EXHAUSTIVE_MAX_N[p - 1]) {
    search = 'exhaustive';
    const combination = new Int32Array(p);
    for (let j = 0; j < p; j++) combination[j] = j;
    let total = 1;
    for (let j = 0; j < p; j++) total = (total * (n - j)) / (j + 1);
    searchStarts(d, null, n, h, (a, i) => {
      if (i > 0) {
        let k = p - 1;
        while (combination[k] === n - p + k) k--;
        combination[k]++;
        for (let j = k + 1; j < p; j++) combination[j] = combination[j - 1] + 1;
      }
      return elementalFit(d, combination, work, a);
    }, Math.round(total), work, finalists);
  } else {
    search = 'random';
    searchStarts(d, null, n, h, (a, i) => randomStart(d, null, n, seed, i, nSamples, work, a), nSamples, work, finalists);
  }
  let bestObjective = Infinity;
  const best = new Int32Array(h);
  let found = false;
  // robustbase refines only the best finalist when n > 5000 (each C-step then costs O(n·p)).
  for (const s of finalists.slice(0, n > LARGE_N ? 1 : FINALISTS)) {
    const a = Float64Array.from(s.a);
    concentrate(d, null, n, h, a, MAX_C_STEPS, work, (objective) => {
      if (objective < bestObjective) {
        bestObjective = objective;
        best.set(work.index.subarray(0, h));
        found = true;
      }
    });
  }
  return found ? { best: best.sort(), search } : null;
}

/** Location and scale of a column as rfstatis takes them (median/MAD, or 0 and the median of |x| without intercept). */
function columnScale(values: Float64Array, centred: boolean): { centre: number; scale: number } {
  const centre = centred ? median(values) : 0;
  const deviation = values.map((v) => Math.abs(v - centre));
  let scale = median(deviation) * 1.4826;
  if (Math.abs(scale) <= MAD_EPSILON) scale = (deviation.reduce((s, v) => s + v, 0) / values.length) * 1.2533;
  return { centre, scale: scale > 0 ? scale : 1 };
}

/**
 * Least squares by Householder QR on `rows` of the row-major n × p `design`; null when a column is
 * (numerically) dependent on the previous ones: |R_jj| ≤ 1e-7·‖column j‖, lm.fit's tolerance.
 */
function leastSquares(design: Float64Array, p: number, y: ArrayLike<number>, rows: ArrayLike<number>): Float64Array | null {
  const m = rows.length;
  if (m < p) return null;
  const a = new Float64Array(m * p); // column-major
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) a[j * m + i] = design[rows[i] * p + j];
    b[i] = y[rows[i]];
  }
  const columnNorm = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[j * m + i] ** 2;
    columnNorm[j] = Math.sqrt(s);
  }
  const diagonal = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const col = j * m;
    let s = 0;
    for (let i = j; i < m; i++) s += a[col + i] ** 2;
    const norm = Math.sqrt(s);
    if (!(norm > RANK_TOLERANCE * columnNorm[j])) return null;
    const alpha = a[col + j] > 0 ? -norm : norm;
    a[col + j] -= alpha;
    let vtv = 0;
    for (let i = j; i < m; i++) vtv += a[col + i] ** 2;
    const apply = (target: Float64Array, offset: number) => {
      let dot = 0;
      for (let i = j; i < m; i++) dot += a[col + i] * target[offset + i];
      const f = (2 * dot) / vtv;
      for (let i = j; i < m; i++) target[offset + i] -= f * a[col + i];
    };
    for (let k = j + 1; k < p; k++) apply(a, k * m);
    apply(b, 0);
    diagonal[j] = alpha;
  }
  const coef = new Float64Array(p);
  for (let j = p - 1; j >= 0; j--) {
    let s = b[j];
    for (let k = j + 1; k < p; k++) s -= a[k * m + j] * coef[k];
    coef[j] = s / diagonal[j];
  }
  return coef;
}

function residuals(design: Float64Array, p: number, y: ArrayLike<number>, coef: Float64Array): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    let fit = 0;
    for (let j = 0; j < p; j++) fit += design[i * p + j] * coef[j];
    out[i] = y[i] - fit;
  }
  return out;
}

/** Sum of the h smallest squares of `r`. */
function trimmedSum(r: Float64Array, h: number): number {
  const squares = r.map((v) => v * v).sort();
  let s = 0;
  for (let i = 0; i < h; i++) s += squares[i];
  return s;
}

function cutWeights(r: Float64Array, scale: number): Uint8Array {
  return Uint8Array.from(r, (v) => (Math.abs(v / scale) <= LTS_WEIGHT_CUTOFF ? 1 : 0));
}

function indicesWhere(w: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) if (w[i] === 1) out.push(i);
  return Int32Array.from(out);
}

function failed(n: number, p: number, h: number, status: LtsStatus, message: string): LtsResult {
  return {
    h, objective: NaN, rawCoefficients: new Float64Array(p).fill(NaN), coefficients: new Float64Array(p).fill(NaN),
    rawScale: NaN, scale: NaN, rawWeights: new Uint8Array(n), weights: new Uint8Array(n), best: new Int32Array(0),
    search: 'none', status, message,
  };
}

/**
 * Raw fit on `best`, scales, reweighting: the part of ltsReg after the subset search.
 * `design` is row-major n × p in output order (intercept first); the final scale is
 * √(Σ kept residual² / (m − 1)) · finalScaleFactor(m) over the m points kept by the raw weights;
 * `yScale` sets the exact-fit tolerance.
 */
function finish(
  design: Float64Array, p: number, y: Float64Array, h: number, best: Int32Array, rawScaleOf: (r: Float64Array) => number,
  finalScaleFactor: (m: number) => number, yScale: number, search: LtsSearch,
): LtsResult {
  const n = y.length;
  const raw = leastSquares(design, p, y, best);
  if (raw === null) return failed(n, p, h, 'singular', 'the best h-subset is collinear; no raw coefficients');
  const rawResiduals = residuals(design, p, y, raw);
  const objective = trimmedSum(rawResiduals, h);
  const rawScale = rawScaleOf(rawResiduals);
  const tolerance = EXACT_FIT_TOLERANCE * yScale;
  if (Math.abs(rawScale) < tolerance) {
    const onFit = Uint8Array.from(rawResiduals, (v) => (Math.abs(v) <= tolerance ? 1 : 0));
    return {
      h, objective, rawCoefficients: raw, coefficients: Float64Array.from(raw), rawScale: 0, scale: 0, rawWeights: onFit,
      weights: Uint8Array.from(onFit), best, search, status: 'exact-fit', message: `exact fit: ${onFit.reduce((s, v) => s + v, 0)} points on the raw fit`,
    };
  }
  const rawWeights = cutWeights(rawResiduals, rawScale);
  const kept = indicesWhere(rawWeights);
  const coefficients = leastSquares(design, p, y, kept);
  if (coefficients === null) return failed(n, p, h, 'singular', 'the points kept by the raw weights are collinear');
  const finalResiduals = residuals(design, p, y, coefficients);
  let ss = 0;
  for (const i of kept) ss += finalResiduals[i] ** 2;
  const sumW = kept.length;
  const scale = Math.sqrt(ss / (sumW - 1)) * finalScaleFactor(sumW);
  return {
    h, objective, rawCoefficients: raw, coefficients, rawScale, scale, rawWeights,
    weights: scale > tolerance ? cutWeights(finalResiduals, scale) : Uint8Array.from(finalResiduals, (v) => (Math.abs(v) <= tolerance ? 1 : 0)),
    best, search, status: 'ok', message: '',
  };
}

/** Univariate LTS location (rfmcduni): the window of h sorted values with the smallest sum of squares. */
function locationLts(y: Float64Array, h: number): { windowSs: number; best: Int32Array } {
  const n = y.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => y[i] - y[j] || i - j);
  const shift = y[order[n >> 1]]; // centring keeps the running sums well conditioned
  const prefix = new Float64Array(n + 1);
  const prefixSq = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = y[order[i]] - shift;
    prefix[i + 1] = prefix[i] + v;
    prefixSq[i + 1] = prefixSq[i] + v * v;
  }
  let minSs = Infinity;
  const ties: number[] = [];
  for (let start = 0; start + h <= n; start++) {
    const sum = prefix[start + h] - prefix[start];
    const ss = prefixSq[start + h] - prefixSq[start] - (sum * sum) / h;
    if (ss < minSs) { minSs = ss; ties.length = 0; ties.push(start); } else if (ss === minSs) ties.push(start);
  }
  // rfmcduni: among tied windows, the middle one.
  const start = ties[Math.floor((ties.length + 1) / 2) - 1];
  return { windowSs: Math.max(minSs, 0), best: order.slice(start, start + h).sort() };
}

/**
 * LTS regression of y on the columns of X (n rows × p columns, no intercept column), following
 * robustbase::ltsReg. X with zero columns and intercept = true is robustbase's location case.
 */
export function lts(X: ArrayLike<ArrayLike<number>>, y: ArrayLike<number>, options: LtsOptions = {}): LtsResult {
  const alpha = options.alpha ?? 0.5;
  const intercept = options.intercept ?? true;
  const nSamples = options.nSamples ?? 500;
  const seed = options.seed ?? 1;
  const n = y.length;
  const columns = n > 0 ? X[0].length : 0;
  const p = columns + (intercept ? 1 : 0);
  const yValues = Float64Array.from(y);
  if (p === 0) return failed(n, 0, 0, 'singular', 'no columns and no intercept: nothing to fit');
  if (n <= 2 * p) return failed(n, p, 0, 'too-few-points', `need n > 2p = ${2 * p} points, received ${n}`);
  const h = alpha >= 1 ? n : hAlphaN(alpha, n, p);
  const yStats = columnScale(yValues, intercept);
  const yScale = yStats.scale;
  const smallSample = (reweighted: boolean) => ltsSmallSampleFactor(p, intercept, n, alpha, reweighted);
  // Both small-sample factors are exactly 1 at α = 1, so one formula serves every branch.
  const reweightedFactor = (m: number) => (m === n ? 1 : ltsConsistencyFactor(m, n) * smallSample(true));

  // Output-order design (intercept first) for the raw and reweighted fits.
  const design = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    if (intercept) design[i * p] = 1;
    for (let j = 0; j < columns; j++) design[i * p + j + (intercept ? 1 : 0)] = X[i][j];
  }

  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (columns === 0) {
    // robustbase's reweighted location scale: √(m/(m − 1) · unbiased variance of the m kept points).
    const locationFactor = (m: number) => Math.sqrt(m / (m - 1)) * reweightedFactor(m);
    if (alpha >= 1) {
      return finish(design, 1, yValues, n, all, (r) => Math.sqrt(trimmedSum(r, n) / (n - 1)), locationFactor, yScale, 'none');
    }
    const { windowSs, best } = locationLts(yValues, h);
    const rawScale = Math.sqrt(windowSs / h) * ltsConsistencyFactor(h, n) * smallSample(false);
    return finish(design, 1, yValues, h, best, () => rawScale, locationFactor, yScale, 'none');
  }

  for (let j = 0; j < columns; j++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) { min = Math.min(min, X[i][j]); max = Math.max(max, X[i][j]); }
    if (min === max) return failed(n, p, h, 'singular', `column ${j} of X is constant (${min}); drop it and fit an intercept`);
  }
  if (leastSquares(design, p, yValues, all) === null) return failed(n, p, h, 'singular', 'the columns of X (with the intercept) are collinear');

  if (alpha >= 1) {
    return finish(design, p, yValues, n, all, (r) => Math.sqrt(trimmedSum(r, n) / (n - p)), reweightedFactor, yScale, 'none');
  }

  // The search's design: standardised columns, intercept last (rfstatis).
  const z = new Float64Array(n * p);
  for (let j = 0; j < columns; j++) {
    const column = Float64Array.from({ length: n }, (_, i) => X[i][j]);
    const { centre, scale } = columnScale(column, intercept);
    for (let i = 0; i < n; i++) z[i * p + j] = (column[i] - centre) / scale;
  }
  if (intercept) for (let i = 0; i < n; i++) z[i * p + p - 1] = 1;
  const ys = yValues.map((v) => (v - yStats.centre) / yStats.scale);
  const found = fastLts({ n, p, z, y: ys }, h, nSamples, seed);
  if (found === null) return failed(n, p, h, 'singular', 'every p-subset was singular; no start for the C-steps');
  const rawFactor = ltsConsistencyFactor(h, n) * smallSample(false);
  return finish(design, p, yValues, h, found.best, (r) => Math.sqrt(trimmedSum(r, h) / h) * rawFactor, reweightedFactor, yScale, found.search);
}
