/**
 * The curves the page fits: the paper's RETU branches bundled at build time, and files a user
 * loads (CSV `x,y`, `curve,x,y` or wide `x,<curve>,…`; trimfit JSON `{x, y}` / `{points}` or an
 * array of those with `id`; RETU JSON files). Loading is all-or-nothing per batch of files: a bad
 * file throws a TrimfitError naming the file, row and column, and nothing already loaded changes.
 * A curve too short to fit is left out of its file with a note, as a run that stopped early in a
 * W&B export would otherwise keep its file's other runs from loading.
 */
import { buildRetuCurves, curveFileNotes, parseCurvesFile, TrimfitError, type CurveFileOptions, type ParsedCurve, type RetuCurve } from '../src/index.js';
import type { CurveTask } from './protocol.js';

export interface LoadedCurve {
  id: string;
  dataset: string;
  task: CurveTask;
  /** Points sorted by x, in the units fitted (gain over P_sft for RETU branches). */
  x: Float64Array;
  y: Float64Array;
  /** Added to y for display (RETU: the branch checkpoint's score); 0 otherwise. */
  yOffset: number;
  /** Axis labels of an uploaded curve: its CSV headers where the file has them (ParsedCurve). */
  xLabel?: string;
  yLabel?: string;
  embedded: boolean;
}

type RetuJson = Parameters<typeof buildRetuCurves>[0];

// Vite inlines these at build time; the dev server reads them through server.fs.allow.
const CACHE_FILES = import.meta.glob('../../shared/data/retu/cache/**/*.json', { eager: true, import: 'default' }) as Record<string, unknown>;
const RELEASED = import.meta.glob('../../shared/data/retu/released_hparams.json', { eager: true, import: 'default' }) as Record<string, unknown>;

function retuCurve(c: RetuCurve, embedded: boolean): LoadedCurve {
  return { id: c.id, dataset: c.dataset, task: { kind: 'retu', curve: c }, x: c.x, y: c.y, yOffset: c.pSft, embedded };
}

const SCHEMA_SFT = 'retu.sft_curve.v1';
const SCHEMA_RL = 'retu.rl_branch_curve.v1';

const schemaOf = (doc: unknown): unknown => (typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).schema : undefined);
const isReleasedHparams = (doc: unknown): boolean => typeof doc === 'object' && doc !== null && 'provenance' in doc && 'curves' in doc;

/** Sorts RETU documents into SFT curves, RL branches and released settings, keeping their names. */
function groupRetu(docs: Array<{ name: string; doc: unknown }>) {
  const sft: Array<{ name: string; doc: unknown }> = [];
  const rl: Array<{ name: string; doc: unknown }> = [];
  let released: { name: string; doc: unknown } | undefined;
  for (const d of docs) {
    if (schemaOf(d.doc) === SCHEMA_SFT) sft.push(d);
    else if (schemaOf(d.doc) === SCHEMA_RL) rl.push(d);
    else if (isReleasedHparams(d.doc)) released = d;
  }
  return { sft, rl, released };
}

function build(sft: Array<{ name: string; doc: unknown }>, rl: Array<{ name: string; doc: unknown }>, released: { name: string; doc: unknown } | undefined): RetuCurve[] {
  return buildRetuCurves(
    { sft: sft.map((d) => d.doc) as RetuJson['sft'], rl: rl.map((d) => d.doc) as RetuJson['rl'], released: released?.doc as RetuJson['released'] },
    { sft: sft.map((d) => d.name), rl: rl.map((d) => d.name), released: released?.name },
  );
}

const embeddedDocs = Object.entries(CACHE_FILES).map(([path, doc]) => ({ name: path.replace(/^.*\/cache\//, 'cache/'), doc }));
const embeddedGroups = groupRetu(embeddedDocs);
const embeddedReleased = Object.entries(RELEASED).map(([path, doc]) => ({ name: path.replace(/^.*\//, ''), doc }))[0];

/** The paper's RL branches (one per unique SFT checkpoint; the five identical ckpt0 copies fold into one). */
export function embeddedCurves(): LoadedCurve[] {
  return build(embeddedGroups.sft, embeddedGroups.rl, embeddedReleased).map((c) => retuCurve(c, true));
}

/** Minimum points for an uploaded curve: fewer cannot give a train and a validation range. */
export const MIN_UPLOAD_POINTS = 5;

/** An uploaded curve sorted by x; with a P_sft its y is the gain over it, as for RETU branches, and the plot adds it back. */
function xyCurve({ id, x: xs, y: ys, field, pSft, xLabel, yLabel }: ParsedCurve, dataset: string): LoadedCurve {
  if (xs.length !== ys.length) throw new TrimfitError('invalid-input', `${field}: y`, `as many values as x (${xs.length})`, `${ys.length} values`);
  // Sorted by x (stable) so row indices of the results match the plotted points.
  const order = Array.from({ length: xs.length }, (_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
  const x = Float64Array.from(order, (i) => xs[i]);
  const y = Float64Array.from(order, (i) => ys[i] - (pSft ?? 0));
  return { id, dataset, task: { kind: 'xy', id, dataset, x, y, ...(pSft === undefined ? {} : { pSft }) }, x, y, yOffset: pSft ?? 0, embedded: false, xLabel, yLabel };
}

/**
 * A CSV or trimfit JSON file (parseCurvesFile): single curves go to the dataset 'upload', a file of
 * several to a dataset named after it. Curves shorter than MIN_UPLOAD_POINTS are left out and
 * named in `notes`, with any W&B columns skipped and columns of text not read; a file with no
 * curve long enough is an error.
 */
function uploadedCurves(name: string, text: string, options: CurveFileOptions): { curves: LoadedCurve[]; notes: string[] } {
  const read = parseCurvesFile(name, text, options);
  const { format, curves } = read;
  const dataset = format === 'csv-xy' || format === 'records-xy' || format === 'json-curve' ? 'upload' : name.replace(/\.[^.]*$/, '');
  const long = curves.filter((c) => c.x.length >= MIN_UPLOAD_POINTS);
  const short = curves.filter((c) => c.x.length < MIN_UPLOAD_POINTS);
  if (long.length === 0) {
    const c = short[0];
    throw new TrimfitError('too-few-points', curves.length === 1 ? c.field : name, `at least ${MIN_UPLOAD_POINTS} points${curves.length === 1 ? '' : ' in one of its curves'}`, `${curves.length === 1 ? '' : `${curves.length} curves of at most `}${Math.max(...curves.map((k) => k.x.length))} points`);
  }
  const notes = [
    ...(short.length > 0 ? [`${name}: left out ${short.length} curve${short.length === 1 ? '' : 's'} with fewer than ${MIN_UPLOAD_POINTS} points: ${short.slice(0, 5).map((c) => `${c.id} (${c.x.length})`).join(', ')}${short.length > 5 ? ', …' : ''}`] : []),
    ...curveFileNotes(name, read, 'give its name as the curve column under Reading files'),
  ];
  return { curves: long.map((c) => xyCurve(c, dataset)), notes };
}

/**
 * Parses a batch of files into curves, with notes on what was left out. RETU RL branches may come
 * without their SFT curves: the bundled ones fill in (the branch point's score comes from the SFT
 * curve of its scene). `options` names the CSV columns and may take P_sft from x = 0 (parseCurvesFile).
 */
export function loadFiles(files: Array<{ name: string; text: string }>, options: CurveFileOptions = {}): { curves: LoadedCurve[]; notes: string[] } {
  const out: LoadedCurve[] = [];
  const notes: string[] = [];
  const upload = (name: string, text: string) => {
    const read = uploadedCurves(name, text, options);
    out.push(...read.curves);
    notes.push(...read.notes);
  };
  const retuDocs: Array<{ name: string; doc: unknown }> = [];
  for (const f of files) {
    if (/\.csv$/i.test(f.name) || (!/\.json$/i.test(f.name) && !f.text.trimStart().startsWith('{') && !f.text.trimStart().startsWith('['))) {
      upload(f.name, f.text);
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(f.text);
    } catch (e) {
      throw new TrimfitError('parse-error', f.name, 'valid JSON', (e as Error).message, `${f.name}: not valid JSON (${(e as Error).message})`);
    }
    if (schemaOf(doc) === SCHEMA_SFT || schemaOf(doc) === SCHEMA_RL || isReleasedHparams(doc)) retuDocs.push({ name: f.name, doc });
    else upload(f.name, f.text);
  }
  if (retuDocs.length > 0) {
    const g = groupRetu(retuDocs);
    if (g.rl.length === 0) throw new TrimfitError('invalid-input', g.sft[0]?.name ?? g.released?.name ?? 'files', 'at least one RETU RL branch file (retu.rl_branch_curve.v1) in the same drop', 'SFT curves or released settings only');
    const scenes = new Set(g.sft.map((d) => (d.doc as { cache_scene?: unknown }).cache_scene));
    const sft = [...g.sft, ...embeddedGroups.sft.filter((d) => !scenes.has((d.doc as { cache_scene?: unknown }).cache_scene))];
    out.push(...build(sft, g.rl, g.released).map((c) => retuCurve(c, false)));
  }
  return { curves: out, notes };
}

/** Gives loaded curves ids unique among `taken` ("name", "name (2)", ...). */
export function uniqueIds(curves: LoadedCurve[], taken: Iterable<string>): LoadedCurve[] {
  const used = new Set(taken);
  return curves.map((c) => {
    let id = c.id;
    for (let k = 2; used.has(id); k++) id = `${c.id} (${k})`;
    used.add(id);
    if (id === c.id) return c;
    const task: CurveTask = c.task.kind === 'retu' ? { kind: 'retu', curve: { ...c.task.curve, id } } : { ...c.task, id };
    return { ...c, id, task };
  });
}
