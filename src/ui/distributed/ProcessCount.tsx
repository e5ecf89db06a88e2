/** The largest pool the worker runs (core/export/parallel.ts MAX_EXPORT_PROCESSES). */
const MAX_PROCESSES = 8;

/** '' (auto) → null; a whole number 1…8 → that number; anything else → undefined (invalid). */
export function parseProcessCount(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isInteger(value) && value >= 1 && value <= MAX_PROCESSES ? value : undefined;
}

/**
 * MindSpore's max_process_num for merge and re-slice: how many workers write the outputs.
 * Empty = auto (one output per worker, up to the machine's threads); 1 = the app worker alone.
 */
export function ProcessCount({
  value,
  onChange,
  testId,
}: {
  value: string;
  onChange: (text: string) => void;
  testId: string;
}) {
  const threads = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency || 1;
  return (
    <label title="MindSpore's max_process_num: one output file (or a share of one) per worker">
      workers{' '}
      <input
        type="number"
        min={1}
        max={MAX_PROCESSES}
        value={value}
        placeholder="auto"
        onChange={(e) => onChange(e.target.value)}
        aria-label="Worker processes (max_process_num)"
        className="process-count"
        data-testid={testId}
      />{' '}
      <span className="muted">
        (max_process_num; empty = auto: one output file per worker, up to {threads} here; a number above the count of
        files splits them into byte ranges)
      </span>
    </label>
  );
}
