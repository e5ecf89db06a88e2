import type { CheckpointIndex, TensorEntry } from '../base/types';
import { elementCount } from '../base/dtypes';

export interface CheckpointSummary {
  parameterCount: number;
  totalElements: number;
  totalBytes: number;
  bytesByDtype: { dtype: string; count: number; bytes: number }[];
}

export function numel(tensor: TensorEntry): number {
  return tensor.kind === 'tensor' ? elementCount(tensor.shape) : 0;
}

export function summarize(index: CheckpointIndex): CheckpointSummary {
  const byDtype = new Map<string, { count: number; bytes: number }>();
  let totalElements = 0;
  let totalBytes = 0;
  for (const tensor of index.tensors) {
    totalElements += numel(tensor);
    totalBytes += tensor.bytes;
    const slot = byDtype.get(tensor.dtype) ?? { count: 0, bytes: 0 };
    slot.count += 1;
    slot.bytes += tensor.bytes;
    byDtype.set(tensor.dtype, slot);
  }
  return {
    parameterCount: index.tensors.length,
    totalElements,
    totalBytes,
    bytesByDtype: [...byDtype.entries()].map(([dtype, slot]) => ({ dtype, ...slot })).sort((a, b) => b.bytes - a.bytes),
  };
}

export interface TreeNode {
  /** Path segment (the last part of the dotted name). */
  label: string;
  /** Full dotted prefix, or the full tensor name for leaves. */
  path: string;
  children: TreeNode[];
  /** Index into index.tensors for leaves. */
  tensorIndex?: number;
  parameterCount: number;
  totalBytes: number;
  totalElements: number;
}

/**
 * A tree by dotted name with subtotals; children keep file order. Runs on every filter
 * keystroke over up to 100k+ names, so it allocates only for new nodes: a branch's path is
 * built once from its parent's, and leaves (never looked up) skip the child map.
 */
export function buildTree(tensors: readonly TensorEntry[], indices?: readonly number[]): TreeNode {
  const root: TreeNode = { label: '', path: '', children: [], parameterCount: 0, totalBytes: 0, totalElements: 0 };
  const branches = new Map<TreeNode, Map<string, TreeNode>>();
  const count = indices ? indices.length : tensors.length;
  for (let k = 0; k < count; k += 1) {
    const tensorIndex = indices ? (indices[k] as number) : k;
    const tensor = tensors[tensorIndex] as TensorEntry;
    const bytes = tensor.bytes;
    const elements = numel(tensor);
    root.parameterCount += 1;
    root.totalBytes += bytes;
    root.totalElements += elements;
    const parts = tensor.name.split('.');
    let node = root;
    for (let depth = 0; depth < parts.length - 1; depth += 1) {
      const part = parts[depth] as string;
      let children = branches.get(node);
      if (!children) {
        children = new Map();
        branches.set(node, children);
      }
      let child = children.get(part);
      if (!child) {
        child = {
          label: part,
          path: node === root ? part : `${node.path}.${part}`,
          children: [],
          parameterCount: 0,
          totalBytes: 0,
          totalElements: 0,
        };
        children.set(part, child);
        node.children.push(child);
      }
      child.parameterCount += 1;
      child.totalBytes += bytes;
      child.totalElements += elements;
      node = child;
    }
    node.children.push({
      label: parts[parts.length - 1] as string,
      path: tensor.name,
      children: [],
      tensorIndex,
      parameterCount: 1,
      totalBytes: bytes,
      totalElements: elements,
    });
  }
  return root;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
