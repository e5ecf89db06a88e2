import { describe, expect, it } from 'vitest';
import type { CheckpointIndex, TensorEntry } from '../base/types';
import { openCheckpoint } from '../core/open';
import { fixtureSource, realManifest } from '../test/fixtures';
import { decodeIndex, encodeIndex } from './index-wire';

/** Through the columns and a structured clone, as between the worker and the page. */
function roundTrip(index: CheckpointIndex): CheckpointIndex {
  const { columns, transfer } = encodeIndex(index);
  return decodeIndex(structuredClone(columns, { transfer }));
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
  });

  it.each(PYTORCH)('PyTorch %s (views, problems, values) comes back equal', async (file) => {
    const { index } = await openCheckpoint(await fixtureSource('pytorch', file));
    expect(roundTrip(index)).toEqual(index);
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

  it('transfers its typed arrays instead of copying them', () => {
    const { columns, transfer } = encodeIndex({
      format: 'safetensors',
      size: 8,
      plaintextSize: 8,
      encryption: null,
      crc: { present: false, ok: null, expected: null, actual: null },
      metadata: {},
      problems: [],
      tensors: [
        { name: 'w', dtype: 'Float32', shape: [1], kind: 'tensor', bytes: 4, ranges: [{ offset: 8, length: 4 }] },
      ],
    });
    structuredClone(columns, { transfer });
    expect(columns.bytes.length).toBe(0); // detached: moved, not copied
  });
});
