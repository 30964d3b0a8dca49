/**
 * Correlation coefficients and order statistics (pure f64).
 *
 * Contract: `x` and `y` have the same length n >= 2 and hold finite numbers; callers validate.
 * The coefficient is undefined when either sample has zero variance (all values equal); the
 * functions then return NaN, and callers that face users must turn that into a typed error.
 */

/** Pearson product-moment correlation, two-pass (centred) for accuracy. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i];
    meanY += y[i];
  }
  meanX /= n;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  // Clamp: rounding can push |r| a hair past 1 for perfectly collinear data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Ranks 1..n with ties given the average of the ranks they span (the "fractional" ranking used
 * by Spearman's rho, e.g. [10, 20, 20, 30] -> [1, 2.5, 2.5, 4]).
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 (0-based) hold ranks start+1..end; their mean is (start+1+end)/2.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's rank correlation: Pearson on average ranks (exact with ties, unlike 1 - 6Σd²/…). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** Scratch for kthSmallest: LTS selects from millions of small residual vectors, so none is allocated per call. */
let selectScratch = new Float64Array(256);

/**
 * The k-th smallest (0-based) of values, equal to `Float64Array.from(values).sort()[k]` for values
 * without NaN (NaN has no place in `<` order; callers map it to ±Infinity first). Quickselect
 * (Hoare partition, median-of-three pivot, insertion sort below 16 elements) on a scratch copy:
 * linear on average, where the sort it replaces is O(n log n) plus an allocation per call.
 */
export function kthSmallest(values: ArrayLike<number>, k: number): number {
  const n = values.length;
  if (!(k >= 0 && k < n)) throw new RangeError(`kthSmallest: k must be in [0, ${n - 1}], received ${k}`);
  if (selectScratch.length < n) selectScratch = new Float64Array(Math.max(n, 2 * selectScratch.length));
  const a = selectScratch;
  for (let i = 0; i < n; i++) a[i] = values[i];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo >= 16) {
    const mid = (lo + hi) >>> 1;
    // Order a[lo] ≤ a[mid] ≤ a[hi]; the ends then stop both scans below without bounds checks.
    if (a[mid] < a[lo]) { const t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
    if (a[hi] < a[lo]) { const t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
    if (a[hi] < a[mid]) { const t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    // Now a[lo..j] ≤ pivot ≤ a[i..hi], and every element strictly between j and i equals pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
  return a[k];
}

/** Median of the values (average of the two middle values for even length); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

/** Percentile (0..100) with linear interpolation between order statistics (numpy's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
