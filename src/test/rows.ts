/** Test-only: a list of tensors held by position answers every accessor as the entries do. */
import { expect } from 'vitest';
import type { TensorRows } from '../base/tensor-columns';
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
  });
  expect(rows.withProblems()).toEqual(entries.flatMap((entry, i) => (entry.problems ? [i] : [])));
}
