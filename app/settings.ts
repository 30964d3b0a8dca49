/**
 * Run settings <-> the page's query string, so a view can be shared by its URL. Every value is
 * checked on the way in; a bad one is reported (field, expected range, value received) and replaced
 * by its default rather than silently turned into NaN.
 */
import { DEFAULTS, FULL_GRID, MODEL_NAMES, TrimfitError, type GridSpec, type ModelName, type SearchMode } from '../src/index.js';
import type { RunSettings } from './protocol.js';
import { PAGE_BACKENDS, type PageBackendChoice } from './backend.js';

export const SEARCH_MODES: readonly SearchMode[] = ['full', 'released', 'none'];

export const DEFAULT_SETTINGS: RunSettings = {
  model: DEFAULTS.model,
  search: 'full',
  grid: FULL_GRID,
  seed: DEFAULTS.seed,
  ltsStarts: DEFAULTS.ltsStarts,
  bootstrapResamples: 0,
  gapWeight: DEFAULTS.gapWeight,
  scoreCap: null,
  scoreFloor: null,
  backend: 'auto',
};

/** View state that is not a run setting but belongs in a shared link. */
export interface ViewState {
  /** Id of the selected curve. @default null */
  selected: string | null;
  /** Log-scaled x axis on the fit plot. @default false */
  logX: boolean;
}

const list = (v: readonly unknown[]): string => v.join(',');

function numberList(text: string, field: string, min: number, max: number, minExclusive = false): number[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new TrimfitError('invalid-option', field, 'a comma-separated list of numbers', text);
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v) || v < min || v > max || (minExclusive && v === min))
      throw new TrimfitError('invalid-option', field, `numbers in ${minExclusive ? '(' : '['}${min}, ${max}]`, p);
    return v;
  });
}

function integer(text: string, field: string, min: number, max: number): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min || v > max) throw new TrimfitError('invalid-option', field, `an integer in [${min}, ${max}]`, text);
  return v;
}

/** A score bound: a number in the units of y, or empty for none. */
function optionalScore(text: string, field: string): number | null {
  if (text === '') return null;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new TrimfitError('invalid-option', field, 'a number, or empty for none', text);
  return v;
}

/** LTS setting list: "off" and/or α values in [0.5, 1]. */
function alphaList(text: string): (number | null)[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new TrimfitError('invalid-option', 'alpha', '"off" and/or α values in [0.5, 1]', text);
  return parts.map((p) => (p === 'off' ? null : numberList(p, 'alpha', 0.5, 1)[0]));
}

function epsilonList(text: string): boolean[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p !== 'fixed' && p !== 'free')) throw new TrimfitError('invalid-option', 'eps', '"fixed" and/or "free"', text);
  return [...new Set(parts)].map((p) => p === 'free');
}

type Field = keyof typeof PARSERS;

/** One parser per query key; each returns the settings change for a valid value or throws. */
const PARSERS = {
  model: (v: string): Partial<RunSettings> => {
    if (!(MODEL_NAMES as readonly string[]).includes(v)) throw new TrimfitError('unknown-model', 'model', `one of ${MODEL_NAMES.join(', ')}`, v);
    return { model: v as ModelName };
  },
  search: (v: string): Partial<RunSettings> => {
    if (!(SEARCH_MODES as readonly string[]).includes(v)) throw new TrimfitError('invalid-option', 'search', `one of ${SEARCH_MODES.join(', ')}`, v);
    return { search: v as SearchMode };
  },
  fe: (v: string, g: GridSpec): Partial<RunSettings> => ({ grid: { ...g, trainEndFractions: numberList(v, 'fe', 0, 1, true) } }),
  fs: (v: string, g: GridSpec): Partial<RunSettings> => ({ grid: { ...g, trainStartFractions: numberList(v, 'fs', 0, 1) } }),
  tau: (v: string, g: GridSpec): Partial<RunSettings> => ({ grid: { ...g, taus: numberList(v, 'tau', 0, 1e6, true) } }),
  alpha: (v: string, g: GridSpec): Partial<RunSettings> => ({ grid: { ...g, ltsAlphas: alphaList(v) } }),
  eps: (v: string, g: GridSpec): Partial<RunSettings> => ({ grid: { ...g, freeEpsilon: epsilonList(v) } }),
  seed: (v: string): Partial<RunSettings> => ({ seed: integer(v, 'seed', 0, 0xffffffff) }),
  starts: (v: string): Partial<RunSettings> => ({ ltsStarts: integer(v, 'starts', 1, 1e7) }),
  boot: (v: string): Partial<RunSettings> => ({ bootstrapResamples: integer(v, 'boot', 0, 1e6) }),
  g: (v: string): Partial<RunSettings> => ({ gapWeight: numberList(v, 'g', 0, 1e6)[0] }),
  // Empty: no cap.
  cap: (v: string): Partial<RunSettings> => ({ scoreCap: optionalScore(v, 'cap') }),
  floor: (v: string): Partial<RunSettings> => ({ scoreFloor: optionalScore(v, 'floor') }),
  backend: (v: string): Partial<RunSettings> => {
    if (!(PAGE_BACKENDS as readonly string[]).includes(v)) throw new TrimfitError('invalid-option', 'backend', `one of ${PAGE_BACKENDS.join(', ')}`, v);
    return { backend: v as PageBackendChoice };
  },
};

export const SETTING_FIELDS = Object.keys(PARSERS) as Field[];

/** The query-string value of each field for `s`. */
export function settingValues(s: RunSettings): Record<Field, string> {
  return {
    model: s.model,
    search: s.search,
    fe: list(s.grid.trainEndFractions),
    fs: list(s.grid.trainStartFractions),
    tau: list(s.grid.taus),
    alpha: s.grid.ltsAlphas.map((a) => (a === null ? 'off' : a)).join(','),
    eps: s.grid.freeEpsilon.map((f) => (f ? 'free' : 'fixed')).join(','),
    seed: String(s.seed),
    starts: String(s.ltsStarts),
    boot: String(s.bootstrapResamples),
    g: String(s.gapWeight),
    cap: s.scoreCap === null ? '' : String(s.scoreCap),
    floor: s.scoreFloor === null ? '' : String(s.scoreFloor),
    backend: s.backend,
  };
}

/** Applies field values (from the URL or the form) over the defaults; bad values become errors. */
export function parseSettings(values: Partial<Record<string, string>>): { settings: RunSettings; errors: TrimfitError[] } {
  let settings = { ...DEFAULT_SETTINGS };
  const errors: TrimfitError[] = [];
  for (const field of SETTING_FIELDS) {
    const v = values[field];
    if (v === undefined) continue;
    try {
      settings = { ...settings, ...PARSERS[field](v.trim(), settings.grid) };
    } catch (e) {
      if (!(e instanceof TrimfitError)) throw e;
      errors.push(e);
    }
  }
  return { settings, errors };
}

/** Query keys of the view state (not run settings). */
const VIEW_KEYS = ['sel', 'xlog'];

/** A query parameter the page did not use, and why. */
export interface IgnoredParam {
  key: string;
  value: string;
  /** What was expected and what the page uses instead. */
  reason: string;
}

/**
 * Settings and view from a query string. A bad value is replaced by its default and listed in
 * `ignored` with what was expected, as is a key the page does not know, so a mistyped link says
 * what it did not apply instead of quietly showing the defaults.
 */
export function readUrl(search: string): { settings: RunSettings; view: ViewState; ignored: IgnoredParam[] } {
  const q = new URLSearchParams(search);
  const values: Record<string, string> = {};
  q.forEach((v, k) => (values[k] = v));
  const { settings, errors } = parseSettings(values);
  const defaults = settingValues(DEFAULT_SETTINGS);
  const ignored: IgnoredParam[] = errors.map((e) => {
    const key = e.field as Field;
    return { key, value: values[key] ?? '', reason: `expected ${e.expected}, received ${e.received}; using the default ${defaults[key] === '' ? '(none)' : defaults[key]}` };
  });
  for (const key of Object.keys(values)) {
    if (!(SETTING_FIELDS as string[]).includes(key) && !VIEW_KEYS.includes(key)) ignored.push({ key, value: values[key], reason: `unknown parameter; the page reads ${[...SETTING_FIELDS, ...VIEW_KEYS].join(', ')}` });
  }
  const xlog = q.get('xlog');
  if (xlog !== null && xlog !== '1' && xlog !== '0') ignored.push({ key: 'xlog', value: xlog, reason: 'expected 1 or 0; using a linear x axis' });
  return { settings, view: { selected: q.get('sel'), logX: xlog === '1' }, ignored };
}

/** The query string for a view; only values that differ from the defaults are written. */
export function toQuery(s: RunSettings, view: ViewState): string {
  const q = new URLSearchParams();
  const now = settingValues(s);
  const defaults = settingValues(DEFAULT_SETTINGS);
  for (const f of SETTING_FIELDS) if (now[f] !== defaults[f]) q.set(f, now[f]);
  if (view.selected !== null) q.set('sel', view.selected);
  if (view.logX) q.set('xlog', '1');
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}
