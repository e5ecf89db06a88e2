import type { ReactNode } from 'react';
import { SAVE_TO_FILE_UNAVAILABLE, SAVE_TO_FOLDER_UNAVAILABLE } from '../../core/messages';
import type { RunningJob } from '../common/useJob';

/**
 * The parts both export panels are made of: the single file's ExportPanel and the distributed
 * set's SetExportPanel (which adds parts, workers and extras around the same pieces).
 */
export type CastTarget = '' | 'Float16' | 'BFloat16' | 'Float32';

/** The cast a target asks for: Float16/BFloat16 from Float32, Float32 from Float16. */
export function castSpec(target: CastTarget): { from: string; to: string } | null {
  return target ? { from: target === 'Float32' ? 'Float16' : 'Float32', to: target } : null;
}

export function CastSelect({
  value,
  onChange,
  testId,
}: {
  value: CastTarget;
  onChange: (value: CastTarget) => void;
  testId?: string;
}) {
  return (
    <label>
      floats to{' '}
      <select value={value} onChange={(e) => onChange(e.target.value as CastTarget)} data-testid={testId}>
        <option value="">keep dtypes</option>
        <option value="Float16">Float16 (from Float32)</option>
        <option value="BFloat16">BFloat16 (from Float32)</option>
        <option value="Float32">Float32 (from Float16)</option>
      </select>
    </label>
  );
}

interface PickerWindow {
  showSaveFilePicker?: (options: object) => Promise<FileSystemFileHandle>;
  showDirectoryPicker?: (options?: object) => Promise<FileSystemDirectoryHandle>;
}

/** The File System Access pickers, where the browser has them (Chrome, Edge). */
export function savePickers(): PickerWindow {
  return window as unknown as PickerWindow;
}

/**
 * The row under an export's options: "Save to…" where the browser can write a chosen file or
 * folder, the download button, and the running export's progress and Cancel; then a note when
 * saving is not available.
 */
export function ExportActions({
  save,
  download,
  running,
  cancelTestId,
  saveUnavailable,
}: {
  save: { label: string; onClick: () => void; testId: string; primary: boolean } | null;
  download: { label: string; onClick: () => void; testId: string; primary: boolean; disabled?: boolean };
  running: RunningJob | null;
  cancelTestId?: string;
  /** Shown when `save` is null: which kind of save the browser lacks, under this test id. */
  saveUnavailable: { folder: boolean; testId: string };
}): ReactNode {
  return (
    <>
      <div className="export-actions">
        {save && (
          <button
            type="button"
            className={save.primary ? 'primary' : ''}
            disabled={running !== null}
            onClick={save.onClick}
            data-testid={save.testId}
          >
            {save.label}
          </button>
        )}
        <button
          type="button"
          className={download.primary ? 'primary' : ''}
          disabled={running !== null || download.disabled === true}
          onClick={download.onClick}
          data-testid={download.testId}
        >
          {download.label}
        </button>
        {running && (
          <>
            <progress max={1} value={running.progress} aria-label="Export progress" />
            <button type="button" onClick={running.cancel} data-testid={cancelTestId}>
              Cancel
            </button>
          </>
        )}
      </div>
      {!save && (
        <p className="muted" data-testid={saveUnavailable.testId}>
          {saveUnavailable.folder ? SAVE_TO_FOLDER_UNAVAILABLE : SAVE_TO_FILE_UNAVAILABLE}
        </p>
      )}
    </>
  );
}
