import { LensError } from '../base/errors';
import type { OpenedCheckpoint } from '../core/open';

/**
 * Worker-side state shared by the feature APIs: the open files (with any key, which never
 * leaves this worker) and the cancellable jobs.
 */
export type ProgressCallback = (fraction: number) => void;

export interface OpenFileEntry extends OpenedCheckpoint {
  file: Blob;
}

const openFiles = new Map<string, OpenFileEntry>();
const jobs = new Map<string, AbortController>();

export function rememberFile(fileId: string, entry: OpenFileEntry): void {
  openFiles.set(fileId, entry);
}

export function forgetFile(fileId: string): void {
  openFiles.delete(fileId);
}

export function requireOpen(fileId: string): OpenFileEntry {
  const opened = openFiles.get(fileId);
  if (!opened) throw new LensError('internal', { hint: `file ${fileId} is not open in the worker` });
  return opened;
}

/** Progress at most ~10 times a second: enough for a bar, cheap across the boundary. */
export function throttle(callback: ProgressCallback | undefined): ProgressCallback | undefined {
  if (!callback) return undefined;
  let last = 0;
  return (fraction) => {
    const now = performance.now();
    if (fraction >= 1 || now - last > 100) {
      last = now;
      void callback(fraction);
    }
  };
}

/** Run `work` as a cancellable job: `cancelJob(jobId)` aborts its signal. */
export async function runJob<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  jobs.set(jobId, controller);
  try {
    return await work(controller.signal);
  } finally {
    if (jobs.get(jobId) === controller) jobs.delete(jobId);
  }
}

export function cancelJob(jobId: string): void {
  jobs.get(jobId)?.abort();
}
