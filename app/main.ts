/**
 * The sweep page: lists the curves (the paper's RETU branches, plus any loaded files), runs the
 * per-curve hyperparameter search in module Web Workers, and shows, plots and exports the ceilings.
 * The main thread only schedules work and renders; every fit runs in a worker.
 */
import type uPlot from 'uplot';
import { EXTRAPOLATION_FACTOR, expandGrid, fitPlotSpec, FIT_PLOT_COLORS, gridFor, isTrimfitError, MODEL_NAMES, plotSvg, RETU_AXIS_LABELS, type CurveFileOptions, type GridSpec, type PlotSeries, type PlotSpec, type RetuCurve } from '../src/index.js';
import { embeddedCurves, loadFiles, uniqueIds, type LoadedCurve } from './data.js';
import { mountPlot, svgToPng } from './plot.js';
import { escapeHtml, htmlText } from './html.js';
import { parseSettings, readUrl, settingValues, SETTING_FIELDS, toQuery, type IgnoredParam, type ViewState } from './settings.js';
import { chooseBackend, detectAdapter, type AdapterInfo } from './backend.js';
import { rowsCsv, rowsJson } from './export.js';
import type { BackendReport, PageRow, RunProvenance, RunSettings, WorkerMessage, WorkerRequest } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} is missing`);
  return el as T;
};

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

const initial = readUrl(location.search);
let settings: RunSettings = initial.settings;
const view: ViewState = initial.view;
const embedded = embeddedCurves();
let uploads: LoadedCurve[] = [];
const rows = new Map<string, PageRow>();
let run: SearchRun | null = null;
/** True from a click on Run until its SearchRun exists (the adapter is awaited in between). */
let starting = false;
/** The settings and engine of the run whose rows are on show (every run starts from an empty table). */
let lastRun: RunProvenance | null = null;
/** What the next run will use, or, during a run, what its workers report. */
let backend: BackendReport | null = null;
let sort: { key: string; desc: boolean } | null = null;

const curves = (): LoadedCurve[] => [...(($('include-embedded') as HTMLInputElement).checked ? embedded : []), ...uploads];
/** Bumped whenever the list of curves changes, so both plots redraw and counts are redone. */
let curvesVersion = 0;
const curveById = (id: string): LoadedCurve | undefined => curves().find((c) => c.id === id);

// ---------------------------------------------------------------------------------------------
// Settings form <-> URL
// ---------------------------------------------------------------------------------------------

const form = $('settings') as HTMLFormElement;
const modelSelect = form.elements.namedItem('model') as HTMLSelectElement;
for (const m of MODEL_NAMES) modelSelect.add(new Option(m, m));

function fillForm(s: RunSettings): void {
  const values = settingValues(s);
  for (const f of SETTING_FIELDS) (form.elements.namedItem(f) as HTMLInputElement | HTMLSelectElement).value = values[f];
}

function writeUrl(): void {
  const query = toQuery(settings, view);
  // replaceState costs the main thread a few ms; most calls (the end of a run) change nothing.
  if (query !== location.search) history.replaceState(null, '', `${location.pathname}${query}`);
}

/** Fits per curve for the current settings (what the progress bar counts). */
function fitsFor(c: LoadedCurve, s: RunSettings): number {
  if (c.task.kind === 'retu') return gridFor(c.task.curve, s.search, s.grid).length;
  return s.search === 'full' ? expandGrid(c.x.length, s.grid).length : 1;
}

/**
 * Settings per run for the loaded curves, and the curves the grid gives no setting (too few points
 * for any of its train/validation splits); expanding every curve's grid is cached, not redone on each call.
 */
const fitCountCache = { key: '', total: 0, tooShort: [] as LoadedCurve[] };
function fitCounts(): { total: number; tooShort: LoadedCurve[] } {
  const key = `${curvesVersion}|${settings.search}|${JSON.stringify(settings.grid)}`;
  if (key !== fitCountCache.key) {
    fitCountCache.key = key;
    const perCurve = curves().map((c) => ({ c, fits: fitsFor(c, settings) }));
    fitCountCache.total = perCurve.reduce((sum, e) => sum + e.fits, 0);
    fitCountCache.tooShort = perCurve.filter((e) => e.fits === 0).map((e) => e.c);
  }
  return fitCountCache;
}

/** Longest curve checked when looking for the fewest points a grid can fit. */
const MAX_POINTS_SEARCHED = 10_000;

/** The fewest points for which the grid has at least one train/validation split, or null. */
function minPointsFor(grid: GridSpec): number | null {
  const oneSetting: GridSpec = { ...grid, taus: grid.taus.slice(0, 1), ltsAlphas: grid.ltsAlphas.slice(0, 1), freeEpsilon: grid.freeEpsilon.slice(0, 1) };
  for (let n = 1; n <= MAX_POINTS_SEARCHED; n++) if (expandGrid(n, oneSetting).length > 0) return n;
  return null;
}

/** Which loaded curves the current grid cannot fit, and what it needs; '' when every curve fits. */
function tooShortText(): string {
  const { tooShort } = fitCounts();
  if (tooShort.length === 0) return '';
  const need = minPointsFor(settings.grid);
  const names = tooShort.map((c) => `${c.id} (${c.x.length} points)`).join(', ');
  const needs = need === null
    ? `no curve of up to ${MAX_POINTS_SEARCHED.toLocaleString()} points gets a setting from this grid`
    : `this grid needs at least ${need} points (${settings.grid.minTrainPoints} to train and ${settings.grid.minValPoints} to validate in one split)`;
  return `Too short for the current grid (no setting fits ${tooShort.length === 1 ? 'it, so it' : 'them, so they'} would fail): ${names}. ${needs[0].toUpperCase()}${needs.slice(1)}.`;
}

function showSettingErrors(errors: Array<{ field: string; message: string }>): void {
  for (const f of SETTING_FIELDS) (form.elements.namedItem(f) as HTMLElement).removeAttribute('aria-invalid');
  for (const e of errors) (form.elements.namedItem(e.field) as HTMLElement | null)?.setAttribute('aria-invalid', 'true');
  $('settings-errors').textContent = errors.map((e) => e.message).join('\n');
}

/** Whether the form's values are all valid (the last check of onSettingsChange). */
let formValid = true;

function onSettingsChange(): void {
  const values: Record<string, string> = {};
  for (const f of SETTING_FIELDS) values[f] = (form.elements.namedItem(f) as HTMLInputElement).value;
  const parsed = parseSettings(values);
  showSettingErrors(parsed.errors);
  formValid = parsed.errors.length === 0;
  if (formValid) {
    const backendChanged = parsed.settings.backend !== settings.backend;
    settings = parsed.settings;
    if (backendChanged && !run) void adapterPromise.then((a) => { backend = chooseBackend(settings.backend, a, cpuWorkers).report; renderBackend(); });
  }
  ($('grid-fields') as HTMLFieldSetElement).disabled = settings.search !== 'full';
  const count = curves().length;
  const { total } = fitCounts();
  ($('run') as HTMLButtonElement).disabled = run !== null || starting || !formValid || count === 0 || total === 0;
  // While a field is invalid the count would be that of the last valid settings, not of the form.
  $('grid-size').textContent = formValid
    ? `${count} curve${count === 1 ? '' : 's'}, ${total.toLocaleString()} setting${total === 1 ? '' : 's'} in all${count > 0 && total === 0 ? ' (nothing to fit)' : ''}`
    : `${count} curve${count === 1 ? '' : 's'}, — settings in all (a field above is invalid)`;
  $('short-curves').textContent = formValid ? tooShortText() : '';
  renderResultsNote();
  writeUrl();
}

/**
 * Marks the rows on show as those of the last run once the form no longer holds its settings, so a
 * changed τ or backend is not mistaken for what produced them (the exports record the run's own).
 */
function renderResultsNote(): void {
  const el = $('results-note');
  let text = '';
  if (lastRun && !run && rows.size > 0) {
    const was = settingValues(lastRun.settings);
    const now = settingValues(settings);
    const changed = SETTING_FIELDS.filter((f) => was[f] !== now[f]);
    if (!formValid || changed.length > 0) {
      text = `Results are from the last run's settings${changed.length > 0 ? ` (${changed.map((f) => `${f} ${was[f]}`).join(', ')})` : ''}`
        + (formValid ? '; press Run to fit with the changed ones.' : '; the form now holds invalid values.');
    }
  }
  if (el.textContent !== text) el.textContent = text;
}

/** Query parameters the page did not apply: listed until the settings form is edited. */
let urlNotices: string[] = initial.ignored.map((p: IgnoredParam) => `ignored: ${p.key}=${p.value} (${p.reason})`);
function renderUrlNotice(): void {
  $('url-notice').textContent = urlNotices.join('\n');
}
form.addEventListener('input', () => {
  urlNotices = [];
  renderUrlNotice();
  onSettingsChange();
});
form.addEventListener('submit', (e) => e.preventDefault());

// ---------------------------------------------------------------------------------------------
// Loading files
// ---------------------------------------------------------------------------------------------

function loadMessage(text: string, kind: 'ok' | 'warn' | 'error'): void {
  const el = $('load-message');
  el.textContent = text;
  el.className = `message ${kind}`;
  el.setAttribute('role', kind === 'ok' ? 'status' : 'alert');
}

/** How to read the next files, from the Data section: CSV column names (blank fields keep parseCurvesFile's defaults) and where P_sft comes from. */
function fileOptions(): CurveFileOptions {
  const out: CurveFileOptions = { pSftAtX0: ($('psft-at-x0') as HTMLInputElement).checked };
  for (const key of ['x', 'y', 'curve'] as const) {
    const v = ($(`column-${key}`) as HTMLInputElement).value.trim();
    if (v !== '') out[key] = v;
  }
  return out;
}

async function onFiles(list: FileList | null): Promise<void> {
  if (!list || list.length === 0) return;
  if (run) {
    // The curves of a run stay as they were when it started, like its settings.
    loadMessage('Not loaded: a run is in progress; load files when it is done or cancelled.', 'error');
    return;
  }
  const files = await Promise.all([...list].map(async (f) => ({ name: f.name, text: await f.text() })));
  try {
    const read = loadFiles(files, fileOptions());
    const loaded = uniqueIds(read.curves, curves().map((c) => c.id));
    uploads = [...uploads, ...loaded];
    curvesVersion++;
    const summary = `Loaded ${loaded.length} curve${loaded.length === 1 ? '' : 's'} from ${files.map((f) => f.name).join(', ')}`;
    const short = new Set(fitCounts().tooShort.map((c) => c.id));
    const shortLoaded = loaded.filter((c) => short.has(c.id));
    const warnings = [
      ...(shortLoaded.length > 0 ? [`${shortLoaded.length} of them ${shortLoaded.length === 1 ? 'is' : 'are'} too short for the current grid: ${shortLoaded.map((c) => `${c.id} (${c.x.length} points)`).join(', ')} (see Search below)`] : []),
      ...read.notes,
    ];
    loadMessage(warnings.length === 0 ? `${summary}.` : `${summary}; ${warnings.join('; ')}.`, warnings.length === 0 ? 'ok' : 'warn');
    if (loaded.length > 0) view.selected = loaded[0].id;
  } catch (e) {
    // Nothing of this batch is kept; what was loaded before stays as it was.
    loadMessage(isTrimfitError(e) ? `Could not load: ${e.message}` : `Could not load: ${(e as Error).message}`, 'error');
  }
  onSettingsChange();
  renderAll();
}

const drop = $('drop');
const fileInput = $('file') as HTMLInputElement;
fileInput.addEventListener('change', () => void onFiles(fileInput.files).then(() => (fileInput.value = '')));
// A real button (in the tab order, Enter and Space work) opens the hidden file input's chooser.
$('choose-files').addEventListener('click', () => fileInput.click());
for (const target of [drop, document.body]) {
  target.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  target.addEventListener('dragleave', () => drop.classList.remove('over'));
  target.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    drop.classList.remove('over');
    void onFiles((e as DragEvent).dataTransfer?.files ?? null);
  });
}
$('clear-uploads').addEventListener('click', () => {
  if (run) return;
  for (const c of uploads) rows.delete(c.id);
  uploads = [];
  curvesVersion++;
  loadMessage('', 'ok');
  onSettingsChange();
  renderAll();
});
$('include-embedded').addEventListener('change', () => {
  curvesVersion++;
  onSettingsChange();
  renderAll();
});

// ---------------------------------------------------------------------------------------------
// Running the search in workers
// ---------------------------------------------------------------------------------------------

/** Upper bound on workers: beyond this the per-worker bundle and memory outweigh the gain. */
const MAX_WORKERS = 8;

interface Task {
  taskId: number;
  curve: LoadedCurve;
  fits: number;
}

/**
 * One run: a queue of curves served by a pool of workers, each given its next curve when it posts
 * a result. The heaviest curves (points × settings) go first, so with several workers the run does
 * not end waiting on one long curve started last; the table does not depend on the order.
 * Cancelling terminates the workers, which stops every fit at once.
 */
class SearchRun {
  readonly startMs = performance.now();
  readonly totalFits: number;
  private readonly tasksTotal: number;
  private readonly workers: Worker[] = [];
  private readonly queue: Task[];
  private readonly inFlight = new Map<Worker, Task>();
  private doneFits = 0;
  private doneCurves = 0;
  /** Curves whose fit came back with status 'failed' (the worker ran, the fit did not). */
  private failedFits = 0;
  private readonly failures: string[] = [];

  constructor(
    tasks: Task[],
    private readonly s: RunSettings,
    private readonly plan: ReturnType<typeof chooseBackend>,
    private readonly onUpdate: (r: SearchRun) => void,
    private readonly onFinish: (r: SearchRun, cancelled: boolean) => void,
  ) {
    this.queue = tasks.slice().sort((a, b) => b.fits * b.curve.x.length - a.fits * a.curve.x.length);
    this.tasksTotal = tasks.length;
    this.totalFits = tasks.reduce((sum, t) => sum + t.fits, 0);
    const n = Math.max(1, Math.min(plan.workers, tasks.length));
    for (let k = 0; k < n; k++) {
      const w = new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module' });
      w.onmessage = (ev: MessageEvent<WorkerMessage>) => this.onMessage(w, ev.data);
      w.onerror = (ev) => this.fail(w, `worker error: ${ev.message}`);
      this.workers.push(w);
      this.next(w);
    }
  }

  get curvesDone(): number {
    return this.doneCurves;
  }
  get curvesTotal(): number {
    return this.tasksTotal;
  }
  get fitsDone(): number {
    return this.doneFits;
  }
  get errors(): readonly string[] {
    return this.failures;
  }
  /** Curves without a result: failed fits and worker errors. */
  get curvesFailed(): number {
    return this.failedFits + this.failures.length;
  }

  private next(w: Worker): void {
    const task = this.queue.shift();
    if (!task) {
      this.inFlight.delete(w);
      w.terminate();
      if (this.inFlight.size === 0) this.onFinish(this, false);
      return;
    }
    this.inFlight.set(w, task);
    const req: WorkerRequest = { type: 'run', taskId: task.taskId, task: task.curve.task, settings: this.s, engine: this.plan.engine, backend: this.plan.report };
    w.postMessage(req);
  }

  private onMessage(w: Worker, m: WorkerMessage): void {
    if (m.type === 'backend') {
      // What actually ran (a worker falls back to the CPU if WebGPU cannot start) is what the
      // badge and the exports name.
      backend = m.backend;
      if (lastRun) lastRun.backend = m.backend;
      renderBackend();
      return;
    }
    const task = this.inFlight.get(w);
    if (!task || task.taskId !== m.taskId) return;
    this.doneFits += task.fits;
    this.doneCurves++;
    if (m.type === 'row') {
      rows.set(task.curve.id, m.row);
      if (m.row.status === 'failed') this.failedFits++;
    } else this.failures.push(`${task.curve.id}: ${m.message}`);
    this.onUpdate(this);
    this.next(w);
  }

  private fail(w: Worker, message: string): void {
    const task = this.inFlight.get(w);
    this.failures.push(`${task?.curve.id ?? 'worker'}: ${message}`);
    this.inFlight.delete(w);
    w.terminate();
    if (this.inFlight.size === 0) this.onFinish(this, false);
  }

  cancel(): void {
    for (const w of this.workers) w.terminate();
    this.inFlight.clear();
    this.onFinish(this, true);
  }
}

const fmtDuration = (ms: number): string => (ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

function renderProgress(r: SearchRun, finished: string | null = null): void {
  const progress = $('progress') as HTMLProgressElement;
  progress.max = Math.max(1, r.totalFits);
  progress.value = r.fitsDone;
  const elapsedMs = performance.now() - r.startMs;
  const rate = r.fitsDone / (elapsedMs / 1000);
  const parts = [`${r.curvesDone}/${r.curvesTotal} curves`, `${r.fitsDone.toLocaleString()}/${r.totalFits.toLocaleString()} settings`];
  if (r.fitsDone > 0) parts.push(`${Math.round(rate).toLocaleString()} fits/s`);
  if (finished) parts.unshift(`${finished} ${fmtDuration(elapsedMs)}`);
  else if (r.fitsDone > 0) parts.push(`about ${fmtDuration(((r.totalFits - r.fitsDone) / rate) * 1000)} left`);
  if (r.curvesFailed > 0) parts.push(`${r.curvesFailed} curve${r.curvesFailed === 1 ? '' : 's'} failed (see Status)`);
  const errors = r.errors.length > 0 ? `\nWorker errors: ${r.errors.join('; ')}` : '';
  $('progress-text').textContent = parts.join(' · ') + errors;
}

/** Results arriving faster than this are drawn together, so rendering never crowds the page. */
const RENDER_INTERVAL_MS = 250;
let renderState: 'idle' | 'queued' | 'drawing' = 'idle';
/** Set when something changed while a redraw was under way, so another one follows it. */
let renderAgain = false;
let lastRenderMs = -Infinity;

/**
 * Schedules a redraw of the table and both plots. Each of the three runs as a task of its own
 * (table in an animation frame, then each plot in a following task): drawn in one task, their
 * scripts, layout and paint kept the main thread busy for more than 50 ms.
 */
function queueRender(delayMs = Math.max(0, lastRenderMs + RENDER_INTERVAL_MS - performance.now())): void {
  if (renderState === 'drawing') renderAgain = true;
  if (renderState !== 'idle') return;
  renderState = 'queued';
  setTimeout(() => requestAnimationFrame(() => drawStep(0)), delayMs);
}

/** The parts of a redraw, each in a task of its own. */
const DRAW_STEPS = [renderTable, renderFitPlot, renderPcPlot];

function drawStep(step: number): void {
  if (step === 0) {
    renderState = 'drawing';
    renderAgain = false;
    lastRenderMs = performance.now();
  }
  const startMs = performance.now();
  DRAW_STEPS[step]();
  // Visible in the browser's performance tools (and read by the page tests).
  performance.measure('trimfit.render', { start: startMs, detail: { step: DRAW_STEPS[step].name } });
  if (step + 1 < DRAW_STEPS.length) {
    setTimeout(() => drawStep(step + 1), 0);
    return;
  }
  renderState = 'idle';
  if (renderAgain) queueRender();
}

/** Redraws as soon as the browser can (user actions), still one part per task. */
const renderAll = (): void => queueRender(0);

const adapterPromise: Promise<AdapterInfo> = detectAdapter(navigator as Navigator & { gpu?: GPU });
// One core is left to the page itself: with every core fitting, the main thread's own work (drawing
// results, handling input) waits for the OS scheduler and long tasks appear.
const cpuWorkers = Math.max(1, Math.min((navigator.hardwareConcurrency || 2) - 1, MAX_WORKERS));

/**
 * Locks (or unlocks) what a run depends on: its settings and its list of curves. Changing either
 * mid-run would leave the rows on show disagreeing with the settings recorded for them.
 */
function lockForRun(locked: boolean): void {
  ($('settings-lock') as HTMLFieldSetElement).disabled = locked;
  for (const id of ['include-embedded', 'clear-uploads', 'choose-files']) ($(id) as HTMLInputElement | HTMLButtonElement).disabled = locked;
  $('drop').classList.toggle('locked', locked);
}


async function startRun(): Promise<void> {
  if (run || starting || !formValid) return;
  starting = true;
  // Locked before the first await, so nothing can change between the click and the run's record.
  ($('run') as HTMLButtonElement).disabled = true;
  lockForRun(true);
  const runSettings = settings;
  const plan = chooseBackend(runSettings.backend, await adapterPromise, cpuWorkers);
  backend = plan.report;
  renderBackend();
  // Every run starts from an empty table, so all rows on show come from the run recorded here.
  rows.clear();
  lastRun = { settings: runSettings, backend: plan.report, startedAt: new Date().toISOString(), finishedAt: null, state: 'running' };
  const tasks = curves().map((curve, taskId) => ({ taskId, curve, fits: fitsFor(curve, runSettings) }));
  ($('cancel') as HTMLButtonElement).disabled = false;
  renderResultsNote();
  renderAll();
  starting = false;
  run = new SearchRun(
    tasks,
    runSettings,
    plan,
    (r) => {
      renderProgress(r);
      queueRender();
    },
    (r, cancelled) => {
      run = null;
      if (lastRun) {
        lastRun.finishedAt = new Date().toISOString();
        lastRun.state = cancelled ? 'cancelled' : 'done';
      }
      renderProgress(r, cancelled ? 'Cancelled after' : 'Done in');
      ($('cancel') as HTMLButtonElement).disabled = true;
      lockForRun(false);
      onSettingsChange();
      queueRender();
    },
  );
  renderProgress(run);
}

$('run').addEventListener('click', () => void startRun());
$('cancel').addEventListener('click', () => run?.cancel());

function renderBackend(): void {
  const el = $('backend');
  if (!backend) return;
  const label = backend.name === 'webgpu' ? `backend: WebGPU — ${backend.description} (${backend.reason})` : `backend: CPU, ${backend.description} — ${backend.reason}`;
  el.textContent = label;
  el.title = label;
  el.className = `badge ${backend.name}`;
}

// ---------------------------------------------------------------------------------------------
// Results table
// ---------------------------------------------------------------------------------------------

const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(digits));

interface Column {
  key: string;
  label: string;
  /**
   * Unit shown after the label: of RETU curves (score in %, compute in EFLOPs, see the RETU data's
   * README) and of uploaded curves (the units of their y or x). @default no unit
   */
  unit?: { retu: string; upload: string | null };
  title: string;
  text?: boolean;
  value: (c: LoadedCurve, r: PageRow | undefined) => number | string | null;
  show: (c: LoadedCurve, r: PageRow | undefined) => string;
  /**
   * Markup as wide as the column's usual values: the column is that wide from the start, so the
   * results of a run rarely widen it (each widening restyles and lays out every row).
   * @default none
   */
  reserve?: (withCi: boolean) => string;
}

const ciText = (r: PageRow | undefined, key: string, digits: number): string => {
  const i = r?.ci?.intervals[key];
  return i ? `<span class="ci">[${num(i.lower, digits)}, ${num(i.upper, digits)}]</span>` : '';
};
const numCol = (key: string, label: string, title: string, get: (c: LoadedCurve, r: PageRow | undefined) => number | null | undefined, digits = 2, ciKey?: string): Column => ({
  key, label, title,
  value: (c, r) => get(c, r) ?? null,
  show: (c, r) => num(get(c, r), digits) + (ciKey ? ciText(r, ciKey, digits) : ''),
  // A sign and two digits before the point; its CI alike.
  reserve: (withCi) => {
    const v = digits > 0 ? `-00.${'0'.repeat(digits)}` : '0000';
    return v + (ciKey && withCi ? `<span class="ci">[${v}, ${v}]</span>` : '');
  },
});

function trainCell(start: number, end: number, n: number): string {
  if (end <= n) return `[${start}, ${end})`;
  return `<span title="the setting's range is [${start}, ${end}); the curve has ${n} points">[${start}, ${n})*</span>`;
}

const COLUMNS: Column[] = [
  { key: 'id', label: 'Curve', title: 'Curve id', text: true, value: (c) => c.id, show: (c) => escapeHtml(c.id) },
  { key: 'n', label: 'n', title: 'Number of points', value: (c) => c.x.length, show: (c) => String(c.x.length), reserve: () => '000' },
  { ...numCol('xSft', 'x_SFT', 'SFT compute at the branch checkpoint, in EFLOPs (10^18 floating-point operations)', (c) => (c.task.kind === 'retu' ? c.task.curve.xSft : null), 2), unit: { retu: 'EFLOPs', upload: null } },
  { ...numCol('pSft', 'P_sft', 'Score at the branch checkpoint, in % (uploads: the p_sft column or pSft field, in the units of y)', (c) => (c.task.kind === 'retu' ? c.task.curve.pSft : c.task.pSft ?? null), 2), unit: { retu: '%', upload: 'y' } },
  aPostColumn(),
  // Beside the ceiling, so a failed or bounded fit is seen with its value, not scrolled out of view.
  { key: 'status', label: 'Status', title: 'Status of the chosen fit (hover for its message)', text: true, value: (_, r) => r?.status ?? null, show: (_, r) => (r ? `<span class="status-${r.status}" title="${escapeHtml(r.message)}">${r.status}</span>` : run ? 'queued' : '—'), reserve: () => 'converged' },
  { ...numCol('plRl', 'PL_rl', 'RL plasticity: the gain u over P_sft, in percentage points (uploads with a P_sft: in the units of y), with bootstrap CI', (_, r) => r?.plRl, 2, 'plRl'), unit: { retu: 'pp', upload: 'y' } },
  { ...numCol('cMid', 'C_mid', 'RL compute at half the gain, in EFLOPs since the branch (for uploaded curves, in the units of x), with bootstrap CI', (_, r) => r?.cMid, 2, 'cMid'), unit: { retu: 'EFLOPs', upload: 'x' } },
  numCol('b', 'B', 'Steepness b, with bootstrap CI', (_, r) => r?.b, 3, 'b'),
  numCol('epsilon', 'ε', 'Offset c0 at x = 0', (_, r) => r?.epsilon, 3),
  // A range past the last point (some released settings) is shown as fitted, clipped to the curve,
  // with the given end in the cell's tooltip.
  { key: 'train', label: 'Train', title: 'Chosen train index range [start, end)', text: true, value: (_, r) => r?.hyper?.trainEnd ?? null, show: (c, r) => (r?.hyper ? trainCell(r.hyper.trainStart, r.hyper.trainEnd, c.x.length) : '—'), reserve: () => '[00, 00)' },
  numCol('tau', 'τ', 'Chosen Stage-1 threshold', (_, r) => r?.hyper?.tau, 1),
  { key: 'lts', label: 'LTS α', title: 'Chosen LTS coverage (off = no Stage 2)', value: (_, r) => (r?.hyper ? (r.hyper.lts ? r.hyper.alpha : 0) : null), show: (_, r) => (r?.hyper ? (r.hyper.lts ? String(r.hyper.alpha) : 'off') : '—'), reserve: () => '0.85' },
  numCol('r2Train', 'R² train', 'R² over the points the final fit used', (_, r) => r?.r2Train, 3),
  numCol('r2Val', 'R² val', 'R² over the validation points', (_, r) => r?.r2Val, 3),
  numCol('rmseVal', 'RMSE val', 'RMSE over the validation points', (_, r) => r?.rmseVal, 3),
  { key: 'params', label: 'Params', title: 'Natural parameters of the chosen fit', text: true, value: (_, r) => (r ? r.model : null), show: (c, r) => (r && c.task.kind === 'xy' ? escapeHtml(`${r.model}: ${Object.entries(r.params).map(([k, v]) => `${k}=${num(v, 3)}`).join(' ')}`) : r ? r.model : '—') },
  numCol('settings', 'Settings', 'Settings tried for this curve', (_, r) => r?.settingsTried, 0),
];

/** The warnings of a fit as one line of text. */
const warningsText = (r: PageRow): string => r.warnings.map((w) => `${w.code}: ${w.message}`).join('; ');

/**
 * The ceiling, flagged when its fit has warnings: a bad fit must not read as a good ceiling. The
 * flag's text is its tooltip and, as an image label, what a screen reader says.
 */
function aPostColumn(): Column {
  const base = numCol('aPost', 'A_post', 'Ceiling: P_sft + u, in % (uploaded sigmoid fits: P_sft + u with the P_sft their file gives, else u; in the units of y), with bootstrap CI; ⚠ marks a fit with warnings (hover it)', (_, r) => r?.aPost, 2, 'aPost');
  const flag = (r: PageRow | undefined): string => {
    if (!r || r.warnings.length === 0) return '';
    const text = escapeHtml(`Warnings: ${warningsText(r)}`);
    return `<span class="warn-flag" role="img" aria-label="${text}" title="${text}" data-warnings="${r.warnings.map((w) => w.code).join(' ')}">\u2009⚠</span>`;
  };
  return {
    ...base,
    unit: { retu: '%', upload: 'y' },
    show: (c, r) => {
      const [value, ci = ''] = base.show(c, r).split(/(?=<span class="ci">)/);
      return value + flag(r) + ci;
    },
    reserve: (withCi) => {
      const [value, ci = ''] = base.reserve!(withCi).split(/(?=<span class="ci">)/);
      return `${value}<span class="warn-flag">\u2009⚠</span>${ci}`;
    },
  };
}

function sortedCurves(): LoadedCurve[] {
  const list = curves();
  if (!sort) return list;
  const col = COLUMNS.find((c) => c.key === sort!.key);
  if (!col) return list;
  const dir = sort.desc ? -1 : 1;
  // Curves without a value go last whichever the direction.
  return list
    .map((c) => ({ c, v: col.value(c, rows.get(c.id)) }))
    .sort((a, b) => (a.v === null ? (b.v === null ? 0 : 1) : b.v === null ? -1 : a.v < b.v ? -dir : a.v > b.v ? dir : 0))
    .map((e) => e.c);
}

/** A column's header text: its label and the unit of the curves on show. */
function headerLabel(col: Column, hasRetu: boolean, hasUploads: boolean): string {
  if (!col.unit) return col.label;
  const units = [...new Set([hasRetu ? col.unit.retu : null, hasUploads ? col.unit.upload : null].filter((u): u is string => u !== null))];
  return units.length === 0 ? col.label : `${col.label} (${units.join(' / ')})`;
}

/**
 * The columns for the curves on show, with their header labels. The generic parameter column only
 * matters for uploaded curves (RETU rows have named columns).
 */
function visibleColumns(): Column[] {
  const list = curves();
  const hasRetu = list.some((c) => c.task.kind === 'retu');
  const hasUploads = list.some((c) => c.task.kind === 'xy');
  return COLUMNS.filter((c) => hasUploads || c.key !== 'params').map((c) => ({ ...c, label: headerLabel(c, hasRetu, hasUploads) }));
}

/**
 * Rows given new markup per redraw; the others follow in the next one. A run's start changes every
 * row at once, and parsing, laying out and painting all of them in one frame took over 50 ms.
 */
const MAX_ROW_REWRITES_PER_FRAME = 12;
/** The rows on show, by curve id, with the cell markup each was last given. */
const rowEls = new Map<string, { tr: HTMLDivElement; cellsHtml: string; showsResult: boolean }>();
let headHtml = '';

/*
 * The results table is a grid of <div> rows (ARIA table roles), not a <table>: a table lays out all
 * its rows whenever one cell changes (the table algorithm owns every row), which was 85% of the
 * main thread's layout and paint during a run. Each row here has fixed column widths and a fixed
 * height and is fully contained (`contain: strict`, style.css), so a changed row is laid out and
 * painted on its own. The widths are those of the widest text each column has held since the
 * curves changed (measured on a canvas in the table's fonts), so columns never shrink and jump
 * while a run fills the table.
 */
const colWidths = { curvesVersion: -1, px: new Map<string, number>(), measured: new Map<string, string>() };
/** Font size of a CI line relative to the table's (`.ci` 10px in a 12px table, style.css). */
const CI_FONT_RATIO = 10 / 12;
/** Left plus right padding of a cell (`.td, .th` in style.css), and a pixel for rounding. */
const CELL_PADDING_X_PX = 17;
/** Room for the sort arrow (`.th.sorted::after`, style.css) in the sorted column's header. */
const SORT_ARROW_PX = 14;
/** Row heights (style.css: 16px lines, a 13px CI line, 4px padding above and below, 1px border). */
const ROW_HEIGHT_PX = 25;
const ROW_HEIGHT_WITH_CI_PX = 38;

/** Text widths measured in the table's fonts (cells and bold headers), by font and text. */
const textWidths = new Map<string, number>();
let measure: { ctx: CanvasRenderingContext2D | null; cell: string; head: string } | null = null;
function textWidthPx(text: string, head: boolean): number {
  if (!measure) {
    const style = getComputedStyle($('results'));
    measure = { ctx: document.createElement('canvas').getContext('2d'), cell: `${style.fontSize} ${style.fontFamily}`, head: `bold ${style.fontSize} ${style.fontFamily}` };
  }
  const key = `${head ? 'h' : 'c'}${text}`;
  let px = textWidths.get(key);
  if (px === undefined) {
    if (measure.ctx) measure.ctx.font = head ? measure.head : measure.cell;
    // Without a 2D context (not seen in a browser that runs the page) 8px per character stands in.
    px = measure.ctx ? measure.ctx.measureText(text).width : text.length * 8;
    textWidths.set(key, px);
  }
  return px;
}

/** Width of a cell's markup: its value line, or its CI line in the CI's smaller font. */
function cellWidthPx(html: string): number {
  const [value, ci] = html.split('<span class="ci">');
  return Math.max(textWidthPx(htmlText(value), false), ci === undefined ? 0 : textWidthPx(htmlText(ci), false) * CI_FONT_RATIO);
}

/** Widens the columns to fit `cells` (one markup string per column) and the header labels. */
function fitColumnWidths(columns: Column[], cells: string[]): void {
  columns.forEach((col, k) => {
    const labelPx = textWidthPx(col.label, true) + (sort?.key === col.key ? SORT_ARROW_PX : 0);
    const px = Math.ceil(Math.max(cellWidthPx(cells[k]), labelPx)) + CELL_PADDING_X_PX;
    if (px > (colWidths.px.get(col.key) ?? 0)) colWidths.px.set(col.key, px);
  });
}

/** The sizes as CSS: the width of column k (class c<k>), the row width and the row height. */
function sizesCss(columns: Column[], withCi: boolean): string {
  const widths = columns.map((c) => colWidths.px.get(c.key) ?? 0);
  const rowWidthPx = widths.reduce((a, b) => a + b, 0);
  return `#results { --row-w: ${rowWidthPx}px; --row-h: ${withCi ? ROW_HEIGHT_WITH_CI_PX : ROW_HEIGHT_PX}px; }\n${widths.map((w, k) => `#results .c${k} { width: ${w}px; }`).join('\n')}`;
}
let sizesCssShown = '';

/**
 * Updates the table in place: only rows whose cells changed get new markup, and rows move only
 * when the order changed. Replacing the whole body on every result made the browser restyle, lay
 * out and repaint every cell, which took the main thread over 50 ms per redraw.
 */
function renderTable(): void {
  const columns = visibleColumns();
  if (colWidths.curvesVersion !== curvesVersion) {
    colWidths.curvesVersion = curvesVersion;
    colWidths.px.clear();
    colWidths.measured.clear();
  }
  const list = sortedCurves();
  // CI lines are on show, or coming with this run's results.
  let withCi = run !== null && settings.bootstrapResamples > 0;
  fitColumnWidths(columns, columns.map((col) => col.reserve?.(withCi) ?? ''));
  const cellsByRow = list.map((c) => {
    const cells = columns.map((col) => col.show(c, rows.get(c.id)));
    withCi ||= cells.some((cell) => cell.includes('<span class="ci">'));
    // Only cells not measured yet: most rows are unchanged between two redraws.
    const joined = cells.join('\n');
    if (colWidths.measured.get(c.id) !== joined) {
      fitColumnWidths(columns, cells);
      colWidths.measured.set(c.id, joined);
    }
    return cells;
  });
  const css = sizesCss(columns, withCi);
  if (css !== sizesCssShown) {
    $('results-sizes').textContent = css;
    sizesCssShown = css;
  }
  // Each header is a sort button (in the tab order, Enter and Space work); aria-sort says the order.
  const head = `<div class="tr head" role="row">${columns.map((c, k) => `<div role="columnheader" data-key="${c.key}" title="${escapeHtml(c.title)}" aria-sort="${sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}" class="th c${k}${c.text ? ' text' : ''}${sort?.key === c.key ? ` sorted${sort.desc ? ' desc' : ''}` : ''}"><button type="button">${escapeHtml(c.label)}</button></div>`).join('')}</div>`;
  if (head !== headHtml) {
    // The header is rebuilt when the order changes: a sort button that had the focus gets it back.
    const focusedKey = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('#results .th')?.dataset.key;
    $('results-head').innerHTML = head;
    headHtml = head;
    if (focusedKey) $('results-head').querySelector<HTMLElement>(`.th[data-key="${focusedKey}"] button`)?.focus();
  }
  $('results-empty').hidden = list.length > 0;
  ($('export-json') as HTMLButtonElement).disabled = ($('export-csv') as HTMLButtonElement).disabled = rows.size === 0;
  // One row is in the tab order (the selected one, else the first); the arrow keys move between rows.
  const tabRowId = list.some((c) => c.id === view.selected) ? view.selected : list[0]?.id;
  const body = $('results-body');
  const shown = new Set<string>();
  let rewrites = 0;
  list.forEach((c, i) => {
    shown.add(c.id);
    const r = rows.get(c.id);
    let el = rowEls.get(c.id);
    if (!el) {
      const tr = document.createElement('div');
      tr.setAttribute('role', 'row');
      tr.dataset.id = c.id;
      el = { tr, cellsHtml: '', showsResult: false };
      rowEls.set(c.id, el);
    }
    const { tr } = el;
    const cellsHtml = cellsByRow[i].map((cell, k) => `<div role="gridcell" class="td c${k}${columns[k].text ? ' text' : ''}">${cell}</div>`).join('');
    if (cellsHtml !== el.cellsHtml) {
      // A new row is always filled; a row already on show may wait for the next redraw.
      if (el.cellsHtml === '' || rewrites < MAX_ROW_REWRITES_PER_FRAME) {
        tr.innerHTML = cellsHtml;
        el.cellsHtml = cellsHtml;
        el.showsResult = r !== undefined;
        rewrites++;
      } else {
        renderAgain = true;
      }
    }
    // The row's test id and style follow what its cells show.
    const testId = el.showsResult ? 'fit-row' : 'curve-row';
    if (tr.dataset.testid !== testId) tr.dataset.testid = testId;
    const cls = ['tr', el.showsResult ? '' : 'pending', c.id === view.selected ? 'selected' : ''].join(' ').trim();
    if (tr.className !== cls) tr.className = cls;
    const selected = String(c.id === view.selected);
    if (tr.getAttribute('aria-selected') !== selected) tr.setAttribute('aria-selected', selected);
    // The attribute, not the tabIndex property: a <div> without one reads -1 yet cannot take focus.
    const tabIndex = c.id === tabRowId ? '0' : '-1';
    if (tr.getAttribute('tabindex') !== tabIndex) tr.setAttribute('tabindex', tabIndex);
    if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] ?? null);
  });
  for (const [id, el] of rowEls) {
    if (shown.has(id)) continue;
    el.tr.remove();
    rowEls.delete(id);
  }
}

$('results').addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const th = target.closest<HTMLElement>('.th');
  if (th) {
    const key = th.dataset.key!;
    sort = sort?.key === key ? (sort.desc ? null : { key, desc: true }) : { key, desc: false };
    renderAll();
    return;
  }
  const tr = target.closest<HTMLElement>('.tr[data-id]');
  if (tr) selectRow(tr);
});

/** Shows a row's fit: the row becomes the selected one and the one in the tab order. */
function selectRow(tr: HTMLElement): void {
  for (const other of $('results-body').querySelectorAll<HTMLElement>('.tr[tabindex="0"]')) if (other !== tr) other.setAttribute('tabindex', '-1');
  tr.setAttribute('tabindex', '0');
  if (view.selected === tr.dataset.id) return;
  view.selected = tr.dataset.id!;
  writeUrl();
  renderAll();
}

// Keyboard: arrow keys, Home and End move the selection between rows; Enter and Space select the
// focused row (as a click does).
$('results-body').addEventListener('keydown', (e) => {
  const tr = (e.target as HTMLElement).closest<HTMLElement>('.tr[data-id]');
  if (!tr) return;
  const all = [...$('results-body').children] as HTMLElement[];
  const at = all.indexOf(tr);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1, PageDown: at + 10, PageUp: at - 10 }[e.key];
  if (to !== undefined) {
    e.preventDefault();
    const next = all[Math.max(0, Math.min(all.length - 1, to))];
    next.focus();
    selectRow(next);
  } else if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    selectRow(tr);
  }
});

// ---------------------------------------------------------------------------------------------
// Plots
// ---------------------------------------------------------------------------------------------

/** The fit figure's colours, plus PL_rl's for the plasticity–ceiling plot. */
const COLORS = { ...FIT_PLOT_COLORS, plRl: '#9467bd' };

function fitSpec(c: LoadedCurve, r: PageRow | undefined, logX: boolean): PlotSpec {
  return fitPlotSpec({
    title: c.id,
    x: c.x,
    y: c.y,
    yOffset: c.yOffset,
    pSft: c.task.kind === 'retu' ? c.task.curve.pSft : c.task.pSft,
    fit: r && r.hyper ? r : null,
    band: r && r.band.length > 0 ? { level: r.ci?.level ?? 0.95, points: r.band } : undefined,
    aPost: r?.aPost ?? undefined,
    ...(c.task.kind === 'retu' ? RETU_AXIS_LABELS : { xLabel: c.xLabel, yLabel: c.yLabel }),
    logX,
  });
}

function pcDatasets(): string[] {
  return [...new Set(curves().filter((c) => c.task.kind === 'retu').map((c) => c.dataset))];
}

/**
 * The Plasticity–Ceiling view of one dataset: its branches by SFT compute. Pure RL from the base
 * model (ckpt0) is one curve shared by every dataset, so it is each dataset's x = 0 point.
 */
function pcSpec(dataset: string): PlotSpec {
  const list = curves()
    .filter((c): c is LoadedCurve & { task: { kind: 'retu'; curve: RetuCurve } } => c.task.kind === 'retu' && (c.dataset === dataset || c.task.curve.sftStep === 0))
    .sort((a, b) => a.task.curve.xSft - b.task.curve.xSft);
  const xs = list.map((c) => c.task.curve.xSft);
  const get = (f: (r: PageRow) => number | null) => list.map((c) => { const r = rows.get(c.id); return r ? f(r) : null; });
  return {
    title: `Plasticity–Ceiling: ${dataset}`,
    xLabel: 'SFT compute at the checkpoint (EFLOPs)',
    yLabel: 'score / gain (%)',
    logX: false,
    xs,
    series: [
      { label: 'P_sft', values: list.map((c) => c.task.curve.pSft), style: 'line', color: COLORS.pSft, markers: true },
      { label: 'A_post', values: get((r) => r.aPost), style: 'line', color: COLORS.aPost, markers: true },
      { label: 'PL_rl', values: get((r) => r.plRl), style: 'line', color: COLORS.plRl, dash: [6, 4], markers: true },
    ],
  };
}

let fitPlot: uPlot | null = null;
let pcPlot: uPlot | null = null;
let lastFitSpec: PlotSpec | null = null;
let lastPcSpec: PlotSpec | null = null;
const PLOT_HEIGHT_PX = 360;

/** What each plot was last drawn from; a plot is redrawn only when this changes. */
const drawnKeys = { fit: '', pc: '' };

const selectedCurve = (): LoadedCurve | undefined => (view.selected ? curveById(view.selected) : undefined);

/** Draws the selected curve's fit, unless what it shows has not changed. */
function renderFitPlot(): void {
  const selected = selectedCurve();
  const fitEl = $('fit-plot');
  const fitKey = `${curvesVersion}|${selected?.id}|${selected ? rows.get(selected.id) !== undefined : ''}|${view.logX}|${plotWidthPx(fitEl)}`;
  if (fitKey === drawnKeys.fit) return;
  drawnKeys.fit = fitKey;
  mountFitPlot(selected, fitEl);
}

function mountFitPlot(selected: LoadedCurve | undefined, fitEl: HTMLElement): void {
  fitPlot?.destroy();
  fitPlot = null;
  fitEl.textContent = '';
  if (selected) {
    const r = rows.get(selected.id);
    lastFitSpec = fitSpec(selected, r, view.logX);
    $('fit-title').textContent = `Fit — ${selected.id}`;
    fitPlot = mountPlot(fitEl, lastFitSpec, plotWidthPx(fitEl) || 800, PLOT_HEIGHT_PX);
    $('fit-note').textContent = fitNote(selected, r);
  } else {
    lastFitSpec = null;
    $('fit-title').textContent = 'Fit';
    fitEl.innerHTML = '<div class="hint">Select a curve in the table to see its points and fit.</div>';
    $('fit-note').textContent = '';
  }
}

/** The text under the fit plot: how the fit was chosen, or why there is none, and what the plot leaves out. */
function fitNote(c: LoadedCurve, r: PageRow | undefined): string {
  const parts: string[] = [];
  if (!r) parts.push(run ? 'Not fitted yet: the run is in progress.' : 'Not fitted yet: press Run.');
  // A failed fit has no chosen setting, band or extrapolation to describe.
  else if (r.status === 'failed') parts.push(`Fit failed: ${r.message}`);
  else {
    if (r.warnings.length > 0) parts.push(`⚠ Check before trusting this fit: ${warningsText(r)}.`);
    parts.push(`${r.message}. Chosen out of ${r.settingsTried} setting(s); curve drawn to ${EXTRAPOLATION_FACTOR}× the last x.`);
    parts.push(r.band.length === 0 ? 'Set bootstrap resamples > 0 for CIs and a band.' : 'Band: pointwise bootstrap interval of the fitted curve.');
  }
  if (view.logX) {
    const hidden = c.x.filter((x) => x <= 0).length;
    if (hidden > 0) parts.push(c.task.kind === 'retu' && hidden === 1 ? 'Log x: the branch point (x = 0, the score P_sft) is not drawn.' : `Log x: ${hidden === 1 ? 'the point' : `${hidden} points`} at x ≤ 0 ${hidden === 1 ? 'is' : 'are'} not drawn.`);
  }
  return parts.join(' ');
}

/** Draws the Plasticity–Ceiling figure of the selected curve's dataset. */
function renderPcPlot(): void {
  const selected = selectedCurve();
  const select = $('pc-dataset') as HTMLSelectElement;
  const datasets = pcDatasets();
  const wanted = selected && datasets.includes(selected.dataset) ? selected.dataset : datasets.includes(select.value) ? select.value : datasets[0];
  if ([...select.options].map((o) => o.value).join('|') !== datasets.join('|')) {
    select.innerHTML = '';
    for (const d of datasets) select.add(new Option(d, d));
  }
  const pcEl = $('pc-plot');
  // The figure exists only for RETU branches (it needs P_sft per checkpoint).
  (pcEl.closest('.plot-card') as HTMLElement).hidden = datasets.length === 0;
  const shown = wanted ? curves().filter((c) => c.task.kind === 'retu' && (c.dataset === wanted || c.task.curve.sftStep === 0)) : [];
  const pcKey = `${curvesVersion}|${wanted}|${shown.map((c) => (rows.has(c.id) ? 1 : 0)).join('')}|${plotWidthPx(pcEl)}`;
  if (pcKey === drawnKeys.pc) return;
  const sameFigure = pcPlot !== null && drawnKeys.pc.split('|').slice(0, 2).join('|') === pcKey.split('|').slice(0, 2).join('|') && drawnKeys.pc.endsWith(`|${plotWidthPx(pcEl)}`);
  drawnKeys.pc = pcKey;
  if (sameFigure && wanted) {
    // New results for the figure on show: replacing the data is far cheaper than rebuilding it.
    lastPcSpec = pcSpec(wanted);
    pcPlot!.setData([lastPcSpec.xs, ...lastPcSpec.series.map((x) => x.values)] as uPlot.AlignedData);
    return;
  }
  pcPlot?.destroy();
  pcPlot = null;
  pcEl.textContent = '';
  if (wanted) {
    select.value = wanted;
    lastPcSpec = pcSpec(wanted);
    pcPlot = mountPlot(pcEl, lastPcSpec, plotWidthPx(pcEl) || 800, PLOT_HEIGHT_PX);
  } else {
    lastPcSpec = null;
    pcEl.innerHTML = '<div class="hint">No RETU curves loaded.</div>';
  }
}

$('pc-dataset').addEventListener('change', () => {
  // Showing another dataset selects its first curve so the two plots stay consistent.
  const d = ($('pc-dataset') as HTMLSelectElement).value;
  const first = curves().find((c) => c.dataset === d);
  if (first) view.selected = first.id;
  writeUrl();
  renderAll();
});
$('logx').addEventListener('change', () => {
  view.logX = ($('logx') as HTMLInputElement).checked;
  writeUrl();
  renderAll();
});

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const safe = (t: string): string => t.replace(/[^A-Za-z0-9._-]+/g, '_');
const resultList = (): PageRow[] => curves().map((c) => rows.get(c.id)).filter((r): r is PageRow => r !== undefined);
const SVG_SIZE = { w: 900, h: 560 };

// The run's own settings and engine, not the form's current values (they may have changed since).
$('export-json').addEventListener('click', () => download('trimfit-results.json', new Blob([rowsJson(resultList(), lastRun)], { type: 'application/json' })));
$('export-csv').addEventListener('click', () => download('trimfit-results.csv', new Blob([rowsCsv(resultList())], { type: 'text/csv' })));
for (const [id, kind, getSpec] of [['fit-svg', 'svg', () => lastFitSpec], ['fit-png', 'png', () => lastFitSpec], ['pc-svg', 'svg', () => lastPcSpec], ['pc-png', 'png', () => lastPcSpec]] as const) {
  $(id).addEventListener('click', async () => {
    const spec = getSpec();
    if (!spec) return;
    const svg = plotSvg(spec, SVG_SIZE.w, SVG_SIZE.h);
    const name = `trimfit-${safe(spec.title)}.${kind}`;
    download(name, kind === 'svg' ? new Blob([svg], { type: 'image/svg+xml' }) : await svgToPng(svg, SVG_SIZE.w, SVG_SIZE.h));
  });
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

// Plot widths come from a ResizeObserver instead of clientWidth: reading clientWidth right after the
// table's rows were replaced forced a synchronous layout of the whole page on every redraw, which
// was most of the main thread's time during a run.
const plotWidths = new WeakMap<Element, number>();
const resizeObserver = new ResizeObserver((entries) => {
  let changed = false;
  for (const e of entries) {
    const w = Math.round(e.contentRect.width);
    if (plotWidths.get(e.target) !== w) { plotWidths.set(e.target, w); changed = true; }
  }
  if (changed) queueRender();
});
for (const id of ['fit-plot', 'pc-plot']) resizeObserver.observe($(id));
function plotWidthPx(el: HTMLElement): number {
  return plotWidths.get(el) ?? 0;
}

fillForm(settings);
($('logx') as HTMLInputElement).checked = view.logX;
if (view.selected !== null && !curveById(view.selected)) urlNotices.push(`ignored: sel=${view.selected} (no curve has that id; showing ${curves()[0]?.id ?? 'none'})`);
if (view.selected === null || !curveById(view.selected)) view.selected = curves()[0]?.id ?? null;
if (embedded.length === 0) {
  // A build made without the RETU data folder (app/vite.config.ts warns about it).
  $('no-embedded').hidden = false;
  ($('include-embedded').closest('label') as HTMLElement).hidden = true;
}
renderUrlNotice();
onSettingsChange();
renderAll();
void adapterPromise.then((adapter) => {
  // What the next run will use; a worker's report (what actually ran) replaces it during a run.
  backend ??= chooseBackend(settings.backend, adapter, cpuWorkers).report;
  renderBackend();
});

