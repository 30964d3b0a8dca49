// `trimfit bench --pipelines` on the test adapter: case (a) end to end with each chunking of the
// WebGPU pipeline (quick: 4,096 candidates in chunks of 1,024 and 2,048, the second with a new
// result per call), both rounds recorded.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from './gpu-harness.js';
import type { PipelineReport } from '../../src/bench/pipeline.js';

describe('trimfit bench --pipelines', () => {
  it('times each chunking in two rounds, prints the JSON and writes pipeline-<adapter>.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trimfit-pipelines-'));
    const r = await run(['bench', '--pipelines', '--quick', '--json', '--out', dir]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as PipelineReport;
    expect(report.candidates).toBe(4096);
    expect(report.rows.map((row) => [row.chunksInFlight, row.maxCandidatesPerChunk, row.chunks, row.newResultPerCall])).toEqual([[1, 1024, 4, false], [2, 2048, 2, true]]);
    for (const row of report.rows) {
      // One warm call per round, forward then backward.
      expect(row.warmMs).toHaveLength(2);
      expect(row.candidateFitsPerSec).toBeGreaterThan(0);
      expect(Object.keys(row.hostMs).sort()).toEqual(['decode', 'pack', 'prepare', 'upload']);
      expect(row.gpuMs).toBeGreaterThan(0);
    }
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^pipeline-.*swiftshader.*\.json$/);
    expect(JSON.parse(readFileSync(join(dir, file), 'utf8')).rows).toEqual(report.rows);
    expect(r.stderr).toContain('1 in flight × 1024 per chunk');
  });

  it('prints a table with a row per chunking', async () => {
    const r = await run(['bench', '--pipelines', '--quick']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| in flight \| per chunk \| chunks \|/m);
    const rows = r.stdout.split('\n').filter((line) => /^\| [12] \| \d+ \| [24] \|/.test(line));
    expect(rows).toHaveLength(2);
    // Where warm calls wrote, and the median warm time, to 0.1 ms.
    expect(rows.map((row) => row.split('|')[4].trim())).toEqual(['reused', 'new per call']);
    for (const row of rows) expect(row.split('|')[5].trim()).toMatch(/^\d+(\.\d)?$/);
  });
});
