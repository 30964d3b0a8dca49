/**
 * Result exports: JSON (rows with the settings and backend of the run that produced them) and a
 * flat CSV with one row per curve. Non-finite numbers are written as null / empty cells, never as NaN.
 */
import type { PageRow, RunProvenance } from './protocol.js';

const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

/** `run` is null only when there are no rows (no run yet). */
export function rowsJson(rows: PageRow[], run: RunProvenance | null): string {
  return JSON.stringify(
    {
      generator: 'trimfit sweep page',
      settings: run?.settings ?? null,
      backend: run?.backend ?? null,
      run: run ? { startedAt: run.startedAt, finishedAt: run.finishedAt, state: run.state } : null,
      results: rows,
    },
    (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}

const CSV_COLUMNS: Array<[string, (r: PageRow) => string | number | null]> = [
  ['id', (r) => r.id],
  ['dataset', (r) => r.dataset],
  ['model', (r) => r.model],
  ['sft_step', (r) => r.sftStep],
  ['x_sft', (r) => r.xSft],
  ['p_sft', (r) => r.pSft],
  ['a_post', (r) => r.aPost],
  ['a_post_lower', (r) => r.ci?.intervals.aPost?.lower ?? null],
  ['a_post_upper', (r) => r.ci?.intervals.aPost?.upper ?? null],
  ['pl_rl', (r) => r.plRl],
  ['pl_rl_lower', (r) => r.ci?.intervals.plRl?.lower ?? null],
  ['pl_rl_upper', (r) => r.ci?.intervals.plRl?.upper ?? null],
  ['c_mid', (r) => r.cMid],
  ['c_mid_lower', (r) => r.ci?.intervals.cMid?.lower ?? null],
  ['c_mid_upper', (r) => r.ci?.intervals.cMid?.upper ?? null],
  ['b', (r) => r.b],
  ['b_lower', (r) => r.ci?.intervals.b?.lower ?? null],
  ['b_upper', (r) => r.ci?.intervals.b?.upper ?? null],
  ['epsilon', (r) => r.epsilon],
  ['ci_level', (r) => r.ci?.level ?? null],
  ['params', (r) => Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')],
  ['train_start', (r) => r.hyper?.trainStart ?? null],
  ['train_end', (r) => r.hyper?.trainEnd ?? null],
  ['val_start', (r) => r.hyper?.valStart ?? null],
  ['val_end', (r) => r.hyper?.valEnd ?? null],
  ['tau', (r) => r.hyper?.tau ?? null],
  ['lts', (r) => (r.hyper ? String(r.hyper.lts) : null)],
  ['alpha', (r) => (r.hyper?.lts ? r.hyper.alpha : null)],
  ['free_epsilon', (r) => (r.hyper ? String(r.hyper.freeEpsilon) : null)],
  ['r2_train', (r) => r.r2Train],
  ['r2_val', (r) => r.r2Val],
  ['rmse_val', (r) => r.rmseVal],
  ['score', (r) => r.score],
  ['status', (r) => r.status],
  ['message', (r) => r.message],
  ['warnings', (r) => r.warnings.map((w) => w.code).join(' ')],
  ['warning_messages', (r) => r.warnings.map((w) => `${w.code}: ${w.message}`).join('; ')],
  ['settings_tried', (r) => r.settingsTried],
  ['stage1_rejected', (r) => r.stage1Rejected.join(' ')],
  ['lts_trimmed', (r) => r.ltsTrimmed.join(' ')],
];

function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return finite(v) === null ? '' : String(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function rowsCsv(rows: PageRow[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map(([, get]) => cell(get(r))).join(','));
  return lines.join('\n') + '\n';
}
