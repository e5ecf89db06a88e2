import { useMemo } from 'react';
import { isLensError } from '../base/errors';
import type { ColumnarIndex, TensorColumns } from '../base/tensor-columns';
import type { TensorKind } from '../base/types';
import { compileFilter, tryParseFilter, type FilterParseResult, type FilterSubject } from '../core/selection';
import { useLensStore } from './store';

/** The rows the filter keeps, and what the filter bar says about the filter. */
export interface FilterMatch {
  matching: number[];
  status: FilterParseResult | null;
}

/**
 * The filter runs on the main thread, here in the store (docs/architecture.md "Which side runs
 * what"): parsing and compiling take well under a millisecond and the filter bar needs the result
 * on every keystroke; matching 100,000 names takes 2–90 ms. A filter stopped by its budget keeps
 * every row and shows its sentence.
 */
function matchFilter(tensors: TensorColumns, parsed: FilterParseResult | null): FilterMatch {
  const predicate = parsed?.ok ? compileFilter(parsed.ast) : null;
  const all = (): number[] => Array.from({ length: tensors.length }, (_, i) => i);
  if (!predicate) return { matching: all(), status: parsed };
  const row = new RowCursor(tensors);
  const indices: number[] = [];
  try {
    for (let i = 0; i < tensors.length; i += 1) {
      row.at = i;
      if (predicate(row)) indices.push(i);
    }
  } catch (error) {
    if (!isLensError(error)) throw error;
    return { matching: all(), status: { ok: false, error } };
  }
  return { matching: indices, status: parsed };
}

/** One row of the columns as the filter reads it, moved from tensor to tensor (no object per tensor). */
class RowCursor implements FilterSubject {
  at = 0;
  constructor(private readonly tensors: TensorColumns) {}
  get name(): string {
    return this.tensors.name(this.at);
  }
  get dtype(): string {
    return this.tensors.dtype(this.at);
  }
  get shape(): number[] {
    return this.tensors.shape(this.at) as number[];
  }
  get bytes(): number {
    return this.tensors.bytes(this.at);
  }
  get kind(): TensorKind {
    return this.tensors.kind(this.at);
  }
}

/** The store's filter applied to one file's index; recomputed when either changes. */
export function useFilterMatch(index: ColumnarIndex): FilterMatch & { filterText: string } {
  const filterText = useLensStore((state) => state.filterText);
  const parsed = useMemo(() => (filterText.trim() ? tryParseFilter(filterText) : null), [filterText]);
  const { tensors } = index;
  const match = useMemo(() => matchFilter(tensors, parsed), [tensors, parsed]);
  return { ...match, filterText };
}
