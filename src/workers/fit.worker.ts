/**
 * CPU worker: evaluates LTS candidate batches in f64 with the reference backend. Runs as a
 * node:worker_threads worker (comlink's Node adapter) or a module Web Worker in browsers.
 */
import * as Comlink from 'comlink';
import { createCpuBackend } from '../backends/cpu/cpu-backend.js';
import { hasNodeThreads, parentEndpoint } from '../backends/cpu/threads.js';
import { batchResultBuffers, type BatchResult, type LtsBatch } from '../backends/backend.js';
import { capture, transferring, unwrap, type WorkerReply } from './error-transfer.js';
import { batchEvaluator, collect, evaluateInlineF64, searchCurves, type SearchCurve, type SearchOutcome } from '../api/search.js';
import type { ModelName } from '../core/models/model.js';
import type { ResolvedBootstrap } from '../api/options.js';
import type { BackendInfo } from '../api/result.js';

const backend = createCpuBackend();

/** A candidate backend on the calling thread, reached through comlink; errors come back as replies so typed errors keep their code. */
export type RemoteEvaluate = (batch: LtsBatch) => Promise<WorkerReply<BatchResult>>;

export const workerApi = {
  /** The result's arrays are transferred to the caller, not copied. */
  async evaluate(batch: LtsBatch): Promise<WorkerReply<BatchResult>> {
    return transferring(await capture(() => backend.evaluate(batch)), batchResultBuffers);
  },
  /**
   * Runs the search for `curves`. With `remoteEvaluate` (a comlink proxy of the caller's candidate
   * backend, e.g. its GPU) the LTS candidates go there and this worker does the rest (Stage 1,
   * polish, scoring, bootstrap); without it everything runs here in f64.
   */
  async search(model: ModelName, curves: SearchCurve[], bootstrap: ResolvedBootstrap, info: BackendInfo, remoteEvaluate?: RemoteEvaluate): Promise<WorkerReply<SearchOutcome[]>> {
    try {
      return await capture(async () => {
        const evaluate = remoteEvaluate ? batchEvaluator(async (batch) => unwrap(await remoteEvaluate(batch))) : evaluateInlineF64;
        return collect(searchCurves(model, curves, evaluate, info, bootstrap));
      });
    } finally {
      (remoteEvaluate as Partial<Comlink.Remote<RemoteEvaluate>> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
  /** Used by tests to check that a worker failure is retried: exits this worker abruptly. */
  crash(): void {
    if (hasNodeThreads) process.exit(1);
    else (globalThis as unknown as { close(): void }).close();
  },
};
export type WorkerApi = typeof workerApi;

async function start(): Promise<void> {
  const endpoint = await parentEndpoint();
  if (endpoint) Comlink.expose(workerApi, endpoint);
  else if (!hasNodeThreads) Comlink.expose(workerApi);
}
void start();
