/**
 * A heat-map grid of one 2-D slice of a tensor: the last two axes are rows and columns, the
 * leading axes are fixed by the caller. Big matrices are block-reduced (mean of the finite values,
 * or max |x|) to at most HEATMAP_MAX_SIDE cells per side, streamed in windows — the slice is
 * never held whole.
 */
import { LensError } from '../../base/errors';
import { HEATMAP_MAX_SIDE } from '../../base/limits';
import type { ByteRange, TensorEntry } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { readableContent } from '../../formats/pytorch/gather';
import { BLOCK_ELEMENTS } from './accumulate';
import { decodeElements } from './elements';
import { resolveSlice, type SliceItem } from './slice';
import { numericLayout } from './tensor-stats';
import { readElementChunks, type WindowOptions } from './windows';

export type HeatMapReduce = 'mean' | 'maxabs';

export interface HeatMapOptions extends WindowOptions {
  reduce?: HeatMapReduce;
  /** Cells per side at most (default and ceiling HEATMAP_MAX_SIDE). */
  maxSide?: number;
  /** Fraction of the slice's bytes read so far. */
  onProgress?: (fraction: number) => void;
}

export interface HeatMapGrid {
  name: string;
  dtype: string;
  tensorShape: number[];
  /** The fixed leading indices, made non-negative. */
  leading: number[];
  /** Size of the 2-D slice (rank 1 is one row; rank 0 one cell). */
  rows: number;
  cols: number;
  /** Source rows/columns reduced into one cell. */
  blockRows: number;
  blockCols: number;
  gridRows: number;
  gridCols: number;
  reduce: HeatMapReduce;
  /** Row-major cell values; NaN where a block holds no finite value. */
  cells: Float32Array;
  /** Over the finite cells; null when there are none. */
  min: number | null;
  max: number | null;
  /** NaN/±Inf elements in the slice (left out of the cells). */
  nonFinite: number;
}

/** File ranges holding content bytes [start, start + length) of a tensor. */
function contentRanges(ranges: readonly ByteRange[], start: number, length: number): ByteRange[] {
  const out: ByteRange[] = [];
  let skip = start;
  let want = length;
  for (const range of ranges) {
    if (want === 0) break;
    if (skip >= range.length) {
      skip -= range.length;
      continue;
    }
    const take = Math.min(range.length - skip, want);
    out.push({ offset: range.offset + skip, length: take });
    want -= take;
    skip = 0;
  }
  return out;
}

export async function computeHeatMap(
  file: ByteSource,
  stored: TensorEntry,
  leading: readonly number[],
  options: HeatMapOptions = {},
): Promise<HeatMapGrid> {
  const { source, entry } = readableContent(file, stored);
  const layout = numericLayout(entry);
  const shape = entry.shape;
  const planeAxes = Math.min(2, shape.length);
  const leadingAxes = shape.length - planeAxes;
  if (leading.length !== leadingAxes) {
    throw new LensError('slice-invalid', {
      tensor: entry.name,
      expected: leadingAxes,
      actual: leading.length,
      hint: `A heat map of a rank-${shape.length} tensor needs ${leadingAxes} leading ${leadingAxes === 1 ? 'index' : 'indices'}`,
    });
  }
  // resolveSlice checks the indices against the shape (negative ones count from the end).
  const items: SliceItem[] = leading.map((index) => ({ kind: 'index', index }));
  const resolved = resolveSlice(items, shape, entry.name);
  const fixed = resolved.axes.slice(0, leadingAxes).map((axis) => (axis.kind === 'index' ? axis.index : 0));
  const rows = planeAxes === 2 ? (shape[shape.length - 2] as number) : 1;
  const cols = planeAxes >= 1 ? (shape[shape.length - 1] as number) : 1;
  const plane = rows * cols;
  let firstElement = 0;
  let stride = plane;
  for (let axis = leadingAxes - 1; axis >= 0; axis -= 1) {
    firstElement += (fixed[axis] as number) * stride;
    stride *= shape[axis] as number;
  }
  if ((firstElement + plane) * layout.stride > layout.storedCount * layout.stride) {
    throw new LensError('tensor-content-short', {
      tensor: entry.name,
      expected: (firstElement + plane) * layout.stride,
      actual: layout.storedCount * layout.stride,
    });
  }

  const maxSide = Math.max(1, Math.min(HEATMAP_MAX_SIDE, Math.floor(options.maxSide ?? HEATMAP_MAX_SIDE)));
  const blockRows = Math.max(1, Math.ceil(rows / maxSide));
  const blockCols = Math.max(1, Math.ceil(cols / maxSide));
  const gridRows = Math.ceil(rows / blockRows);
  const gridCols = Math.ceil(cols / blockCols);
  const reduce = options.reduce ?? 'mean';
  const sums = new Float64Array(gridRows * gridCols);
  const counts = new Float64Array(gridRows * gridCols);
  let nonFinite = 0;

  const totalBytes = plane * layout.stride;
  let doneBytes = 0;
  const block = new Float64Array(BLOCK_ELEMENTS);
  // Position counters kept incrementally (no division per element).
  let col = 0;
  let colInBlock = 0;
  let cellCol = 0;
  let rowInBlock = 0;
  let rowBase = 0;
  const ranges = contentRanges(entry.ranges, firstElement * layout.stride, totalBytes);
  for await (const chunk of readElementChunks(source, ranges, layout.stride, {
    ...options,
    tensor: entry.name,
    onBytes: (bytes) => {
      doneBytes += bytes;
      options.onBytes?.(bytes);
      options.onProgress?.(totalBytes === 0 ? 1 : doneBytes / totalBytes);
    },
  })) {
    const elements = chunk.length / layout.stride;
    for (let first = 0; first < elements; first += BLOCK_ELEMENTS) {
      const count = Math.min(BLOCK_ELEMENTS, elements - first);
      decodeElements(layout.kind, chunk, first, count, block);
      for (let i = 0; i < count; i += 1) {
        const value = block[i] as number;
        if (Number.isFinite(value)) {
          const cell = rowBase + cellCol;
          if (reduce === 'mean') {
            sums[cell] = (sums[cell] as number) + value;
          } else {
            const magnitude = Math.abs(value);
            if (magnitude > (sums[cell] as number)) sums[cell] = magnitude;
          }
          counts[cell] = (counts[cell] as number) + 1;
        } else nonFinite += 1;
        col += 1;
        colInBlock += 1;
        if (colInBlock === blockCols) {
          colInBlock = 0;
          cellCol += 1;
        }
        if (col === cols) {
          col = 0;
          colInBlock = 0;
          cellCol = 0;
          rowInBlock += 1;
          if (rowInBlock === blockRows) {
            rowInBlock = 0;
            rowBase += gridCols;
          }
        }
      }
    }
  }

  const cells = new Float32Array(gridRows * gridCols);
  let min: number | null = null;
  let max: number | null = null;
  for (let cell = 0; cell < cells.length; cell += 1) {
    const n = counts[cell] as number;
    const value = n === 0 ? NaN : reduce === 'mean' ? (sums[cell] as number) / n : (sums[cell] as number);
    cells[cell] = value;
    if (n > 0) {
      const stored = cells[cell] as number;
      if (min === null || stored < min) min = stored;
      if (max === null || stored > max) max = stored;
    }
  }
  return {
    name: entry.name,
    dtype: entry.dtype,
    tensorShape: [...shape],
    leading: fixed,
    rows,
    cols,
    blockRows,
    blockCols,
    gridRows,
    gridCols,
    reduce,
    cells,
    min,
    max,
    nonFinite,
  };
}
