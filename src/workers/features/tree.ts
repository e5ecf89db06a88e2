import * as Comlink from 'comlink';
import { tensorRowsOf } from '../../base/tensor-columns';
import { buildTreeShape, type TreeShape } from '../../core/summary';
import { requireOpen } from '../registry';

/**
 * The parameter tree's shape, made here for the page. It was the largest piece of the page's
 * work after an open (~40 ms of the page's ~90 at 100k tensors, in a Chromium trace): the page
 * now paints the table first, then asks, and stays free to scroll while this thread builds it.
 * Its columns move to the page (transferred, not copied), which reads the labels from its own
 * copy of the index.
 */
export type TreeShapeData = Omit<TreeShape, 'tensors'>;

export const treeApi = {
  /** The tree shape of an open file (its buffers move to the page). */
  async treeShape(fileId: string): Promise<TreeShapeData> {
    const { tensors: _rows, ...data } = buildTreeShape(tensorRowsOf(requireOpen(fileId).index));
    const buffers = new Set<ArrayBuffer>();
    for (const column of Object.values(data)) if (ArrayBuffer.isView(column)) buffers.add(column.buffer as ArrayBuffer);
    return Comlink.transfer(data, [...buffers]);
  },
};
