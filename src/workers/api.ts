import { LensError } from '../base/errors';
import type { CheckpointIndex, CipherMode } from '../base/types';
import { openCheckpoint, type OpenedCheckpoint } from '../core/open';
import { summarize, type CheckpointSummary } from '../core/summary';
import { BlobSource } from '../io/byte-source';

/**
 * The worker's whole API: plain async functions over plain data. Files stay in the worker by id
 * (with their key, if any); the page holds only indexes and reports, never tensor bytes or keys.
 */

export type ProgressCallback = (fraction: number) => void;

export interface OpenRequest {
  fileId: string;
  file: Blob;
  /** Only for encrypted files; stays in this worker's memory for this file. */
  key?: Uint8Array;
  mode?: CipherMode;
}

export interface OpenResult {
  index: CheckpointIndex;
  summary: CheckpointSummary;
}

const openFiles = new Map<string, OpenedCheckpoint & { file: Blob }>();
const jobs = new Map<string, AbortController>();

/** Progress at most ~10 times a second: enough for a bar, cheap across the boundary. */
function throttle(callback: ProgressCallback | undefined): ProgressCallback | undefined {
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

function startJob(jobId: string): AbortSignal {
  const controller = new AbortController();
  jobs.set(jobId, controller);
  return controller.signal;
}

export const workerApi = {
  async openFile(request: OpenRequest, onProgress?: ProgressCallback): Promise<OpenResult> {
    const signal = startJob(request.fileId);
    try {
      const opened = await openCheckpoint(new BlobSource(request.file), {
        signal,
        onProgress: throttle(onProgress),
        ...(request.key ? { key: request.key } : {}),
        ...(request.mode ? { mode: request.mode } : {}),
      });
      openFiles.set(request.fileId, { ...opened, file: request.file });
      return { index: opened.index, summary: summarize(opened.index) };
    } finally {
      jobs.delete(request.fileId);
    }
  },

  /** Forget a file and any key that came with it. */
  closeFile(fileId: string): void {
    jobs.get(fileId)?.abort();
    openFiles.delete(fileId);
  },

  cancel(jobId: string): void {
    jobs.get(jobId)?.abort();
  },

  ping(): string {
    return 'ok';
  },
};

export type WorkerApi = typeof workerApi;

export function requireOpen(fileId: string): OpenedCheckpoint & { file: Blob } {
  const opened = openFiles.get(fileId);
  if (!opened) throw new LensError('internal', { hint: `file ${fileId} is not open in the worker` });
  return opened;
}


