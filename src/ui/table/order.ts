/**
 * The table's sort order as tensor indices in one Int32Array: made once per sort order straight
 * from the index, so a million tensors need no row objects (a row is made only when on screen).
 * Ties keep file order, ascending or descending.
 */
import type { TensorColumns } from '../../base/tensor-columns';
import { numelAt } from '../../core/summary';

export type SortColumn = 'order' | 'name' | 'dtype' | 'shape' | 'elements' | 'bytes' | 'shard';

export interface SortBy {
  id: string;
  desc: boolean;
}

const SORTABLE: ReadonlySet<string> = new Set<SortColumn>([
  'order',
  'name',
  'dtype',
  'shape',
  'elements',
  'bytes',
  'shard',
]);

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How two tensors compare on a column, ascending (file order breaks ties). */
function comparator(tensors: TensorColumns, column: SortColumn): (a: number, b: number) => number {
  switch (column) {
    case 'order':
      return (a, b) => a - b;
    case 'name':
      return (a, b) => tensors.compareNames(a, b);
    case 'dtype':
      return (a, b) => compareText(tensors.dtype(a), tensors.dtype(b));
    case 'shard':
      return (a, b) => compareText(tensors.shard(a) ?? '', tensors.shard(b) ?? '');
    case 'bytes':
      return (a, b) => tensors.bytes(a) - tensors.bytes(b);
    case 'elements':
    case 'shape': {
      const elements = new Float64Array(tensors.length);
      for (let i = 0; i < tensors.length; i += 1) elements[i] = numelAt(tensors, i);
      if (column === 'elements') return (a, b) => (elements[a] as number) - (elements[b] as number);
      return (a, b) =>
        tensors.shape(a).length - tensors.shape(b).length || (elements[a] as number) - (elements[b] as number);
    }
  }
}

/** Tensor indices in the order the table shows them; `by` undefined: file order. */
export function sortedOrder(tensors: TensorColumns, by: SortBy | undefined): Int32Array {
  const order = new Int32Array(tensors.length);
  for (let i = 0; i < order.length; i += 1) order[i] = i;
  if (!by || !SORTABLE.has(by.id)) return order;
  const compare = comparator(tensors, by.id as SortColumn);
  const sign = by.desc ? -1 : 1;
  // A plain array sorts with a comparator about twice as fast as a typed array in V8 (1M names: 1.5 s against 3.3 s).
  const indices = Array.from(order);
  indices.sort((a, b) => sign * compare(a, b) || a - b);
  order.set(indices);
  return order;
}
