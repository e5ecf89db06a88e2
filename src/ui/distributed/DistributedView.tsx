import { useMemo, useState } from 'react';
import type { ParameterPlan } from '../../core/distributed';
import { describeLayoutProblem, describeSetProblem } from '../../core/messages';
import { formatBytes, formatShape } from '../../core/summary';
import { openFiles } from '../../store/actions';
import {
  acceptOffer,
  assignRank,
  cancelSetReplicas,
  checkSetReplicas,
  closeSet,
  declineOffer,
  hideSetView,
  pickedStrategyPath,
  selectParameter,
  setFileAt,
  setSetOptions,
  submitSetKey,
  useDistributed,
} from '../../store/distributed';
import { useLensStore } from '../../store/store';
import type { OpenSetResult, SetIgnoredFile } from '../../workers/wire';
import { KeyForm } from '../keys/KeyForm';
import { ErrorPanel } from '../errors/ErrorPanel';
import { focusOpenedFile } from '../files/FileTabs';
import { LayoutPicture } from './LayoutPicture';
import { ResliceSetPanel } from './ResliceSetPanel';
import { SetExportPanel } from './SetExportPanel';
import { SetPickers } from './OpenSetControls';
import { plural } from '../../base/plural';

/** The distributed-set view: inputs, problems, per-parameter layout with a picture, export. */
export function DistributedView() {
  const status = useDistributed((state) => state.status);
  const name = useDistributed((state) => state.name);
  const fileCount = useDistributed((state) => state.fileCount);
  const progress = useDistributed((state) => state.progress);
  const error = useDistributed((state) => state.error);
  const needsKey = useDistributed((state) => state.needsKey);
  const result = useDistributed((state) => state.result);
  const hasSet = useDistributed((state) => state.setId !== null);
  const hasFiles = useLensStore((state) => state.files.length > 0);

  if (status === 'offer') {
    return (
      <section className="panel set-offer" data-testid="set-offer">
        <h2>These {plural(fileCount, 'file')} look like a distributed checkpoint</h2>
        <p>They name their ranks and include a strategy file. Open them together to see the layout and merge them?</p>
        <div className="export-actions">
          <button type="button" className="primary" onClick={acceptOffer} data-testid="accept-set-offer">
            Open as a distributed set
          </button>
          <button type="button" onClick={() => openFiles(declineOffer())}>
            Open as separate files
          </button>
        </div>
      </section>
    );
  }

  return (
    <div className="set-view" data-testid="set-view">
      <section className="panel">
        <div className="set-title">
          <h2>{hasSet ? `Distributed set: ${name}` : 'Open a distributed checkpoint'}</h2>
          <span>
            {hasFiles && (
              <button type="button" onClick={hideSetView}>
                Back to files
              </button>
            )}{' '}
            <button type="button" onClick={closeSet} aria-label="Close the distributed set">
              Close
            </button>
          </span>
        </div>
        {!hasSet && (
          <p>
            Choose the folder that holds the <code>rank_0</code>, <code>rank_1</code>, … folders (or many{' '}
            <code>checkpoint_N</code> files), and the parallel strategy file if it is not in that folder. Ranks are read
            from the folder and file names; you can assign them when they are not. Nothing leaves this computer.
          </p>
        )}
        <SetPickers hasSet={hasSet} />
        {status === 'opening' && (
          <p aria-busy="true">
            Reading {plural(fileCount, 'file')}… <progress max={1} value={progress} aria-label="Opening progress" />
          </p>
        )}
        {error && <ErrorPanel error={error} fileName={name} />}
        {(needsKey || result?.ranks.some((rank) => rank.encrypted)) && <SetKeyForm />}
      </section>
      {result && <SetInputs result={result} />}
      {result?.layout && <SetLayoutView result={result} />}
    </div>
  );
}

function SetKeyForm() {
  return (
    <div className="key-prompt">
      <KeyForm
        label="One key for every encrypted rank file (MindSpore's dec_key)"
        inputTestId="set-key-input"
        onKey={(key) => submitSetKey(key)}
      />
    </div>
  );
}

const IGNORED_REASON: Record<SetIgnoredFile['reason'], string> = {
  'no-rank': 'no rank in its folder or file name',
  'not-a-checkpoint': 'not a checkpoint or strategy file',
  'unused-strategy': 'another strategy file is used',
};

function SetInputs({ result }: { result: OpenSetResult }) {
  const options = useDistributed((state) => state.options);
  const strategy = result.strategy;
  const chosen = strategy?.files ?? [];
  return (
    <section className="panel set-inputs" data-testid="set-inputs">
      <div className="set-inputs-grid">
        <div>
          <h3>Strategy</h3>
          {strategy ? (
            <p data-testid="set-strategy">
              <code>{strategy.files.map(shownPath).join(', ')}</code> —{' '}
              {strategy.encoding === 'json' ? 'JSON' : 'protobuf'}, {plural(strategy.layoutCount, 'parameter layout')},{' '}
              {plural(strategy.operatorCount, 'operator')}
              {strategy.stages.length > 1 ? `, ${strategy.stages.length} pipeline stages` : ''}
              {strategy.pipelineMerged ? ' (merged pipeline strategy)' : ''}.
            </p>
          ) : (
            <p className="warn" data-testid="set-needs-strategy">
              No strategy file found among these files: choose it with “Choose the strategy file…”.
            </p>
          )}
          {result.strategyCandidates.length > 1 && (
            <fieldset>
              <legend>Strategy files found (several = one per pipeline stage)</legend>
              {result.strategyCandidates.map((path) => (
                <label key={path}>
                  <input
                    type="checkbox"
                    checked={chosen.includes(path)}
                    onChange={(e) => {
                      const next = e.target.checked ? [...chosen, path] : chosen.filter((p) => p !== path);
                      if (next.length > 0) setSetOptions({ strategyPaths: next });
                    }}
                  />{' '}
                  <code>{shownPath(path)}</code>
                </label>
              ))}
            </fieldset>
          )}
          {result.formats.length > 1 && (
            <label>
              Rank folders hold both formats; read{' '}
              <select
                value={options.inputFormat ?? result.inputFormat ?? 'ckpt'}
                onChange={(e) => setSetOptions({ inputFormat: e.target.value as 'ckpt' | 'safetensors' })}
                data-testid="set-input-format"
              >
                <option value="ckpt">.ckpt files</option>
                <option value="safetensors">.safetensors files</option>
              </select>
            </label>
          )}
        </div>
        <div>
          <h3>
            Ranks ({result.ranks.length}
            {result.layout ? ` of ${result.layout.expectedRanks.length} the strategy describes` : ''})
          </h3>
          <div className="set-ranks">
            <table data-testid="set-ranks">
              <thead>
                <tr>
                  <th>rank</th>
                  <th>file</th>
                  <th>format</th>
                  <th>size</th>
                  <th>entries</th>
                </tr>
              </thead>
              <tbody>
                {result.ranks.map((rank) => (
                  <tr key={rank.rank}>
                    <td>{rank.rank}</td>
                    <td>
                      <code>{rank.path}</code>{' '}
                      <button
                        type="button"
                        onClick={() => openOnItsOwn(rank.path)}
                        aria-label={`Open ${rank.path} on its own`}
                        title="Open this file on its own, beside other open files (its tab shows its folder)"
                        data-testid="open-rank-file"
                      >
                        open
                      </button>
                      {rank.alternatives.length > 0 && (
                        <span className="muted">
                          {' '}
                          (also: {rank.alternatives.map((p) => p.split('/').pop()).join(', ')})
                        </span>
                      )}
                    </td>
                    <td>
                      {rank.format}
                      {rank.encrypted ? ', encrypted' : ''}
                    </td>
                    <td>{formatBytes(rank.size)}</td>
                    <td>{rank.tensorCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
      {result.ignored.length > 0 && (
        <details open={result.status === 'needs-ranks'}>
          <summary>
            {result.ignored.length} file{result.ignored.length === 1 ? '' : 's'} not used
            {result.ignored.some((f) => f.reason === 'no-rank') ? ' — assign a rank to use a checkpoint' : ''}
          </summary>
          <ul className="set-ignored">
            {result.ignored.map((file) => (
              <li key={file.path}>
                <code>{file.path}</code> <span className="muted">({IGNORED_REASON[file.reason]})</span>
                {file.reason === 'no-rank' && <RankAssign path={file.path} />}
              </li>
            ))}
          </ul>
        </details>
      )}
      {Object.keys(options.ranks).length > 0 && (
        <p className="muted">
          Ranks you assigned:{' '}
          {Object.entries(options.ranks).map(([path, rank]) => (
            <span key={path}>
              <code>{path}</code> → {rank}{' '}
              <button type="button" onClick={() => assignRank(path, null)}>
                undo
              </button>{' '}
            </span>
          ))}
        </p>
      )}
      {result.status === 'needs-ranks' && (
        <p className="warn" data-testid="set-needs-ranks">
          No file says which rank it belongs to (<code>rank_N</code> folders or <code>checkpoint_N</code> names). Assign
          ranks above.
        </p>
      )}
    </section>
  );
}

/** A rank file of the set in the file view, as if opened by itself; its path keeps the folder. */
function openOnItsOwn(path: string): void {
  const input = setFileAt(path);
  if (!input) return;
  focusOpenedFile();
  openFiles([input]);
}

function RankAssign({ path }: { path: string }) {
  const [text, setText] = useState('');
  return (
    <form
      className="rank-assign"
      onSubmit={(event) => {
        event.preventDefault();
        const rank = Number(text);
        if (Number.isSafeInteger(rank) && rank >= 0) assignRank(path, rank);
      }}
    >
      <input
        type="number"
        min={0}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label={`Rank of ${path}`}
        data-testid="rank-assign-input"
      />
      <button type="submit">use as this rank</button>
    </form>
  );
}

function notInFiles(plan: ParameterPlan): boolean {
  return plan.problems.some((p) => p.code === 'not-in-files');
}

/** The strategy's path as the user knows it (a separately picked file is marked so). */
function shownPath(path: string): string {
  return path.startsWith(PICKED_PREFIX) ? `${path.slice(PICKED_PREFIX.length)} (picked)` : path;
}
const PICKED_PREFIX = pickedStrategyPath('');

function planStatus(plan: ParameterPlan): { text: string; className: string } {
  if (notInFiles(plan)) return { text: 'in no rank file', className: 'muted' };
  const worst =
    plan.problems.find((p) => p.severity === 'error') ?? plan.problems.find((p) => p.severity === 'warning');
  if (!plan.mergeable) return { text: 'cannot merge', className: 'error-text' };
  if (worst) return { text: 'merges, see notes', className: 'warn' };
  if (plan.kind === 'extra') return { text: 'kept from lowest rank', className: 'muted' };
  return { text: 'merges', className: '' };
}

function SetLayoutView({ result }: { result: OpenSetResult }) {
  const layout = result.layout;
  const selected = useDistributed((state) => state.selected);
  const replicas = useDistributed((state) => state.replicas);
  const [query, setQuery] = useState('');
  // Parameters the files hold first; strategy entries that no file holds (a mismatch) last.
  const parameters = useMemo(() => {
    const all = layout?.parameters ?? [];
    return [...all.filter((plan) => !notInFiles(plan)), ...all.filter(notInFiles)];
  }, [layout]);
  const shown = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return needle ? parameters.filter((plan) => plan.name.toLowerCase().includes(needle)) : parameters;
  }, [parameters, query]);
  if (!layout) return null;
  const plan = parameters.find((p) => p.name === selected) ?? null;
  const visibleRows = shown.slice(0, 500);
  return (
    <>
      <section className="panel" data-testid="set-problems">
        <h3>
          {plural(layout.ranks.length, 'rank file')}; the strategy describes{' '}
          {plural(layout.expectedRanks.length, 'rank')} ({plural(layout.deviceCount, 'device')} ×{' '}
          {plural(Math.max(1, layout.stages.length), 'stage')}).{' '}
          {plural(result.mergedCount, 'tensor merges', 'tensors merge')} ({formatBytes(result.mergedBytes)}).
        </h3>
        {layout.problems.length === 0 ? (
          <p>No problems: every parameter of the strategy is in the files and every block has a holder.</p>
        ) : (
          <ul className="set-problem-list">
            {layout.problems.map((problem, i) => (
              <li
                key={i}
                className={problem.severity === 'error' ? 'error-text' : problem.severity === 'warning' ? 'warn' : ''}
              >
                {describeSetProblem(problem.code, problem.detail, problem.ranks)}
              </li>
            ))}
          </ul>
        )}
        <div className="export-actions">
          <button
            type="button"
            disabled={replicas?.status === 'running'}
            onClick={() => void checkSetReplicas()}
            data-testid="verify-replicas"
          >
            Verify replicas
          </button>
          <span className="muted">
            Compares every replica's bytes with the slice the merge reads (MindSpore never does).
          </span>
          {replicas?.status === 'running' && (
            <>
              <progress max={1} value={replicas.progress} aria-label="Replica check progress" />
              <button type="button" onClick={cancelSetReplicas}>
                Cancel
              </button>
            </>
          )}
        </div>
        {replicas?.status === 'done' && replicas.result && (
          <p className={replicas.result.reports.length > 0 ? 'warn' : ''} data-testid="replica-result">
            {replicas.result.reports.length === 0
              ? 'Every replica is byte-identical to the slice the merge reads.'
              : `Replicas differ in ${replicas.result.reports.length} parameter${replicas.result.reports.length === 1 ? '' : 's'}: ${replicas.result.reports.map((r) => r.name).join(', ')}. The strategy may not describe these files.`}
          </p>
        )}
        {replicas?.status === 'error' && replicas.error && <ErrorPanel error={replicas.error} />}
      </section>
      <div className="set-main">
        <section className="panel set-table-panel">
          <input
            type="search"
            placeholder="Find a parameter…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-label="Find a parameter"
          />
          <div className="set-table-scroll">
            <table className="set-table" data-testid="set-table">
              <thead>
                <tr>
                  <th>parameter</th>
                  <th>dtype</th>
                  <th>full shape</th>
                  <th>slice shape</th>
                  <th>split</th>
                  <th>stage</th>
                  <th>merge</th>
                </tr>
              </thead>
              <tbody>
                {visibleRows.map((row) => {
                  const state = planStatus(row);
                  return (
                    <tr
                      key={row.name}
                      aria-selected={row.name === selected}
                      className={row.name === selected ? 'selected' : ''}
                      onClick={() => selectParameter(row.name)}
                      tabIndex={0}
                      onKeyDown={(event) => {
                        if (event.key === 'Enter' || event.key === ' ') {
                          event.preventDefault();
                          selectParameter(row.name);
                        }
                      }}
                      data-testid="set-row"
                    >
                      <td>
                        <code>{row.name}</code>
                      </td>
                      <td>{row.dtype ?? '—'}</td>
                      <td>{row.fullShape ? formatShape(row.fullShape) : '—'}</td>
                      <td>{row.sliceShape ? formatShape(row.sliceShape) : '—'}</td>
                      <td>
                        {row.split.join('×') || '1'}
                        {row.optShards > 1 ? ` (opt ×${row.optShards})` : ''}
                      </td>
                      <td>{row.stages.join(', ') || '—'}</td>
                      <td className={state.className}>{state.text}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {shown.length > visibleRows.length && (
            <p className="muted">
              Showing {visibleRows.length} of {shown.length}; type to narrow.
            </p>
          )}
        </section>
        {plan && <ParameterDetail plan={plan} />}
      </div>
      <SetExportPanel result={result} />
      <ResliceSetPanel result={result} />
    </>
  );
}

function ParameterDetail({ plan }: { plan: ParameterPlan }) {
  const layout = plan.layout;
  const opt = layout && layout.optStep !== 0 && layout.optSize !== 0;
  return (
    <section className="panel set-detail" data-testid="set-detail">
      <h3>
        <code>{plan.name}</code>
      </h3>
      <dl className="set-facts">
        <dt>dtype</dt>
        <dd>{plan.dtype ?? '—'}</dd>
        <dt>full shape</dt>
        <dd>{plan.fullShape ? formatShape(plan.fullShape) : '—'}</dd>
        <dt>slice shape</dt>
        <dd>{plan.sliceShape ? formatShape(plan.sliceShape) : '—'}</dd>
        {layout && (
          <>
            <dt>device matrix</dt>
            <dd>{formatShape(layout.devMatrix)}</dd>
            <dt>tensor map</dt>
            <dd>{JSON.stringify(layout.tensorMap)}</dd>
            <dt>split per dim</dt>
            <dd>
              {plan.modelSplit.map((n, d) => `dim ${d}: ${n === 1 ? 'whole' : `${n} pieces`}`).join('; ') || 'scalar'}
            </dd>
          </>
        )}
        <dt>optimizer shard</dt>
        <dd>
          {opt
            ? `step ${layout.optStep}, size ${layout.optSize}: each block cut into ${plan.optShards} pieces along dim 0`
            : 'none'}
        </dd>
        <dt>pipeline stage</dt>
        <dd>{plan.stages.join(', ') || '—'}</dd>
        <dt>replicas</dt>
        <dd>
          {plan.replicaGroups.length} distinct block{plan.replicaGroups.length === 1 ? '' : 's'}:{' '}
          {plan.replicaGroups
            .slice(0, 8)
            .map((group) => `{${group.length > 16 ? `${group.slice(0, 16).join(', ')}, …` : group.join(', ')}}`)
            .join(' ')}
          {plan.replicaGroups.length > 8 ? ' …' : ''}
        </dd>
      </dl>
      {plan.problems.length > 0 && (
        <ul className="set-problem-list" data-testid="set-parameter-problems">
          {plan.problems.map((problem, i) => (
            <li
              key={i}
              className={problem.severity === 'error' ? 'error-text' : problem.severity === 'warning' ? 'warn' : ''}
            >
              {describeLayoutProblem(problem.code, problem.detail, problem.ranks)}
            </li>
          ))}
        </ul>
      )}
      {plan.kind === 'sharded' && plan.holdings.length > 0 ? (
        <LayoutPicture plan={plan} />
      ) : (
        <p className="muted">
          Held by rank{plan.holdings.length === 1 ? '' : 's'} {plan.holdings.map((h) => h.rank).join(', ') || '—'}.
        </p>
      )}
    </section>
  );
}
