import { useState } from 'react';
import type { FileFingerprint } from '../../integrity/fingerprint';
import { matchesPublishedDigest } from '../../integrity/published-digest';
import { fingerprintFile } from '../../store/integrity';
import { JobProgress, useJob } from '../common/useJob';
import { ErrorPanel } from '../errors/ErrorPanel';

/** "SHA-256": the file's digest as stored, to compare with the one a model zoo or hub publishes. */
export function Fingerprint({ fileId }: { fileId: string }) {
  const job = useJob();
  const [fingerprint, setFingerprint] = useState<FileFingerprint | null>(null);
  const [published, setPublished] = useState('');

  async function run(): Promise<void> {
    const result = await job.start((options) => fingerprintFile(fileId, options));
    if (result) setFingerprint(result);
  }

  const match = fingerprint && published.trim() ? matchesPublishedDigest(fingerprint.hex, published) : undefined;
  return (
    <div className="fingerprint">
      <div className="integrity-actions">
        <button type="button" onClick={() => void run()} disabled={job.running !== null} data-testid="file-sha256">
          SHA-256 of the file
        </button>
        <JobProgress job={job.running} label="SHA-256 progress" />
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
      {job.error && <ErrorPanel error={job.error} />}
    </div>
  );
}
