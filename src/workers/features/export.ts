import { LensError } from '../../base/errors';
import type { TensorEntry } from '../../base/types';
import {
  buildExport,
  exportBlob,
  writeExportTo,
  parseAppendValue,
  planExport,
  verifyExport,
  type AppendValue,
  type CastReportEntry,
  type ExportJob,
  type VerifyReport,
} from '../../core/export';
import { compileNameMap, type NameMapSpec } from '../../core/name-map';
import { openCheckpoint } from '../../core/open';
import { compileFilter, parseFilter } from '../../core/selection';
import { BlobSource } from '../../io/byte-source';
import { requireOpen, runJob, throttle, type ProgressCallback } from '../registry';
import { writableSink } from '../file-sink';
import { sealerFor, sealingInFlight } from '../decrypt-pool';
import { exportFileName } from '../../core/export/file-name';

/** Everything the export panel chose, as plain data. Keys travel only to this worker. */
export interface ExportRequest {
  fileId: string;
  jobId: string;
  format: 'ckpt' | 'safetensors';
  /** The filter expression of the view ('' = every parameter). */
  filterText: string;
  nameMap: NameMapSpec | null;
  /** One cast rule: every tensor of `from` (or every float tensor when omitted) to `to`. */
  cast: { from: string; to: string } | null;
  /** append_dict entries to set, as typed (`3`, `0.01`, `true`, `"text"`). */
  appendSet: [string, string][];
  appendRemove: string[];
  crc: boolean;
  metadataFormat: 'ms' | 'pt' | null;
  encryption: { mode: string; key: Uint8Array } | null;
  /** File System Access handle to stream into; without one the result comes back as a Blob. */
  target?: FileSystemFileHandle;
}

export interface ExportResult {
  exportId: string;
  fileName: string;
  size: number;
  parameterCount: number;
  omitted: string[];
  castReport: CastReportEntry[];
  /** Present when no target handle was given. */
  blob?: Blob;
}

/** Finished jobs kept for "verify after write": a few, bounded. */
const finished = new Map<string, { job: ExportJob; key: Uint8Array | null }>();
const MAX_FINISHED_EXPORTS = 4;

function remember(exportId: string, job: ExportJob, key: Uint8Array | null): void {
  finished.set(exportId, { job, key });
  while (finished.size > MAX_FINISHED_EXPORTS) finished.delete(finished.keys().next().value as string);
}

export const exportApi = {
  async exportFile(request: ExportRequest, sourceName: string, onProgress?: ProgressCallback): Promise<ExportResult> {
    return runJob(request.jobId, async (signal) => {
      const opened = requireOpen(request.fileId);
      const predicate = request.filterText.trim() ? compileFilter(parseFilter(request.filterText)) : null;
      const nameMap = request.nameMap ? compileNameMap(request.nameMap) : null;
      const appendSet = request.appendSet.map(
        ([name, text]) => [name, parseAppendValue(text)] as const satisfies readonly [string, AppendValue],
      );
      const plan = planExport(opened.index, {
        format: request.format,
        ...(predicate ? { select: (entry: TensorEntry) => predicate(entry) } : {}),
        ...(nameMap ? { renames: (name: string) => nameMap.apply(name) } : {}),
        casts: request.cast ? [request.cast] : [],
        appendDict: { set: appendSet, remove: request.appendRemove },
        crc: request.crc,
        encryption: request.encryption
          ? { mode: request.encryption.mode, keyLength: request.encryption.key.length }
          : null,
        metadataFormat: request.metadataFormat,
      });
      const progress = throttle(onProgress);
      const job = await buildExport(opened, plan, {
        signal,
        ...(request.encryption && plan.encryption
          ? {
              encryptionKey: request.encryption.key,
              // Blocks sealing (on pool members for CPU-bound modes) while this thread reads
              // the next block.
              sealer: sealerFor(plan.encryption.mode, request.encryption.key),
              encryptionInFlight: sealingInFlight(plan.encryption.mode, request.encryption.key),
            }
          : {}),
      });
      const report = (done: number, total: number): void => progress?.(total > 0 ? done / total : 1);
      let blob: Blob | undefined;
      if (request.target) {
        const writable = await request.target.createWritable();
        await writeExportTo(job, writableSink(writable), { signal, onProgress: report });
      } else {
        blob = await exportBlob(job, { signal, onProgress: report });
      }
      remember(request.jobId, job, request.encryption?.key ?? null);
      return {
        exportId: request.jobId,
        fileName: exportFileName(sourceName, request.format),
        size: job.size,
        parameterCount: plan.tensors.length,
        omitted: plan.omitted.map((o) => o.name),
        castReport: job.castReport(),
        ...(blob ? { blob } : {}),
      };
    });
  },

  /** Re-open what was written and compare it with the plan (names, dtypes, shapes, bytes). */
  async verifyExport(exportId: string, written: Blob): Promise<VerifyReport> {
    const entry = finished.get(exportId);
    if (!entry)
      throw new LensError('internal', { hint: `export ${exportId} is no longer available to verify; export again` });
    // As columns: the check makes an entry object for one written tensor at a time.
    const reopened = await openCheckpoint(new BlobSource(written), {
      ...(entry.key ? { key: entry.key } : {}),
      columns: true,
    });
    return verifyExport(reopened, entry.job);
  },
};
