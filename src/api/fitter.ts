/**
 * `createFitter`: the long-lived entry point that owns backends and their caches.
 *
 * - `fit(curve, options)`: one curve, one setting (f64 on the calling thread: a single fit is far
 *   below any GPU or worker threshold).
 * - `fitSweep(curves, options)`: many curves, each searched over a hyperparameter grid; results
 *   stream in input order as an AsyncIterable. A curve with bad input yields a `failed` item and the
 *   others go on. Where the work runs:
 *     webgpu — all LTS candidates of a chunk on the GPU; Stage 1 and polishing in the worker pool
 *              (units side by side) when there is one for work of this size, else on this thread;
 *              if the device is lost the chunk (and the rest) is redone on the CPU, and the items say so;
 *     cpu    — whole curves spread over the worker pool (Stage 1, candidates, polish, bootstrap);
 *     inline — everything on this thread (small work).
 *   Seeds derive from (seed, hash of the curve id, setting index), so every path gives the same results.
 */
import { defaultHyper, expandGrid, FULL_GRID, type GridSpec } from '../core/search.js';
import type { Hyper } from '../core/pipeline.js';
import type { ModelName } from '../core/models/model.js';
import { selectBackend, TUNING, type BackendChoice, type SelectedBackend } from '../backends/select-backend.js';
import type { WorkerPool } from '../backends/cpu/worker-pool.js';
import type { CandidateBackend } from '../backends/backend.js';
import { checkKernelVariant, type LtsKernelVariantName } from '../backends/webgpu/tuning.js';
import { TrimfitError, isTrimfitError } from './errors.js';
import { fit as fitOne } from './fit.js';
import type { FitOptions, ResolvedBootstrap } from './options.js';
import { checkBootstrapShape, checkCurve, checkGridSpec, checkModelName, checkModelOptions, checkNumber, checkOptionKeys, FIT_OPTION_KEYS, keysOf, resolveFitOptions, type CurveInput } from './validate.js';
import { backendEvaluator, collect, evaluateInlineF64, searchCurves, type SearchCurve, type SearchOutcome } from './search.js';
import type { BackendInfo, FailedFit, FitResult } from './result.js';

export interface FitterOptions {
  /** Where candidate fits run. @default 'auto' */
  backend?: BackendChoice;
  /** A GPUDevice to use (never destroyed by trimfit). @default undefined — trimfit requests its own */
  device?: GPUDevice;
  /**
   * CPU worker count. On the CPU backend the workers run whole curves; on WebGPU they run Stage 1,
   * the f64 polish and the scoring of several curves at once while the GPU evaluates the LTS
   * candidates of all of them (same results as without workers). 1: everything besides the
   * candidates on the calling thread.
   * @default hardware concurrency
   */
  workers?: number;
  /**
   * Browsers: starts one module worker running trimfit's fit worker (the package export
   * `trimfit/worker`; with Vite: `import FitWorker from 'trimfit/worker?worker'` and
   * `() => new FitWorker()`). Without it, browsers fit on the calling thread.
   * @default undefined (Node uses worker_threads)
   */
  createWorker?: () => Worker;
  /**
   * Layout of the WebGPU candidate kernel, by name (src/backends/webgpu/tuning.ts). Every layout
   * computes the same candidates; they differ in speed per device, so this is for benchmarks and
   * for pinning the layout measured fastest on one's own GPU.
   * @default undefined — the adapter's default (LTS_DEFAULT_VARIANT, or LTS_SOFTWARE_DEFAULT_VARIANT on a software adapter)
   */
  kernelVariant?: LtsKernelVariantName;
}

export interface SweepCurve extends CurveInput {
  /** Label carried to the result; its hash seeds the curve's random choices. @default the curve's index as a string */
  id?: string;
  /** Per-curve P_sft (y is the gain over it). @default options.pSft */
  pSft?: number;
  /** Per-curve settings to search instead of the sweep's grid. @default undefined */
  grid?: Hyper[];
  /** Per-curve score weight g. @default options.gapWeight */
  gapWeight?: number;
  /** Per-curve x values for bootstrap prediction intervals (e.g. a plot's grid). @default options.bootstrap.predictAt */
  predictAt?: number[];
}

export interface SweepProgress {
  curvesDone: number;
  /** null for a streamed (iterable) input, whose length is not known in advance. */
  curvesTotal: number | null;
  /** Settings (robust fits) finished so far. */
  fitsDone: number;
  elapsedMs: number;
  fitsPerSecond: number;
  /** Estimated from the rate so far; null before the first curve finishes. */
  remainingMs: number | null;
}

export interface SweepOptions extends FitOptions {
  /** The grid each curve is searched over: a GridSpec, or 'single' for the one setting of these options. @default FULL_GRID */
  grid?: GridSpec | 'single';
  /** Called after every finished curve. @default undefined */
  onProgress?: (progress: SweepProgress) => void;
  /** Stops the sweep (the iterator then throws TrimfitError 'aborted'). @default undefined */
  signal?: AbortSignal;
  /**
   * Curves per unit of work (a GPU batch or a worker task). Results do not depend on it.
   * @default 4, or fewer for an array with too few curves to give every worker three units (⌈curves / (3 · workers)⌉)
   */
  chunkCurves?: number;
}

export type SweepInput = readonly SweepCurve[] | Iterable<SweepCurve> | AsyncIterable<SweepCurve>;

export interface SweepItem {
  index: number;
  id: string;
  result: FitResult | FailedFit;
  settingsTried: number;
  /** Index into the curve's grid of the chosen setting; −1 when the curve failed. */
  bestSetting: number;
}

export interface Fitter {
  readonly backend: BackendChoice;
  fit(curve: CurveInput, options?: FitOptions): Promise<FitResult>;
  /**
   * Curves as an array, or as an (async) iterable that is read lazily: only a few units of work
   * are held at a time, so a streamed sweep of millions of curves runs in bounded memory.
   */
  fitSweep(curves: SweepInput, options?: SweepOptions): AsyncIterable<SweepItem>;
  /** Releases workers and GPU resources (a device passed in is left alone). */
  dispose(): Promise<void>;
}

/** A curve's error names the curve: `train` becomes `curves[3].train` (checkCurve's fields already do). */
function inCurve(e: unknown, index: number): unknown {
  if (!isTrimfitError(e) || e.field.startsWith('curves[')) return e;
  const field = `curves[${index}].${e.field}`;
  return e.withField(field, e.message.startsWith(`${e.field}: `) ? `${field}: ${e.message.slice(e.field.length + 2)}` : `curves[${index}]: ${e.message}`);
}

function failed(e: unknown): FailedFit {
  const err = isTrimfitError(e) ? e : new TrimfitError('internal', 'fit', 'no error', e instanceof Error ? e.message : String(e));
  return { status: 'failed', success: false, message: err.message, error: err.toJSON() };
}

/** The abort error; a reason given to `abort(reason)` (other than the default AbortError) is kept in the message. */
function abortError(signal: AbortSignal | undefined): TrimfitError {
  const reason: unknown = signal?.reason;
  const isDefault = reason === undefined || (typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'AbortError');
  const text = isDefault ? '' : reason instanceof Error ? reason.message : String(reason);
  return new TrimfitError('aborted', 'signal', 'not aborted', text || 'aborted', text ? `the sweep was aborted: ${text}` : 'the sweep was aborted');
}

const FITTER_OPTION_KEYS = keysOf<FitterOptions>({ backend: true, device: true, workers: true, createWorker: true, kernelVariant: true });
const SWEEP_OPTION_KEYS = [...FIT_OPTION_KEYS, ...keysOf<Omit<SweepOptions, keyof FitOptions>>({ grid: true, onProgress: true, signal: true, chunkCurves: true })];

/** Sweep options that do not depend on a curve, checked once at the door (the rest per curve). */
function checkSweepOptions(o: SweepOptions): void {
  if (typeof o !== 'object' || o === null) throw new TrimfitError('invalid-option', 'options', 'an object', o);
  checkOptionKeys(o, SWEEP_OPTION_KEYS, 'options');
  checkBootstrapShape(o.bootstrap);
  if (o.grid !== undefined && o.grid !== 'single') checkGridSpec(o.grid);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new TrimfitError('invalid-option', 'onProgress', 'a function', o.onProgress);
  const signal = o.signal as Partial<AbortSignal> | undefined;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean' || typeof signal.throwIfAborted !== 'function'))
    throw new TrimfitError('invalid-option', 'signal', 'an AbortSignal', signal);
  if (o.chunkCurves !== undefined) checkNumber(o.chunkCurves, 'chunkCurves', 1, 1e6, { integer: true });
}

const DEFAULT_CHUNK_CURVES = 4;
/**
 * Units queued per worker. The pool hands a queued unit to whichever worker frees first, so a slow
 * unit at the head of the (in-order) output does not leave the other workers idle; results still
 * come out in input order, and at most this many units per worker are held.
 */
const UNITS_PER_WORKER = 3;

/** The backend as a worker pool, or null (the GPU backend, or the in-line f64 path). */
function workerPoolOf(backend: CandidateBackend | null): WorkerPool | null {
  return backend && backend.name === 'cpu' && 'search' in backend ? (backend as WorkerPool) : null;
}

export async function createFitter(options: FitterOptions = {}): Promise<Fitter> {
  if (typeof options !== 'object' || options === null) throw new TrimfitError('invalid-option', 'options', 'an object', options);
  checkOptionKeys(options, FITTER_OPTION_KEYS, 'options');
  const choice = options.backend ?? 'auto';
  if (!['auto', 'webgpu', 'cpu'].includes(choice)) throw new TrimfitError('invalid-option', 'backend', 'auto, webgpu or cpu', choice);
  if (options.workers !== undefined) checkNumber(options.workers, 'workers', 1, 1024, { integer: true });
  if (options.createWorker !== undefined && typeof options.createWorker !== 'function') throw new TrimfitError('invalid-option', 'createWorker', 'a function returning a Worker', options.createWorker);
  if (options.device !== undefined && (typeof options.device !== 'object' || options.device === null)) throw new TrimfitError('invalid-option', 'device', 'a GPUDevice', options.device);
  checkKernelVariant(options.kernelVariant, 'kernelVariant');
  // After dispose() the fitter refuses work: a sweep would otherwise start new workers nobody releases.
  let disposed = false;
  const checkLive = () => {
    if (disposed) throw new TrimfitError('disposed', 'fitter', 'a fitter that has not been disposed', 'disposed', 'fitter: dispose() was called; create a new fitter');
  };
  // Backends are created on first use and kept: pipelines and workers are reused across sweeps.
  const selected = new Map<string, Promise<SelectedBackend>>();
  function backendFor(kind: BackendChoice, candidates: number): Promise<SelectedBackend> {
    // 'auto' decides by size, so keep one backend per size class (the selection depends only on it).
    const key = kind === 'auto' ? `auto:${candidates >= TUNING.minGpuCandidates ? 'big' : candidates >= TUNING.minWorkerCandidates ? 'mid' : 'small'}` : kind;
    let s = selected.get(key);
    if (!s) {
      s = selectBackend(kind, { candidates, workers: options.workers, device: options.device, createWorker: options.createWorker, kernelVariant: options.kernelVariant });
      selected.set(key, s);
      s.catch(() => selected.delete(key));
    }
    return s;
  }

  /** The CPU worker pool the fitter would use for this much work, or null (small work, workers: 1, a browser without createWorker). */
  async function gpuHostPool(candidates: number): Promise<WorkerPool | null> {
    try {
      return workerPoolOf((await backendFor('cpu', candidates)).backend);
    } catch {
      return null;
    }
  }

  return {
    backend: choice,
    async fit(curve, fitOptions) {
      checkLive();
      return fitOne(curve, fitOptions);
    },
    fitSweep(curves, sweepOptions = {}) {
      return sweep(curves, sweepOptions);
    },
    async dispose() {
      disposed = true;
      const all = await Promise.allSettled(selected.values());
      selected.clear();
      for (const r of all) if (r.status === 'fulfilled') await r.value.backend?.dispose();
    },
  };

  async function* sweep(curves: SweepInput, o: SweepOptions): AsyncGenerator<SweepItem> {
    // Thrown from the first next(), as every other error of the sweep.
    checkLive();
    checkSweepOptions(o);
    const isArray = Array.isArray(curves);
    const iterable = curves as Partial<Iterable<SweepCurve>> & Partial<AsyncIterable<SweepCurve>>;
    if (!isArray && typeof iterable?.[Symbol.iterator] !== 'function' && typeof iterable?.[Symbol.asyncIterator] !== 'function')
      throw new TrimfitError('invalid-input', 'curves', 'an array or (async) iterable of curves', curves);
    const model: ModelName = checkModelName(o.model ?? 'sigmoid');
    checkModelOptions(model, o);
    const gridSpec = o.grid ?? FULL_GRID;
    // Only the sigmoid has ε: for the other models a free-ε setting would repeat its fixed twin.
    const specFor = (spec: GridSpec): GridSpec => (model === 'sigmoid' || !spec.freeEpsilon.includes(true) ? spec : { ...spec, freeEpsilon: [false] });
    const bootstrap: ResolvedBootstrap = {
      resamples: o.bootstrap?.resamples ?? 0,
      level: o.bootstrap?.level ?? 0.95,
      predictAt: o.bootstrap?.predictAt ?? [],
    };

    // Validation at the door, one curve at a time as it is read; a bad one becomes a failed item in
    // its place.
    type Item = { index: number; id: string } & ({ curve: SearchCurve } | { error: FailedFit });
    const prepare = (c: SweepCurve, index: number): Item => {
      const id = c?.id ?? String(index);
      try {
        const { x, y, order } = checkCurve(c, model, 1, `curves[${index}]`);
        const resolved = resolveFitOptions({ ...o, pSft: c.pSft ?? o.pSft, gapWeight: c.gapWeight ?? o.gapWeight }, x);
        const grid = c.grid ?? (gridSpec === 'single' ? [resolved.hyper] : expandGrid(x.length, specFor(gridSpec)));
        if (grid.length === 0) grid.push(defaultHyper(x.length));
        return { index, id, curve: { seedIndex: curveSeedIndex(id), x, y, order, grid, pipeline: resolved.pipeline, predictAt: c.predictAt?.slice() } };
      } catch (e) {
        return { index, id, error: failed(inCurve(e, index)) };
      }
    };

    // Work size for the backend choice and for progress: known for arrays (validated up front, as
    // they are in memory anyway); a streamed input counts as big work and reports no total.
    let preparedArray: Item[] | null = null;
    let totalSettings: number | null = null;
    let ltsStarts = 0;
    let validCurves = 0;
    if (isArray) {
      preparedArray = (curves as SweepCurve[]).map(prepare);
      totalSettings = 0;
      for (const p of preparedArray) if ('curve' in p) { validCurves++; totalSettings += p.curve.grid.length; ltsStarts ||= p.curve.pipeline.ltsStarts; }
    }
    const workEstimate = totalSettings === null ? Number.MAX_SAFE_INTEGER : totalSettings * ltsStarts;
    let sel = await backendFor(choice, workEstimate);
    const started = performance.now();
    let curvesDone = 0;
    let fitsDone = 0;
    const report = () => {
      const elapsedMs = performance.now() - started;
      const rate = fitsDone / Math.max(elapsedMs / 1000, 1e-9);
      const remainingMs = totalSettings !== null && fitsDone > 0 ? ((totalSettings - fitsDone) / rate) * 1000 : null;
      o.onProgress?.({ curvesDone, curvesTotal: preparedArray ? preparedArray.length : null, fitsDone, elapsedMs, fitsPerSecond: rate, remainingMs });
    };

    // Units of work: consecutive valid curves, `chunk` at a time (failed curves ride along and are
    // emitted in place), read lazily so a streamed input is held only a few units at a time.
    type Unit = { items: Item[]; input: SearchCurve[]; outcomes?: Promise<SearchOutcome[]> };
    async function* itemsOf(): AsyncGenerator<Item> {
      if (preparedArray) { yield* preparedArray; return; }
      let index = 0;
      for await (const c of curves as AsyncIterable<SweepCurve> | Iterable<SweepCurve>) yield prepare(c, index++);
    }
    const source = itemsOf();
    let exhausted = false;
    /** The next unit, read but not started. */
    async function nextUnit(): Promise<Unit | null> {
      if (exhausted) return null;
      const items: Item[] = [];
      let validCount = 0;
      while (validCount < chunk) {
        const r = await source.next();
        if (r.done) { exhausted = true; break; }
        items.push(r.value);
        if ('curve' in r.value) validCount++;
      }
      if (items.length === 0) return null;
      const input = items.filter((p): p is Item & { curve: SearchCurve } => 'curve' in p).map((p) => p.curve);
      return { items, input };
    }
    function start(unit: Unit): void {
      unit.outcomes = runUnit(unit.input);
      unit.outcomes.catch(() => undefined);
    }
    /** Work of a unit for ordering starts: points × settings, which the search's time follows. */
    const unitCost = (u: Unit): number => u.input.reduce((sum, c) => sum + c.x.length * c.grid.length, 0);

    // On the GPU, a worker pool (when there is one for work of this size) runs Stage 1, the polish
    // and the scoring of several units at once and sends their candidate batches to the GPU;
    // without one they run on this thread. Results are the same either way.
    let hostPool = sel.info.name === 'webgpu' ? await gpuHostPool(workEstimate) : null;
    const gpuInfo = (): BackendInfo => (hostPool ? { ...sel.info, description: `${sel.info.description}; Stage 1 and polish in ${hostPool.size} CPU worker${hostPool.size === 1 ? '' : 's'}` } : sel.info);

    async function runUnit(input: SearchCurve[]): Promise<SearchOutcome[]> {
      if (input.length === 0) return [];
      const pool = workerPoolOf(sel.backend);
      try {
        if (pool) return await pool.search(model, input, bootstrap, sel.info, o.signal);
        const gpu = sel.backend;
        if (gpu && hostPool) return await hostPool.search(model, input, bootstrap, gpuInfo(), o.signal, (batch) => gpu.evaluate(batch, o.signal));
        const evaluate = gpu ? backendEvaluator(gpu, o.signal) : evaluateInlineF64;
        return await collect(searchCurves(model, input, evaluate, sel.info, bootstrap, input.length, o.signal));
      } catch (e) {
        if (!(isTrimfitError(e) && e.code === 'device-lost')) throw e;
        // The GPU is gone: redo this unit and everything after it on the CPU with the same seeds.
        const reason = `WebGPU device lost (${e.message}); finished on the CPU`;
        if (sel.info.name === 'webgpu') {
          const cpu = await backendFor('cpu', workEstimate);
          sel = { backend: cpu.backend, info: { ...cpu.info, reason } };
          hostPool = null;
        }
        return runUnit(input);
      }
    }

    // Keep up to `parallel` units in flight (queued in the worker pool, which runs `workers` of them
    // side by side and starts the next as soon as a worker frees) and yield in order.
    const workers = (hostPool ?? workerPoolOf(sel.backend))?.size ?? 1;
    const parallel = workers > 1 ? workers * UNITS_PER_WORKER : 1;
    // Curves per unit (read by nextUnit). A known number of curves is spread so that every worker
    // gets several units: the paper's 34 curves on 16 workers run as 34 units of one curve, which
    // workers take as they free, rather than 12 units of ≤ 3, where the slowest unit (three of the
    // heaviest curves) set the time.
    const chunk = o.chunkCurves !== undefined ? Math.max(1, Math.floor(o.chunkCurves))
      : preparedArray && workers > 1 ? Math.max(1, Math.min(DEFAULT_CHUNK_CURVES, Math.ceil(validCurves / parallel)))
        : DEFAULT_CHUNK_CURVES;
    // Units read by one fill are started heaviest first (the pool runs them in start order), so on
    // many workers the long units do not start last and set the time; the 34 paper curves on 16
    // workers all start in the first fill. Output order is the input order whatever the start order.
    const inFlight: Unit[] = [];
    const fill = async () => {
      const fresh: Unit[] = [];
      while (inFlight.length < parallel) {
        const u = await nextUnit();
        if (!u) break;
        inFlight.push(u);
        fresh.push(u);
      }
      for (const u of fresh.map((u) => ({ u, cost: unitCost(u) })).sort((a, b) => b.cost - a.cost)) start(u.u);
    };
    const running = () => inFlight.map((u) => u.outcomes!);
    await fill();
    while (inFlight.length > 0) {
      const unit = inFlight.shift()!;
      let outcomes: SearchOutcome[];
      try {
        outcomes = await unit.outcomes!;
      } catch (e) {
        if (o.signal?.aborted) throw await abortAfter(running(), o.signal);
        throw e;
      }
      await fill();
      let k = 0;
      for (const item of unit.items) {
        // No item after an abort: the consumer may have aborted while holding the previous one.
        if (o.signal?.aborted) throw await abortAfter(running(), o.signal);
        const index = item.index;
        if ('error' in item) {
          curvesDone++;
          report();
          yield { index, id: item.id, result: item.error, settingsTried: 0, bestSetting: -1 };
          continue;
        }
        const out = outcomes[k++];
        curvesDone++;
        fitsDone += out.settingsTried;
        report();
        const result: FitResult | FailedFit = out.best ?? { status: 'failed', success: false, message: 'no setting could be fitted', error: { code: 'internal', field: 'grid', expected: 'at least one fitted setting', received: 'none', message: 'no setting could be fitted' } };
        yield { index, id: item.id, result, settingsTried: out.settingsTried, bestSetting: out.bestSetting };
      }
      if (o.signal?.aborted) throw await abortAfter(running(), o.signal);
    }
  }
}

/** The abort error, once every unit still in flight has settled (their workers are terminated). */
async function abortAfter(inFlight: Array<Promise<unknown>>, signal: AbortSignal | undefined): Promise<TrimfitError> {
  await Promise.allSettled(inFlight);
  return abortError(signal);
}

/**
 * A curve's seed index is a hash of its id (FNV-1a, u32), so a curve gets the same LTS subsets and
 * bootstrap resamples whatever else is in the sweep, in whatever order, chunking or worker: the page
 * fitting one curve per worker message and the CLI fitting all at once agree.
 */
export function curveSeedIndex(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export type { BackendInfo };
