import { describe, expect, it } from 'vitest';
import { TensorColumnsBuilder, type TensorRows } from '../base/tensor-columns';
import type { TensorEntry } from '../base/types';
import { buildTree, buildTreeShape, numel, treeView, type TreeNode } from './summary';

function entry(name: string, shape: number[] = [2, 3], bytes = 24): TensorEntry {
  return { name, dtype: 'Float32', shape, kind: 'tensor', bytes, ranges: [] };
}

/** The tree spelled out the plain way: insert each listed tensor in turn. */
function referenceTree(tensors: readonly TensorEntry[], indices: readonly number[]): unknown {
  interface Node {
    label: string;
    path: string;
    children: Node[];
    branches: Map<string, Node>;
    tensorIndex?: number;
    parameterCount: number;
    totalBytes: number;
    totalElements: number;
  }
  const node = (label: string, path: string): Node => ({
    label,
    path,
    children: [],
    branches: new Map(),
    parameterCount: 0,
    totalBytes: 0,
    totalElements: 0,
  });
  const root = node('', '');
  for (const t of indices) {
    const tensor = tensors[t] as TensorEntry;
    const parts = tensor.name.split('.');
    const add = (at: Node): void => {
      at.parameterCount += 1;
      at.totalBytes += tensor.bytes;
      at.totalElements += numel(tensor);
    };
    add(root);
    let at = root;
    for (const part of parts.slice(0, -1)) {
      let child = at.branches.get(part);
      if (!child) {
        child = node(part, at === root ? part : `${at.path}.${part}`);
        at.branches.set(part, child);
        at.children.push(child);
      }
      add(child);
      at = child;
    }
    const leaf = node(parts[parts.length - 1] as string, tensor.name);
    leaf.tensorIndex = t;
    add(leaf);
    at.children.push(leaf);
  }
  const plain = (n: Node): unknown => ({
    label: n.label,
    path: n.path,
    ...(n.tensorIndex !== undefined ? { tensorIndex: n.tensorIndex } : {}),
    parameterCount: n.parameterCount,
    totalBytes: n.totalBytes,
    totalElements: n.totalElements,
    children: n.children.map(plain),
  });
  return plain(root);
}

/** The same tensors held as columns (the page's and the worker's way). */
function asColumns(tensors: readonly TensorEntry[]): TensorRows {
  const builder = new TensorColumnsBuilder(tensors.length);
  for (const tensor of tensors) builder.push(tensor);
  return builder.build();
}

/** A small random generator (mulberry32), for names that repeat and collide. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plainTree(node: TreeNode): unknown {
  return {
    label: node.label,
    path: node.path,
    ...(node.tensorIndex !== undefined ? { tensorIndex: node.tensorIndex } : {}),
    parameterCount: node.parameterCount,
    totalBytes: node.totalBytes,
    totalElements: node.totalElements,
    children: node.children.map(plainTree),
  };
}

describe('parameter tree', () => {
  // Interleaved modules, a name that is both a leaf and a prefix, an empty part, duplicates.
  const tensors = [
    entry('a.x.w'),
    entry('a.y.w', [4], 16),
    entry('a.x.b', [3], 12),
    entry('a'),
    entry('a.y'),
    entry('b..c', [], 4),
    entry('a.y.w', [1], 4),
    entry(''),
    entry('c.d.e.f', [5, 5], 100),
  ];
  const all = tensors.map((_, i) => i);

  it('matches inserting every tensor in file order', () => {
    expect(plainTree(buildTree(tensors))).toEqual(referenceTree(tensors, all));
  });

  it('for a subset, orders children by their first listed tensor, as if built from the subset alone', () => {
    const shape = buildTreeShape(tensors);
    // a.y comes before a.x once a.x.w is filtered out.
    for (const subset of [[1, 2], [2, 4, 6], [0, 8], [], [3], [5, 7]]) {
      expect(plainTree(treeView(shape, subset))).toEqual(referenceTree(tensors, subset));
    }
    const tree = treeView(shape, [1, 2]);
    expect(tree.children[0]?.children.map((node) => node.label)).toEqual(['y', 'x']);
  });

  it('reuses the branches a name shares with the one before only where whole parts match', () => {
    // Each name shares a prefix with the one before: whole parts, part of a part, a leaf that is
    // then a branch, a deeper path and back up, a dot at the end, and names of other scripts.
    const names = [
      'a.b',
      'a.b.c',
      'a.bc.d',
      'a.b.c.d.e.f.g.h',
      'a.b.c',
      'ab.c',
      'a..b',
      'a.',
      'a.b.',
      'a.b.c.',
      'ü.名.x',
      'ü.名x',
      'ü.名.y',
      '.x',
      '..x',
      'a.b.c.d.e.f.g.h',
    ].map((name) => entry(name));
    const all = names.map((_, i) => i);
    expect(plainTree(buildTree(names))).toEqual(referenceTree(names, all));
    expect(plainTree(buildTree(asColumns(names)))).toEqual(referenceTree(names, all));
    const deep = [entry(Array.from({ length: 200 }, (_, i) => `p${i}`).join('.')), entry('p0.p1.q')];
    expect(plainTree(buildTree(deep))).toEqual(referenceTree(deep, [0, 1]));
  });

  it('as columns, the same tree: the file-order case, and random names over few letters (repeats, empty parts, many branches)', () => {
    expect(plainTree(buildTree(asColumns(tensors)))).toEqual(referenceTree(tensors, all));
    const next = random(7);
    const pick = (items: string): string => items[Math.floor(next() * items.length)] as string;
    for (const [count, letters] of [
      [300, 'ab.'],
      [2000, 'abc.'],
      [3000, 'abcdefghij0123456789.é名'],
    ] as const) {
      const names = Array.from({ length: count }, () =>
        entry(Array.from({ length: 1 + Math.floor(next() * 12) }, () => pick(letters)).join('')),
      );
      const indices = names.map((_, i) => i);
      const expected = referenceTree(names, indices);
      expect(plainTree(buildTree(names))).toEqual(expected);
      expect(plainTree(buildTree(asColumns(names)))).toEqual(expected);
    }
  });

  it('finds each branch among thousands under one parent (the table grows), and names without dots cost no search of the rest', () => {
    const wide = Array.from({ length: 5000 }, (_, i) => entry(`m.b${(i * 7919) % 4999}.w`));
    expect(plainTree(buildTree(asColumns(wide)))).toEqual(
      referenceTree(
        wide,
        wide.map((_, i) => i),
      ),
    );
    // 20,000 names without a dot, then one with: a search per name to the end would be ~10^9 steps.
    const flat = [...Array.from({ length: 20_000 }, (_, i) => entry(`w${i}`)), entry('a.b')];
    const tree = buildTree(asColumns(flat));
    expect(tree.children.length).toBe(20_001);
    expect(tree.children.at(-1)?.children.map((node) => node.path)).toEqual(['a.b']);
  });

  it('reuses one shape for many views', () => {
    const names = Array.from({ length: 500 }, (_, i) => entry(`m.l${i % 7}.b${i % 13}.${i % 2 ? 'bias' : 'w'}`));
    const shape = buildTreeShape(names);
    for (const modulo of [1, 2, 3, 5]) {
      const subset = names.flatMap((_, i) => (i % modulo === 0 ? [i] : []));
      expect(plainTree(treeView(shape, subset))).toEqual(referenceTree(names, subset));
    }
  });
});
