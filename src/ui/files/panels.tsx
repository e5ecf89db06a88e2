import type { ReactNode } from 'react';
import type { ColumnarIndex } from '../../base/tensor-columns';
import type { CheckpointSummary } from '../../core/summary';
import type { OpenFile } from '../../store/store';

/** What every panel of an opened file gets: the file, its index, and what the filter matches. */
export interface PanelContext {
  file: OpenFile;
  index: ColumnarIndex;
  summary: CheckpointSummary;
  /** Indices into index.tensors that the current filter selects (all when no filter). */
  matching: readonly number[];
  filterText: string;
  /** Whether a valid filter narrows `matching` (false with no filter or one that does not parse). */
  filtered: boolean;
}

export interface FilePanel {
  id: string;
  label: string;
  render(context: PanelContext): ReactNode;
}
