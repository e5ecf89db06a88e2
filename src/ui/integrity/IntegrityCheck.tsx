import type { ColumnarIndex } from '../../base/tensor-columns';
import {
  CRC_TRAILER_AFTER_ENCRYPTION_NOT_CHECKED,
  describeNoCrc,
  describeStructureOnlyVerified,
  describeStoredCrc,
  describeTensorFindings,
  describeZipCrc,
} from '../../core/messages';
import { formatBytes } from '../../core/summary';
import type { IntegrityReport } from '../../integrity/verify';
import { verifyIntegrity } from '../../store/integrity';
import { JobProgress, useJob } from '../common/useJob';
import { ErrorPanel } from '../errors/ErrorPanel';
import { Fingerprint } from './Fingerprint';
import { plural } from '../../base/plural';

/** "Verify integrity": one streaming pass over the file with progress and cancel. */
export function IntegrityCheck({
  fileId,
  index,
  report,
}: {
  fileId: string;
  index: ColumnarIndex;
  report: IntegrityReport | undefined;
}) {
  const job = useJob();

  async function run(): Promise<void> {
    // The action stores the report with the file: the verdict above, the tab's dot and this report read it.
    await job.start((options) => verifyIntegrity(fileId, index, options));
  }

  // A PyTorch zip archive: one line for the outcome, one per entry that differs.
  const zipLines = report?.zip ? describeZipCrc(report.zip) : [];
  const status = report
    ? zipLines.length > 0 && report.crcStatus !== 'unverifiable'
      ? (zipLines[0] as string)
      : report.crcStatus === 'ok'
        ? `CRC ok (${report.crc.actual}) over ${formatBytes(report.bytesCovered)}`
        : report.crcStatus === 'mismatch'
          ? `CRC MISMATCH: stored ${describeStoredCrc(report.crc)}, computed ${report.crc.actual} — the file was changed or damaged after it was saved`
          : report.crcStatus === 'absent'
            ? report.problems.some((problem) => problem.code === 'crc-trailer-after-encryption')
              ? CRC_TRAILER_AFTER_ENCRYPTION_NOT_CHECKED
              : report.encryption?.mode === 'AES-GCM' || !report.ok
                ? describeNoCrc(index.format)
                : describeStructureOnlyVerified()
            : `CRC not checkable: ${report.crcNote ?? ''}`
    : null;
  return (
    <div className="integrity-check" data-testid="integrity">
      <div className="integrity-actions">
        <button type="button" onClick={() => void run()} disabled={job.running !== null} data-testid="verify-integrity">
          Verify integrity{index.encryption ? ' (decrypt every block)' : ''}
        </button>
        <JobProgress job={job.running} label="Verification progress" />
      </div>
      {report && (
        <ul className={report.ok ? 'integrity-report ok' : 'integrity-report bad'} data-testid="integrity-report">
          <li>{status}</li>
          {zipLines.slice(1).map((line) => (
            <li key={line} data-testid="zip-crc-mismatch">
              {line}
            </li>
          ))}
          {report.encryption && (
            <li>
              {report.encryption.mode} ({report.encryption.layout} layout): {report.encryption.blocksVerified} of{' '}
              {plural(report.encryption.blocks, 'block')} authenticated{report.encryption.ok ? '' : ' — a block failed'}
            </li>
          )}
          {report.tensorFindings.length > 0 && (
            <li data-testid="tensor-findings">{describeTensorFindings(report.tensorFindings.length)}</li>
          )}
          {report.trailingBytes > 0 && (
            <li>{formatBytes(report.trailingBytes)} after the last tensor are covered by no check.</li>
          )}
        </ul>
      )}
      {job.error && <ErrorPanel error={job.error} />}
      {/* A sharded set has no one stored file whose digest a hub publishes; each shard has its own. */}
      {!index.sharded && <Fingerprint fileId={fileId} />}
    </div>
  );
}
