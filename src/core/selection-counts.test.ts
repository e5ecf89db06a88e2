import { describe, expect, it } from 'vitest';
import type { TensorEntry } from '../base/types';
import { scanCheckpoint } from '../formats/ckpt/scan';
import { fixtureSource } from '../test/fixtures';
import { describeSelection } from './messages';
import { compileFilter, parseFilter } from './selection';
import { buildTreeShape, selectionCounts, treeView, type TreeNode } from './summary';

function entry(name: string): TensorEntry {
  return { name, dtype: 'Float32', shape: [1], kind: 'tensor', bytes: 4, ranges: [] };
}

function matchingOf(tensors: readonly TensorEntry[], filter: string): number[] {
  const predicate = compileFilter(parseFilter(filter));
  return tensors.flatMap((tensor, i) => (predicate(tensor) ? [i] : []));
}

function branches(node: TreeNode): TreeNode[] {
  return node.tensorIndex !== undefined ? [] : [node, ...node.children.flatMap(branches)];
}

describe('selectionCounts: one count for the filter, the tree and the table', () => {
  it('every branch of the tree counts exactly the rows the table shows for it (real file, with a filter)', async () => {
    const index = await scanCheckpoint(await fixtureSource('real', 'contrib__Zero-DCE++_zero_dcepp_epoch99.ckpt'));
    for (const filter of ['name ~ /bias/', 'not startsWith("moment")', 'numel > 100']) {
      const matching = matchingOf(index.tensors, filter);
      const tree = treeView(buildTreeShape(index.tensors), matching);
      expect(tree.parameterCount).toBe(selectionCounts(index.tensors, matching, '').matched);
      for (const node of branches(tree)) {
        expect(selectionCounts(index.tensors, matching, node.path).shown.length, `${filter} / ${node.path}`).toBe(
          node.parameterCount,
        );
      }
    }
  });

  it('a tensor named like a branch ("a" beside "a.b") is a sibling of the branch, not one of its rows', () => {
    const tensors = [entry('a'), entry('a.b'), entry('a.c'), entry('ab.d')];
    const all = tensors.map((_, i) => i);
    const tree = treeView(buildTreeShape(tensors), all);
    const branchA = tree.children.find((node) => node.path === 'a' && node.tensorIndex === undefined);
    expect(branchA?.parameterCount).toBe(2);
    expect(selectionCounts(tensors, all, 'a').shown).toEqual([1, 2]);
  });

  it('counts duplicate names and append_dict values like any entry, in every view', () => {
    const tensors = [entry('w'), entry('w'), { ...entry('epoch_num'), dtype: 'Int64', shape: [] }];
    const matching = matchingOf(tensors, 'startsWith("w") or name == "epoch_num"');
    const counts = selectionCounts(tensors, matching, '');
    expect(counts.matched).toBe(3);
    expect(treeView(buildTreeShape(tensors), matching).parameterCount).toBe(3);
  });

  it('words the counts once: the filter status and, under a branch, the caption', () => {
    const tensors = [entry('conv.w'), entry('conv.b'), entry('fc.w')];
    const matching = matchingOf(tensors, 'name ~ /w$/');
    expect(describeSelection(selectionCounts(tensors, matching, ''), true, '')).toEqual({
      filter: '2 of 3 parameters match',
      table: '2 of 3 parameters match',
    });
    expect(describeSelection(selectionCounts(tensors, matching, 'conv'), true, 'conv').table).toBe(
      'Showing conv.*: 1 of the 2 matching parameters',
    );
    const one = matchingOf(tensors, 'name == "fc.w"');
    expect(describeSelection(selectionCounts(tensors, one, ''), true, '').filter).toBe('1 of 3 parameters matches');
    expect(describeSelection(selectionCounts(tensors.slice(0, 1), [0], ''), false, '').filter).toBe('1 parameter');
    expect(describeSelection(selectionCounts(tensors, [0, 1, 2], 'fc'), false, 'fc').table).toBe(
      'Showing fc.*: 1 of 3 parameters',
    );
  });
});
