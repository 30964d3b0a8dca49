/**
 * Errors cross the worker boundary as plain data: comlink's default throw handler keeps only the
 * message, so a worker returns `{ ok: false, error }` and the caller re-creates the TrimfitError with
 * its class, code and field intact.
 */
import * as Comlink from 'comlink';
import { TrimfitError, type ErrorDetails } from '../api/errors.js';

export type WorkerReply<T> = { ok: true; value: T } | { ok: false; error: ErrorDetails };

export async function capture<T>(work: () => T | Promise<T>): Promise<WorkerReply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    if (e instanceof TrimfitError) return { ok: false, error: e.toJSON() };
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'internal', field: 'worker', expected: 'no error', received: message, message } };
  }
}

export function unwrap<T>(reply: WorkerReply<T>): T {
  if (reply.ok) return reply.value;
  throw TrimfitError.fromJSON(reply.error);
}

/** Marks a successful reply's buffers for transfer (not copy) when comlink posts it; the sender must not use them afterwards. */
export function transferring<T>(reply: WorkerReply<T>, buffersOf: (value: T) => ArrayBuffer[]): WorkerReply<T> {
  return reply.ok ? Comlink.transfer(reply, buffersOf(reply.value)) : reply;
}
