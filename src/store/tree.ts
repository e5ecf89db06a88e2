import type { TensorRows } from '../base/tensor-columns';
import { buildTreeShape, type TreeShape } from '../core/summary';
import type { TreeShapeData } from '../workers/wire';
import { callWorker } from './bridge';

/** Each file's tree shape, kept while its tensors are (coming back to the tab makes none). */
const shapes = new WeakMap<TensorRows, TreeShape>();

export function knownTreeShape(tensors: TensorRows): TreeShape | undefined {
  return shapes.get(tensors);
}

/**
 * Whether the worker's shape is that of these tensors: one leaf a tensor, and a few leaves'
 * labels where their names end. The page's columns are a copy of the index the worker built it
 * from, so this only guards against a file opened some other way.
 */
function fits(data: TreeShapeData, tensors: TensorRows): boolean {
  if (data.leafOf.length !== tensors.length) return false;
  for (const t of [0, tensors.length >> 1, tensors.length - 1]) {
    if (t < 0 || t >= tensors.length) continue;
    const leaf = data.leafOf[t] as number;
    const name = tensors.name(t);
    if (data.tensorOf[leaf] !== t || data.labelEnd[leaf] !== name.length) return false;
    if (name.lastIndexOf('.') + 1 !== data.labelStart[leaf]) return false;
  }
  return true;
}

/**
 * The tree shape of an open file's tensors. The worker builds it when asked (the page asks once
 * it has painted the table; workers/features/tree.ts); it is made here instead when the worker
 * cannot answer or its shape does not fit these tensors.
 */
export async function loadTreeShape(fileId: string, tensors: TensorRows, signal: AbortSignal): Promise<TreeShape> {
  const known = shapes.get(tensors);
  if (known) return known;
  let data: TreeShapeData | null = null;
  try {
    data = await callWorker(signal, (api) => api.treeShape(fileId));
  } catch (error) {
    if (signal.aborted) throw error;
  }
  const shape = data && fits(data, tensors) ? { ...data, tensors } : buildTreeShape(tensors);
  shapes.set(tensors, shape);
  return shape;
}
