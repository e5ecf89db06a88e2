import { useEffect, useMemo, useRef, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import { NUMBERS_TABLE_MAX_ROWS } from '../../base/limits';
import { elementKindOf } from '../../core/stats/elements';
import type { AllStatsResult, NonFiniteAudit, TensorStats } from '../../core/stats/tensor-stats';
import { describeStatsSkip } from '../../core/messages';
import { formatShape } from '../../core/summary';
import { selectTensor } from '../../store/actions';
import { auditNonFinite, numbersFoundFor, statsOfAll } from '../../store/numbers';
import { ErrorPanel } from '../errors/ErrorPanel';
import { formatCount, formatDerived, formatElement } from './format';
import { plural } from '../../base/plural';

type SortKey = 'order' | 'name' | 'min' | 'max' | 'mean' | 'std' | 'l2' | 'nonFinite' | 'zeros';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'name' },
  { key: 'min', label: 'min' },
  { key: 'max', label: 'max' },
  { key: 'mean', label: 'mean' },
  { key: 'std', label: 'std' },
  { key: 'l2', label: 'L2' },
  { key: 'nonFinite', label: 'NaN / ±Inf' },
  { key: 'zeros', label: 'zeros' },
];

function sortValue(row: TensorStats, key: SortKey): number | string {
  switch (key) {
    case 'name':
      return row.name;
    case 'nonFinite':
      return row.nan + row.posInf + row.negInf;
    case 'zeros':
      return row.zeros;
    case 'min':
    case 'max':
      return Number(row[key] ?? -Infinity);
    case 'mean':
    case 'std':
    case 'l2':
      return row[key] ?? -Infinity;
    default:
      return 0;
  }
}

/** "Scan all tensors" (stats of every tensor, streamed) and the one-click NaN/Inf audit. */
export function ScanAll({ fileId }: { fileId: string }) {
  const [rows, setRows] = useState<TensorStats[]>([]);
  const [skipped, setSkipped] = useState<AllStatsResult['skipped']>([]);
  const [audit, setAudit] = useState<NonFiniteAudit | null>(null);
  const [busy, setBusy] = useState<{ job: AbortController; progress: number; what: string } | null>(null);
  const [error, setError] = useState<SerializedLensError | null>(null);
  const liveScan = useRef<AbortController | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'order', descending: false });

  // Results computed earlier in this session live in the worker; show them again.
  useEffect(() => {
    const controller = new AbortController();
    numbersFoundFor(fileId, controller.signal).then(
      (found) => {
        if (found.stats) {
          setRows(found.stats.tensors);
          setSkipped(found.stats.skipped);
        }
        if (found.nonFinite) setAudit(found.nonFinite);
      },
      () => undefined, // aborted: another file is shown
    );
    return () => controller.abort();
  }, [fileId]);

  async function scan(): Promise<void> {
    const job = new AbortController();
    setBusy({ job, progress: 0, what: 'Scanning all tensors' });
    liveScan.current = job;
    setError(null);
    setRows([]);
    try {
      const result = await statsOfAll(fileId, {
        signal: job.signal,
        onProgress: (progress) =>
          setBusy((old) => (old?.job === job ? { job, progress, what: 'Scanning all tensors' } : old)),
        onTensors: (batch) => {
          if (liveScan.current === job) setRows((old) => [...old, ...batch]);
        },
      });
      setRows(result.stats.tensors);
      setSkipped(result.stats.skipped);
      setAudit(result.nonFinite);
    } catch (e) {
      setError(serializeError(e));
    } finally {
      liveScan.current = null;
      setBusy(null);
    }
  }

  async function runAudit(): Promise<void> {
    const job = new AbortController();
    setBusy({ job, progress: 0, what: 'Looking for NaN and ±Inf' });
    setError(null);
    try {
      setAudit(
        await auditNonFinite(fileId, {
          signal: job.signal,
          onProgress: (progress) =>
            setBusy((old) => (old?.job === job ? { job, progress, what: 'Looking for NaN and ±Inf' } : old)),
        }),
      );
    } catch (e) {
      setError(serializeError(e));
    } finally {
      setBusy(null);
    }
  }

  const sorted = useMemo(() => {
    if (sort.key === 'order') return rows;
    const out = [...rows].sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return sort.descending ? out.reverse() : out;
  }, [rows, sort]);

  return (
    <section className="panel scan-all" data-testid="scan-all">
      <h3>All tensors</h3>
      <div className="numbers-actions">
        <button
          type="button"
          className="primary"
          onClick={() => void scan()}
          disabled={busy !== null}
          data-testid="scan-all-button"
        >
          Scan all tensors
        </button>
        <button type="button" onClick={() => void runAudit()} disabled={busy !== null} data-testid="nan-audit-button">
          NaN / Inf audit
        </button>
        {busy && (
          <>
            <span className="muted">{busy.what}…</span>
            <progress max={1} value={busy.progress} aria-label={`${busy.what} progress`} />
            <button type="button" onClick={() => busy.job.abort()} data-testid="scan-cancel">
              Cancel
            </button>
          </>
        )}
      </div>
      {error && <ErrorPanel error={error} />}
      {audit && (
        <div
          className={audit.clean ? 'audit-result ok' : 'audit-result bad'}
          data-testid="nan-audit-result"
          role="status"
        >
          {audit.clean ? (
            <p>
              ✓ No NaN or ±Inf in {plural(audit.scannedTensors, 'scanned tensor')} (
              {plural(audit.scannedElements, 'value')}).
            </p>
          ) : (
            <>
              <p>
                ✗ {audit.findings.length} of {plural(audit.scannedTensors, 'tensor')}{' '}
                {audit.findings.length === 1 ? 'holds' : 'hold'} NaN or ±Inf:
              </p>
              <table className="numbers-table" data-testid="nan-audit-findings">
                <thead>
                  <tr>
                    <th>tensor</th>
                    <th>dtype</th>
                    <th>shape</th>
                    <th>NaN</th>
                    <th>+Inf</th>
                    <th>−Inf</th>
                    <th>first at</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.findings.map((finding) => (
                    <tr key={finding.name}>
                      <td>
                        <button type="button" className="link-button" onClick={() => selectTensor(finding.name)}>
                          {finding.name}
                        </button>
                      </td>
                      <td>{finding.dtype}</td>
                      <td>{formatShape(finding.shape)}</td>
                      <td>{formatCount(finding.nan)}</td>
                      <td>{formatCount(finding.posInf)}</td>
                      <td>{formatCount(finding.negInf)}</td>
                      <td>{formatCount(finding.firstNonFinite)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {audit.skipped.length > 0 && (
            <p className="muted">
              Not scanned: {audit.skipped.map((s) => `${s.name} (${describeStatsSkip(s.reason)})`).join(', ')}.
            </p>
          )}
        </div>
      )}
      {rows.length > 0 && (
        <div className="numbers-table-wrap">
          <table className="numbers-table" data-testid="scan-table">
            <caption>
              {plural(rows.length, 'tensor')}
              {skipped.length > 0 ? `, ${skipped.length} without numbers skipped` : ''}. Click a name to look at it;
              click a heading to sort.
              {rows.length > NUMBERS_TABLE_MAX_ROWS
                ? ` Showing the first ${formatCount(NUMBERS_TABLE_MAX_ROWS)}; the audit report has them all.`
                : ''}
            </caption>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <th
                    key={column.key}
                    aria-sort={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      className="link-button"
                      onClick={() =>
                        setSort(
                          sort.key === column.key
                            ? { key: column.key, descending: !sort.descending }
                            : { key: column.key, descending: column.key !== 'name' },
                        )
                      }
                    >
                      {column.label}
                      {sort.key === column.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.slice(0, NUMBERS_TABLE_MAX_ROWS).map((row) => {
                const kind = elementKindOf(row.dtype, row.legacyBfloat16 === true);
                const nonFinite = row.nan + row.posInf + row.negInf;
                return (
                  <tr key={row.name}>
                    <td>
                      <button type="button" className="link-button" onClick={() => selectTensor(row.name)}>
                        {row.name}
                      </button>
                    </td>
                    <td>{formatElement(kind, row.min)}</td>
                    <td>{formatElement(kind, row.max)}</td>
                    <td>{formatDerived(row.mean)}</td>
                    <td>{formatDerived(row.std)}</td>
                    <td>{formatDerived(row.l2)}</td>
                    <td className={nonFinite > 0 ? 'warn' : ''}>
                      {nonFinite > 0
                        ? `${formatCount(row.nan)} / ${formatCount(row.posInf)} / ${formatCount(row.negInf)}`
                        : '0'}
                    </td>
                    <td>{formatCount(row.zeros)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
