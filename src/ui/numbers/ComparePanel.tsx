import { useEffect, useId, useMemo, useState } from 'react';
import { NUMBERS_TABLE_MAX_ROWS } from '../../base/limits';
import { rankChanges, type ChangeRanking, type CompareResult, type TensorDelta } from '../../core/compare/compare';
import { describeNothingPaired, describeTensorProblem, describeUnreadableTensor } from '../../core/messages';
import { formatShape } from '../../core/summary';
import { selectTensor } from '../../store/actions';
import { useLensStore } from '../../store/store';
import { compareFiles, numbersFoundFor } from '../../store/numbers';
import { ErrorPanel } from '../errors/ErrorPanel';
import { JobProgress, useJob } from '../common/useJob';
import { fileLabels } from '../files/labels';
import type { PanelContext } from '../files/panels';
import { specFromText } from '../name-map/NameMapEditor';
import { formatCount, formatDerived } from './format';

const COLUMNS: { key: ChangeRanking; label: string; title: string }[] = [
  { key: 'name', label: 'tensor', title: 'Sort by name' },
  { key: 'maxAbsDelta', label: 'max |Δ|', title: 'Largest absolute difference' },
  { key: 'meanAbsDelta', label: 'mean |Δ|', title: 'Mean absolute difference' },
  { key: 'relativeL2', label: 'relative L2', title: '‖a − b‖ / ‖a‖' },
  { key: 'cosine', label: 'cosine', title: 'a·b / (‖a‖‖b‖); lowest first' },
  { key: 'changedFraction', label: 'changed', title: 'Share of values that differ' },
];

function statusText(pair: TensorDelta): string {
  if (pair.status === 'identical') return 'identical';
  if (pair.status === 'changed') return 'changed';
  const reason =
    pair.reason === 'element-count-differs'
      ? 'element counts differ'
      : pair.reason === 'not-numeric'
        ? 'no numbers'
        : pair.reason === 'content-short'
          ? 'bytes end early'
          : 'not comparable';
  return reason;
}

/** Compare this file with another open one: what changed most, shape/dtype changes, names on one side only. */
export function ComparePanel({ file }: PanelContext) {
  const files = useLensStore((state) => state.files);
  const nameMapText = useLensStore((state) => state.nameMapText);
  const others = useMemo(() => files.filter((f) => f.id !== file.id && f.status === 'ready'), [files, file.id]);
  // Two open files of the same name are told apart as their tabs tell them apart.
  const labels = useMemo(() => fileLabels(files), [files]);
  const labelOf = (f: { id: string; name: string }): string => labels.get(f.id)?.short ?? f.name;
  const [otherId, setOtherId] = useState('');
  const [useNameMap, setUseNameMap] = useState(true);
  const job = useJob();
  const [outcome, setOutcome] = useState<{ result: CompareResult; nameB: string } | null>(null);
  const [rankBy, setRankBy] = useState<ChangeRanking>('relativeL2');
  const pickerId = useId();
  // The default partner is the open file sharing the most tensor names with this one; when none
  // shares a name, nothing is preselected and the user chooses (comparing unrelated files pairs nothing).
  const closest = useMemo(() => {
    const mine = file.index?.tensors;
    const names = new Set<string>();
    if (mine) for (let i = 0; i < mine.length; i += 1) names.add(mine.name(i));
    let best: { id: string; common: number } | null = null;
    for (const other of others) {
      let common = 0;
      const theirs = other.index?.tensors;
      if (theirs) for (let i = 0; i < theirs.length; i += 1) if (names.has(theirs.name(i))) common += 1;
      if (common > 0 && (!best || common > best.common)) best = { id: other.id, common };
    }
    return best?.id;
  }, [file.index, others]);
  const chosen = others.find((f) => f.id === (otherId || closest));
  const hasNameMap = nameMapText.trim() !== '';

  useEffect(() => {
    const controller = new AbortController();
    numbersFoundFor(file.id, controller.signal).then(
      (found) => {
        if (found.compare) setOutcome({ result: found.compare.result, nameB: found.compare.fileB });
      },
      () => undefined, // aborted: another file is shown
    );
    return () => controller.abort();
  }, [file.id]);

  async function run(): Promise<void> {
    if (!chosen) return;
    const result = await job.start((options) =>
      compareFiles(
        {
          fileIdA: file.id,
          fileIdB: chosen.id,
          nameA: labelOf(file),
          nameB: labelOf(chosen),
          nameMap: useNameMap && hasNameMap ? specFromText(nameMapText) : null,
        },
        options,
      ),
    );
    if (result) setOutcome({ result, nameB: labelOf(chosen) });
  }

  const ranked = useMemo(() => (outcome ? rankChanges(outcome.result.pairs, rankBy) : []), [outcome, rankBy]);
  const summary = outcome?.result.summary;
  return (
    <section className="panel compare-panel" data-testid="compare-panel">
      <h2>Compare with another checkpoint</h2>
      {others.length === 0 ? (
        <p className="muted">
          Open a second checkpoint (Open files… or drop it here) to compare it with {labelOf(file)}.
        </p>
      ) : (
        <div className="numbers-actions">
          <label htmlFor={pickerId}>
            <strong>{labelOf(file)}</strong> (A) against
          </label>
          <select
            id={pickerId}
            value={chosen?.id ?? ''}
            onChange={(e) => setOtherId(e.target.value)}
            data-testid="compare-file-select"
          >
            {!chosen && (
              <option value="" disabled>
                Choose a checkpoint (none shares a tensor name with this one)
              </option>
            )}
            {others.map((other) => (
              <option key={other.id} value={other.id}>
                {labelOf(other)}
              </option>
            ))}
          </select>
          <span className="muted">(B)</span>
          {hasNameMap && (
            <label>
              <input type="checkbox" checked={useNameMap} onChange={(e) => setUseNameMap(e.target.checked)} /> pair
              names through the name map rules
            </label>
          )}
          <button
            type="button"
            className="primary"
            disabled={job.running !== null || !chosen}
            onClick={() => void run()}
            data-testid="compare-run"
          >
            Compare
          </button>
          <JobProgress job={job.running} label="Compare progress" />
        </div>
      )}
      {job.error && <ErrorPanel error={job.error} />}
      {outcome && summary && (
        <div data-testid="compare-result">
          <p data-testid="compare-summary">
            Against <strong>{outcome.nameB}</strong>: {formatCount(summary.paired)} paired — {summary.changed} changed,{' '}
            {summary.identical} identical, {summary.incomparable} not comparable; {summary.shapeChanged} shape and{' '}
            {summary.dtypeChanged} dtype changes; {summary.onlyInA} only in A, {summary.onlyInB} only in B.
          </p>
          {summary.paired === 0 && (
            <p className="warning" data-testid="compare-nothing-paired">
              {describeNothingPaired(labelOf(file), outcome.nameB)}
            </p>
          )}
          <div className="numbers-table-wrap">
            <table className="numbers-table" data-testid="compare-table">
              <caption>
                What changed most, by {COLUMNS.find((c) => c.key === rankBy)?.label}. Click a heading to rank by it.
                {ranked.length > NUMBERS_TABLE_MAX_ROWS
                  ? ` Showing the first ${formatCount(NUMBERS_TABLE_MAX_ROWS)} of ${formatCount(ranked.length)}; the audit report has them all.`
                  : ''}
              </caption>
              <thead>
                <tr>
                  {COLUMNS.slice(0, 1).map((column) => (
                    <SortHeader key={column.key} column={column} rankBy={rankBy} setRankBy={setRankBy} />
                  ))}
                  <th>status</th>
                  <th>shape / dtype</th>
                  {COLUMNS.slice(1).map((column) => (
                    <SortHeader key={column.key} column={column} rankBy={rankBy} setRankBy={setRankBy} />
                  ))}
                </tr>
              </thead>
              <tbody>
                {ranked.slice(0, NUMBERS_TABLE_MAX_ROWS).map((pair) => (
                  <tr key={pair.name} className={`compare-${pair.status}`}>
                    <td>
                      <button type="button" className="link-button" onClick={() => selectTensor(pair.name)}>
                        {pair.name}
                      </button>
                      {pair.nameB !== pair.name && <span className="muted"> → {pair.nameB}</span>}
                    </td>
                    <td>{statusText(pair)}</td>
                    <td className={pair.shapeChanged || pair.dtypeChanged ? 'warn' : ''}>
                      {pair.shapeChanged
                        ? `${formatShape(pair.shapeA)} → ${formatShape(pair.shapeB)}`
                        : formatShape(pair.shapeA)}{' '}
                      {pair.dtypeChanged ? `${pair.dtypeA} → ${pair.dtypeB}` : pair.dtypeA}
                    </td>
                    <td>{formatDerived(pair.maxAbsDelta)}</td>
                    <td>{formatDerived(pair.meanAbsDelta)}</td>
                    <td>{formatDerived(pair.relativeL2)}</td>
                    <td>{formatDerived(pair.cosine)}</td>
                    <td>
                      {pair.changedElements === null || pair.elements === 0
                        ? '—'
                        : `${((100 * pair.changedElements) / pair.elements).toFixed(1)}%`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {(outcome.result.damaged.length > 0 || outcome.result.unreadable.length > 0) && (
            <div className="warning" data-testid="compare-damaged">
              <p>Damaged entries: their differences are damage, not changes (each side's file view lists why).</p>
              <ul>
                {outcome.result.damaged.slice(0, NUMBERS_TABLE_MAX_ROWS).map((item) => (
                  <li key={`${item.side}:${item.name}`}>
                    <code>{item.name}</code> in {item.side}: {describeTensorProblem(item.code, item.detail)}
                  </li>
                ))}
                {outcome.result.unreadable.map((item) => (
                  <li key={`unreadable:${item.side}:${item.name}`}>
                    <code>{item.name}</code> in {item.side}: {describeUnreadableTensor()}.
                  </li>
                ))}
              </ul>
            </div>
          )}
          <OnlyList title="Only in A" names={outcome.result.onlyInA} testId="only-in-a" />
          <OnlyList title="Only in B" names={outcome.result.onlyInB} testId="only-in-b" />
          <p className="muted">The comparison is included in this file's audit report (Numbers tab).</p>
        </div>
      )}
    </section>
  );
}

function SortHeader({
  column,
  rankBy,
  setRankBy,
}: {
  column: { key: ChangeRanking; label: string; title: string };
  rankBy: ChangeRanking;
  setRankBy: (key: ChangeRanking) => void;
}) {
  const active = rankBy === column.key;
  return (
    <th aria-sort={active ? (column.key === 'name' || column.key === 'cosine' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="link-button" title={column.title} onClick={() => setRankBy(column.key)}>
        {column.label}
        {active ? ' ▼' : ''}
      </button>
    </th>
  );
}

function OnlyList({ title, names, testId }: { title: string; names: string[]; testId: string }) {
  return (
    <details className="only-list" data-testid={testId} open={names.length > 0 && names.length <= 20}>
      <summary>
        {title}: {names.length}
      </summary>
      {names.length > 0 && (
        <ul>
          {names.map((name) => (
            <li key={name}>
              <code>{name}</code>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
