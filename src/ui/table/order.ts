/**
 * The table's sort order as tensor indices in one Int32Array: made once per sort order straight
 * from the index, so a million tensors need no row objects (a row is made only when on screen).
 * Ties keep file order, ascending or descending.
 */
import type { TensorEntry } from '../../base/types';
import { numel } from '../../core/summary';

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
function comparator(tensors: readonly TensorEntry[], column: SortColumn): (a: number, b: number) => number {
  const at = (i: number): TensorEntry => tensors[i] as TensorEntry;
  switch (column) {
    case 'order':
      return (a, b) => a - b;
    case 'name':
      return (a, b) => compareText(at(a).name, at(b).name);
    case 'dtype':
      return (a, b) => compareText(at(a).dtype, at(b).dtype);
    case 'shard':
      return (a, b) => compareText(at(a).shard ?? '', at(b).shard ?? '');
    case 'bytes':
      return (a, b) => at(a).bytes - at(b).bytes;
    case 'elements':
    case 'shape': {
      const elements = new Float64Array(tensors.length);
      for (let i = 0; i < tensors.length; i += 1) elements[i] = numel(at(i));
      if (column === 'elements') return (a, b) => (elements[a] as number) - (elements[b] as number);
      return (a, b) => at(a).shape.length - at(b).shape.length || (elements[a] as number) - (elements[b] as number);
    }
  }
}

/** Tensor indices in the order the table shows them; `by` undefined: file order. */
export function sortedOrder(tensors: readonly TensorEntry[], by: SortBy | undefined): Int32Array {
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
