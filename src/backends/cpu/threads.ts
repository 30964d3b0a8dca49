/**
 * The Node side of the worker pool and of the worker itself: worker_threads, comlink's Node adapter,
 * the built worker's file. Its twin threads.browser.ts has the same exports without any Node module;
 * browser builds take the twin (the app's and bench's Vite configs by alias, the package through its
 * `#threads` import condition), so a web app that bundles trimfit pulls in no Node built-in.
 */
import type { Endpoint } from 'comlink';
import { TrimfitError } from '../../api/errors.js';

/** True where the Node worker pieces below can run. */
export const hasNodeThreads = typeof process !== 'undefined' && !!process.versions?.node;

/** Workers a pool starts when the caller does not say: the machine's parallelism, at least 1. */
export async function defaultConcurrency(): Promise<number> {
  if (hasNodeThreads) {
    const os = await import('node:os');
    return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2);
}

/** The built dist/fit.worker.js, looked for beside this bundle and in the repository's dist/. */
export async function findNodeWorkerUrl(): Promise<URL> {
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const candidates = ['./fit.worker.js', '../fit.worker.js', '../../../dist/fit.worker.js', '../../dist/fit.worker.js'].map((p) => new URL(p, import.meta.url));
  const found = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (!found) throw new TrimfitError('backend-unavailable', 'workerUrl', 'a built dist/fit.worker.js (run npm run build)', 'not found');
  return found;
}

/** A started worker_threads worker as a comlink endpoint; `onDeath` is called once when it exits or fails. */
export interface NodeWorker {
  endpoint: Endpoint;
  terminate(): Promise<void>;
}

export async function spawnNodeWorker(url: URL, onDeath: (e: TrimfitError) => void): Promise<NodeWorker> {
  const { Worker } = await import('node:worker_threads');
  const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs');
  const w = new Worker(url);
  w.once('exit', (code) => onDeath(new TrimfitError('internal', 'worker', 'a running worker', `exit code ${code}`, `CPU worker exited (code ${code})`)));
  w.once('error', (e) => onDeath(new TrimfitError('internal', 'worker', 'a running worker', e.message, `CPU worker failed: ${e.message}`)));
  return { endpoint: nodeEndpoint(w), terminate: async () => { await w.terminate(); } };
}

/** Inside a worker: the endpoint to the thread that started it (Node: the parent port), or undefined for a Web Worker's global scope. */
export async function parentEndpoint(): Promise<Endpoint | undefined> {
  if (!hasNodeThreads) return undefined;
  const { parentPort } = await import('node:worker_threads');
  if (!parentPort) return undefined;
  const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs');
  return nodeEndpoint(parentPort);
}
