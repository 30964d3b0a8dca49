/**
 * CPU backend over a pool of workers (node:worker_threads in Node through comlink's Node adapter,
 * threads.ts; module Web Workers from the caller's `createWorker` in browsers). A batch's jobs are split into contiguous slices balanced by
 * work (pool size × candidates), one per worker, and reassembled in order, so results are identical
 * to the single-thread reference. A worker that dies is replaced and its slice retried
 * (`maxRetries`); an abort terminates every worker (new ones start on the next batch).
 */
import * as Comlink from 'comlink';
import { batchResultBuffers, checkBatchCounts, checkedJobs, copyJobResult, resultFor, type BatchResult, type CandidateBackend, type LtsBatch, type LtsJob } from '../backend.js';
import type { RemoteEvaluate, WorkerApi } from '../../workers/fit.worker.js';
import { capture, transferring, unwrap, type WorkerReply } from '../../workers/error-transfer.js';
import type { ModelName } from '../../core/models/model.js';
import type { SearchCurve, SearchOutcome } from '../../api/search.js';
import type { ResolvedBootstrap } from '../../api/options.js';
import type { BackendInfo } from '../../api/result.js';
import { TrimfitError } from '../../api/errors.js';
import { defaultConcurrency, findNodeWorkerUrl, hasNodeThreads, spawnNodeWorker } from './threads.js';

export interface WorkerPoolOptions {
  /** Number of workers. @default hardware concurrency (at least 1) */
  workers?: number;
  /** Browsers: creates one module worker running fit.worker. @default undefined (Node: worker_threads) */
  createWorker?: () => Worker;
  /** Node: URL of the built fit.worker.js. @default found beside the bundle (dist/fit.worker.js) */
  workerUrl?: URL;
  /** Retries of a slice whose worker died. @default 2 */
  maxRetries?: number;
}

interface Slot {
  api: Comlink.Remote<WorkerApi>;
  /** Why the worker died (exit or error); null while it runs. Set synchronously with the notification. */
  deathError: TrimfitError | null;
  /** Called once when the worker dies. A task registers here only while it runs and removes itself
   * after, so a long-lived worker does not accumulate one reaction (and one retained result) per task,
   * which racing every task against a never-settling "died" promise would. */
  onDeath: Set<(e: TrimfitError) => void>;
  terminate: () => Promise<void>;
}

function markDead(slot: Slot, e: TrimfitError): void {
  if (slot.deathError) return;
  slot.deathError = e;
  for (const f of slot.onDeath) f(e);
  slot.onDeath.clear();
}

export interface WorkerPool extends CandidateBackend {
  readonly size: number;
  /**
   * Runs the whole search (Stage 1, candidates, polish, bootstrap) for `curves` in one worker. With
   * `evaluate`, the worker sends its LTS candidate batches back to it (e.g. the caller's GPU
   * backend) and does the rest itself.
   */
  search(model: ModelName, curves: SearchCurve[], bootstrap: ResolvedBootstrap, backend: BackendInfo, signal?: AbortSignal, evaluate?: (batch: LtsBatch) => Promise<BatchResult>): Promise<SearchOutcome[]>;
}

export async function createWorkerPool(options: WorkerPoolOptions = {}): Promise<WorkerPool> {
  const size = options.workers ?? (await defaultConcurrency());
  const maxRetries = options.maxRetries ?? 2;
  const nodeUrl = hasNodeThreads && !options.createWorker ? (options.workerUrl ?? (await findNodeWorkerUrl())) : null;
  let slots: Array<Slot | null> = new Array(size).fill(null);

  async function spawn(): Promise<Slot> {
    if (nodeUrl) {
      const slot = { deathError: null, onDeath: new Set() } as unknown as Slot;
      const w = await spawnNodeWorker(nodeUrl, (e) => markDead(slot, e));
      slot.api = Comlink.wrap<WorkerApi>(w.endpoint);
      slot.terminate = async () => { slot.api[Comlink.releaseProxy](); await w.terminate(); };
      return slot;
    }
    if (!options.createWorker) throw new TrimfitError('backend-unavailable', 'createWorker', 'a worker factory in browsers', undefined);
    const w = options.createWorker();
    const slot = { deathError: null, onDeath: new Set() } as unknown as Slot;
    w.addEventListener('error', (e) => markDead(slot, new TrimfitError('internal', 'worker', 'a running worker', String((e as ErrorEvent).message), 'CPU worker failed')));
    slot.api = Comlink.wrap<WorkerApi>(w);
    slot.terminate = async () => { slot.api[Comlink.releaseProxy](); w.terminate(); };
    return slot;
  }

  // Idle slot indices; tasks wait in `waiters` when every worker is busy.
  const idle: number[] = Array.from({ length: size }, (_, k) => k);
  const waiters: Array<(k: number) => void> = [];
  function acquire(): Promise<number> {
    const k = idle.pop();
    return k !== undefined ? Promise.resolve(k) : new Promise((resolve) => waiters.push(resolve));
  }
  function release(k: number): void {
    const next = waiters.shift();
    if (next) next(k);
    else idle.push(k);
  }

  /** Runs one task on a free worker; a worker that dies is replaced and the task retried. */
  async function run<T>(task: (api: Comlink.Remote<WorkerApi>) => Promise<WorkerReply<T>>, signal?: AbortSignal): Promise<T> {
    const k = await acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        signal?.throwIfAborted();
        const s = (slots[k] ??= await spawn());
        let onDeath: ((e: TrimfitError) => void) | undefined;
        let onAbort: (() => void) | undefined;
        try {
          // Settles with the task, or rejects when the worker dies or the signal aborts; the
          // listeners are removed in `finally`, so nothing outlives the task.
          const interrupted = new Promise<never>((_, reject) => {
            if (s.deathError) return reject(s.deathError);
            if (signal?.aborted) return reject(signal.reason);
            onDeath = reject;
            s.onDeath.add(onDeath);
            onAbort = () => reject(signal!.reason);
            signal?.addEventListener('abort', onAbort, { once: true });
          });
          interrupted.catch(() => undefined);
          return unwrap(await Promise.race([task(s.api), interrupted]));
        } catch (e) {
          if (signal?.aborted) throw e;
          if (!s.deathError) throw e;
          // A dead worker is replaced whether or not its task is retried.
          slots[k] = null;
          await s.terminate().catch(() => undefined);
          if (attempt >= maxRetries) throw e;
        } finally {
          if (onDeath) s.onDeath.delete(onDeath);
          if (onAbort) signal?.removeEventListener('abort', onAbort);
        }
      }
    } finally {
      release(k);
    }
  }

  async function terminateAll(): Promise<void> {
    const old = slots;
    slots = new Array(size).fill(null);
    await Promise.all(old.map((s) => s?.terminate().catch(() => undefined)));
  }

  return {
    name: 'cpu',
    size,
    description: `f64 worker pool (${size} worker${size === 1 ? '' : 's'})`,
    async evaluate(batch: LtsBatch, signal?: AbortSignal, into?: BatchResult): Promise<BatchResult> {
      signal?.throwIfAborted();
      // Checked here, so that an error names the job's index in the batch, not in a worker's slice.
      checkBatchCounts(batch);
      const all = checkedJobs(batch).jobs;
      // Checked before any work: a result that does not fit fails the call, not its end.
      const target = into === undefined ? undefined : resultFor(all.length, batch.keepBest, 0, into);
      const slices = splitJobs(all, size).filter((jobs) => jobs.length > 0);
      try {
        const parts = await Promise.all(slices.map((jobs) => run((api) => api.evaluate({ ...batch, jobs }), signal)));
        return concatResults(parts, all.length, batch.keepBest, target);
      } catch (e) {
        if (signal?.aborted) await terminateAll();
        throw e;
      }
    },
    async search(model: ModelName, curves: SearchCurve[], bootstrap: ResolvedBootstrap, backend: BackendInfo, signal?: AbortSignal, evaluate?: (batch: LtsBatch) => Promise<BatchResult>): Promise<SearchOutcome[]> {
      // The worker releases the proxy when its search ends. Results are transferred to it: `evaluate`
      // hands over a fresh result per batch and keeps no reference to it.
      const remote = evaluate ? (): RemoteEvaluate => Comlink.proxy(async (batch: LtsBatch) => transferring(await capture(() => evaluate(batch)), batchResultBuffers)) : () => undefined;
      try {
        return await run((api) => api.search(model, curves, bootstrap, backend, remote()), signal);
      } catch (e) {
        if (signal?.aborted) await terminateAll();
        throw e;
      }
    },

    dispose: terminateAll,
  };
}

/** The results of consecutive slices of one batch, as one result in batch order (in `into` when given). */
function concatResults(parts: BatchResult[], jobCount: number, keepBest: number, into?: BatchResult): BatchResult {
  if (parts.length === 1 && !into) return parts[0];
  const out = resultFor(jobCount, keepBest, parts.reduce((p, r) => Math.max(p, r.thetaStride), 0), into);
  let to = 0;
  for (const part of parts) for (let from = 0; from < part.jobCount; from++) copyJobResult(part, from, out, to++);
  return out;
}

/** Contiguous slices with about equal work (pool length × candidates); order is preserved. */
export function splitJobs(jobs: readonly LtsJob[], parts: number): LtsJob[][] {
  const cost = jobs.map((j) => j.pool.length + 1);
  const total = cost.reduce((a, b) => a + b, 0);
  const out: LtsJob[][] = Array.from({ length: parts }, () => []);
  let acc = 0;
  jobs.forEach((job, i) => {
    const k = Math.min(parts - 1, Math.floor((acc / total) * parts));
    out[k].push(job);
    acc += cost[i];
  });
  return out;
}
