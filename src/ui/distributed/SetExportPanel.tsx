import { useMemo, useState } from 'react';
import { FormatChoice } from '../common/FormatChoice';
import { downloadBlob } from '../common/download';
import { formatBytes } from '../../core/summary';
import { exportSet, useDistributed } from '../../store/distributed';
import { useLensStore } from '../../store/store';
import type { OpenSetResult, SetExportResult } from '../../workers/wire';
import { ErrorPanel } from '../errors/ErrorPanel';
import { NameMapEditor, specFromText } from '../name-map/NameMapEditor';
import { parseProcessCount, ProcessCount } from './ProcessCount';
import { plural } from '../../base/plural';
import { describeLeftOutParameters, PART_SIZE_INVALID, WORKER_COUNT_INVALID } from '../../core/messages';
import { useJob } from '../common/useJob';
import { castSpec, CastSelect, ExportActions, savePickers, type CastTarget } from '../export/parts';

type Format = 'ckpt' | 'safetensors';

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
  const job = useJob();
  const { error, setError } = job;
  const [outcome, setOutcome] = useState<SetExportResult | null>(null);
  const names = useMemo(
    () => (result.layout?.parameters ?? []).filter((plan) => plan.mergeable).map((plan) => plan.name),
    [result.layout],
  );
  const pickers = savePickers();
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
        details: { hint: PART_SIZE_INVALID },
        message: 'bad part size',
      });
      return;
    }
    const processes = parseProcessCount(processText);
    if (processes === undefined) {
      setError({
        code: 'usage',
        details: { hint: WORKER_COUNT_INVALID },
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
    const exported = await job.start((options) =>
      exportSet(
        {
          setId,
          format,
          filterText,
          nameMap: nameMapText.trim() ? specFromText(nameMapText) : null,
          cast: castSpec(castTo),
          includeExtras,
          partBytes,
          metadataFormat: format === 'safetensors' ? 'ms' : null,
          processes,
          ...(handle ? { target: handle } : {}),
        },
        options,
      ),
    );
    if (!exported) return; // the error is shown
    for (const output of exported.outputs) if (output.blob) downloadBlob(output.blob, output.fileName);
    setOutcome(exported);
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
          <CastSelect value={castTo} onChange={setCastTo} />
        </fieldset>
        <NameMapEditor names={names} />
      </div>
      <ExportActions
        save={
          canSave
            ? {
                label: split ? 'Save parts to a folder…' : 'Save to file…',
                onClick: () => void run('disk'),
                testId: 'set-export-save',
                primary: false,
              }
            : null
        }
        download={{
          label: 'Download merged',
          onClick: () => void run('download'),
          testId: 'set-export-download',
          primary: true,
          disabled: result.mergedCount === 0,
        }}
        running={job.running}
        cancelTestId="set-export-cancel"
        saveUnavailable={{ folder: split, testId: 'set-export-save-unavailable' }}
      />
      {error && <ErrorPanel error={error} fileName={name} />}
      {outcome && (
        <div className="export-result" data-testid="set-export-result">
          <p>
            Wrote {plural(outcome.parameterCount, 'tensor')} to{' '}
            {outcome.outputs.map((o) => `${o.fileName} (${formatBytes(o.size)})`).join(', ')}
            {outcome.processes > 1 ? ` on ${outcome.processes} workers` : ''}.
          </p>
          {outcome.skipped.length > 0 && <p className="warn">{describeLeftOutParameters(outcome.skipped)}</p>}
          {outcome.castReport.length > 0 && <p>Cast {plural(outcome.castReport.length, 'tensor')}.</p>}
        </div>
      )}
    </section>
  );
}
