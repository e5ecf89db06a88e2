import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import type { TensorEntry } from '../../base/types';
import { fixtureBytes, fixtureSource } from '../../test/fixtures';
import { openCheckpoint } from '../open';
import { computeHeatMap } from './heatmap';
import { bytesOf, openRecords } from '../../test/ckpt-records';

/** Independent reference: block reduction over a plain number[][] matrix. */
function referenceGrid(matrix: number[][], blockRows: number, blockCols: number, reduce: 'mean' | 'maxabs'): number[] {
  const rows = matrix.length;
  const cols = (matrix[0] as number[]).length;
  const out: number[] = [];
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    for (let c0 = 0; c0 < cols; c0 += blockCols) {
      const values: number[] = [];
      for (let r = r0; r < Math.min(rows, r0 + blockRows); r += 1)
        for (let c = c0; c < Math.min(cols, c0 + blockCols); c += 1) {
          const v = (matrix[r] as number[])[c] as number;
          if (Number.isFinite(v)) values.push(v);
        }
      if (values.length === 0) out.push(NaN);
      else if (reduce === 'mean') out.push(values.reduce((s, v) => s + v, 0) / values.length);
      else out.push(Math.max(...values.map(Math.abs)));
    }
  }
  return out;
}

function expectCells(cells: Float32Array, expected: number[]): void {
  expect(cells.length).toBe(expected.length);
  expected.forEach((value, i) => {
    if (Number.isNaN(value)) expect(Number.isNaN(cells[i])).toBe(true);
    else expect(cells[i]).toBeCloseTo(Math.fround(value), 5);
  });
}

describe('computeHeatMap', () => {
  it('picks the 2-D slice by leading indices and keeps small matrices cell for cell', async () => {
    const values = Float32Array.from({ length: 2 * 3 * 5 }, (_, i) => i * 0.5 - 3);
    values[17] = NaN;
    const opened = await openRecords([['w', [2, 3, 5], 'Float32', bytesOf(values)]]);
    const entry = opened.index.tensors[0] as TensorEntry;
    // Tiny windows make elements straddle reads.
    const grid = await computeHeatMap(opened.plaintext, entry, [-1], { windowBytes: 7 });
    expect(grid.leading).toEqual([1]);
    expect([grid.rows, grid.cols, grid.gridRows, grid.gridCols, grid.blockRows, grid.blockCols]).toEqual([
      3, 5, 3, 5, 1, 1,
    ]);
    const expected = Array.from({ length: 15 }, (_, i) => values[15 + i] as number);
    expectCells(grid.cells, expected);
    expect(grid.nonFinite).toBe(1);
    const finite = expected.filter(Number.isFinite);
    expect(grid.min).toBe(Math.min(...finite));
    expect(grid.max).toBe(Math.max(...finite));
  });

  it('refuses a wrong number of leading indices and indices out of range, as LensErrors', async () => {
    const opened = await openRecords([['w', [2, 3, 5], 'Float32', bytesOf(new Float32Array(30))]]);
    const entry = opened.index.tensors[0] as TensorEntry;
    await expect(computeHeatMap(opened.plaintext, entry, [])).rejects.toMatchObject({ code: 'slice-invalid' });
    await expect(computeHeatMap(opened.plaintext, entry, [2])).rejects.toMatchObject({ code: 'slice-out-of-range' });
    await expect(computeHeatMap(opened.plaintext, entry, [2])).rejects.toBeInstanceOf(LensError);
  });

  it('block-reduces a real LeNet fc1.weight (120×400) and matches a direct decode', async () => {
    const file = 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt';
    const { index, plaintext } = await openCheckpoint(await fixtureSource('real', file));
    const entry = index.tensors.find((t) => t.name === 'fc1.weight') as TensorEntry;
    expect(entry.shape).toEqual([120, 400]);
    // Decode the tensor's bytes straight from the file with a DataView.
    const bytes = fixtureBytes('real', file);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const flat: number[] = [];
    for (const range of entry.ranges)
      for (let at = 0; at < range.length; at += 4) flat.push(view.getFloat32(range.offset + at, true));
    const matrix = Array.from({ length: 120 }, (_, r) => flat.slice(r * 400, (r + 1) * 400));

    for (const reduce of ['mean', 'maxabs'] as const) {
      const grid = await computeHeatMap(plaintext, entry, [], { maxSide: 64, reduce, windowBytes: 4096 + 3 });
      expect([grid.blockRows, grid.blockCols, grid.gridRows, grid.gridCols]).toEqual([2, 7, 60, 58]);
      expectCells(grid.cells, referenceGrid(matrix, 2, 7, reduce));
    }
    const full = await computeHeatMap(plaintext, entry, []);
    expect([full.gridRows, full.gridCols, full.blockCols]).toEqual([120, 200, 2]);
  });

  it('reads a rank-4 conv weight plane and a rank-1 bias as one row', async () => {
    const file = 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt';
    const { index, plaintext } = await openCheckpoint(await fixtureSource('real', file));
    const bytes = fixtureBytes('real', file);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const conv = index.tensors.find((t) => t.name === 'conv2.weight') as TensorEntry;
    const grid = await computeHeatMap(plaintext, conv, [3, 4]);
    const base = (conv.ranges[0]?.offset as number) + (3 * 6 + 4) * 25 * 4;
    expectCells(
      grid.cells,
      Array.from({ length: 25 }, (_, i) => view.getFloat32(base + i * 4, true)),
    );
    const bias = index.tensors.find((t) => t.name === 'fc1.bias') as TensorEntry;
    const row = await computeHeatMap(plaintext, bias, []);
    expect([row.rows, row.cols]).toEqual([1, 120]);
  });
});
