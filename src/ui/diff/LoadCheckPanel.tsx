import { useEffect, useId, useMemo, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import { parameterDictPositions, pythonShape, type LoadDiff } from '../../core/load-rules';
import type { NetworkManifest } from '../../formats/manifest';
import { loadDiff, openManifest } from '../../store/load-check';
import { useLensStore } from '../../store/store';
import { ErrorPanel } from '../errors/ErrorPanel';
import type { PanelContext } from '../files/panels';
import { NameMapEditor, specFromText, useNameMap } from '../name-map/NameMapEditor';
import { plural } from '../../base/plural';
import { AutoMapPanel } from './AutoMapPanel';

type Status = 'loaded' | 'cast' | 'error' | 'not-in-checkpoint' | 'unused-in-checkpoint' | 'skipped';

interface ReportRow {
  name: string;
  status: Status;
  detail: string;
  suggestions: string[];
}

const STATUS_LABEL: Record<Status, string> = {
  loaded: 'loads',
  cast: 'loads with a cast',
  error: 'raises',
  'not-in-checkpoint': 'param_not_load',
  'unused-in-checkpoint': 'ckpt_not_load',
  skipped: 'skipped (str value)',
};

function reportRows(diff: LoadDiff): ReportRow[] {
  const suggestionsFor = (name: string): string[] =>
    diff.suggestions
      .filter((s) => s.param === name)
      .map((s) =>
        s.kind === 'rename'
          ? `did you mean ${s.candidate} — ${s.why}`
          : `hint${s.candidate === s.param ? '' : ` (checkpoint ${s.candidate})`}: ${s.why}`,
      );
  const rows: ReportRow[] = [];
  for (const error of diff.errors)
    rows.push({
      name: error.param,
      status: 'error',
      detail: `${error.exception}: ${error.reason}`,
      suggestions: suggestionsFor(error.param),
    });
  for (const name of diff.param_not_load)
    rows.push({
      name,
      status: 'not-in-checkpoint',
      detail: 'not in the checkpoint: keeps its initial value',
      suggestions: suggestionsFor(name),
    });
  for (const skipped of diff.skipped)
    rows.push({ name: skipped.param, status: 'skipped', detail: skipped.reason, suggestions: [] });
  for (const loaded of diff.loaded) {
    const via = loaded.via === 'prefix' ? ` (prefix "${loaded.prefix ?? ''}" removed)` : '';
    const from = loaded.from !== loaded.param ? ` from ${loaded.original ?? loaded.from}` : '';
    if (loaded.cast)
      rows.push({
        name: loaded.param,
        status: 'cast',
        detail: `${loaded.cast.from} → ${loaded.cast.to}${from}${via}`,
        suggestions: [],
      });
    else
      rows.push({
        name: loaded.param,
        status: 'loaded',
        detail: `${from.trim() || 'exact name'}${via}${loaded.reshape ? `; reshaped from ${pythonShape(loaded.reshape.checkpoint)}` : ''}`,
        suggestions: [],
      });
  }
  const loadedKeys = new Set(diff.loaded.map((l) => l.from));
  for (const name of diff.ckpt_not_load) {
    rows.push({
      name,
      status: 'unused-in-checkpoint',
      detail: loadedKeys.has(name)
        ? 'loaded through the prefix pass, still listed by MindSpore'
        : 'no network parameter takes it',
      suggestions: [],
    });
  }
  return rows;
}

/** "Will it load?": the checkpoint (as filtered) against a network manifest, by load_param_into_net's rules. */
export function LoadCheckPanel({ file, index, matching }: PanelContext) {
  const [manifest, setManifest] = useState<{ name: string; data: NetworkManifest } | null>(null);
  const [error, setError] = useState<SerializedLensError | null>(null);
  const [strictLoad, setStrictLoad] = useState(false);
  const [show, setShow] = useState<Status | 'problems' | 'all'>('problems');
  const [search, setSearch] = useState('');
  const nameMap = useNameMap();
  const nameMapText = useLensStore((state) => state.nameMapText);
  const inputId = useId();
  // The parameter_dict load_checkpoint returns: file order for ckpt, sorted names for safetensors.
  const { tensors, format } = index;
  const order = useMemo(() => parameterDictPositions(tensors, format, matching), [tensors, format, matching]);
  const names = useMemo(() => order.map((i) => tensors.name(i)), [tensors, order]);
  // The diff runs in the worker (100,000 names take seconds); a newer question aborts an older one.
  const [answer, setAnswer] = useState<{ manifest: unknown; diff: LoadDiff } | null>(null);
  const question = useMemo(
    () => (manifest ? { manifest, matching, strictLoad, nameMapText, hasNameMap: nameMap.map !== null } : null),
    [manifest, matching, strictLoad, nameMapText, nameMap.map],
  );
  useEffect(() => {
    if (!question) return;
    const controller = new AbortController();
    loadDiff(
      {
        fileId: file.id,
        matching: question.matching,
        params: question.manifest.data.params,
        strictLoad: question.strictLoad,
        // The editor shows a rule's error; the check then runs without the map, as before.
        nameMap: question.hasNameMap ? specFromText(question.nameMapText) : null,
      },
      controller.signal,
    ).then(
      (diff) => setAnswer({ manifest: question.manifest, diff }),
      (e: unknown) => {
        if (!controller.signal.aborted) setError(serializeError(e));
      },
    );
    return () => controller.abort();
  }, [file.id, question]);
  // While a newer answer is on its way the last one for this manifest stays up (no flicker per keystroke).
  const diff = answer && answer.manifest === manifest ? answer.diff : null;
  const rows = useMemo(() => (diff ? reportRows(diff) : []), [diff]);
  const shown = rows.filter(
    (row) =>
      (show === 'all' ||
        (show === 'problems'
          ? ['error', 'not-in-checkpoint', 'unused-in-checkpoint', 'skipped'].includes(row.status)
          : row.status === show)) &&
      (search === '' || row.name.includes(search)),
  );

  return (
    <section className="panel load-check" data-testid="load-check">
      <h2>Will it load? — load_param_into_net(net, load_checkpoint(…))</h2>
      <div className="load-inputs">
        <label className="button-like primary" htmlFor={inputId}>
          Choose the network manifest…
        </label>
        <input
          id={inputId}
          type="file"
          hidden
          data-testid="manifest-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (!file) return;
            setError(null);
            openManifest(file, file.name).then(
              (data) => setManifest({ name: file.name, data }),
              (e: unknown) => setError(serializeError(e)),
            );
          }}
        />
        <span className="muted">
          JSON (<code>{'{name: {shape, dtype}}'}</code>), a text dump, a MindSpore <code>*-graph.meta</code>, or another
          checkpoint.
        </span>
        <label>
          <input
            type="checkbox"
            checked={strictLoad}
            onChange={(e) => setStrictLoad(e.target.checked)}
            data-testid="strict-load"
          />{' '}
          strict_load=True
        </label>
      </div>
      {error && <ErrorPanel error={error} />}
      <NameMapEditor names={names} />
      {manifest && diff && (
        <>
          <p data-testid="manifest-info">
            {manifest.name}: {plural(manifest.data.params.length, 'network entry', 'network entries')} (
            {manifest.data.layout}){diff.ignored.length > 0 ? `, ${diff.ignored.length} graph inputs ignored` : ''}.
            Checkpoint: {plural(order.length, 'entry', 'entries')} (after the filter).
          </p>
          {manifest.data.notes.map((note) => (
            <p key={note} className="muted">
              {note}
            </p>
          ))}
          <div
            className={
              diff.raises ? 'verdict raises' : diff.param_not_load.length > 0 ? 'verdict partial' : 'verdict ok'
            }
            data-testid="load-verdict"
          >
            {diff.raises
              ? `MindSpore raises ${diff.raises.exception} on ${diff.raises.param}: ${diff.raises.reason}`
              : diff.param_not_load.length > 0
                ? `Loads, but ${plural(diff.param_not_load.length, 'network parameter')} ${diff.param_not_load.length === 1 ? 'keeps its initial value' : 'keep their initial values'}.`
                : 'Every network parameter loads.'}
          </div>
          <AutoMapPanel tensors={tensors} order={order} params={manifest.data.params} nameMap={nameMap.map} />
          <div className="load-counts" data-testid="load-counts">
            {(['loaded', 'cast', 'error', 'not-in-checkpoint', 'unused-in-checkpoint', 'skipped'] as Status[]).map(
              (status) => (
                <button key={status} type="button" aria-pressed={show === status} onClick={() => setShow(status)}>
                  {STATUS_LABEL[status]}: {rows.filter((row) => row.status === status).length}
                </button>
              ),
            )}
            <button type="button" aria-pressed={show === 'problems'} onClick={() => setShow('problems')}>
              problems
            </button>
            <button type="button" aria-pressed={show === 'all'} onClick={() => setShow('all')}>
              all
            </button>
            <input
              type="search"
              placeholder="find a name"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              aria-label="Find a name in the report"
            />
          </div>
          <ul className="load-rows" data-testid="load-rows">
            {shown.slice(0, 500).map((row) => (
              <li key={`${row.status}:${row.name}`} className={`load-row ${row.status}`}>
                <span className="load-status">{STATUS_LABEL[row.status]}</span> <code>{row.name}</code>{' '}
                <span className="muted">{row.detail}</span>
                {row.suggestions.length > 0 && (
                  <ul className="suggestions">
                    {row.suggestions.map((s) => (
                      <li key={s}>{s}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
            {shown.length > 500 && <li className="muted">… {shown.length - 500} more (narrow with the search box)</li>}
          </ul>
          {diff.warnings.length > 0 && (
            <details>
              <summary>What MindSpore would log ({plural(diff.warnings.length, 'line')})</summary>
              <pre className="log">{diff.warnings.join('\n')}</pre>
            </details>
          )}
        </>
      )}
    </section>
  );
}
