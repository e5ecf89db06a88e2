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
 * The tree by dotted name, built once per index: node ids (0 = the root) with parent links and
 * children in file order. A filter's subtotals are then one pass over the matching indices
 * (`treeView`), and TreeNode objects are made only for the nodes a view opens — at 100k
 * parameters a keystroke no longer rebuilds 200k nodes.
 */
export interface TreeShape {
  readonly tensors: readonly TensorEntry[];
  readonly parent: Int32Array;
  readonly label: readonly string[];
  readonly path: readonly string[];
  /** Tensor index of a leaf, -1 for a branch. */
  readonly tensorOf: Int32Array;
  /** Bytes and elements of each tensor, read once. */
  readonly bytesOf: Float64Array;
  readonly elementsOf: Float64Array;
  readonly children: readonly (readonly number[])[];
  /** Leaf node of each tensor. */
  readonly leafOf: Int32Array;
}

export function buildTreeShape(tensors: readonly TensorEntry[]): TreeShape {
  const parent: number[] = [-1];
  const label: string[] = [''];
  const path: string[] = [''];
  const tensorOf: number[] = [-1];
  const children: number[][] = [[]];
  // Branch lookups by label; leaves (never looked up) get no map.
  const branches: (Map<string, number> | undefined)[] = [undefined];
  const leafOf = new Int32Array(tensors.length);
  const bytesOf = new Float64Array(tensors.length);
  const elementsOf = new Float64Array(tensors.length);
  const add = (from: number, part: string, nodePath: string, tensor: number): number => {
    const id = parent.length;
    parent.push(from);
    label.push(part);
    path.push(nodePath);
    tensorOf.push(tensor);
    children.push([]);
    branches.push(undefined);
    (children[from] as number[]).push(id);
    return id;
  };
  for (let t = 0; t < tensors.length; t += 1) {
    const tensor = tensors[t] as TensorEntry;
    const name = tensor.name;
    bytesOf[t] = tensor.bytes;
    elementsOf[t] = numel(tensor);
    const parts = name.split('.');
    let node = 0;
    for (let depth = 0; depth < parts.length - 1; depth += 1) {
      const part = parts[depth] as string;
      let map = branches[node];
      if (!map) {
        map = new Map();
        branches[node] = map;
      }
      let child = map.get(part);
      if (child === undefined) {
        child = add(node, part, node === 0 ? part : `${path[node] as string}.${part}`, -1);
        map.set(part, child);
      }
      node = child;
    }
    leafOf[t] = add(node, parts[parts.length - 1] as string, name, t);
  }
  return {
    tensors,
    parent: Int32Array.from(parent),
    label,
    path,
    tensorOf: Int32Array.from(tensorOf),
    bytesOf,
    elementsOf,
    children,
    leafOf,
  };
}

/**
 * The tree of the tensors at `indices` (all when omitted) with their subtotals. Children are in
 * file order of their first listed tensor, as if the tree were built from those tensors alone;
 * `children` arrays are made when first read.
 */
export function treeView(shape: TreeShape, indices?: readonly number[]): TreeNode {
  const nodes = shape.parent.length;
  const count = new Int32Array(nodes);
  const bytes = new Float64Array(nodes);
  const elements = new Float64Array(nodes);
  // Position (in `indices`) of the first tensor under each node: the order children appear in.
  const first = new Int32Array(nodes);
  const total = indices ? indices.length : shape.tensors.length;
  for (let k = 0; k < total; k += 1) {
    const t = indices ? (indices[k] as number) : k;
    const leaf = shape.leafOf[t] as number;
    count[leaf] = 1;
    bytes[leaf] = shape.bytesOf[t] as number;
    elements[leaf] = shape.elementsOf[t] as number;
    first[leaf] = k;
  }
  // A parent's id is below its children's: one backward sweep carries every subtotal up.
  for (let id = nodes - 1; id > 0; id -= 1) {
    const seen = count[id] as number;
    if (seen === 0) continue;
    const up = shape.parent[id] as number;
    const above = count[up] as number;
    if (above === 0 || (first[id] as number) < (first[up] as number)) first[up] = first[id] as number;
    count[up] = above + seen;
    bytes[up] = (bytes[up] as number) + (bytes[id] as number);
    elements[up] = (elements[up] as number) + (elements[id] as number);
  }
  const make = (id: number): TreeNode => {
    let made: TreeNode[] | undefined;
    const tensorIndex = shape.tensorOf[id] as number;
    return {
      label: shape.label[id] as string,
      path: shape.path[id] as string,
      get children(): TreeNode[] {
        if (!made) {
          const ids = (shape.children[id] as number[]).filter((child) => count[child] !== 0);
          ids.sort((a, b) => (first[a] as number) - (first[b] as number));
          made = ids.map(make);
        }
        return made;
      },
      ...(tensorIndex >= 0 ? { tensorIndex } : {}),
      parameterCount: count[id] as number,
      totalBytes: bytes[id] as number,
      totalElements: elements[id] as number,
    };
  };
  return make(0);
}

/** The whole tree (or that of the tensors at `indices`) in one call. */
export function buildTree(tensors: readonly TensorEntry[], indices?: readonly number[]): TreeNode {
  return treeView(buildTreeShape(tensors), indices);
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
