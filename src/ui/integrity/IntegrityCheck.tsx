import { useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import type { CheckpointIndex } from '../../base/types';
import { formatBytes } from '../../core/summary';
import type { IntegrityReport } from '../../integrity/verify';
import { updateFile } from '../../store/store';
import { proxy, workerClient } from '../../workers/client';
import { ErrorPanel } from '../errors/ErrorPanel';
import { Fingerprint } from './Fingerprint';

let jobCounter = 0;

/** "Verify integrity": one streaming pass over the file with progress and cancel. */
export function IntegrityCheck({ fileId, index }: { fileId: string; index: CheckpointIndex }) {
  const [running, setRunning] = useState<{ jobId: string; progress: number } | null>(null);
  const [report, setReport] = useState<IntegrityReport | null>(null);
  const [error, setError] = useState<SerializedLensError | null>(null);

  async function run(): Promise<void> {
    const jobId = `verify-${++jobCounter}`;
    setRunning({ jobId, progress: 0 });
    setError(null);
    try {
      const result = await workerClient().verifyFile(
        fileId,
        jobId,
        // Progress travels on its own channel and can arrive after the result: only a running job moves.
        proxy((progress: number) =>
          setRunning((current) => (current?.jobId === jobId ? { jobId, progress } : current)),
        ),
      );
      setReport(result);
      updateFile(fileId, { index: { ...index, crc: result.crc } });
    } catch (e) {
      setError(serializeError(e));
    } finally {
      setRunning(null);
    }
  }

  const status = report
    ? report.crcStatus === 'ok'
      ? `CRC ok (${report.crc.actual}) over ${formatBytes(report.bytesCovered)}`
      : report.crcStatus === 'mismatch'
        ? `CRC MISMATCH: stored ${report.crc.expected}, computed ${report.crc.actual} — the file was changed or damaged after it was saved`
        : report.crcStatus === 'absent'
          ? 'No CRC stored (saved without crc_check=True): nothing to compare against'
          : `CRC not checkable: ${report.crcNote ?? ''}`
    : null;
  return (
    <div className="integrity-check" data-testid="integrity">
      <div className="integrity-actions">
        <button type="button" onClick={() => void run()} disabled={running !== null} data-testid="verify-integrity">
          Verify integrity{index.encryption ? ' (decrypt every block)' : ''}
        </button>
        {running && (
          <>
            <progress max={1} value={running.progress} aria-label="Verification progress" />
            <button type="button" onClick={() => void workerClient().cancel(running.jobId)}>
              Cancel
            </button>
          </>
        )}
      </div>
      {report && (
        <ul className={report.ok ? 'integrity-report ok' : 'integrity-report bad'} data-testid="integrity-report">
          <li>{status}</li>
          {report.encryption && (
            <li>
              {report.encryption.mode} ({report.encryption.layout} layout): {report.encryption.blocksVerified} of{' '}
              {report.encryption.blocks} blocks authenticated{report.encryption.ok ? '' : ' — a block failed'}
            </li>
          )}
          {report.trailingBytes > 0 && (
            <li>{formatBytes(report.trailingBytes)} after the last tensor are covered by no check.</li>
          )}
          <li>{report.ok ? 'Everything that could be checked is intact.' : 'Some checks failed: see above.'}</li>
        </ul>
      )}
      {error && <ErrorPanel error={error} />}
      <Fingerprint fileId={fileId} />
    </div>
  );
}
