import type { VerifyReport } from '../core/export';
import type { ExportRequest, ExportResult } from '../workers/wire';
import { callWorker, NEVER_ABORTED, progressOf, type JobOptions } from './bridge';

/** Export one open file (filtered, renamed, cast, re-encrypted) as a Blob or into a picked file. */
export function exportFile(
  request: Omit<ExportRequest, 'jobId'>,
  sourceName: string,
  options: JobOptions,
): Promise<ExportResult> {
  return callWorker(options.signal, (api, jobId) =>
    api.exportFile({ ...request, jobId }, sourceName, progressOf(options)),
  );
}

/** Re-open what an export wrote and compare it with the export's plan. */
export function verifyExport(exportId: string, written: Blob): Promise<VerifyReport> {
  return callWorker(NEVER_ABORTED, (api) => api.verifyExport(exportId, written));
}
