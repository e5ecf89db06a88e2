import { grown } from '../base/arrays';
import { NAME_HASH_PRIME, NAME_HASH_START } from '../base/duplicates';
import { isNoteProblem } from '../base/problems';
import { nameTextOf, rowsOf, tensorRowsOf, type TensorRows } from '../base/tensor-columns';
import type { CheckpointIndex, FileProblemCode, TensorEntry, TensorProblemCode } from '../base/types';
import { elementCount } from '../base/dtypes';
import type { IntegrityReport } from '../integrity/verify';

export interface CheckpointSummary {
  parameterCount: number;
  totalElements: number;
  totalBytes: number;
  bytesByDtype: { dtype: string; count: number; bytes: number }[];
}

export function numel(tensor: Pick<TensorEntry, 'kind' | 'shape'>): number {
  return tensor.kind === 'tensor' ? elementCount(tensor.shape) : 0;
}

/** `numel` of the tensor at position `i`. */
export function numelAt(rows: TensorRows, i: number): number {
  return rows.kind(i) === 'tensor' ? elementCount(rows.shape(i)) : 0;
}

/** A list of tensors, held either way (the CLI's entry arrays, the page's columns). */
export type Tensors = TensorRows | readonly TensorEntry[];

export function summarize(index: { tensors: Tensors }): CheckpointSummary {
  const byDtype = new Map<string, { count: number; bytes: number }>();
  let totalElements = 0;
  let totalBytes = 0;
  // Neighbours mostly share a dtype: a run of one needs no lookup.
  let slot: { count: number; bytes: number } | undefined;
  let slotDtype = '';
  const tensors = tensorRowsOf(index);
  for (let i = 0; i < tensors.length; i += 1) {
    const bytes = tensors.bytes(i);
    const dtype = tensors.dtype(i);
    totalElements += numelAt(tensors, i);
    totalBytes += bytes;
    if (!slot || dtype !== slotDtype) {
      slotDtype = dtype;
      slot = byDtype.get(slotDtype);
      if (!slot) {
        slot = { count: 0, bytes: 0 };
        byDtype.set(slotDtype, slot);
      }
    }
    slot.count += 1;
    slot.bytes += bytes;
  }
  return {
    parameterCount: tensors.length,
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

export function fileVerdict(
  index: Pick<CheckpointIndex, 'problems' | 'crc'> & { tensors: Tensors },
  integrity?: IntegrityReport | null,
): FileVerdict {
  let structuralFindings = 0;
  let structuralNotes = 0;
  const count = (code: TensorProblemCode | FileProblemCode): void => {
    if (isNoteProblem(code)) structuralNotes += 1;
    else structuralFindings += 1;
  };
  for (const problem of index.problems) count(problem.code);
  const rows = tensorRowsOf(index);
  for (const i of rows.withProblems()) for (const problem of rows.problems(i) ?? []) count(problem.code);

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
 *
 * Every node is a few integers: its label and path are read from the name of a tensor under it
 * (a branch's path is a prefix of every name below it), and children are a linked list. A
 * million tensors with a branch each made four million strings and arrays (~300 MB) before.
 */
export interface TreeShape {
  readonly tensors: TensorRows;
  /** Nodes, the root included. */
  readonly nodes: number;
  readonly parent: Int32Array;
  /** Tensor index of a leaf, -1 for a branch. */
  readonly tensorOf: Int32Array;
  /** A tensor under the node whose name holds its label at [labelStart, labelEnd) and its path at [0, labelEnd). */
  readonly labelTensor: Int32Array;
  readonly labelStart: Int32Array;
  readonly labelEnd: Int32Array;
  /** Children in file order: the first, then each one's next sibling (-1: none). */
  readonly firstChild: Int32Array;
  readonly nextSibling: Int32Array;
  /** Bytes and elements of each tensor, read once. */
  readonly bytesOf: Float64Array;
  readonly elementsOf: Float64Array;
  /** Leaf node of each tensor. */
  readonly leafOf: Int32Array;
}

export function buildTreeShape(list: Tensors): TreeShape {
  const tensors = rowsOf(list);
  // Names are read inside one flat string (a slice per name is read a call per character), and
  // branches are found in one open-addressing table keyed by (parent, label) over that string:
  // no string and no Map is made per name or per branch.
  const { text, ends } = nameTextOf(tensors);
  // The node columns, grown together: one capacity check a node, and plain typed-array stores.
  let capacity = 1024;
  let parent = new Int32Array(capacity);
  let tensorOf = new Int32Array(capacity);
  let labelTensor = new Int32Array(capacity);
  let labelStart = new Int32Array(capacity);
  let labelEnd = new Int32Array(capacity);
  let firstChild = new Int32Array(capacity);
  let lastChild = new Int32Array(capacity);
  let nextSibling = new Int32Array(capacity);
  let labelHash = new Int32Array(capacity);
  const leafOf = new Int32Array(tensors.length);
  const bytesOf = new Float64Array(tensors.length);
  const elementsOf = new Float64Array(tensors.length);
  let nodes = 0;
  const add = (from: number, tensor: number, start: number, end: number, leaf: boolean): number => {
    const id = nodes;
    nodes += 1;
    if (id === capacity) {
      capacity *= 2;
      parent = grown(parent);
      tensorOf = grown(tensorOf);
      labelTensor = grown(labelTensor);
      labelStart = grown(labelStart);
      labelEnd = grown(labelEnd);
      firstChild = grown(firstChild);
      lastChild = grown(lastChild);
      nextSibling = grown(nextSibling);
      labelHash = grown(labelHash);
    }
    parent[id] = from;
    tensorOf[id] = leaf ? tensor : -1;
    labelTensor[id] = tensor;
    labelStart[id] = start;
    labelEnd[id] = end;
    firstChild[id] = -1;
    nextSibling[id] = -1;
    lastChild[id] = -1;
    if (from >= 0) {
      const last = lastChild[from] as number;
      if (last < 0) firstChild[from] = id;
      else nextSibling[last] = id;
      lastChild[from] = id;
    }
    return id;
  };
  // Branches by (parent, label): slots hold node id + 1 (0: empty), at most half full. Leaves are
  // never looked up and never enter it.
  let slots = new Int32Array(1024);
  let branchCount = 0;
  const slotOf = (hash: number): number => Math.imul(hash, 0x9e3779b1) >>> 0;
  const insert = (id: number): void => {
    const mask = slots.length - 1;
    let at = slotOf(labelHash[id] as number) & mask;
    while (slots[at] !== 0) at = (at + 1) & mask;
    slots[at] = id + 1;
  };
  // The first dot at or after `from`, if it is before `end`, else -1. `indexOf` cannot stop at
  // `end`: the dot it finds past a name is kept for the names after it (whose searches start later),
  // so names without dots do not search the rest of the text each.
  let dotSearchedFrom = 0;
  let dotFound = text.indexOf('.');
  const dotFrom = (from: number, end: number): number => {
    if (from < dotSearchedFrom || (dotFound >= 0 && dotFound < from)) {
      dotFound = text.indexOf('.', from);
      dotSearchedFrom = from;
    }
    return dotFound >= 0 && dotFound < end ? dotFound : -1;
  };
  add(-1, -1, 0, 0, false);
  // Names in a file mostly share their branches with the name before: those are reused without a lookup.
  // previousPath[d]: the branch at depth d of the previous name (0: the root); previousDots[d]: the dot ending it.
  let previousPath = new Int32Array(64);
  let previousDots = new Int32Array(64);
  let previousDepth = 0;
  let nameStart = 0;
  for (let t = 0; t < tensors.length; t += 1) {
    const nameEnd = ends[t] as number;
    bytesOf[t] = tensors.bytes(t);
    elementsOf[t] = numelAt(tensors, t);
    // The prefix this name shares with the one before (both in `text`).
    let common = 0;
    if (t > 0) {
      const before = t === 1 ? 0 : (ends[t - 2] as number);
      const limit = Math.min(nameEnd - nameStart, nameStart - before);
      while (common < limit && text.charCodeAt(nameStart + common) === text.charCodeAt(before + common)) common += 1;
    }
    // Branches whose whole path (up to and including its dot) both names share.
    let depth = 0;
    while (depth < previousDepth && (previousDots[depth] as number) < common) depth += 1;
    let node = previousPath[depth] as number;
    let start = depth === 0 ? 0 : (previousDots[depth - 1] as number) + 1;
    for (let dot = dotFrom(nameStart + start, nameEnd) - nameStart; dot >= 0;) {
      // The label [start, dot) under `node`: its hash (FNV-1a with the parent), then the table.
      let hash = Math.imul(NAME_HASH_START ^ node, NAME_HASH_PRIME);
      for (let k = nameStart + start; k < nameStart + dot; k += 1)
        hash = Math.imul(hash ^ text.charCodeAt(k), NAME_HASH_PRIME);
      const mask = slots.length - 1;
      let at = slotOf(hash) & mask;
      let child = -1;
      for (let slot = slots[at] as number; slot !== 0; slot = slots[at] as number) {
        const id = slot - 1;
        if (labelHash[id] === hash && parent[id] === node && sameLabel(id, start, dot)) {
          child = id;
          break;
        }
        at = (at + 1) & mask;
      }
      if (child < 0) {
        child = add(node, t, start, dot, false);
        labelHash[child] = hash;
        branchCount += 1;
        if (branchCount * 2 > slots.length) {
          slots = new Int32Array(slots.length * 2);
          for (let id = 1; id < nodes; id += 1) if (tensorOf[id] === -1) insert(id);
        } else slots[at] = child + 1;
      }
      node = child;
      if (depth + 1 >= previousPath.length) {
        const path = new Int32Array(previousPath.length * 2);
        path.set(previousPath);
        previousPath = path;
        const dots = new Int32Array(previousDots.length * 2);
        dots.set(previousDots);
        previousDots = dots;
      }
      previousDots[depth] = dot;
      depth += 1;
      previousPath[depth] = node;
      start = dot + 1;
      const next = dotFrom(nameStart + start, nameEnd);
      dot = next < 0 ? -1 : next - nameStart;
    }
    previousDepth = depth;
    leafOf[t] = add(node, t, start, nameEnd - nameStart, true);
    nameStart = nameEnd;
  }

  /** Whether branch `id`'s label is the current name's [start, dot). */
  function sameLabel(id: number, start: number, dot: number): boolean {
    const from = labelStart[id] as number;
    const length = (labelEnd[id] as number) - from;
    if (length !== dot - start) return false;
    const owner = labelTensor[id] as number;
    const base = (owner === 0 ? 0 : (ends[owner - 1] as number)) + from;
    const here = nameStart + start;
    for (let k = 0; k < length; k += 1) if (text.charCodeAt(base + k) !== text.charCodeAt(here + k)) return false;
    return true;
  }

  // Views of the first `nodes` values (copying them cost more than the room they leave).
  return {
    tensors,
    nodes,
    parent: parent.subarray(0, nodes),
    tensorOf: tensorOf.subarray(0, nodes),
    labelTensor: labelTensor.subarray(0, nodes),
    labelStart: labelStart.subarray(0, nodes),
    labelEnd: labelEnd.subarray(0, nodes),
    firstChild: firstChild.subarray(0, nodes),
    nextSibling: nextSibling.subarray(0, nodes),
    bytesOf,
    elementsOf,
    leafOf,
  };
}

/**
 * The tree of the tensors at `indices` (all when omitted) with their subtotals. Children are in
 * file order of their first listed tensor, as if the tree were built from those tensors alone;
 * `children` arrays are made when first read.
 */
export function treeView(shape: TreeShape, indices?: readonly number[]): TreeNode {
  const { nodes } = shape;
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
    const labelTensor = shape.labelTensor[id] as number;
    const name = labelTensor >= 0 ? shape.tensors.name(labelTensor) : '';
    const end = shape.labelEnd[id] as number;
    return {
      label: name.slice(shape.labelStart[id], end),
      path: name.slice(0, end),
      get children(): TreeNode[] {
        if (!made) {
          const ids: number[] = [];
          for (let child = shape.firstChild[id] as number; child >= 0; child = shape.nextSibling[child] as number)
            if (count[child] !== 0) ids.push(child);
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
export function selectionCounts(list: Tensors, matching: readonly number[], branch: string): SelectionCounts {
  const tensors = rowsOf(list);
  const shown = branch === '' ? matching : matching.filter((i) => isUnderBranch(tensors.name(i), branch));
  return { total: tensors.length, matched: matching.length, shown };
}

/** The whole tree (or that of the tensors at `indices`) in one call. */
export function buildTree(tensors: Tensors, indices?: readonly number[]): TreeNode {
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
