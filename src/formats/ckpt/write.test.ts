import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../io/byte-source';
import { hexToBytes } from '../../test/fixtures';
import { bytesPart, readParts, type OutputPart } from '../parts';
import { scanCheckpoint } from './scan';
import {
  checkpointParts,
  CKPT_SLICE_BYTES,
  encodeMapRecordHeader,
  stringRecordEntry,
  type CkptRecordEntry,
} from './write';

// ckpt-format.md §12.3, record by record.
const SPEC_RECORDS = [
  '0a2c0a0966632e776569676874121f080208021207466c6f617433321a100000803f000000400000404000008040',
  '0a200a0766632e62696173121508021207466c6f617433321a080000003f000000bf',
  '0a1e0a0965706f63685f6e756d12111205496e7436341a080300000000000000',
  '0a150a026c72120f1207466c6f617433321a040ad7233c',
  '0a120a05747261696e12091204426f6f6c1a0101',
  '0a190a046e6f74651211080012037374721a086800000069000000',
];

async function collect(parts: readonly OutputPart[]): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of readParts(parts)) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const specEntries = (): CkptRecordEntry[] => [
  {
    name: 'fc.weight',
    dims: [2, 2],
    tensorType: 'Float32',
    content: [bytesPart(hexToBytes('0000803f000000400000404000008040'))],
  },
  { name: 'fc.bias', dims: [2], tensorType: 'Float32', content: [bytesPart(hexToBytes('0000003f000000bf'))] },
  { name: 'epoch_num', dims: [], tensorType: 'Int64', content: [bytesPart(hexToBytes('0300000000000000'))] },
  { name: 'lr', dims: [], tensorType: 'Float32', content: [bytesPart(hexToBytes('0ad7233c'))] },
  { name: 'train', dims: [], tensorType: 'Bool', content: [bytesPart(hexToBytes('01'))] },
  stringRecordEntry('note', 'hi'),
];

describe('checkpointParts', () => {
  it('reproduces the spec §12.3 records byte for byte', async () => {
    expect(hex(await collect(checkpointParts(specEntries())))).toBe(SPEC_RECORDS.join(''));
  });

  it('writes "" as 4 zero bytes with dims [0] (numpy <U1)', async () => {
    // As the spec's `note` record, with a 4-byte content: tensor 2+5+2+4 = 13, value 3+2+13 = 18.
    expect(hex(await collect(checkpointParts([stringRecordEntry('s', '')])))).toBe(
      '0a12' + '0a0173' + '120d' + '0800' + '1203737472' + '1a0400000000',
    );
  });

  it('writes U+1F600 as one UTF-32LE code point', async () => {
    const bytes = await collect(checkpointParts([stringRecordEntry('s', '\u{1F600}')]));
    expect(hex(bytes.subarray(bytes.length - 4))).toBe('00f60100');
  });

  it('omits zero-size tensors, as the default writer does', async () => {
    const parts = checkpointParts([
      { name: 'empty', dims: [3, 0], tensorType: 'Float32', content: [] },
      specEntries()[1]!,
    ]);
    expect(hex(await collect(parts))).toBe(SPEC_RECORDS[1]);
  });

  it('splits content at the slice size into same-tag records repeating the full dims', async () => {
    const content = hexToBytes('0000803f000000400000404000008040');
    const parts = checkpointParts(
      [{ name: 'fc.weight', dims: [2, 2], tensorType: 'Float32', content: [bytesPart(content)] }],
      {
        sliceBytes: 6,
      },
    );
    const bytes = await collect(parts);
    const index = await scanCheckpoint(new MemorySource(bytes));
    expect(index.tensors).toHaveLength(1);
    expect(index.tensors[0]).toMatchObject({ name: 'fc.weight', dtype: 'Float32', shape: [2, 2], bytes: 16 });
    expect(index.tensors[0]!.ranges.map((r) => r.length)).toEqual([6, 6, 4]);
    // Each record is exactly the record of its slice, with dims [2, 2].
    // The spec's fc.weight record with the content length (and the two lengths above it) adjusted.
    const record = (slice: Uint8Array): string => {
      const byte = (n: number): string => n.toString(16).padStart(2, '0');
      return (
        '0a' +
        byte(slice.length + 28) +
        '0a0966632e776569676874' +
        '12' +
        byte(slice.length + 15) +
        '080208021207466c6f61743332' +
        '1a' +
        byte(slice.length) +
        hex(slice)
      );
    };
    const expected = [content.subarray(0, 6), content.subarray(6, 12), content.subarray(12)].map(record).join('');
    expect(hex(bytes)).toBe(expected);
  });

  it('uses 512 MiB records by default', () => {
    expect(CKPT_SLICE_BYTES).toBe(536_870_912);
    // A 1 GiB + 1 byte tensor (never read: a generated part) becomes three records.
    const content: OutputPart = {
      kind: 'generated',
      length: 2 * CKPT_SLICE_BYTES + 1,
      generate: () => {
        throw new Error('not read');
      },
    };
    const parts = checkpointParts([
      { name: 'big', dims: [2 * CKPT_SLICE_BYTES + 1], tensorType: 'Int8', content: [content] },
    ]);
    const lengths = parts.filter((p) => p.kind === 'generated').map((p) => (p.kind === 'generated' ? p.length : 0));
    expect(lengths).toEqual([CKPT_SLICE_BYTES, CKPT_SLICE_BYTES, 1]);
  });

  it('writes MapParameter records as Value field 3, verbatim', async () => {
    const map = hexToBytes('0a00');
    const bytes = await collect([bytesPart(encodeMapRecordHeader('m', map.length)), bytesPart(map)]);
    expect(hex(bytes)).toBe('0a070a016d1a020a00');
    const index = await scanCheckpoint(new MemorySource(bytes));
    expect(index.tensors[0]).toMatchObject({ name: 'm', kind: 'map', bytes: 2 });
  });
});
