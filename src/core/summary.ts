import { isNoteProblem } from '../base/problems';
import type { CheckpointIndex, FileProblemCode, TensorEntry, TensorProblemCode } from '../base/types';
import { elementCount } from '../base/dtypes';
import type { IntegrityReport } from '../integrity/verify';

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

/** What is known about the CRC: stored or not, and whether a verification compared it. */
export type CrcVerdict = 'absent' | 'not-verified' | 'verified' | 'mismatch' | 'unverifiable';

/**
 * One verdict per file, from what the index and (once run) Verify integrity established; the
 * summary line, the tab's dot and the integrity report all read it. 'finding': something is
 * wrong (a CRC mismatch, a failed block, a structural problem MindSpore trips on); 'notes': only
 * storage notes; 'clean': neither — which says nothing about a CRC that was never compared.
 */
export interface FileVerdict {
  level: 'finding' | 'notes' | 'clean';
  crc: CrcVerdict;
  /** Why the CRC could not be checked, when `crc` is 'unverifiable'. */
  crcNote?: string;
  /** Structural problems (file and tensor) that are findings, and those that are notes. */
  structuralFindings: number;
  structuralNotes: number;
  /** Encrypted files once verified: blocks authenticated of all, and whether one failed. */
  encryption: { blocks: number; verified: number; failed: boolean } | null;
  /**
   * What is stored as the CRC cannot be a CRC-32 (above 2^32−1, negative, not a number): no
   * contents match it, which is known without computing one — a finding before any verify.
   */
  crcImpossible?: true;
}

export function fileVerdict(index: CheckpointIndex, integrity?: IntegrityReport | null): FileVerdict {
  let structuralFindings = 0;
  let structuralNotes = 0;
  const count = (code: TensorProblemCode | FileProblemCode): void => {
    if (isNoteProblem(code)) structuralNotes += 1;
    else structuralFindings += 1;
  };
  for (const problem of index.problems) count(problem.code);
  for (const tensor of index.tensors) for (const problem of tensor.problems ?? []) count(problem.code);

  let crc: CrcVerdict;
  if (integrity && integrity.crcStatus !== 'ok' && integrity.crcStatus !== 'mismatch') {
    crc = integrity.crcStatus;
  } else if (!index.crc.present) crc = 'absent';
  else if (index.crc.ok === null) crc = 'not-verified';
  else crc = index.crc.ok ? 'verified' : 'mismatch';

  const encryption = integrity?.encryption
    ? {
        blocks: integrity.encryption.blocks,
        verified: integrity.encryption.blocksVerified,
        failed: !integrity.encryption.ok,
      }
    : null;
  const crcImpossible = index.crc.present && index.crc.stored !== undefined;
  const finding = structuralFindings > 0 || crc === 'mismatch' || crcImpossible || encryption?.failed === true;
  return {
    level: finding ? 'finding' : structuralNotes > 0 ? 'notes' : 'clean',
    crc,
    ...(crc === 'unverifiable' && integrity?.crcNote ? { crcNote: integrity.crcNote } : {}),
    ...(crcImpossible ? { crcImpossible: true as const } : {}),
    structuralFindings,
    structuralNotes,
    encryption,
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
  /** Branch labels and paths; a leaf's (`''` here) are its tensor's name and last segment. */
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

// Frozen: a leaf never gets children, and a push would fail loudly.
const NO_CHILDREN = Object.freeze([]) as unknown as number[];

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
  // Per leaf only numbers: its label and path come from the tensor's name when a view opens it,
  // and it shares one empty child list (a million leaves made a million arrays and strings).
  const add = (from: number, part: string, nodePath: string, tensor: number): number => {
    const id = parent.length;
    parent.push(from);
    label.push(part);
    path.push(nodePath);
    tensorOf.push(tensor);
    children.push(tensor >= 0 ? NO_CHILDREN : []);
    branches.push(undefined);
    (children[from] as number[]).push(id);
    return id;
  };
  for (let t = 0; t < tensors.length; t += 1) {
    const tensor = tensors[t] as TensorEntry;
    const name = tensor.name;
    bytesOf[t] = tensor.bytes;
    elementsOf[t] = numel(tensor);
    let node = 0;
    let start = 0;
    for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', start)) {
      const part = name.slice(start, dot);
      start = dot + 1;
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
    leafOf[t] = add(node, '', '', t);
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
    const name = tensorIndex >= 0 ? (shape.tensors[tensorIndex] as TensorEntry).name : null;
    return {
      label: name === null ? (shape.label[id] as string) : name.slice(name.lastIndexOf('.') + 1),
      path: name ?? (shape.path[id] as string),
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

/** Whether a tensor lies under the tree's branch `path`: exactly the leaves that branch counts. */
export function isUnderBranch(name: string, path: string): boolean {
  return path === '' || name.startsWith(`${path}.`);
}

export interface SelectionCounts {
  /** Entries in the file. */
  total: number;
  /** Entries the filter matches (all when there is no filter). */
  matched: number;
  /** Indices of the matching entries under the tree's selected branch: the table's rows. */
  shown: readonly number[];
}

/**
 * The one count of what is selected, for the filter's status, the table's caption and the tree:
 * the filter's matches, then those under the selected branch as the tree counts them (a tensor
 * named like the branch itself, `a` beside `a.b`, is the branch's sibling, not under it).
 */
export function selectionCounts(
  tensors: readonly TensorEntry[],
  matching: readonly number[],
  branch: string,
): SelectionCounts {
  const shown =
    branch === '' ? matching : matching.filter((i) => isUnderBranch((tensors[i] as TensorEntry).name, branch));
  return { total: tensors.length, matched: matching.length, shown };
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
