import { useId, useMemo, useState } from 'react';
import { FormatChoice } from '../common/FormatChoice';
import { serializeError } from '../../base/errors';
import type { CastReportEntry, VerifyReport } from '../../core/export';
import { parseKeyInput } from '../../core/key-input';
import { compileNameMap } from '../../core/name-map';
import {
  describeCastReport,
  describeExportKeyProblem,
  describeExportVerified,
  describeExportWritten,
  describeKeyProblem,
  describeSelection,
} from '../../core/messages';
import { formatBytes, selectionCounts } from '../../core/summary';
import { exportFile, verifyExport } from '../../store/export';
import type { ExportResult } from '../../workers/wire';
import { downloadBlob } from '../common/download';
import { useJob } from '../common/useJob';
import { ErrorPanel } from '../errors/ErrorPanel';
import type { PanelContext } from '../files/panels';
import { NameMapEditor, specFromText } from '../name-map/NameMapEditor';
import { useLensStore } from '../../store/store';
import { appendDictChoices, removalsToSend } from './append-choices';
import { castSpec, CastSelect, ExportActions, savePickers, type CastTarget } from './parts';
import { exportFileName } from '../../core/export/file-name';

type Format = 'ckpt' | 'safetensors';

interface Outcome {
  result: ExportResult;
  /** Where the bytes went: a downloaded Blob, or the file "Save to file…" wrote (read back to verify). */
  written: { blob: Blob } | { handle: FileSystemFileHandle };
}

export function ExportPanel({ file, index, matching, filterText, filtered }: PanelContext) {
  const [format, setFormat] = useState<Format>(index.format === 'safetensors' ? 'safetensors' : 'ckpt');
  const [castTo, setCastTo] = useState<CastTarget>('');
  const [removed, setRemoved] = useState<string[]>([]);
  const [addText, setAddText] = useState('');
  const [crc, setCrc] = useState(false);
  const [metadataFormat, setMetadataFormat] = useState<'ms' | 'pt' | ''>('ms');
  const [encrypt, setEncrypt] = useState(false);
  const [encMode, setEncMode] = useState('AES-GCM');
  const [keyText, setKeyText] = useState('');
  const job = useJob();
  const { error, setError } = job;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [verify, setVerify] = useState<VerifyReport | null>(null);
  const ids = { add: useId(), key: useId() };

  const nameMapText = useLensStore((state) => state.nameMapText);
  const { tensors } = index;
  const selectedNames = useMemo(() => matching.map((i) => tensors.name(i)), [matching, tensors]);
  const rename = useMemo(() => {
    if (!nameMapText.trim()) return (name: string) => name;
    try {
      return compileNameMap(specFromText(nameMapText)).apply;
    } catch {
      return (name: string) => name; // the name map editor shows the rule's error; the export refuses it
    }
  }, [nameMapText]);
  const removedSet = useMemo(() => new Set(removed), [removed]);
  const appendChoices = useMemo(
    () => appendDictChoices(tensors, matching, rename, removedSet),
    [tensors, matching, rename, removedSet],
  );

  async function run(target: 'download' | 'file'): Promise<void> {
    setError(null);
    setOutcome(null);
    setVerify(null);
    let key: Uint8Array | null = null;
    if (encrypt) {
      const parsed = parseKeyInput(keyText, 'hex');
      if (!parsed.ok) {
        setError({
          code: 'usage',
          details: { hint: describeExportKeyProblem(parsed.problem) },
          message: describeKeyProblem(parsed.problem),
        });
        return;
      }
      key = parsed.key;
    }
    let handle: FileSystemFileHandle | undefined;
    if (target === 'file') {
      const picker = savePickers().showSaveFilePicker;
      if (!picker) return;
      try {
        handle = await picker({ suggestedName: exportFileName(file.name, format) });
      } catch {
        return; // the user closed the dialog
      }
    }
    try {
      const appendSet = addText
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const at = line.indexOf('=');
          return [line.slice(0, at).trim(), line.slice(at + 1).trim()] as [string, string];
        });
      const result = await job.start((options) =>
        exportFile(
          {
            fileId: file.id,
            format,
            filterText,
            nameMap: nameMapText.trim() ? specFromText(nameMapText) : null,
            cast: castSpec(castTo),
            appendSet,
            appendRemove: removalsToSend(appendChoices),
            crc,
            metadataFormat: format === 'safetensors' && metadataFormat ? metadataFormat : null,
            encryption: key ? { mode: encMode, key } : null,
            ...(handle ? { target: handle } : {}),
          },
          file.name,
          options,
        ),
      );
      if (!result) return; // the error is shown
      if (result.blob) downloadBlob(result.blob, result.fileName);
      if (handle) setOutcome({ result, written: { handle } });
      else if (result.blob) setOutcome({ result, written: { blob: result.blob } });
    } finally {
      setKeyText('');
    }
  }

  const savedTo = outcome && 'handle' in outcome.written ? outcome.written.handle : null;
  const canSaveToFile = typeof savePickers().showSaveFilePicker === 'function';
  return (
    <section className="panel export-panel" data-testid="export-panel">
      <h2>Export — re-save as MindSpore's save_checkpoint would</h2>
      <p className="muted">
        {describeSelection(selectionCounts(tensors, matching, ''), filtered, '').filter}: the filter chooses what is
        exported. The source file is never modified.
      </p>
      <div className="export-grid">
        <fieldset>
          <legend>Format</legend>
          <FormatChoice name="format" value={format} onChange={setFormat} />
          {format === 'safetensors' && (
            <label>
              metadata format{' '}
              <select value={metadataFormat} onChange={(e) => setMetadataFormat(e.target.value as 'ms' | 'pt' | '')}>
                <option value="ms">"ms" (MindSpore 2.7)</option>
                <option value="pt">"pt"</option>
                <option value="">none (2.5/2.6)</option>
              </select>
            </label>
          )}
          <label>
            <input type="checkbox" checked={crc} onChange={(e) => setCrc(e.target.checked)} data-testid="export-crc" />{' '}
            CRC ({format === 'ckpt' ? 'crc_num trailer' : '__metadata__ crc_num'})
          </label>
        </fieldset>
        <fieldset>
          <legend>Cast</legend>
          <CastSelect value={castTo} onChange={setCastTo} testId="export-cast" />
        </fieldset>
        <NameMapEditor names={selectedNames} />
        <fieldset>
          <legend>append_dict</legend>
          {appendChoices.length === 0 && <p className="muted">No append_dict values (strings or scalars).</p>}
          {appendChoices.map((choice) => (
            <label
              key={choice.index}
              className={choice.state === 'excluded' ? 'muted' : undefined}
              data-testid="append-choice"
              data-state={choice.state}
            >
              <input
                type="checkbox"
                checked={choice.state === 'written'}
                disabled={choice.state === 'excluded'}
                onChange={(e) =>
                  setRemoved(
                    e.target.checked
                      ? removed.filter((n) => n !== choice.writtenName)
                      : [...removed, choice.writtenName],
                  )
                }
              />{' '}
              keep <code>{choice.sourceName}</code>
              {choice.writtenName !== choice.sourceName && (
                <>
                  {' '}
                  as <code>{choice.writtenName}</code>
                </>
              )}
              {choice.state === 'excluded' && ' (left out by the filter: not written)'}
            </label>
          ))}
          <label htmlFor={ids.add}>
            Set or add (<code>name = 3</code>, <code>lr = 0.01</code>, <code>note = "text"</code>)
          </label>
          <textarea
            id={ids.add}
            rows={2}
            value={addText}
            onChange={(e) => setAddText(e.target.value)}
            spellCheck={false}
          />
        </fieldset>
        {format === 'ckpt' && (
          <fieldset>
            <legend>Encryption</legend>
            <label>
              <input
                type="checkbox"
                checked={encrypt}
                onChange={(e) => setEncrypt(e.target.checked)}
                data-testid="export-encrypt"
              />{' '}
              encrypt (enc_key / enc_mode)
            </label>
            {encrypt && (
              <>
                <select
                  value={encMode}
                  onChange={(e) => setEncMode(e.target.value)}
                  aria-label="Encryption mode"
                  data-testid="export-enc-mode"
                >
                  <option>AES-GCM</option>
                  <option>AES-CBC</option>
                  <option>SM4-CBC</option>
                </select>
                <label htmlFor={ids.key}>Key (hex: 16, 24 or 32 bytes; SM4 16)</label>
                <input
                  id={ids.key}
                  type="password"
                  autoComplete="off"
                  value={keyText}
                  onChange={(e) => setKeyText(e.target.value)}
                  data-testid="export-key"
                />
              </>
            )}
          </fieldset>
        )}
      </div>
      <ExportActions
        save={
          canSaveToFile
            ? { label: 'Save to file…', onClick: () => void run('file'), testId: 'export-save', primary: true }
            : null
        }
        download={{
          label: 'Download',
          onClick: () => void run('download'),
          testId: 'export-download',
          primary: !canSaveToFile,
        }}
        running={job.running}
        saveUnavailable={{ folder: false, testId: 'export-save-unavailable' }}
      />
      {error && <ErrorPanel error={error} fileName={file.name} />}
      {outcome && (
        <div className="export-result" data-testid="export-result">
          <p>
            {describeExportWritten(
              savedTo !== null,
              savedTo?.name ?? outcome.result.fileName,
              formatBytes(outcome.result.size),
              outcome.result.parameterCount,
              outcome.result.omitted.length,
            )}
          </p>
          {outcome.result.castReport.length > 0 && <CastReport entries={outcome.result.castReport} />}
          <button
            type="button"
            onClick={() => {
              const { written } = outcome;
              void ('blob' in written ? Promise.resolve(written.blob) : written.handle.getFile())
                .then((blob) => verifyExport(outcome.result.exportId, blob))
                .then(setVerify, (e: unknown) => setError(serializeError(e)));
            }}
            data-testid="export-verify"
          >
            Verify: re-open the written file and compare
          </button>
          {verify && (
            <p className={verify.ok ? '' : 'warn'} data-testid="verify-result">
              {describeExportVerified(verify)}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function CastReport({ entries }: { entries: CastReportEntry[] }) {
  const total = entries.reduce(
    (acc, entry) => ({
      elements: acc.elements + entry.elements,
      overflow: acc.overflow + entry.overflowToInfinity,
      underflow: acc.underflow + entry.underflowToZero,
      nans: acc.nans + entry.nans,
    }),
    { elements: 0, overflow: 0, underflow: 0, nans: 0 },
  );
  const worst = [...entries].sort((a, b) => b.maxAbsoluteError - a.maxAbsoluteError)[0];
  return <p data-testid="cast-report">{describeCastReport(entries.length, total, worst)}</p>;
}
