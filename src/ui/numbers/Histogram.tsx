import { useState } from 'react';
import type { Histogram as HistogramData } from '../../core/stats/histogram';
import { formatCount, formatDerived } from './format';
import { plural } from '../../base/plural';

const WIDTH = 560;
const HEIGHT = 230;
const MARGIN = { left: 58, right: 14, top: 12, bottom: 40 };

/** A histogram as SVG: bars over [lo, hi], labelled axes, optional log count scale. */
export function Histogram({ histogram, name }: { histogram: HistogramData; name: string }) {
  const [log, setLog] = useState(false);
  const { counts, lo, hi } = histogram;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const maxCount = Math.max(0, ...counts);
  const scaled = (count: number): number =>
    maxCount === 0 ? 0 : log ? Math.log10(1 + count) / Math.log10(1 + maxCount) : count / maxCount;
  const barWidth = plotWidth / Math.max(1, counts.length);
  const xOf = (value: number): number => MARGIN.left + ((value - lo) / (hi - lo)) * plotWidth;
  const tallest = counts.indexOf(maxCount);
  const binWidth = (hi - lo) / Math.max(1, counts.length);
  const label =
    `Histogram of ${name}: ${plural(counts.length, 'bin')} from ${formatDerived(lo)} to ${formatDerived(hi)}; ` +
    `the tallest bin holds ${plural(maxCount, 'value')} between ${formatDerived(lo + tallest * binWidth)} and ` +
    `${formatDerived(lo + (tallest + 1) * binWidth)}.`;
  const yTicks = log ? [0, 1] : [0, 0.5, 1];
  const xTicks = [lo, (lo + hi) / 2, hi];
  return (
    <figure className="numbers-chart" data-testid="histogram">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} className="histogram-svg">
        {yTicks.map((fraction) => {
          const y = MARGIN.top + plotHeight * (1 - fraction);
          const count = log ? Math.round(10 ** (fraction * Math.log10(1 + maxCount)) - 1) : fraction * maxCount;
          return (
            <g key={fraction}>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y} y2={y} className="chart-grid" />
              <text x={MARGIN.left - 6} y={y + 4} textAnchor="end" className="chart-tick">
                {formatCount(Math.round(count))}
              </text>
            </g>
          );
        })}
        {counts.map((count, i) => {
          const height = scaled(count) * plotHeight;
          const from = lo + i * binWidth;
          return (
            <rect
              key={i}
              data-testid="hist-bar"
              className="hist-bar"
              x={MARGIN.left + i * barWidth + 0.5}
              width={Math.max(0.5, barWidth - 1)}
              y={MARGIN.top + plotHeight - height}
              height={height}
            >
              <title>{`[${formatDerived(from)}, ${formatDerived(from + binWidth)}${i === counts.length - 1 ? ']' : ')'}: ${formatCount(count)}`}</title>
            </rect>
          );
        })}
        {lo < 0 && hi > 0 && (
          <line x1={xOf(0)} x2={xOf(0)} y1={MARGIN.top} y2={MARGIN.top + plotHeight} className="chart-zero" />
        )}
        <line
          x1={MARGIN.left}
          x2={WIDTH - MARGIN.right}
          y1={MARGIN.top + plotHeight}
          y2={MARGIN.top + plotHeight}
          className="chart-axis"
        />
        <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={MARGIN.top + plotHeight} className="chart-axis" />
        {xTicks.map((value, i) => (
          <text
            key={i}
            x={xOf(value)}
            y={MARGIN.top + plotHeight + 16}
            textAnchor={i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}
            className="chart-tick"
          >
            {formatDerived(value)}
          </text>
        ))}
        <text x={MARGIN.left + plotWidth / 2} y={HEIGHT - 4} textAnchor="middle" className="chart-label">
          value
        </text>
        <text
          transform={`translate(12 ${MARGIN.top + plotHeight / 2}) rotate(-90)`}
          textAnchor="middle"
          className="chart-label"
        >
          {log ? 'count (log)' : 'count'}
        </text>
      </svg>
      <figcaption>
        {plural(counts.length, 'bin')},{' '}
        {histogram.method === 'exact' ? 'exact counts' : 'counts spread from 16-bit buckets'}
        {' · '}
        <label>
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log count scale
        </label>
      </figcaption>
    </figure>
  );
}
