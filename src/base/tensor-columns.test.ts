import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../core/open';
import { fixtureSource, realManifest } from '../test/fixtures';
import { expectRowsMatch } from '../test/rows';
import { rowsOf, TensorColumns } from './tensor-columns';
import type { CheckpointIndex, TensorEntry } from './types';

/** Through the columns and a structured clone, as between the worker and the page. */
function roundTrip(index: CheckpointIndex): CheckpointIndex {
  const columns = TensorColumns.fromEntries(index.tensors);
  const data = structuredClone(columns.data, { transfer: columns.transferables() });
  return { ...index, tensors: new TensorColumns(data).entries() };
}

const PYTORCH = ['tiny_cnn.pt', 'tiny_cnn_checkpoint.pth', 'dtypes.pt', 'dtypes_unusual.pt', 'malicious.pt'];

describe('index columns', () => {
  it.each(realManifest().map((file) => file.file))('real %s comes back equal', async (file) => {
    let opened;
    try {
      opened = await openCheckpoint(await fixtureSource('real', file));
    } catch {
      return; // files the scanners refuse are covered by their own tests
    }
    expect(roundTrip(opened.index)).toEqual(opened.index);
    expectRowsMatch(TensorColumns.fromEntries(opened.index.tensors), opened.index.tensors);
  });

  it.each(PYTORCH)('PyTorch %s (views, problems, values) comes back equal', async (file) => {
    const { index } = await openCheckpoint(await fixtureSource('pytorch', file));
    expect(roundTrip(index)).toEqual(index);
    expectRowsMatch(TensorColumns.fromEntries(index.tensors), index.tensors);
  });

  it('keeps every kind of value, missing fields, several ranges, shards and shared shapes', () => {
    const tensor = (fields: Partial<TensorEntry> & { name: string }): TensorEntry => ({
      dtype: 'Float32',
      shape: [2],
      kind: 'tensor',
      bytes: 8,
      ranges: [{ offset: 0, length: 8 }],
      ...fields,
    });
    const index: CheckpointIndex = {
      format: 'ckpt',
      size: 100,
      plaintextSize: 100,
      encryption: null,
      crc: { present: false, ok: null, expected: null, actual: null },
      metadata: { note: 'x' },
      problems: [{ code: 'empty-checkpoint', detail: 'd' }],
      tensors: [
        tensor({ name: 'a', value: -0 }),
        tensor({ name: 'b', value: Number.NaN, storedDims: [0], shape: [] }),
        tensor({ name: 'ü\u0000名', value: 'text', dtype: 'str', kind: 'string' }),
        tensor({ name: '', value: true, dtype: 'Bool' }),
        tensor({
          name: 'split',
          ranges: [
            { offset: 1, length: 2 },
            { offset: 2 ** 40, length: 3 },
          ],
          bytes: 5,
        }),
        tensor({ name: 'empty', ranges: [], bytes: 0, shape: [0, 4] }),
        tensor({ name: 'bad', problems: [{ code: 'size-mismatch', detail: 'x' }], rawDtype: 'F32', shard: 's-1' }),
        tensor({
          name: 'view',
          view: { storage: '0', storageOffset: 3, strides: [1, 2], contiguous: false },
          kind: 'random_op',
        }),
      ],
    };
    const back = roundTrip(index);
    expect(back).toEqual(index);
    expect(Object.is((back.tensors[0] as TensorEntry).value, -0)).toBe(true);
    expect(Object.keys(back.tensors[5] as TensorEntry)).not.toContain('value');
    expect((back.tensors[0] as TensorEntry).shape).toBe((back.tensors[3] as TensorEntry).shape);
  });

  it('finds names and compares them as strings compare, without making them', () => {
    const names = ['b', 'a.b', 'a', 'ab', '', 'a.b', 'ü', 'a.bc', 'ba', 'b'];
    const columns = TensorColumns.fromEntries(
      names.map((name) => ({ name, dtype: 'Float32', shape: [], kind: 'tensor', bytes: 0, ranges: [] })),
    );
    names.forEach((name) => expect(columns.find(name)).toBe(names.indexOf(name)));
    expect(columns.find('a.b')).toBe(1); // the first of two
    expect(columns.find('c')).toBe(-1);
    expect(columns.find('.b')).toBe(-1); // inside a name, not a name
    expect(columns.find('bb')).toBe(-1); // across two names
    for (let a = 0; a < names.length; a += 1)
      for (let b = 0; b < names.length; b += 1) {
        const x = names[a] as string;
        const y = names[b] as string;
        expect(Math.sign(columns.compareNames(a, b))).toBe(x < y ? -1 : x > y ? 1 : 0);
      }
  });

  it('offers the same rows over an entry array', async () => {
    const { index } = await openCheckpoint(await fixtureSource('pytorch', 'malicious.pt'));
    expectRowsMatch(rowsOf(index.tensors), index.tensors);
  });
});
