import { useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import type { FileFingerprint } from '../../integrity/fingerprint';
import { matchesPublishedDigest } from '../../integrity/published-digest';
import { proxy, workerClient } from '../../workers/client';
import { ErrorPanel } from '../errors/ErrorPanel';

let jobCounter = 0;

/** "SHA-256": the file's digest as stored, to compare with the one a model zoo or hub publishes. */
export function Fingerprint({ fileId }: { fileId: string }) {
  const [running, setRunning] = useState<{ jobId: string; progress: number } | null>(null);
  const [fingerprint, setFingerprint] = useState<FileFingerprint | null>(null);
  const [published, setPublished] = useState('');
  const [error, setError] = useState<SerializedLensError | null>(null);

  async function run(): Promise<void> {
    const jobId = `sha256-${++jobCounter}`;
    setRunning({ jobId, progress: 0 });
    setError(null);
    try {
      const result = await workerClient().fingerprintFile(
        fileId,
        jobId,
        proxy((progress: number) =>
          setRunning((current) => (current?.jobId === jobId ? { jobId, progress } : current)),
        ),
      );
      setFingerprint(result);
    } catch (e) {
      setError(serializeError(e));
    } finally {
      setRunning(null);
    }
  }

  const match = fingerprint && published.trim() ? matchesPublishedDigest(fingerprint.hex, published) : undefined;
  return (
    <div className="fingerprint">
      <div className="integrity-actions">
        <button type="button" onClick={() => void run()} disabled={running !== null} data-testid="file-sha256">
          SHA-256 of the file
        </button>
        {running && (
          <>
            <progress max={1} value={running.progress} aria-label="SHA-256 progress" />
            <button type="button" onClick={() => void workerClient().cancel(running.jobId)}>
              Cancel
            </button>
          </>
        )}
      </div>
      {fingerprint && (
        <p>
          SHA-256 <code data-testid="file-sha256-value">{fingerprint.hex}</code>{' '}
          <label>
            published digest{' '}
            <input
              value={published}
              onChange={(event) => setPublished(event.target.value)}
              placeholder="paste to compare"
              size={24}
              spellCheck={false}
              data-testid="file-sha256-published"
            />
          </label>{' '}
          <span data-testid="file-sha256-match">
            {match === true
              ? 'matches'
              : match === false
                ? 'DIFFERS — this is not the published file'
                : match === null
                  ? 'not a SHA-256 digest (64 hex digits)'
                  : ''}
          </span>
        </p>
      )}
      {error && <ErrorPanel error={error} />}
    </div>
  );
}
