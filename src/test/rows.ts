/** Test-only: a list of tensors held by position answers every accessor as the entries do. */
import { expect } from 'vitest';
import { sharedPrefixOf, type TensorRows } from '../base/tensor-columns';
import type { TensorEntry } from '../base/types';

export function expectRowsMatch(rows: TensorRows, entries: readonly TensorEntry[]): void {
  expect(rows.length).toBe(entries.length);
  entries.forEach((entry, i) => {
    expect(rows.name(i)).toBe(entry.name);
    expect(rows.dtype(i)).toBe(entry.dtype);
    expect(rows.rawDtype(i)).toBe(entry.rawDtype);
    expect(rows.shape(i)).toEqual(entry.shape);
    expect(rows.kind(i)).toBe(entry.kind);
    expect(rows.bytes(i)).toBe(entry.bytes);
    expect(rows.shard(i)).toBe(entry.shard);
    expect(rows.value(i)).toEqual(entry.value);
    expect(rows.problems(i)).toEqual(entry.problems);
    expect(rows.entry(i)).toEqual(entry);
    // Each name against its neighbour and against the first: the prefix the strings share.
    for (const other of [i - 1, 0]) {
      const otherName = entries[other]?.name;
      if (otherName !== undefined) expect(rows.sharedPrefix(i, other)).toBe(sharedPrefixOf(entry.name, otherName));
    }
  });
  expect(rows.withProblems()).toEqual(entries.flatMap((entry, i) => (entry.problems ? [i] : [])));
}
