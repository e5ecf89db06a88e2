import { memo, useEffect, useId, useMemo, useRef, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import type { ColumnarIndex, TensorRows } from '../../base/tensor-columns';
import type { TensorEntry } from '../../base/types';
import type { IntegrityReport } from '../../integrity/verify';
import {
  describeFileProblem,
  describeSelection,
  describeStoredCrc,
  describeTensorPlacement,
  describeTensorProblem,
  describeVerdict,
} from '../../core/messages';
import {
  fileVerdict,
  formatBytes,
  formatShape,
  numel,
  selectionCounts,
  treeView,
  type CheckpointSummary,
  type FileVerdict,
  type TreeShape,
} from '../../core/summary';
import { FORMAT_LABELS } from '../../formats/labels';
import { selectActiveFile, useLensStore, type OpenFile } from '../../store/store';
import { useFilterMatch } from '../../store/selection';
import { knownTreeShape, loadTreeShape } from '../../store/tree';
import { ErrorPanel } from '../errors/ErrorPanel';
import { LoadCheckPanel } from '../diff/LoadCheckPanel';
import { ExportPanel } from '../export/ExportPanel';
import { ComparePanel } from '../numbers/ComparePanel';
import { NumbersPanel } from '../numbers/NumbersPanel';
import { IntegrityCheck } from '../integrity/IntegrityCheck';
import { FilterBar } from '../filter/FilterBar';
import { KeyPrompt } from '../keys/KeyPrompt';
import { TensorTable } from '../table/TensorTable';
import type { FilePanel, PanelContext } from './panels';
import { ParamTree } from '../tree/ParamTree';
import { fileLabel, fileTabId } from './FileTabs';
import { moveBetweenTabs } from './tabs';

export function ActiveFileView() {
  const file = useLensStore(selectActiveFile);
  if (!file) return null;
  return (
    <div role="tabpanel" aria-labelledby={fileTabId(file.id)}>
      <FileView key={file.id} file={file} />
    </div>
  );
}

function FileView({ file }: { file: OpenFile }) {
  if (file.status === 'opening') {
    return (
      <section className="panel" aria-busy="true">
        <p>Reading {file.name}…</p>
        <progress max={1} value={file.progress} aria-label="Progress" />
      </section>
    );
  }
  if (file.status === 'needs-key') return <KeyPrompt fileId={file.id} mode={file.encryptionMode} />;
  if (file.status === 'error' && file.error) {
    return (
      <section className="panel">
        <ErrorPanel error={file.error} fileName={file.name} />
        {file.encryptionMode && <KeyPrompt fileId={file.id} mode={file.encryptionMode} />}
      </section>
    );
  }
  if (!file.index || !file.summary) return null;
  return <IndexView file={file} index={file.index} summary={file.summary} />;
}

function IndexView({ file, index, summary }: { file: OpenFile; index: ColumnarIndex; summary: CheckpointSummary }) {
  const { matching, status, filterText } = useFilterMatch(index);
  const filtered = status?.ok === true;
  const [panelId, setPanelId] = useState('parameters');
  const filterStatus = describeSelection(selectionCounts(index.tensors, matching, ''), filtered, '').filter;
  const verdict = useMemo(() => fileVerdict(index, file.integrity), [index, file.integrity]);
  const context: PanelContext = { file, index, summary, matching, filterText, filtered };
  const panels = filePanels();
  const panel = panels.find((p) => p.id === panelId) ?? (panels[0] as FilePanel);
  const panelIds = panels.map((p) => p.id);
  const idPrefix = useId();

  return (
    <div className="file-view">
      <section className="cards">
        <SummaryCard file={file} index={index} summary={summary} verdict={verdict} />
        <MetadataCard index={index} />
        <ProblemsCard index={index} fileId={file.id} integrity={file.integrity} verdict={verdict} />
      </section>
      <FilterBar text={filterText} parsed={status} status={filterStatus} />
      <div
        className="panel-tabs"
        role="tablist"
        aria-label="Views of this file"
        onKeyDown={(event) => moveBetweenTabs(event, panelIds, panel.id, setPanelId)}
      >
        {panels.map((p) => (
          <button
            key={p.id}
            id={`${idPrefix}-tab-${p.id}`}
            type="button"
            role="tab"
            aria-selected={p.id === panel.id}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={p.id === panel.id ? 0 : -1}
            onClick={() => setPanelId(p.id)}
            data-testid={`panel-tab-${p.id}`}
          >
            {p.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${panel.id}`}>
        {panel.render(context)}
      </div>
    </div>
  );
}

/** The panels of an opened file, in tab order. Features add theirs here. */
function filePanels(): FilePanel[] {
  return [
    { id: 'parameters', label: 'Parameters', render: (context) => <ParametersPanel {...context} /> },
    { id: 'load-check', label: 'Will it load?', render: (context) => <LoadCheckPanel {...context} /> },
    { id: 'numbers', label: 'Numbers', render: (context) => <NumbersPanel {...context} /> },
    { id: 'compare', label: 'Compare', render: (context) => <ComparePanel {...context} /> },
    { id: 'export', label: 'Export', render: (context) => <ExportPanel {...context} /> },
  ];
}

/**
 * The tree's shape of the file's tensors, asked of the worker once the table's first frame is
 * painted (the table does not wait for the tree); null until it arrives, with the error instead
 * if it could not be made.
 */
function useTreeShape(
  fileId: string,
  tensors: TensorRows,
): { shape: TreeShape | null; failure: SerializedLensError | null } {
  const [, setLoaded] = useState<TreeShape | null>(null);
  const [failed, setFailed] = useState<{ tensors: TensorRows; error: SerializedLensError } | null>(null);
  const shape = knownTreeShape(tensors) ?? null;
  useEffect(() => {
    if (knownTreeShape(tensors)) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (): void => {
      loadTreeShape(fileId, tensors, controller.signal).then(setLoaded, (error: unknown) => {
        if (!controller.signal.aborted) setFailed({ tensors, error: serializeError(error) });
      });
    };
    // A timeout set in an animation frame callback runs after that frame is painted.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(load, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      controller.abort();
    };
  }, [fileId, tensors]);
  return { shape, failure: failed?.tensors === tensors ? failed.error : null };
}

function ParametersPanel({ file, index, matching, filtered }: PanelContext) {
  const view = useLensStore((state) => state.view);
  // The tree's shape is made once per file (the table makes rows only for the screen); a keystroke only recounts the
  // tree (nodes are made when opened) and masks the already-sorted rows: a few ms at 100k.
  // Keyed on the tensors, not the index: a verified CRC makes a new index over the same columns.
  const { tensors } = index;
  const { shape, failure: treeFailure } = useTreeShape(file.id, tensors);
  const fullTree = useMemo(() => shape && treeView(shape), [shape]);
  const tree = useMemo(
    () => (shape === null || matching.length === tensors.length ? fullTree : treeView(shape, matching)),
    [tensors, shape, fullTree, matching],
  );
  const counts = useMemo(
    () => selectionCounts(tensors, matching, view.treePrefix),
    [tensors, matching, view.treePrefix],
  );
  const visible = counts.shown;
  const caption = describeSelection(counts, filtered, view.treePrefix).table;
  const mask = useMemo(() => {
    if (visible.length === tensors.length) return null;
    const shown = new Uint8Array(tensors.length);
    for (const i of visible) shown[i] = 1;
    return shown;
  }, [tensors, visible]);
  const selected = useMemo(() => {
    const at = view.selectedTensor === null ? -1 : tensors.find(view.selectedTensor);
    return at < 0 ? undefined : tensors.entry(at);
  }, [tensors, view.selectedTensor]);
  return (
    <>
      <section className="browser">
        <aside className="panel tree-panel">
          {tree ? (
            <ParamTree root={tree} activePrefix={view.treePrefix} selectedTensor={view.selectedTensor} />
          ) : treeFailure ? (
            <ErrorPanel error={treeFailure} fileName={file.name} />
          ) : (
            <p className="tree-pending" data-testid="tree-pending">
              Building the tree…
            </p>
          )}
        </aside>
        <div className="panel table-panel">
          <div className="table-caption" data-testid="table-caption" elementtiming="table-caption">
            {caption}
          </div>
          <TensorTable tensors={tensors} shown={mask} selected={view.selectedTensor} />
        </div>
      </section>
      {selected && <TensorDetails tensor={selected} />}
    </>
  );
}

// The cards do not depend on the filter: memo keeps a keystroke from re-rendering them.
const SummaryCard = memo(function SummaryCard({
  file,
  index,
  summary,
  verdict,
}: {
  file: OpenFile;
  index: ColumnarIndex;
  summary: CheckpointSummary;
  verdict: FileVerdict;
}) {
  const crc = {
    absent: 'none stored',
    'not-verified': `present (${describeStoredCrc(index.crc)}), not verified yet`,
    verified: 'verified ✓',
    mismatch: 'MISMATCH ✗',
    unverifiable: `present (${describeStoredCrc(index.crc)}), could not be checked`,
  }[verdict.crc];
  const label = useLensStore((state) => fileLabel(state.files, file.id).short);
  const fullPath = useLensStore((state) => fileLabel(state.files, file.id).full);
  return (
    <div className="panel card" data-testid="summary">
      <h2 title={fullPath === label ? undefined : fullPath}>{label}</h2>
      <dl>
        <dt>Format</dt>
        <dd>
          {FORMAT_LABELS[index.format]}
          {index.encryption ? `, encrypted ${index.encryption.mode}` : ''}
          {index.sharded && (
            <span data-testid="shard-count">
              , {index.sharded.shards.length} shards ({index.sharded.indexFile})
            </span>
          )}
        </dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(index.size)} ({index.size.toLocaleString('en-US')} bytes)
        </dd>
        <dt>Parameters</dt>
        <dd data-testid="param-count">{summary.parameterCount.toLocaleString('en-US')}</dd>
        <dt>Elements</dt>
        <dd>{summary.totalElements.toLocaleString('en-US')}</dd>
        <dt>CRC</dt>
        <dd>{crc}</dd>
      </dl>
      <table className="dtype-table">
        <caption>Bytes by dtype</caption>
        <tbody>
          {summary.bytesByDtype.map((row) => (
            <tr key={row.dtype}>
              <th scope="row">{row.dtype}</th>
              <td>{row.count.toLocaleString('en-US')}</td>
              <td>{formatBytes(row.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

const MetadataCard = memo(function MetadataCard({ index }: { index: ColumnarIndex }) {
  const entries = Object.entries(index.metadata);
  return (
    <div className="panel card" data-testid="metadata">
      <h2>
        {index.format === 'safetensors'
          ? '__metadata__'
          : index.format === 'pytorch'
            ? 'Other values (epoch, arch, …)'
            : 'Scalars & strings (append_dict)'}
      </h2>
      {entries.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <dl className="meta-list">
          {entries.map(([key, value]) => (
            <div key={key} className="meta-row">
              <dt>{key}</dt>
              {typeof value === 'string' ? (
                <LongText text={value} />
              ) : (
                <dd className="number">{JSON.stringify(value)}</dd>
              )}
            </div>
          ))}
        </dl>
      )}
    </div>
  );
});

/** A string value longer than this is cut to a few lines until the user asks for all of it. */
const LONG_TEXT = 160;

/**
 * A metadata string: a long one (a dataset path of 2,000 characters) shows its first lines and a
 * button for the rest instead of stretching the card; its whole text is also the title.
 */
function LongText({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  if (text.length <= LONG_TEXT) return <dd>{text}</dd>;
  return (
    <dd className="long-text" data-testid="long-text">
      <span className={open ? undefined : 'clamped'} title={open ? undefined : text}>
        {text}
      </span>{' '}
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'show less' : `show all ${text.length.toLocaleString('en-US')} characters`}
      </button>
    </dd>
  );
}

const ProblemsCard = memo(function ProblemsCard({
  index,
  fileId,
  integrity,
  verdict,
}: {
  index: ColumnarIndex;
  fileId: string;
  integrity: IntegrityReport | undefined;
  verdict: FileVerdict;
}) {
  const words = describeVerdict(verdict, index.format);
  const { tensors } = index;
  const tensorProblems = tensors
    .withProblems()
    .flatMap((i) => (tensors.problems(i) ?? []).map((problem) => ({ tensor: tensors.name(i), problem })));
  const count = index.problems.length + tensorProblems.length;
  return (
    <div className="panel card" data-testid="problems">
      <h2>Integrity notes {count > 0 && <span className="badge warn">{count}</span>}</h2>
      <p className={`file-verdict ${verdict.level}`} data-testid="file-verdict">
        {words.headline}
      </p>
      <p className="muted" data-testid="file-verdict-crc">
        {words.crc}
      </p>
      {count > 0 && (
        <ul className="problems">
          {index.problems.map((problem, i) => (
            <li key={`f${i}`}>{describeFileProblem(problem.code, problem.detail)}</li>
          ))}
          {tensorProblems.slice(0, 200).map(({ tensor, problem }, i) => (
            <li key={`t${i}`}>
              <code>{tensor}</code>: {describeTensorProblem(problem.code, problem.detail)}
            </li>
          ))}
        </ul>
      )}
      <IntegrityCheck fileId={fileId} index={index} report={integrity} />
    </div>
  );
});

/** Shown below the table; brought into view whenever a tensor is chosen (by click or Enter). */
function TensorDetails({ tensor }: { tensor: TensorEntry }) {
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    section.current?.scrollIntoView({ block: 'nearest' });
  }, [tensor]);
  return (
    <section
      ref={section}
      className="panel details"
      aria-label={`Details of ${tensor.name}`}
      data-testid="tensor-details"
    >
      <h2>
        <code>{tensor.name}</code>
      </h2>
      <dl>
        <dt>dtype</dt>
        <dd>
          {tensor.dtype}
          {tensor.rawDtype ? ` (stored as ${tensor.rawDtype})` : ''}
        </dd>
        <dt>Shape</dt>
        <dd>
          {formatShape(tensor.shape)}
          {tensor.storedDims && formatShape(tensor.storedDims) !== formatShape(tensor.shape)
            ? ` (stored dims ${formatShape(tensor.storedDims)})`
            : ''}
        </dd>
        <dt>Elements</dt>
        <dd>{numel(tensor).toLocaleString('en-US')}</dd>
        <dt>Bytes</dt>
        <dd>{describeTensorPlacement(tensor)}</dd>
        {tensor.value !== undefined && (
          <>
            <dt>Value</dt>
            <dd>{JSON.stringify(tensor.value)}</dd>
          </>
        )}
      </dl>
      {tensor.problems?.map((problem, i) => (
        <p key={i} className="warn">
          {describeTensorProblem(problem.code, problem.detail)}
        </p>
      ))}
    </section>
  );
}
