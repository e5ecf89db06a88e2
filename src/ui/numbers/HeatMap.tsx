import { useEffect, useMemo, useRef, useState } from 'react';
import { serializeError, type SerializedLensError } from '../../base/errors';
import type { TensorEntry } from '../../base/types';
import type { HeatMapGrid, HeatMapReduce } from '../../core/stats/heatmap';
import { heatMapOf } from '../../store/numbers';
import { ErrorPanel } from '../errors/ErrorPanel';
import { formatCount, formatDerived } from './format';

const DIVERGING = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'];
const SEQUENTIAL = ['#440154', '#443983', '#31688e', '#21918c', '#35b779', '#90d743', '#fde725'];
const DISPLAY_MAX = 480;

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Colour at t ∈ [0, 1] along the stops, linear in RGB between neighbours. */
function colourAt(stops: readonly [number, number, number][], t: number): [number, number, number] {
  const clamped = Math.min(1, Math.max(0, t));
  const position = clamped * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(position));
  const f = position - i;
  const a = stops[i] as [number, number, number];
  const b = stops[i + 1] as [number, number, number];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export interface ColourScale {
  stops: string[];
  lo: number;
  hi: number;
  diverging: boolean;
}

/** Diverging around 0 (symmetric) when the values straddle 0; otherwise sequential over [min, max]. */
export function colourScale(min: number, max: number): ColourScale {
  if (min < 0 && max > 0) {
    const bound = Math.max(-min, max);
    return { stops: DIVERGING, lo: -bound, hi: bound, diverging: true };
  }
  // A constant slice sits mid-scale over [v − 0.5, v + 0.5], as the histogram's range does.
  if (min === max) return { stops: SEQUENTIAL, lo: min - 0.5, hi: max + 0.5, diverging: false };
  return { stops: SEQUENTIAL, lo: min, hi: max, diverging: false };
}

/** Heat map of one 2-D slice: leading indices chosen by the user, big matrices block-reduced in the worker. */
export function HeatMap({ fileId, entry }: { fileId: string; entry: TensorEntry }) {
  const leadingAxes = Math.max(0, entry.shape.length - 2);
  const [leading, setLeading] = useState<number[]>(() => new Array<number>(leadingAxes).fill(0));
  const [reduce, setReduce] = useState<HeatMapReduce>('mean');
  const [done, setDone] = useState<{
    key: string;
    grid: HeatMapGrid | null;
    error: SerializedLensError | null;
  } | null>(null);
  const [progress, setProgress] = useState(0);
  const [hover, setHover] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const job = useRef<AbortController | null>(null);
  const requestKey = `${leading.join(',')}|${reduce}`;
  const busy = done?.key !== requestKey;
  const grid = done?.grid ?? null;
  const error = done?.key === requestKey ? done.error : null;

  useEffect(() => {
    const controller = new AbortController();
    job.current = controller;
    const key = `${leading.join(',')}|${reduce}`;
    // A newer slice (or unmounting) aborts this one: the worker stops, and nothing below runs.
    const current = (): boolean => job.current === controller;
    heatMapOf(fileId, entry.name, leading, reduce, {
      signal: controller.signal,
      onProgress: (fraction) => {
        if (current()) setProgress(fraction);
      },
    }).then(
      (result) => {
        if (current()) setDone({ key, grid: result, error: null });
      },
      (e: unknown) => {
        if (current()) setDone((old) => ({ key, grid: old?.grid ?? null, error: serializeError(e) }));
      },
    );
    return () => {
      if (job.current === controller) job.current = null;
      controller.abort();
    };
  }, [fileId, entry.name, leading, reduce]);

  const scale = useMemo(
    () => (grid && grid.min !== null && grid.max !== null ? colourScale(grid.min, grid.max) : null),
    [grid],
  );

  useEffect(() => {
    const target = canvas.current;
    if (!grid || !target || !scale) return;
    const context = target.getContext('2d');
    if (!context) return;
    const stops = scale.stops.map(rgb);
    const image = context.createImageData(grid.gridCols, grid.gridRows);
    for (let cell = 0; cell < grid.cells.length; cell += 1) {
      const value = grid.cells[cell] as number;
      const at = cell * 4;
      if (Number.isNaN(value)) continue; // transparent: no finite value in this block
      const [r, g, b] = colourAt(stops, (value - scale.lo) / (scale.hi - scale.lo));
      image.data[at] = r;
      image.data[at + 1] = g;
      image.data[at + 2] = b;
      image.data[at + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, [grid, scale]);

  // Whole pixels per cell for small grids; big grids fill DISPLAY_MAX (pixelated, no blur).
  const fit = grid ? DISPLAY_MAX / Math.max(grid.gridCols, grid.gridRows) : 1;
  const zoom = fit >= 2 ? Math.floor(fit) : Math.max(1, fit);
  const where = grid
    ? `${entry.name}${grid.leading.length > 0 ? `[${grid.leading.join(', ')}, :, :]` : ''}`
    : entry.name;
  const label =
    grid && scale
      ? `Heat map of ${where}: ${grid.rows} × ${grid.cols} values shown as ${grid.gridRows} × ${grid.gridCols} cells` +
        `${grid.blockRows * grid.blockCols > 1 ? ` (${reduce === 'mean' ? 'block mean' : 'block max |x|'} of ${grid.blockRows} × ${grid.blockCols})` : ''}` +
        `; cell values from ${formatDerived(grid.min)} to ${formatDerived(grid.max)}.`
      : `Heat map of ${where}`;

  return (
    <figure className="numbers-chart heatmap" data-testid="heatmap">
      <div className="heatmap-controls">
        {entry.shape.slice(0, leadingAxes).map((size, axis) => (
          <label key={axis}>
            axis {axis}{' '}
            <input
              type="number"
              min={0}
              max={size - 1}
              value={leading[axis] ?? 0}
              aria-label={`Index along axis ${axis} (0 to ${size - 1})`}
              data-testid={`heatmap-axis-${axis}`}
              onChange={(e) => {
                const value = Math.trunc(Number(e.target.value));
                if (!Number.isFinite(value) || value < 0 || value >= size) return;
                setLeading(leading.map((old, i) => (i === axis ? value : old)));
              }}
            />
            <span className="muted"> of {size}</span>
          </label>
        ))}
        <label>
          cells show{' '}
          <select value={reduce} onChange={(e) => setReduce(e.target.value as HeatMapReduce)}>
            <option value="mean">block mean</option>
            <option value="maxabs">block max |x|</option>
          </select>
        </label>
        {busy && (
          <>
            <progress max={1} value={progress} aria-label="Heat map progress" />
            <button type="button" onClick={() => job.current?.abort()}>
              Cancel
            </button>
          </>
        )}
      </div>
      {error && <ErrorPanel error={error} />}
      {grid && !scale && <p className="muted">No finite values in this slice.</p>}
      {grid && scale && (
        <>
          <div className="heatmap-frame">
            <span className="heatmap-axis-label">
              rows 0–{grid.rows - 1} ↓ · columns 0–{grid.cols - 1} →
            </span>
            <canvas
              ref={canvas}
              width={grid.gridCols}
              height={grid.gridRows}
              role="img"
              aria-label={label}
              data-testid="heatmap-canvas"
              style={{ width: Math.round(grid.gridCols * zoom), height: Math.round(grid.gridRows * zoom) }}
              onMouseLeave={() => setHover(null)}
              onMouseMove={(event) => {
                const box = event.currentTarget.getBoundingClientRect();
                const col = Math.floor(((event.clientX - box.left) / box.width) * grid.gridCols);
                const row = Math.floor(((event.clientY - box.top) / box.height) * grid.gridRows);
                const value = grid.cells[row * grid.gridCols + col];
                if (value === undefined) return;
                const rows = `${row * grid.blockRows}${grid.blockRows > 1 ? `–${Math.min(grid.rows, (row + 1) * grid.blockRows) - 1}` : ''}`;
                const cols = `${col * grid.blockCols}${grid.blockCols > 1 ? `–${Math.min(grid.cols, (col + 1) * grid.blockCols) - 1}` : ''}`;
                setHover(
                  `row ${rows}, column ${cols}: ${Number.isNaN(value) ? 'no finite value' : formatDerived(value)}`,
                );
              }}
            />
          </div>
          <div className="heatmap-legend" aria-hidden="true">
            <span>{formatDerived(scale.lo)}</span>
            <span
              className="heatmap-gradient"
              style={{ background: `linear-gradient(to right, ${scale.stops.join(', ')})` }}
            />
            <span>{formatDerived(scale.hi)}</span>
          </div>
          <figcaption>
            {label}
            {scale.diverging ? ' Colours are symmetric around 0 (blue negative, red positive).' : ''}
            {grid.nonFinite > 0 ? ` ${formatCount(grid.nonFinite)} NaN/±Inf values left out.` : ''}
            <span className="heatmap-hover" aria-live="polite">
              {hover ?? ' '}
            </span>
          </figcaption>
        </>
      )}
    </figure>
  );
}
