/**
 * Node-only loader for the RETU data folder (data/retu): index.json lists every cache file,
 * released_hparams.json holds the released fit settings. The only module in src/ceiling that
 * touches the file system.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrimfitError } from '../api/errors';
import { buildRetuCurves, type RetuCurve, type RlBranchJson, type SftCurveJson, type ReleasedHparamsJson } from './retu.js';

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new TrimfitError('file-not-found', path, 'a readable file', code, `${path}: cannot read (${code})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new TrimfitError('parse-error', path, 'valid JSON', (e as Error).message, `${path}: not valid JSON (${(e as Error).message})`);
  }
}

interface IndexRow {
  json: string;
  kind: 'sft' | 'sft_then_rl';
  nPoints: number;
}

function indexRows(index: unknown, path: string): IndexRow[] {
  const files = typeof index === 'object' && index !== null ? (index as Record<string, unknown>).files : undefined;
  if (!Array.isArray(files)) throw new TrimfitError('parse-error', `${path}:files`, 'an array of file rows', files);
  return files.map((row: unknown, i) => {
    const r = (typeof row === 'object' && row !== null ? row : {}) as Record<string, unknown>;
    if (typeof r.json !== 'string') throw new TrimfitError('parse-error', `${path}:files[${i}].json`, 'a relative file path', r.json);
    if (r.kind !== 'sft' && r.kind !== 'sft_then_rl') throw new TrimfitError('parse-error', `${path}:files[${i}].kind`, 'sft or sft_then_rl', r.kind);
    if (typeof r.n_points !== 'number' || !Number.isInteger(r.n_points)) throw new TrimfitError('parse-error', `${path}:files[${i}].n_points`, 'an integer', r.n_points);
    return { json: r.json, kind: r.kind, nPoints: r.n_points };
  });
}

/**
 * Reads every file listed in `<dir>/index.json` plus `<dir>/released_hparams.json` and builds the
 * fit datasets (see `buildRetuCurves`). Throws TrimfitError 'file-not-found' or 'parse-error'
 * naming the file when one is missing, is not JSON, breaks its schema, or disagrees with the
 * index about its number of points.
 */
export async function readRetuDir(dir: string): Promise<RetuCurve[]> {
  const indexPath = join(dir, 'index.json');
  const rows = indexRows(await readJson(indexPath), indexPath);
  const releasedPath = join(dir, 'released_hparams.json');
  const [contents, released] = await Promise.all([Promise.all(rows.map((r) => readJson(join(dir, r.json)))), readJson(releasedPath)]);

  const sft: unknown[] = [];
  const sftNames: string[] = [];
  const rl: unknown[] = [];
  const rlNames: string[] = [];
  rows.forEach((row, i) => {
    const path = join(dir, row.json);
    const nPoints = (contents[i] as { points?: unknown } | null)?.points;
    if (!Array.isArray(nPoints) || nPoints.length !== row.nPoints) {
      throw new TrimfitError('parse-error', `${path}:points`, `${row.nPoints} points as listed in ${indexPath}`, nPoints);
    }
    (row.kind === 'sft' ? sft : rl).push(contents[i]);
    (row.kind === 'sft' ? sftNames : rlNames).push(path);
  });

  // buildRetuCurves validates every object against its schema, naming the file on failure.
  return buildRetuCurves(
    { sft: sft as SftCurveJson[], rl: rl as RlBranchJson[], released: released as ReleasedHparamsJson },
    { sft: sftNames, rl: rlNames, released: releasedPath },
  );
}
