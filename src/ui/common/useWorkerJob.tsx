import { useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import { proxy, workerClient } from '../../workers/client';

let jobCounter = 0;

/** A cancellable worker job with progress, as the integrity and fingerprint actions run them. */
export function useWorkerJob(prefix: string) {
  const [running, setRunning] = useState<{ jobId: string; progress: number } | null>(null);
  const [error, setError] = useState<SerializedLensError | null>(null);

  /** Runs `work(jobId, onProgress)`; resolves to its result, or undefined after an error (shown). */
  async function start<T>(
    work: (jobId: string, onProgress: (fraction: number) => void) => Promise<T>,
  ): Promise<T | undefined> {
    const jobId = `${prefix}-${++jobCounter}`;
    setRunning({ jobId, progress: 0 });
    setError(null);
    try {
      // Progress travels on its own channel and can arrive after the result: only a running job moves.
      return await work(
        jobId,
        proxy((progress: number) =>
          setRunning((current) => (current?.jobId === jobId ? { jobId, progress } : current)),
        ),
      );
    } catch (e) {
      setError(serializeError(e));
      return undefined;
    } finally {
      setRunning(null);
    }
  }

  return { running, error, start };
}

/** The progress bar and Cancel button of a running job. */
export function JobProgress({ job, label }: { job: { jobId: string; progress: number } | null; label: string }) {
  if (!job) return null;
  return (
    <>
      <progress max={1} value={job.progress} aria-label={label} />
      <button type="button" onClick={() => void workerClient().cancel(job.jobId)}>
        Cancel
      </button>
    </>
  );
}
