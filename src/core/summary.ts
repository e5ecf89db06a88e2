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

/** A tree by dotted name with subtotals; children keep file order. */
export function buildTree(tensors: readonly TensorEntry[], indices?: readonly number[]): TreeNode {
  const root: TreeNode = { label: '', path: '', children: [], parameterCount: 0, totalBytes: 0, totalElements: 0 };
  const childMaps = new Map<TreeNode, Map<string, TreeNode>>();
  const list = indices ?? tensors.map((_, i) => i);
  for (const tensorIndex of list) {
    const tensor = tensors[tensorIndex] as TensorEntry;
    const parts = tensor.name.split('.');
    let node = root;
    const elements = numel(tensor);
    const visit = (target: TreeNode): void => {
      target.parameterCount += 1;
      target.totalBytes += tensor.bytes;
      target.totalElements += elements;
    };
    visit(root);
    parts.forEach((part, depth) => {
      const isLeaf = depth === parts.length - 1;
      let children = childMaps.get(node);
      if (!children) {
        children = new Map();
        childMaps.set(node, children);
      }
      const key = isLeaf ? `\u0000${tensorIndex}` : part;
      let child = children.get(key);
      if (!child) {
        child = {
          label: part,
          path: isLeaf ? tensor.name : parts.slice(0, depth + 1).join('.'),
          children: [],
          parameterCount: 0,
          totalBytes: 0,
          totalElements: 0,
        };
        if (isLeaf) child.tensorIndex = tensorIndex;
        children.set(key, child);
        node.children.push(child);
      }
      visit(child);
      node = child;
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
