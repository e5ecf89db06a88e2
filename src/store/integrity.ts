import type { ColumnarIndex } from '../base/tensor-columns';
import type { FileFingerprint } from '../integrity/fingerprint';
import type { IntegrityReport } from '../integrity/verify';
import { callWorker, progressOf, type JobOptions } from './bridge';
import { updateFile } from './store';

/**
 * "Verify integrity": one streaming pass over the file. The report is stored with the file: the
 * verdict, the tab's dot and the integrity panel all read it.
 */
export async function verifyIntegrity(
  fileId: string,
  index: ColumnarIndex,
  options: JobOptions,
): Promise<IntegrityReport> {
  const report = await callWorker(options.signal, (api, jobId) => api.verifyFile(fileId, jobId, progressOf(options)));
  updateFile(fileId, { index: { ...index, crc: report.crc }, integrity: report });
  return report;
}

/** The file's SHA-256 as stored, to compare with a published digest. */
export function fingerprintFile(fileId: string, options: JobOptions): Promise<FileFingerprint> {
  return callWorker(options.signal, (api, jobId) => api.fingerprintFile(fileId, jobId, progressOf(options)));
}
