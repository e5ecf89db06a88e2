import { LensError } from '../base/errors';
import { buildOutput, rebuildMergedView, type MergedView, type OutputSpec, type SetData } from '../core/distributed';
import { exportBlob, writeExportTo, type CastReportEntry } from '../core/export';
import { rangeBlobParts, type ByteRange } from '../core/export/parallel';
import { fileHandleFor, writableSink } from './file-sink';

/**
 * One member of the export pool (export-member.ts runs it in its own Worker). It is opened once
 * with the set's plain data, then runs units: a whole output (streamed to a chosen file or
 * folder, else a Blob) or one byte range of an output (a Blob and its CRC). Keys given to
 * `open` stay in this worker and die with it.
 */

export interface MemberTask {
  output: OutputSpec;
  /** null: the whole output; else bytes [start, end) of its body. */
  range: ByteRange | null;
  /** Whole outputs only: stream into this file, or into `fileName` under this folder. */
  target?: FileSystemFileHandle | FileSystemDirectoryHandle;
}

export interface MemberResult {
  /** The output's file name (same as the app worker's). */
  fileName: string;
  /** Bytes this unit produced (the whole file, or the range). */
  size: number;
  tensors: number;
  /** Absent when streamed to `target`. */
  blob?: Blob;
  /** CRC-32 of a range of an export ending in a crc_num trailer; else null. */
  crc: number | null;
  castReport: CastReportEntry[];
}

/** Progress is posted at most this often (each call crosses a worker boundary). */
const PROGRESS_INTERVAL_MS = 100;

export function createMemberApi() {
  let opened: { data: SetData; view: MergedView } | null = null;
  let controller: AbortController | null = null;

  return {
    async open(data: SetData): Promise<void> {
      controller = new AbortController();
      opened = { data, view: await rebuildMergedView(data, controller.signal) };
    },

    async run(task: MemberTask, onProgress?: (done: number) => void): Promise<MemberResult> {
      if (!opened) throw new LensError('internal', { hint: 'export pool member used before open' });
      controller = new AbortController();
      const { signal } = controller;
      let last = 0;
      const progress = (done: number, total: number): void => {
        const now = Date.now();
        if (done >= total || now - last >= PROGRESS_INTERVAL_MS) {
          last = now;
          void onProgress?.(done);
        }
      };
      const { fileName, job, tensors } = await buildOutput(opened.view, opened.data.baseName, task.output, signal);
      if (task.range) {
        const piece = await rangeBlobParts(job, task.range, { signal, onProgress: progress });
        return {
          fileName,
          size: piece.length,
          tensors,
          blob: new Blob(piece.parts),
          crc: piece.crc,
          castReport: job.castReport(),
        };
      }
      if (task.target) {
        const writable = await (await fileHandleFor(task.target, fileName)).createWritable();
        await writeExportTo(job, writableSink(writable), { signal, onProgress: progress });
        return { fileName, size: job.size, tensors, crc: null, castReport: job.castReport() };
      }
      const blob = await exportBlob(job, { signal, onProgress: progress });
      return { fileName, size: job.size, tensors, blob, crc: null, castReport: job.castReport() };
    },

    /** Abort the running unit (a streamed file is aborted, not committed). */
    cancel(): void {
      controller?.abort();
    },

    /** Drop the set (and its key). */
    close(): void {
      controller?.abort();
      opened = null;
    },
  };
}

export type MemberApi = ReturnType<typeof createMemberApi>;
