import { useMemo } from 'react';
import { isLensError } from '../base/errors';
import type { ColumnarIndex, TensorColumns } from '../base/tensor-columns';
import { compileFilter, matchingPositions, tryParseFilter, type FilterParseResult } from '../core/selection';
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
  try {
    return { matching: matchingPositions(predicate, tensors), status: parsed };
  } catch (error) {
    if (!isLensError(error)) throw error;
    return { matching: all(), status: { ok: false, error } };
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
