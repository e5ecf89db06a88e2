import { useId, useMemo, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import { NUMBERS_TABLE_MAX_ROWS } from '../../base/limits';
import { describePickerCap } from '../../core/messages';
import { holdsNumbers } from '../../core/stats/elements';
import { formatShape } from '../../core/summary';
import { selectTensor } from '../../store/actions';
import { useLensStore } from '../../store/store';
import { auditReportFor } from '../../store/numbers';
import { ErrorPanel } from '../errors/ErrorPanel';
import type { PanelContext } from '../files/panels';
import { downloadText } from '../common/download';
import { ScanAll } from './ScanAll';
import { TensorNumbers } from './TensorNumbers';
import { Treemap } from './Treemap';

/** The "Numbers" tab: one tensor's stats and pictures, every tensor's stats, the NaN/Inf audit, the size treemap. */
export function NumbersPanel({ file, index, matching }: PanelContext) {
  const selected = useLensStore((state) => state.view.selectedTensor);
  const pickerId = useId();
  const { tensors } = index;
  // Positions only: a million tensors make no objects, and the picker lists the first few thousand.
  const numeric = useMemo(
    () =>
      matching.filter((i) => holdsNumbers({ kind: tensors.kind(i), dtype: tensors.dtype(i), shape: tensors.shape(i) })),
    [tensors, matching],
  );
  const listed = numeric.length > NUMBERS_TABLE_MAX_ROWS ? numeric.slice(0, NUMBERS_TABLE_MAX_ROWS) : numeric;
  const entry = useMemo(() => {
    const at = selected === null ? -1 : tensors.find(selected);
    return at < 0 ? undefined : tensors.entry(at);
  }, [tensors, selected]);
  const isNumeric = entry ? holdsNumbers(entry) : false;

  return (
    <div className="numbers-panel" data-testid="numbers-panel">
      <section className="panel numbers-picker">
        <label htmlFor={pickerId}>Tensor</label>{' '}
        <select
          id={pickerId}
          value={entry && isNumeric ? entry.name : ''}
          onChange={(e) => selectTensor(e.target.value || null)}
          data-testid="numbers-tensor-select"
        >
          <option value="">
            — choose a tensor ({numeric.length.toLocaleString('en-US')} with numbers
            {matching.length < tensors.length ? ', filtered' : ''}) —
          </option>
          {entry && isNumeric && !listed.some((i) => tensors.name(i) === entry.name) && (
            <option value={entry.name}>
              {entry.name} · {entry.dtype} {formatShape(entry.shape)}
            </option>
          )}
          {listed.map((i) => {
            const name = tensors.name(i);
            return (
              <option key={i} value={name}>
                {name} · {tensors.dtype(i)} {formatShape(tensors.shape(i))}
              </option>
            );
          })}
        </select>
        {listed.length < numeric.length && (
          <p className="muted" data-testid="numbers-picker-capped">
            {describePickerCap(listed.length, numeric.length)}
          </p>
        )}
        {entry && !isNumeric && (
          <p className="muted">
            <code>{entry.name}</code> ({entry.dtype}) holds no numbers to measure; choose another tensor.
          </p>
        )}
        {!entry && <p className="muted">Choose a tensor here or click one in the Parameters table.</p>}
        <ReportDownload fileId={file.id} fileName={file.name} />
      </section>
      {entry && isNumeric && <TensorNumbers key={entry.name} fileId={file.id} entry={entry} />}
      <ScanAll fileId={file.id} />
      <section className="panel">
        <h3>Where the bytes are</h3>
        <Treemap index={index} />
      </section>
    </div>
  );
}

/** The audit report from everything computed so far (summary, integrity, NaN/Inf, stats, compare). */
function ReportDownload({ fileId, fileName }: { fileId: string; fileName: string }) {
  const [error, setError] = useState<SerializedLensError | null>(null);
  const base = fileName.replace(/\.(ckpt|safetensors)$/i, '');
  async function save(kind: 'json' | 'md'): Promise<void> {
    setError(null);
    try {
      const report = await auditReportFor(fileId, fileName);
      if (kind === 'json') downloadText(report.json, `${base}.audit.json`, 'application/json');
      else downloadText(report.markdown, `${base}.audit.md`, 'text/markdown');
    } catch (e) {
      setError(serializeError(e));
    }
  }
  return (
    <div className="report-download">
      <span className="muted">Audit report (summary, integrity, and what you scanned or compared):</span>{' '}
      <button type="button" onClick={() => void save('json')} data-testid="report-json">
        Download JSON
      </button>{' '}
      <button type="button" onClick={() => void save('md')} data-testid="report-markdown">
        Download Markdown
      </button>
      {error && <ErrorPanel error={error} />}
    </div>
  );
}
