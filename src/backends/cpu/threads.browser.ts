/**
 * Browser twin of threads.ts: the same exports, no Node module. Browsers run the pool's workers
 * through the caller's `createWorker`, so the Node pieces are never reached here; they fail with a
 * typed error if they are.
 */
import type { Endpoint } from 'comlink';
import { TrimfitError } from '../../api/errors.js';
import type { NodeWorker } from './threads.js';

export type { NodeWorker } from './threads.js';

export const hasNodeThreads = false;

export async function defaultConcurrency(): Promise<number> {
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2);
}

function nodeOnly(what: string): TrimfitError {
  return new TrimfitError('backend-unavailable', 'createWorker', 'a worker factory in browsers', undefined, `${what} needs Node's worker_threads; in a browser pass createWorker`);
}

export async function findNodeWorkerUrl(): Promise<URL> {
  throw nodeOnly('finding dist/fit.worker.js');
}

export async function spawnNodeWorker(_url: URL, _onDeath: (e: TrimfitError) => void): Promise<NodeWorker> {
  throw nodeOnly('a worker_threads worker');
}

export async function parentEndpoint(): Promise<Endpoint | undefined> {
  return undefined;
}
