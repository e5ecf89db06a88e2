import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../io/byte-source';
import { hexToBytes } from '../../test/fixtures';
import { bytesPart, readParts, type OutputPart } from '../parts';
import { scanCheckpoint } from './scan';
import {
  checkpointParts,
  CKPT_SLICE_BYTES,
  encodeMapRecordHeader,
  encodeRecordHeader,
  stringRecordEntry,
  varintBytes,
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

describe('record headers, written into shared blocks', () => {
  /** The grammar spelled out byte list by byte list, as the protobuf encoding guide gives it. */
  function reference(tag: string, dims: readonly number[], type: string, contentLength: number): number[] {
    const field = (key: number, payload: number[]) => [key, ...varintBytes(payload.length), ...payload];
    const utf8 = (text: string) => [...new TextEncoder().encode(text)];
    const tensorHead = [
      ...dims.flatMap((dim) => [0x08, ...varintBytes(dim)]),
      ...field(0x12, utf8(type)),
      0x1a,
      ...varintBytes(contentLength),
    ];
    const tensorLength = tensorHead.length + contentLength;
    const valueHead = [...field(0x0a, utf8(tag)), 0x12, ...varintBytes(tensorLength)];
    return [0x0a, ...varintBytes(valueHead.length + tensorLength), ...valueHead, ...tensorHead];
  }

  it.each([
    ['a scalar', 'lr', [], 'Float32', 4],
    ['a string', 'note', [0], 'str', 8],
    ['a long name (two-byte varints)', 'x'.repeat(300), [3, 4], 'Float16', 24],
    ['a UTF-8 name', 'couche.poids_é', [2], 'Float32', 8],
    ['large dims and a content past 2^32', 'w', [2 ** 40, 1], 'Int8', 2 ** 33],
    ['negative dims (10-byte int64)', 'w', [-1, 5], 'Float32', 0],
    ['a name as long as a block', 'n'.repeat(70_000), [1], 'Float32', 4],
  ])('%s: the same bytes as the grammar, alone and among others', async (_what, tag, dims, type, length) => {
    const expected = reference(tag, dims, type, length);
    expect([...encodeRecordHeader(tag, dims, type, length)]).toEqual(expected);
    // Among a thousand other records in shared blocks: each header still its own bytes (with a
    // content of one record: an empty one writes none, one past 512 MiB several).
    const one = Math.min(Math.max(length, 1), 1024);
    const entries: CkptRecordEntry[] = [];
    for (let i = 0; i < 1000; i += 1)
      entries.push({ name: `t${i}`, dims: [1], tensorType: 'Float32', content: [bytesPart(new Uint8Array(4))] });
    entries.push({
      name: tag,
      dims,
      tensorType: type,
      content: [{ kind: 'copy', source: new MemorySource(new Uint8Array(0)), offset: 0, length: one }],
    });
    const parts = checkpointParts(entries);
    const header = parts[2000];
    expect(header?.kind).toBe('bytes');
    expect([...(header as { bytes: Uint8Array }).bytes]).toEqual(reference(tag, dims, type, one));
    expect(await collect(parts.slice(0, 2000))).toEqual(
      new Uint8Array(
        entries.slice(0, 1000).flatMap((entry) => [...reference(entry.name, [1], 'Float32', 4), 0, 0, 0, 0]),
      ),
    );
  });
});
