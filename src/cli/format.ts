/** Readable tables for the terminal. */
import type { CeilingRow } from '../ceiling/analysis.js';

function fixed(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function formatCeilingTable(rows: CeilingRow[], search: string): string {
  const head = ['dataset', 'SFT step', 'P_sft', 'A_post', 'A_post 95% CI', 'PL_rl', 'ε', 'C_mid', 'B', 'train', 'τ', 'LTS α', 'r2Val', 'status'];
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
    r.hyper ? `${r.hyper.trainStart}:${r.hyper.trainEnd}` : '—',
    r.hyper ? String(r.hyper.tau) : '—',
    r.hyper ? (r.hyper.lts ? String(r.hyper.alpha) : 'off') : '—',
    fixed(r.r2Val, 3),
    r.status,
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((row) => row[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j < 1 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [`Plasticity–Ceiling table (search: ${search}; scores in %, C_mid in EFLOPs)`, line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
