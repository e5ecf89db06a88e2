import { useMemo, useState } from 'react';
import { FormatChoice } from '../common/FormatChoice';
import { downloadBlob } from '../common/download';
import { serializeError, type SerializedLensError } from '../../base/errors';
import { formatBytes } from '../../core/summary';
import { exportSet, useDistributed } from '../../store/distributed';
import { useLensStore } from '../../store/store';
import type { OpenSetResult, SetExportResult } from '../../workers/wire';
import { ErrorPanel } from '../errors/ErrorPanel';
import { NameMapEditor, specFromText } from '../name-map/NameMapEditor';
import { parseProcessCount, ProcessCount } from './ProcessCount';
import { plural } from '../../base/plural';
import { SAVE_TO_FILE_UNAVAILABLE, SAVE_TO_FOLDER_UNAVAILABLE } from '../../core/messages';

type Format = 'ckpt' | 'safetensors';
type CastTarget = '' | 'Float16' | 'BFloat16' | 'Float32';

interface PickerWindow {
  showSaveFilePicker?: (options: object) => Promise<FileSystemFileHandle>;
  showDirectoryPicker?: (options?: object) => Promise<FileSystemDirectoryHandle>;
}

/** "Export merged": one unified file, or unified parts + param_name_map.json, via the export writers. */
export function SetExportPanel({ result }: { result: OpenSetResult }) {
  const setId = useDistributed((state) => state.setId);
  const name = useDistributed((state) => state.name);
  const nameMapText = useLensStore((state) => state.nameMapText);
  const [format, setFormat] = useState<Format>('safetensors');
  const [split, setSplit] = useState(false);
  const [partMiB, setPartMiB] = useState('3072');
  const [includeExtras, setIncludeExtras] = useState(true);
  const [castTo, setCastTo] = useState<CastTarget>('');
  const [filterText, setFilterText] = useState('');
  const [processText, setProcessText] = useState('');
  const [busy, setBusy] = useState<{ job: AbortController; progress: number } | null>(null);
  const [error, setError] = useState<SerializedLensError | null>(null);
  const [outcome, setOutcome] = useState<SetExportResult | null>(null);
  const names = useMemo(
    () => (result.layout?.parameters ?? []).filter((plan) => plan.mergeable).map((plan) => plan.name),
    [result.layout],
  );
  const pickers = window as unknown as PickerWindow;
  const canSave = split
    ? typeof pickers.showDirectoryPicker === 'function'
    : typeof pickers.showSaveFilePicker === 'function';

  async function run(target: 'download' | 'disk'): Promise<void> {
    if (!setId) return;
    setError(null);
    setOutcome(null);
    const partBytes = split ? Math.floor(Number(partMiB) * 1024 * 1024) : null;
    if (partBytes !== null && !(partBytes > 0)) {
      setError({
        code: 'usage',
        details: { hint: 'Part size must be a positive number of MiB' },
        message: 'bad part size',
      });
      return;
    }
    const processes = parseProcessCount(processText);
    if (processes === undefined) {
      setError({
        code: 'usage',
        details: { hint: 'Workers must be a whole number from 1 to 8, or empty for auto' },
        message: 'bad worker count',
      });
      return;
    }
    let handle: FileSystemFileHandle | FileSystemDirectoryHandle | undefined;
    try {
      if (target === 'disk' && split) handle = await pickers.showDirectoryPicker?.({ mode: 'readwrite' });
      else if (target === 'disk')
        handle = await pickers.showSaveFilePicker?.({ suggestedName: `${name}.merged.${format}` });
    } catch {
      return; // the user closed the dialog
    }
    if (target === 'disk' && !handle) return;
    const job = new AbortController();
    setBusy({ job, progress: 0 });
    try {
      const exported = await exportSet(
        {
          setId,
          format,
          filterText,
          nameMap: nameMapText.trim() ? specFromText(nameMapText) : null,
          cast: castTo ? { from: castTo === 'Float32' ? 'Float16' : 'Float32', to: castTo } : null,
          includeExtras,
          partBytes,
          metadataFormat: format === 'safetensors' ? 'ms' : null,
          processes,
          ...(handle ? { target: handle } : {}),
        },
        {
          signal: job.signal,
          // Progress can arrive after the result (its own channel): only a running job moves.
          onProgress: (progress) => setBusy((current) => (current?.job === job ? { job, progress } : current)),
        },
      );
      for (const output of exported.outputs) if (output.blob) downloadBlob(output.blob, output.fileName);
      setOutcome(exported);
    } catch (e) {
      setError(serializeError(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="panel export-panel" data-testid="set-export">
      <h2>Export merged — one unified checkpoint from every rank</h2>
      <p className="muted">
        Full tensors are rebuilt from the rank files as they are written (lazily, tensor by tensor); nothing is held in
        memory but the current window. Parameters that cannot be merged are left out and listed.
      </p>
      <div className="export-grid">
        <fieldset>
          <legend>Format</legend>
          <FormatChoice name="set-format" value={format} onChange={setFormat} order={['safetensors', 'ckpt']} />
          <label>
            <input
              type="checkbox"
              checked={split}
              onChange={(e) => setSplit(e.target.checked)}
              data-testid="set-split"
            />{' '}
            split into parts of about{' '}
            <input
              type="number"
              min={1}
              value={partMiB}
              disabled={!split}
              onChange={(e) => setPartMiB(e.target.value)}
              aria-label="Part size in MiB"
              className="part-size"
            />{' '}
            MiB + <code>param_name_map.json</code> (as <code>unified_safetensors</code>)
          </label>
          <ProcessCount value={processText} onChange={setProcessText} testId="set-processes" />
        </fieldset>
        <fieldset>
          <legend>What to write</legend>
          <label>
            <input type="checkbox" checked={includeExtras} onChange={(e) => setIncludeExtras(e.target.checked)} /> keep
            parameters not in the strategy (copied from the lowest rank{split ? '; hyper_param file' : ''})
          </label>
          <label>
            filter{' '}
            <input
              type="text"
              value={filterText}
              onChange={(e) => setFilterText(e.target.value)}
              placeholder='e.g. not startsWith("adam_")'
              spellCheck={false}
              aria-label="Filter expression"
            />
          </label>
          <label>
            floats to{' '}
            <select value={castTo} onChange={(e) => setCastTo(e.target.value as CastTarget)}>
              <option value="">keep dtypes</option>
              <option value="Float16">Float16 (from Float32)</option>
              <option value="BFloat16">BFloat16 (from Float32)</option>
              <option value="Float32">Float32 (from Float16)</option>
            </select>
          </label>
        </fieldset>
        <NameMapEditor names={names} />
      </div>
      <div className="export-actions">
        {canSave && (
          <button type="button" disabled={busy !== null} onClick={() => void run('disk')} data-testid="set-export-save">
            {split ? 'Save parts to a folder…' : 'Save to file…'}
          </button>
        )}
        <button
          type="button"
          className="primary"
          disabled={busy !== null || result.mergedCount === 0}
          onClick={() => void run('download')}
          data-testid="set-export-download"
        >
          Download merged
        </button>
        {busy && (
          <>
            <progress max={1} value={busy.progress} aria-label="Export progress" />
            <button type="button" onClick={() => busy.job.abort()} data-testid="set-export-cancel">
              Cancel
            </button>
          </>
        )}
      </div>
      {!canSave && (
        <p className="muted" data-testid="set-export-save-unavailable">
          {split ? SAVE_TO_FOLDER_UNAVAILABLE : SAVE_TO_FILE_UNAVAILABLE}
        </p>
      )}
      {error && <ErrorPanel error={error} fileName={name} />}
      {outcome && (
        <div className="export-result" data-testid="set-export-result">
          <p>
            Wrote {plural(outcome.parameterCount, 'tensor')} to{' '}
            {outcome.outputs.map((o) => `${o.fileName} (${formatBytes(o.size)})`).join(', ')}
            {outcome.processes > 1 ? ` on ${outcome.processes} workers` : ''}.
          </p>
          {outcome.skipped.length > 0 && (
            <p className="warn">
              Left out {outcome.skipped.length} parameter{outcome.skipped.length === 1 ? '' : 's'} that cannot be
              merged: {outcome.skipped.slice(0, 10).join(', ')}
              {outcome.skipped.length > 10 ? ', …' : ''}.
            </p>
          )}
          {outcome.castReport.length > 0 && <p>Cast {plural(outcome.castReport.length, 'tensor')}.</p>}
        </div>
      )}
    </section>
  );
}
