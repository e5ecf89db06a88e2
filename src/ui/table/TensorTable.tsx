import { rowSortingFeature, tableFeatures, useTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { TensorColumns } from '../../base/tensor-columns';
import { formatBytes, formatShape, numelAt } from '../../core/summary';
import { selectTensor } from '../../store/actions';
import { sortedOrder } from './order';

/** What the table shows of a tensor; made only for the rows on screen. */
interface TensorRow {
  index: number;
  name: string;
  dtype: string;
  shape: number[];
  elements: number;
  bytes: number;
  note: string;
  /** Sharded sets: the shard file holding the tensor. */
  shard?: string;
}

function rowOf(tensors: TensorColumns, index: number): TensorRow {
  const problems = tensors.problems(index);
  const value = tensors.value(index);
  const note =
    problems && problems.length > 0
      ? `⚠ ${problems.map((p) => p.code).join(', ')}`
      : value !== undefined
        ? `= ${JSON.stringify(value)}`
        : '';
  const shard = tensors.shard(index);
  return {
    index,
    name: tensors.name(index),
    dtype: tensors.dtype(index),
    shape: tensors.shape(index) as number[],
    elements: numelAt(tensors, index),
    bytes: tensors.bytes(index),
    note,
    ...(shard !== undefined ? { shard } : {}),
  };
}

// Sorting is ours (order.ts, over the whole index); TanStack Table holds the sort state, the
// headers and the cells of the rows on screen.
const features = tableFeatures({ rowSortingFeature });

// Stable across renders (TanStack Table requires referentially stable columns).
const columns: ColumnDef<typeof features, TensorRow>[] = [
  {
    id: 'order',
    header: '#',
    accessorFn: (row) => row.index,
    cell: (info) => String((info.getValue() as number) + 1),
  },
  { id: 'name', header: 'Name', accessorFn: (row) => row.name },
  { id: 'dtype', header: 'dtype', accessorFn: (row) => row.dtype },
  { id: 'shape', header: 'Shape', accessorFn: (row) => formatShape(row.shape) },
  {
    id: 'elements',
    header: 'Elements',
    accessorFn: (row) => row.elements,
    cell: (info) => (info.getValue() as number).toLocaleString('en-US'),
  },
  {
    id: 'bytes',
    header: 'Bytes',
    accessorFn: (row) => row.bytes,
    cell: (info) => formatBytes(info.getValue() as number),
  },
  { id: 'note', header: 'Value / notes', accessorFn: (row) => row.note, enableSorting: false },
];

// A sharded set's table adds the shard of each tensor before the notes.
const shardedColumns: ColumnDef<typeof features, TensorRow>[] = [
  ...columns.slice(0, -1),
  { id: 'shard', header: 'Shard', accessorFn: (row) => row.shard ?? '' },
  ...columns.slice(-1),
];

const ROW_HEIGHT = 28;

const getRowId = (row: TensorRow): string => String(row.index);

/**
 * Sortable, virtualised: only the visible rows exist, in the DOM and as row objects, so a
 * million tensors cost one Int32Array of sort order (per sort order) and a mask. `shown` (by
 * tensor index, null = all) keeps the filtered ones; filtering keeps order, so no re-sort.
 */
export function TensorTable({
  tensors,
  shown,
  selected,
}: {
  tensors: TensorColumns;
  shown: Uint8Array | null;
  selected: string | null;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const sharded = tensors.length > 0 && tensors.shard(0) !== undefined;
  const order = useMemo(() => sortedOrder(tensors, sorting[0]), [tensors, sorting]);
  const positions = useMemo(() => {
    if (!shown) return null;
    const kept = new Int32Array(order.length);
    let count = 0;
    for (let p = 0; p < order.length; p += 1) if (shown[order[p] as number] === 1) kept[count++] = p;
    return kept.subarray(0, count);
  }, [order, shown]);
  const rowCount = positions ? positions.length : order.length;
  const scroller = useRef<HTMLDivElement>(null);
  // We do not use the React Compiler, so the virtualizer's unmemoisable API is fine here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const visibleItems = virtualizer.getVirtualItems();
  const first = visibleItems[0]?.index ?? 0;
  const last = visibleItems[visibleItems.length - 1]?.index ?? -1;
  const visibleRows = useMemo(() => {
    const rows: TensorRow[] = [];
    for (let pos = first; pos <= last; pos += 1) {
      const index = order[positions ? (positions[pos] as number) : pos] as number;
      rows.push(rowOf(tensors, index));
    }
    return rows;
  }, [tensors, order, positions, first, last]);
  const options = useMemo(
    () => ({
      features,
      columns: sharded ? shardedColumns : columns,
      data: visibleRows,
      state: { sorting },
      onSortingChange: setSorting,
      manualSorting: true,
      getRowId,
    }),
    [visibleRows, sorting, sharded],
  );
  const table = useTable(options);
  const tableRows = table.getRowModel().rows;
  const headers = table.getHeaderGroups()[0]?.headers ?? [];

  // Roving focus over the rows (by position in the shown order): one Tab stop for the table.
  const [focusPos, setFocusPos] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const lastPos = rowCount - 1;
  const clampedFocus = Math.min(focusPos, Math.max(0, lastPos));
  // Scrolled away from the focused row (it is not in the DOM): the first rendered row takes the Tab stop.
  const tabPos = visibleItems.some((item) => item.index === clampedFocus)
    ? clampedFocus
    : (visibleItems[0]?.index ?? clampedFocus);

  // The row to focus may only exist once the virtualizer has rendered it after scrolling there.
  useEffect(() => {
    const wanted = pendingFocus.current;
    if (wanted === null) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-pos="${wanted}"]`);
    if (!row) return;
    pendingFocus.current = null;
    row.focus({ preventScroll: true });
  });

  const moveTo = (pos: number): void => {
    const target = Math.max(0, Math.min(lastPos, pos));
    pendingFocus.current = target;
    setFocusPos(target);
    virtualizer.scrollToIndex(target, { align: 'auto' });
  };
  const onRowKeyDown = (event: KeyboardEvent<HTMLDivElement>, pos: number, name: string): void => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        moveTo(pos + 1);
        break;
      case 'ArrowUp':
        moveTo(pos - 1);
        break;
      case 'PageDown':
        moveTo(pos + page);
        break;
      case 'PageUp':
        moveTo(pos - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(lastPos);
        break;
      case 'Enter':
      case ' ':
        selectTensor(name);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <div
      className={sharded ? 'tensor-table sharded' : 'tensor-table'}
      role="table"
      aria-label="Parameters"
      aria-rowcount={rowCount + 1}
    >
      <div className="tt-row tt-head" role="row" aria-rowindex={1}>
        {headers.map((header) => {
          const sorted = header.column.getIsSorted();
          return (
            <div
              key={header.id}
              role="columnheader"
              className={`tt-cell col-${header.id}`}
              aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
            >
              {header.column.getCanSort() ? (
                <button type="button" onClick={header.column.getToggleSortingHandler()}>
                  {String(header.column.columnDef.header)}
                  <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                </button>
              ) : (
                String(header.column.columnDef.header)
              )}
            </div>
          );
        })}
      </div>
      <div className="tt-body" ref={scroller} data-testid="tensor-table-body">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {visibleItems.map((item) => {
            const row = tableRows[item.index - first];
            if (!row) return null;
            const isSelected = row.original.name === selected;
            // Keyed by position: a keystroke rewrites the text of the rows on screen instead of
            // replacing their DOM nodes.
            return (
              <div
                key={item.key}
                role="row"
                aria-selected={isSelected}
                aria-rowindex={item.index + 2}
                data-pos={item.index}
                tabIndex={item.index === tabPos ? 0 : -1}
                className={isSelected ? 'tt-row selected' : 'tt-row'}
                style={{
                  position: 'absolute',
                  top: 0,
                  transform: `translateY(${item.start}px)`,
                  height: ROW_HEIGHT,
                  width: '100%',
                }}
                onFocus={() => setFocusPos(item.index)}
                onKeyDown={(event) => onRowKeyDown(event, item.index, row.original.name)}
                onClick={() => selectTensor(row.original.name)}
              >
                {row.getAllCells().map((cell) => (
                  <div
                    key={cell.column.id}
                    role="cell"
                    className={`tt-cell col-${cell.column.id}`}
                    title={
                      cell.column.id === 'name'
                        ? row.original.name
                        : cell.column.id === 'note' && row.original.note
                          ? row.original.note
                          : undefined
                    }
                  >
                    <table.FlexRender cell={cell} />
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
