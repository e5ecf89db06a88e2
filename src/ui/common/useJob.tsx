import { useRef, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';

/** What a running job shows: its progress (0‥1) and how to cancel it. */
export interface RunningJob {
  progress: number;
  cancel: () => void;
}

/**
 * A cancellable store action with progress, as the integrity, export, compare and scan panels
 * run them: one `AbortController` per run; Cancel aborts it.
 */
export function useJob() {
  const [running, setRunning] = useState<RunningJob | null>(null);
  const [error, setError] = useState<SerializedLensError | null>(null);
  const current = useRef<AbortController | null>(null);

  /** Runs `work(options)`; resolves to its result, or undefined after an error (shown). */
  async function start<T>(
    work: (options: { signal: AbortSignal; onProgress: (fraction: number) => void }) => Promise<T>,
  ): Promise<T | undefined> {
    const controller = new AbortController();
    current.current = controller;
    const cancel = (): void => controller.abort();
    setRunning({ progress: 0, cancel });
    setError(null);
    try {
      // Progress travels on its own channel and can arrive after the result: only a running job moves.
      return await work({
        signal: controller.signal,
        onProgress: (progress) => {
          if (current.current === controller) setRunning({ progress, cancel });
        },
      });
    } catch (e) {
      setError(serializeError(e));
      return undefined;
    } finally {
      if (current.current === controller) current.current = null;
      setRunning(null);
    }
  }

  return { running, error, setError, start };
}

/** The progress bar and Cancel button of a running job. */
export function JobProgress({
  job,
  label,
  cancelTestId,
}: {
  job: RunningJob | null;
  label: string;
  cancelTestId?: string;
}) {
  if (!job) return null;
  return (
    <>
      <progress max={1} value={job.progress} aria-label={label} />
      <button type="button" onClick={job.cancel} data-testid={cancelTestId}>
        Cancel
      </button>
    </>
  );
}
