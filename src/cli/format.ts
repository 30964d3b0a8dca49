/** Readable tables for the terminal. */
import type { CeilingRow } from '../ceiling/analysis.js';
import type { MinLossCeilingCorrelation, SftRegimeAnalysis } from '../ceiling/regimes.js';
import type { LtsResult } from '../api/lts.js';
import type { FailedFit, FitResult, FitWarning, FitWarningCode } from '../api/result.js';
import type { Interval } from '../core/bootstrap.js';
import type { Hyper } from '../core/pipeline.js';

function fixed(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function formatCeilingTable(rows: CeilingRow[], search: string): string {
  const head = ['dataset', 'SFT step', 'P_sft', 'A_post', 'A_post 95% CI', 'PL_rl', 'ε', 'C_mid', 'B', 'train', 'τ', 'LTS α', 'ε fit', 'r2Val', 'status', 'check'];
  const body = rows.map((r) => [
    r.dataset,
    String(r.sftStep),
    fixed(r.pSft, 2),
    fixed(r.aPost, 2),
    r.ci ? `[${fixed(r.ci.aPost.lower, 2)}, ${fixed(r.ci.aPost.upper, 2)}]` : '—',
    fixed(r.plRl, 2),
    fixed(r.epsilon, 2),
    fixed(r.cMid, 1),
    fixed(r.b, 3),
    ...settingCells(r.hyper, r.inlierMask.length),
    fixed(r.r2Val, 3),
    r.status,
    checkTags(r.warnings),
  ]);
  return [
    `Plasticity–Ceiling table (search: ${search}; scores in %, C_mid in EFLOPs${rows.some((r) => r.hyper && r.hyper.trainEnd > r.inlierMask.length) ? '; train a:n* = the setting\'s range ends past the curve\'s n points' : ''})`,
    ...alignedTable(head, body),
    ...checkNotes(rows),
  ].join('\n');
}

/**
 * A chosen setting's cells (train range, τ, LTS α, ε fit), '—' without one. A range past the
 * curve's n points (some released settings) reads as fitted, clipped, and is marked with *.
 */
function settingCells(h: Hyper | null | undefined, n: number): [train: string, tau: string, alpha: string, epsilon: string] {
  if (!h) return ['—', '—', '—', '—'];
  return [h.trainEnd > n ? `${h.trainStart}:${n}*` : `${h.trainStart}:${h.trainEnd}`, String(h.tau), h.lts ? String(h.alpha) : 'off', h.freeEpsilon ? 'free' : 'fixed'];
}

/** Header, rule and rows with aligned columns: the first left-aligned, the others right-aligned. */
function alignedTable(head: string[], body: string[][]): string[] {
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j < 1 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/** The check column: each warning's short tag. */
function checkTags(warnings: readonly FitWarning[]): string {
  return warnings.map((w) => WARNING_TAGS[w.code]).join(',');
}

/** Below a table: the tags' key and every flagged row's full messages (nothing when no row is flagged). */
function checkNotes(rows: ReadonlyArray<{ id: string; warnings: readonly FitWarning[] }>): string[] {
  const notes = rows.filter((r) => r.warnings.length > 0).map((r) => `  ${r.id}: ${r.warnings.map((w) => w.message).join('; ')}`);
  return notes.length > 0 ? ['', `check (${Object.entries(WARNING_TAGS).map(([code, tag]) => `${tag} = ${code}`).join(', ')}):`, ...notes] : [];
}

/** One row of `trimfit sweep`: a curve, its P_sft (when it has one) and its result. */
export interface SweepRow {
  id: string;
  n: number;
  pSft?: number;
  result: FitResult | FailedFit;
}

/** A sigmoid fit of a curve with a P_sft: its ceiling A_post = P_sft + u and the interval of u moved by P_sft. Empty otherwise. */
export function ceilingOf(row: Pick<SweepRow, 'pSft' | 'result'>): { aPost?: number; aPostCi?: Interval | null } {
  const r = row.result.status === 'failed' ? null : (row.result as FitResult);
  if (row.pSft === undefined || r?.model !== 'sigmoid') return {};
  const u = r.ci?.params.u;
  return { aPost: row.pSft + r.params.u, aPostCi: u ? { lower: row.pSft + u.lower, upper: row.pSft + u.upper } : null };
}

/**
 * `trimfit sweep`'s table: per curve its points, status, every parameter (with its bootstrap
 * interval where there is one), the chosen setting, r2Val and the check tags; failed curves give
 * their message below the table.
 */
export function formatSweepTable(rows: SweepRow[], title: string): string {
  const fitted = rows.map((r) => (r.result.status === 'failed' ? null : (r.result as FitResult)));
  const names = Object.keys(fitted.find((r) => r !== null)?.params ?? {});
  const withEpsilon = fitted.some((r) => r?.model === 'sigmoid');
  // Any model fits the gain y − P_sft where a curve has a P_sft, so the column shows whenever one
  // does: a linear fit's intercept of 4.4 on scores of 52 to 80 was otherwise unexplained.
  const withPSft = rows.some((row) => row.pSft !== undefined);
  const withCeiling = rows.some((row) => ceilingOf(row).aPost !== undefined);
  const head = ['curve', 'n', 'status', ...(withPSft ? ['P_sft'] : []), ...(withCeiling ? ['A_post'] : []), ...names, 'train', 'τ', 'LTS α', ...(withEpsilon ? ['ε fit'] : []), 'r2Val', 'check'];
  const body = rows.map((row, k) => {
    const r = fitted[k];
    const { aPost, aPostCi } = ceilingOf(row);
    const ceiling = aPost === undefined || r?.status === 'non-finite' ? '—' : aPostCi ? `${precise(aPost, 4)} [${precise(aPostCi.lower, 4)}, ${precise(aPostCi.upper, 4)}]` : precise(aPost, 4);
    // Four significant digits: the parameters' scales differ by orders of magnitude.
    const param = (name: string) => {
      const v = r?.params[name];
      // A non-finite fit's parameters are where the solver started (b 0.05, u 0), no estimate.
      if (v === undefined || r?.status === 'non-finite') return '—';
      // A parameter held fixed (the sigmoid's c0 without a free ε) has no standard error and no interval.
      if (!Object.hasOwn(r!.standardErrors, name)) return `${precise(v, 4)} fixed`;
      const ci = r?.ci?.params[name];
      return ci ? `${precise(v, 4)} [${precise(ci.lower, 4)}, ${precise(ci.upper, 4)}]` : precise(v, 4);
    };
    const [train, tau, alpha, epsilon] = settingCells(r?.hyper, row.n);
    return [
      row.id,
      String(row.n),
      row.result.status,
      ...(withPSft ? [row.pSft === undefined ? '—' : precise(row.pSft, 4)] : []),
      ...(withCeiling ? [ceiling] : []),
      ...names.map(param),
      train,
      tau,
      alpha,
      // Only the sigmoid has an ε; another model's row shows none beside a sigmoid's.
      ...(withEpsilon ? [r?.model === 'sigmoid' ? epsilon : '—'] : []),
      fixed(r?.r2Val, 3),
      r ? checkTags(r.warnings) : '',
    ];
  });
  const failed = rows.filter((r) => r.result.status === 'failed').map((r) => `  ${r.id}: ${r.result.message}`);
  // A fit that ended singular, non-finite or at the iteration limit says why only in its message,
  // which the check column does not carry.
  const unconverged = fitted.flatMap((r, k) => (r && !r.success ? [`  ${rows[k].id} (${r.status}): ${r.message}`] : []));
  return [
    withPSft ? `${title}; parameters of the gain y − P_sft where a curve has a P_sft` : title,
    ...alignedTable(head, body),
    ...checkNotes(rows.map((row, k) => ({ id: row.id, warnings: fitted[k]?.warnings ?? [] }))),
    ...(failed.length > 0 ? ['', 'failed:', ...failed] : []),
    ...(unconverged.length > 0 ? ['', 'not converged:', ...unconverged] : []),
  ].join('\n');
}

/** Short tags for the table's check column; the notes below it give the full messages. */
const WARNING_TAGS: Record<FitWarningCode, string> = {
  'poor-validation': 'val',
  'poor-train-fit': 'train',
  'no-validation': 'noval',
  'parameter-at-bound': 'bound',
  'negative-gain': 'u<0',
  'few-resamples': 'boot',
  'lts-not-run': 'nolts',
};

export function formatRegimes(regimes: SftRegimeAnalysis[], correlation: MinLossCeilingCorrelation | null): string {
  const lines = [`SFT regimes (δ = ${regimes[0]?.delta ?? 0.02}, δ2 = ${regimes[0]?.delta2 ?? 0.1})`];
  for (const r of regimes) {
    lines.push(`${r.dataset}: min val loss ${r.minValLoss} at step ${r.minValLossStep}; stable ${r.stableFirstStep}–${r.stableLastStep}; switch to RL at step ${r.recommendedSwitchStep}; best A_post ${fixed(r.highestAPost, 2)} (step ${r.highestAPostStep ?? '—'}, ${r.highestAPostRegime ?? '—'})`);
    lines.push('  ' + r.checkpoints.map((c) => `${c.sftStep}:${c.regime}${c.aPost === null ? '' : `(${c.aPost.toFixed(1)})`}`).join('  '));
  }
  if (correlation) lines.push(`min val loss vs best A_post over ${correlation.n} datasets: Pearson ${correlation.pearson.toFixed(3)}, Spearman ${correlation.spearman.toFixed(3)}`);
  return lines.join('\n');
}

/** A number to `digits` significant digits, or '—' where there is none (NaN, ±Infinity). */
function precise(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toPrecision(digits) : '—';
}

/** `trimfit lts` as text: status first, so a result without an estimate says why. */
export function formatLts(r: LtsResult, n: number): string {
  return [
    `LTS (h = ${r.h} of ${n}): ${r.status}${r.message ? ` (${r.message})` : ''}`,
    `  objective             ${precise(r.objective, 8)}`,
    `  raw coefficients      ${Array.from(r.rawCoefficients, (v) => precise(v, 6)).join('  ')}  (scale ${precise(r.rawScale, 6)})`,
    `  reweighted            ${Array.from(r.coefficients, (v) => precise(v, 6)).join('  ')}  (scale ${precise(r.scale, 6)})`,
  ].join('\n');
}
