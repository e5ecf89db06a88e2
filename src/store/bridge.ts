import * as Comlink from 'comlink';
import { installTransferHandlers } from '../workers/transfer';
import type { WorkerApi } from '../workers/wire';

/**
 * The one door between the page and the parsing worker (squoosh's worker-bridge is the model).
 * Only store actions call it; components call the actions.
 *
 * - Every call takes an `AbortSignal`. Aborting tells the worker to cancel the call's job (its
 *   `runJob` signal, checked between windows) and the call then rejects with the abort reason
 *   ('cancelled'), even for the few calls the worker cannot stop midway: an aborted call never
 *   delivers a result.
 * - Job ids are the bridge's business: `work` gets a fresh one to pass where the worker API
 *   takes one; nobody above this module mints or holds job ids.
 * - Calls run side by side rather than one after another: the worker yields between windows, so
 *   a value preview does not wait behind a whole-file scan. (Squoosh queues because it cancels by
 *   terminating the worker; this worker cancels a job in place and keeps the open files.)
 * - The worker holds the open files, sets and keys, so it lives while anything is open; when the
 *   store has closed everything, `terminateWhenIdle` ends it once its last call has settled and
 *   the next call starts a fresh one.
 */
export type RemoteApi = Comlink.Remote<WorkerApi>;

/** What every long store action takes: the signal that cancels it, and where progress goes. */
export interface JobOptions {
  signal: AbortSignal;
  onProgress?: (fraction: number) => void;
}

let worker: Worker | null = null;
let remote: RemoteApi | null = null;
let inFlight = 0;
let terminateRequested = false;
let jobSequence = 0;

function connect(): RemoteApi {
  terminateRequested = false;
  if (!remote) {
    installTransferHandlers();
    worker = new Worker(new URL('../workers/worker.ts', import.meta.url), { type: 'module', name: 'ckpt-lens-parser' });
    remote = Comlink.wrap<WorkerApi>(worker);
  }
  return remote;
}

function settleOne(): void {
  inFlight -= 1;
  if (inFlight === 0 && terminateRequested) terminate();
}

function terminate(): void {
  terminateRequested = false;
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
}

/** Run one call on the worker; `work` receives the remote API and a job id unique to this call. */
export async function callWorker<T>(
  signal: AbortSignal,
  work: (api: RemoteApi, jobId: string) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const api = connect();
  const jobId = `job-${++jobSequence}`;
  const cancel = (): void => void api.cancel(jobId);
  signal.addEventListener('abort', cancel, { once: true });
  inFlight += 1;
  try {
    const result = await work(api, jobId);
    signal.throwIfAborted();
    return result;
  } finally {
    signal.removeEventListener('abort', cancel);
    settleOne();
  }
}

/** For housekeeping calls nobody cancels (closing a file, forgetting results). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** A callback the worker may call back (progress, streamed rows): passed by proxy, not cloned. */
export function callback<A extends unknown[]>(fn: (...args: A) => void): ((...args: A) => void) & Comlink.ProxyMarked {
  return Comlink.proxy(fn);
}

/** The progress callback of a job, if it has one. */
export function progressOf(options: JobOptions): (((fraction: number) => void) & Comlink.ProxyMarked) | undefined {
  return options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
}

/**
 * Start the worker before the first call, so the first file dropped does not wait for the
 * worker's script to load and run (~100–150 ms in Chromium). It holds nothing until a call
 * opens something; an ended worker is not started again until the next call.
 */
export function startWorkerEarly(): void {
  if (!remote) connect();
}

/** Nothing is open any more: end the worker (and every key in it) once its last call settles. */
export function terminateWhenIdle(): void {
  if (!remote) return;
  if (inFlight === 0) terminate();
  else terminateRequested = true;
}
