import { useMemo } from 'react';
import { isLensError } from '../base/errors';
import type { CheckpointIndex, TensorEntry } from '../base/types';
import { compileFilter, tryParseFilter, type FilterParseResult } from '../core/selection';
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
function matchFilter(index: CheckpointIndex, parsed: FilterParseResult | null): FilterMatch {
  const predicate = parsed?.ok ? compileFilter(parsed.ast) : null;
  const { tensors } = index;
  const indices: number[] = [];
  try {
    for (let i = 0; i < tensors.length; i += 1) if (!predicate || predicate(tensors[i] as TensorEntry)) indices.push(i);
  } catch (error) {
    if (!isLensError(error)) throw error;
    return { matching: tensors.map((_, i) => i), status: { ok: false, error } };
  }
  return { matching: indices, status: parsed };
}

/** The store's filter applied to one file's index; recomputed when either changes. */
export function useFilterMatch(index: CheckpointIndex): FilterMatch & { filterText: string } {
  const filterText = useLensStore((state) => state.filterText);
  const parsed = useMemo(() => (filterText.trim() ? tryParseFilter(filterText) : null), [filterText]);
  const match = useMemo(() => matchFilter(index, parsed), [index, parsed]);
  return { ...match, filterText };
}
