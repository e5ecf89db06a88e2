import { toColumnar } from '../base/tensor-columns';
import { openCheckpoint } from '../core/open';
import { summarize } from '../core/summary';
import { BlobSource } from '../io/byte-source';
import { forgetCachedKey } from '../crypto/decrypted-source';
import { decryptionFor, forgetPoolKeys } from './decrypt-pool';
import { distributedApi } from './features/distributed';
import { exportApi } from './features/export';
import { integrityApi } from './features/integrity';
import { loadCheckApi } from './features/load-check';
import { manifestApi } from './features/manifest';
import { shardedApi } from './features/sharded';
import { statsApi } from './features/stats';
import { treeApi } from './features/tree';
import type { OpenRequest, OpenResult } from './open-types';
import { cancelJob, forgetFile, rememberFile, runJob, throttle, type ProgressCallback } from './registry';

/**
 * The worker's whole API: plain async functions over plain data. Files stay in the worker by id
 * (with their key, if any); the page holds only indexes and reports, never tensor bytes or keys.
 */

const coreApi = {
  async openFile(request: OpenRequest, onProgress?: ProgressCallback): Promise<OpenResult> {
    return runJob(request.fileId, async (signal) => {
      const opened = await openCheckpoint(new BlobSource(request.file), {
        signal,
        onProgress: throttle(onProgress),
        ...(request.key ? { key: request.key } : {}),
        ...(request.mode ? { mode: request.mode } : {}),
        decryption: decryptionFor(request.key),
        // The page reads the index by position; the worker's own readers make entries when asked.
        columns: true,
      });
      rememberFile(request.fileId, { ...opened, file: request.file });
      return { index: toColumnar(opened.index), summary: summarize(opened.index) };
    });
  },

  /** Forget a file and any key that came with it. */
  async closeFile(fileId: string): Promise<void> {
    cancelJob(fileId);
    forgetFile(fileId);
    forgetCachedKey();
    await forgetPoolKeys();
  },

  cancel(jobId: string): void {
    cancelJob(jobId);
  },
};

/**
 * Feature APIs live in workers/features/<name>.ts, each an object of plain async functions;
 * adding a feature is one import and one spread here.
 */
export const workerApi = {
  ...coreApi,
  ...exportApi,
  ...manifestApi,
  ...loadCheckApi,
  ...integrityApi,
  ...statsApi,
  ...distributedApi,
  ...shardedApi,
  ...treeApi,
};

export type WorkerApi = typeof workerApi;
