/** What opening one file sends to the worker and gets back (shared by the core API and its features). */
import type { ColumnarIndex } from '../base/tensor-columns';
import type { CipherMode } from '../base/types';
import type { CheckpointSummary } from '../core/summary';

export interface OpenRequest {
  fileId: string;
  file: Blob;
  /** Only for encrypted files; stays in this worker's memory for this file. */
  key?: Uint8Array;
  mode?: CipherMode;
}

export interface OpenResult {
  /** Columns, transferred to the page (base/tensor-columns.ts says why). */
  index: ColumnarIndex;
  summary: CheckpointSummary;
}
