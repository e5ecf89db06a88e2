import { useEffect, useRef, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import type { TensorEntry } from '../../base/types';
import { elementLayout } from '../../core/stats/elements';
import type { TensorStats } from '../../core/stats/tensor-stats';
import { formatShape } from '../../core/summary';
import { statsOfTensor } from '../../store/numbers';
import { ErrorPanel } from '../errors/ErrorPanel';
import { formatCount, formatDerived, formatElement } from './format';
import { HeatMap } from './HeatMap';
import { Histogram } from './Histogram';
import { ValuePreview } from './ValuePreview';
import { plural } from '../../base/plural';
import { describeBoolBytes } from '../../core/messages';

/** Stats, histogram, heat map and value preview of one tensor. */
export function TensorNumbers({ fileId, entry }: { fileId: string; entry: TensorEntry }) {
  const [stats, setStats] = useState<TensorStats | null>(null);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<SerializedLensError | null>(null);
  const job = useRef<AbortController | null>(null);
  const kind = elementLayout(entry)?.kind;
  const busy = stats === null && error === null;

  // The parent keys this component by tensor, so the job runs once per tensor.
  useEffect(() => {
    const controller = new AbortController();
    job.current = controller;
    // Unmounting (another tensor chosen) aborts: the worker stops, and nothing below runs.
    const current = (): boolean => job.current === controller && !controller.signal.aborted;
    statsOfTensor(fileId, entry.name, {
      signal: controller.signal,
      onProgress: (fraction) => {
        if (current()) setProgress(fraction);
      },
    }).then(
      (result) => {
        if (current()) setStats(result);
      },
      (e: unknown) => {
        if (job.current === controller) setError(serializeError(e));
      },
    );
    return () => {
      controller.abort();
      if (job.current === controller) job.current = null;
    };
  }, [fileId, entry.name]);

  const rows: [string, string, string][] = stats
    ? [
        ['min', 'min', formatElement(kind, stats.min)],
        ['max', 'max', formatElement(kind, stats.max)],
        ['mean', 'mean', formatDerived(stats.mean)],
        ['std', 'std (population)', formatDerived(stats.std)],
        ['l2', 'L2 norm', formatDerived(stats.l2)],
        ['nan', 'NaN', formatCount(stats.nan)],
        ['pos-inf', '+Inf', formatCount(stats.posInf)],
        ['neg-inf', '−Inf', formatCount(stats.negInf)],
        ['zeros', 'zeros', formatCount(stats.zeros)],
      ]
    : [];
  const nonFinite = stats ? stats.nan + stats.posInf + stats.negInf : 0;
  return (
    <section className="panel tensor-numbers" aria-label={`Numbers of ${entry.name}`} data-testid="tensor-numbers">
      <h3>
        <code>{entry.name}</code>{' '}
        <span className="muted">
          {entry.dtype} {formatShape(entry.shape)}
          {stats ? ` · ${plural(stats.elements, 'value')}` : ''}
          {stats?.legacyBfloat16 ? ' · bfloat16 stored as float32 (high halves)' : ''}
          {stats?.boolBytes ? ` · ${describeBoolBytes(stats.boolBytes.count, stats.boolBytes.first)}` : ''}
        </span>
      </h3>
      {busy && (
        <div className="numbers-busy">
          <progress max={1} value={progress} aria-label="Stats progress" />
          <button type="button" onClick={() => job.current?.abort()}>
            Cancel
          </button>
        </div>
      )}
      {error && <ErrorPanel error={error} />}
      {stats && (
        <div className="numbers-top">
          <table className="stats-table" data-testid="stats-table">
            <tbody>
              {rows.map(([id, label, value]) => (
                <tr key={id}>
                  <th scope="row">{label}</th>
                  <td
                    data-testid={`stat-${id}`}
                    className={id === 'nan' || id.endsWith('inf') ? (value === '0' ? '' : 'warn') : ''}
                  >
                    {value}
                  </td>
                </tr>
              ))}
            </tbody>
            <caption>
              {nonFinite > 0
                ? `${formatCount(nonFinite)} non-finite values (first at flat index ${stats.firstNonFinite ?? '?'}); min/max/mean/std/L2 are over the finite ones.`
                : 'All values finite.'}
            </caption>
          </table>
          {stats.histogram ? (
            <Histogram histogram={stats.histogram} name={entry.name} />
          ) : (
            <p className="muted">No finite values: no histogram.</p>
          )}
        </div>
      )}
      {stats && stats.elements > 1 && <HeatMap key={entry.name} fileId={fileId} entry={entry} />}
      <h4>Values</h4>
      <ValuePreview key={entry.name} fileId={fileId} entry={entry} />
    </section>
  );
}
