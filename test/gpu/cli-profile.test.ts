// `trimfit bench --profile-kernels` on the test adapter: every layout timed at n = 64 (quick),
// the JSON on stdout and in --out, and the table naming the fastest layout.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from './gpu-harness.js';
import { LTS_KERNEL_VARIANTS, type KernelProfileReport } from '../../src/index.js';

describe('trimfit bench --profile-kernels', () => {
  it('--json prints the profile and --out writes it as kernel-profile-<device>.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trimfit-profile-'));
    const r = await run(['bench', '--profile-kernels', '--quick', '--json', '--out', dir]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as KernelProfileReport;
    expect(report.rows.map((row) => row.variant)).toEqual(Object.keys(LTS_KERNEL_VARIANTS));
    for (const row of report.rows) {
      expect(row.n).toBe(64);
      expect(row.checkF64!.agree).toBe(row.checkF64!.jobs);
    }
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^kernel-profile-.*swiftshader.*\.json$/);
    expect(JSON.parse(readFileSync(join(dir, file), 'utf8')).rows).toEqual(report.rows);
    expect(r.stderr).toContain(`wrote ${join(dir, file)}`);
  });

  it('prints a table that names the fastest layout', async () => {
    const r = await run(['bench', '--profile-kernels', '--quick']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| n \| variant \| passes cand\.\/s \(GPU clock\) \| GPU only cand\.\/s/m);
    const rows = r.stdout.split('\n').filter((line) => /^\| 64 \| /.test(line));
    expect(rows).toHaveLength(Object.keys(LTS_KERNEL_VARIANTS).length);
    const named = /fastest at n = 64: (\S+)/.exec(r.stdout)?.[1];
    expect(Object.keys(LTS_KERNEL_VARIANTS)).toContain(named);
    // The row it names has the highest GPU-only rate in the table.
    const rate = (line: string) => Number(line.split('|')[3]);
    const top = rows.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    expect(top).toContain(`| ${named} |`);
  });
});
