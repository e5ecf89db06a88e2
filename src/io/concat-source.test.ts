import { describe, expect, it } from 'vitest';
import { MemorySource } from './byte-source';
import { ConcatSource } from './concat-source';

describe('ConcatSource', () => {
  const parts = [new Uint8Array([0, 1, 2]), new Uint8Array(0), new Uint8Array([3, 4]), new Uint8Array([5, 6, 7, 8])];
  const source = new ConcatSource(parts.map((bytes) => new MemorySource(bytes)));
  const all = Uint8Array.from({ length: 9 }, (_, i) => i);

  it('lays its parts end to end', () => {
    expect(source.size).toBe(9);
    expect(source.bases).toEqual([0, 3, 3, 5]);
  });

  it('reads every range, across every boundary, as the joined bytes', async () => {
    for (let offset = 0; offset <= 9; offset += 1) {
      for (let length = 0; length <= 10 - offset; length += 1) {
        expect(await source.read(offset, length), `${offset}+${length}`).toEqual(all.slice(offset, offset + length));
      }
    }
  });

  it('returns what exists for a read past the end and refuses invalid reads', async () => {
    expect(await source.read(7, 100)).toEqual(all.slice(7));
    expect(await source.read(20, 1)).toEqual(new Uint8Array(0));
    await expect(source.read(-1, 1)).rejects.toMatchObject({ code: 'read-failed' });
  });
});
