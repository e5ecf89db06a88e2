import { describe, expect, it } from 'vitest';
import { TensorColumns } from '../../base/tensor-columns';
import type { TensorEntry } from '../../base/types';
import { sortedOrder } from './order';

const tensor = (name: string, dtype: string, shape: number[], bytes: number, shard?: string): TensorEntry => ({
  name,
  dtype,
  shape,
  kind: 'tensor',
  bytes,
  ranges: [],
  ...(shard !== undefined ? { shard } : {}),
});

const tensors = TensorColumns.fromEntries([
  tensor('b.weight', 'Float32', [4, 4], 64, 's2'),
  tensor('a.bias', 'Float16', [4], 8, 's1'),
  tensor('c.weight', 'Float32', [2, 8], 64, 's1'),
  tensor('a.weight', 'Int64', [], 8, 's2'),
]);

const order = (id: string | undefined, desc = false): number[] => [
  ...sortedOrder(tensors, id === undefined ? undefined : { id, desc }),
];

describe('sortedOrder', () => {
  it('is file order unsorted, and for "#"', () => {
    expect(order(undefined)).toEqual([0, 1, 2, 3]);
    expect(order('order')).toEqual([0, 1, 2, 3]);
    expect(order('order', true)).toEqual([0, 1, 2, 3].reverse());
  });

  it('sorts names and dtypes as text, ties in file order either way', () => {
    expect(order('name')).toEqual([1, 3, 0, 2]);
    expect(order('name', true)).toEqual([2, 0, 3, 1]);
    expect(order('dtype')).toEqual([1, 0, 2, 3]);
    expect(order('dtype', true)).toEqual([3, 0, 2, 1]);
    expect(order('shard')).toEqual([1, 2, 0, 3]);
  });

  it('sorts sizes by number and shapes by rank, then elements', () => {
    expect(order('bytes')).toEqual([1, 3, 0, 2]);
    expect(order('bytes', true)).toEqual([0, 2, 1, 3]);
    expect(order('elements')).toEqual([3, 1, 0, 2]);
    expect(order('shape')).toEqual([3, 1, 0, 2]);
  });

  it('ignores a column it cannot sort by', () => {
    expect(order('note')).toEqual([0, 1, 2, 3]);
  });

  it('orders 200,000 tensors without a row object each', () => {
    const many = TensorColumns.fromEntries(
      Array.from({ length: 200_000 }, (_, i) => tensor(`t${(i * 7919) % 200_000}`, 'Float32', [1], 4)),
    );
    const sorted = sortedOrder(many, { id: 'name', desc: false });
    expect(sorted.length).toBe(200_000);
    let inOrder = true;
    for (let p = 1; p < sorted.length; p += 1)
      if (many.name(sorted[p - 1] as number) > many.name(sorted[p] as number)) inOrder = false;
    expect(inOrder).toBe(true);
  });
});
