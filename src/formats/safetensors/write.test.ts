import { describe, expect, it } from 'vitest';
import type { LensError } from '../../base/errors';
import { MemorySource } from '../../io/byte-source';
import { fixtureBytes, fixtureSource, hexToBytes } from '../../test/fixtures';
import { bytesPart, readParts, type OutputPart } from '../parts';
import { scanSafetensors } from './scan';
import { crcZeroRunOf, safetensorsOrder, safetensorsParts, type SafetensorsWriteEntry } from './write';

async function collect(parts: readonly OutputPart[]): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of readParts(parts)) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

// ckpt-format.md §12.3: the five numeric entries, saved with crc_check=True (2.5/2.6 metadata).
const GOLDEN_HEADER =
  '{"__metadata__":{"crc_num":"3559497697"},"epoch_num":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"fc.bias":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"fc.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},"lr":{"dtype":"F32","shape":[],"data_offsets":[32,36]},"train":{"dtype":"BOOL","shape":[],"data_offsets":[36,37]}}';
const GOLDEN_DATA = '0300000000000000 0000003f000000bf 0000803f000000400000404000008040 0ad7233c 01';

const specSafetensorsEntries = (): SafetensorsWriteEntry[] => [
  {
    name: 'fc.weight',
    dtype: 'Float32',
    shape: [2, 2],
    content: [bytesPart(hexToBytes('0000803f000000400000404000008040'))],
  },
  { name: 'fc.bias', dtype: 'Float32', shape: [2], content: [bytesPart(hexToBytes('0000003f000000bf'))] },
  { name: 'epoch_num', dtype: 'Int64', shape: [], content: [bytesPart(hexToBytes('0300000000000000'))] },
  { name: 'lr', dtype: 'Float32', shape: [], content: [bytesPart(hexToBytes('0ad7233c'))] },
  { name: 'train', dtype: 'Bool', shape: [], content: [bytesPart(hexToBytes('01'))] },
];

describe('safetensorsParts', () => {
  it('reproduces the spec §12.3 file (389 bytes) byte for byte', async () => {
    const bytes = await collect(safetensorsParts(specSafetensorsEntries(), { crc_num: '3559497697' }));
    expect(bytes.length).toBe(389);
    expect(Buffer.from(bytes.subarray(0, 8)).toString('hex')).toBe('5801000000000000');
    expect(Buffer.from(bytes.subarray(8, 8 + 344)).toString('latin1')).toBe(GOLDEN_HEADER + '    ');
    expect(Buffer.from(bytes.subarray(352)).toString('hex')).toBe(GOLDEN_DATA.replace(/ /g, ''));
  });

  it('writes no __metadata__ key without metadata, and re-parses', async () => {
    const bytes = await collect(safetensorsParts(specSafetensorsEntries()));
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(length % 8).toBe(0);
    expect(Buffer.from(bytes.subarray(8, 8 + length)).toString('latin1')).toMatch(/^\{"epoch_num":/);
    const index = await scanSafetensors(new MemorySource(bytes));
    expect(index.problems).toEqual([]);
    expect(index.tensors.map((t) => t.name)).toEqual(['epoch_num', 'fc.bias', 'fc.weight', 'lr', 'train']);
  });

  it('orders by dtype descending in the Rust enum order, then by UTF-8 name', () => {
    const entry = (name: string, dtype: string): SafetensorsWriteEntry => ({ name, dtype, shape: [0], content: [] });
    const order = safetensorsOrder([
      entry('b', 'Bool'),
      entry('a', 'UInt8'),
      entry('z', 'Float16'),
      entry('y', 'BFloat16'),
      entry('x', 'Float32'),
      entry('w', 'Int64'),
      entry('v', 'UInt64'),
      entry('u', 'Int16'),
      entry('t', 'UInt16'),
      entry('s', 'Int32'),
      entry('r', 'UInt32'),
      entry('q', 'Float64'),
      entry('p', 'Int8'),
    ]).map((e) => e.dtype);
    expect(order).toEqual([
      'UInt64',
      'Int64',
      'Float64',
      'Float32',
      'UInt32',
      'Int32',
      'BFloat16',
      'Float16',
      'UInt16',
      'Int16',
      'Int8',
      'UInt8',
      'Bool',
    ]);
    // U+FF5E (3 UTF-8 bytes, one UTF-16 unit) sorts before U+1F600 (4 bytes, a surrogate pair ≥ 0xD800).
    expect('\u{FF5E}' < '\u{1F600}').toBe(false);
  });

  it('reproduces a real huggingface-written file byte for byte (LoRA adapter, metadata format pt)', async () => {
    const source = await fixtureSource('real', 'lora-imdb-distilbert__adapter_model.safetensors');
    const index = await scanSafetensors(source);
    const entries = index.tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      content: t.ranges.map((r) => ({ kind: 'copy' as const, source, offset: r.offset, length: r.length })),
    }));
    const bytes = await collect(safetensorsParts(entries, index.metadata as Record<string, string>));
    const original = fixtureBytes('real', 'lora-imdb-distilbert__adapter_model.safetensors');
    expect(bytes.length).toBe(original.length);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(original))).toBe(0);
  });

  it('refuses strings and dtypes outside the 13 classic ones', () => {
    const refuse = (dtype: string): string => {
      try {
        safetensorsParts([{ name: 'n', dtype, shape: [], content: [bytesPart(new Uint8Array(4))] }]);
      } catch (error) {
        return (error as LensError).code;
      }
      return 'ok';
    };
    expect(refuse('str')).toBe('export-unsupported-dtype');
    expect(refuse('Complex64')).toBe('export-unsupported-dtype');
    expect(refuse('Int4')).toBe('export-unsupported-dtype');
    expect(refuse('Float32')).toBe('ok');
  });

  it('names the 0-d integer CRC quirk values', () => {
    expect(crcZeroRunOf('Int64', [], hexToBytes('0300000000000000'))).toBe(3n);
    expect(crcZeroRunOf('Int32', [], hexToBytes('ffffffff'))).toBe(-1n);
    expect(crcZeroRunOf('Int64', [1], hexToBytes('0300000000000000'))).toBeNull();
    expect(crcZeroRunOf('Bool', [], hexToBytes('01'))).toBeNull();
    expect(crcZeroRunOf('Float32', [], hexToBytes('0ad7233c'))).toBeNull();
  });
});

describe('names a plain object would swallow', () => {
  it('a tensor and a metadata key named __proto__ survive writing and reading', async () => {
    const entries: SafetensorsWriteEntry[] = [
      { name: '__proto__', dtype: 'Float32', shape: [1], content: [bytesPart(hexToBytes('0000803f'))] },
      { name: 'hasOwnProperty', dtype: 'Float32', shape: [1], content: [bytesPart(hexToBytes('00000040'))] },
    ];
    const metadata: Record<string, string> = {};
    Object.defineProperty(metadata, '__proto__', { value: 'kept', enumerable: true });
    const bytes = await collect(safetensorsParts(entries, metadata));
    const index = await scanSafetensors(new MemorySource(bytes));
    expect(index.tensors.map((t) => t.name).sort()).toEqual(['__proto__', 'hasOwnProperty']);
    expect(Object.hasOwn(index.metadata, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(index.metadata, '__proto__')?.value).toBe('kept');
  });
});

describe('the header written as text, in the writer order', () => {
  const tiny = (name: string, dtype = 'Float32'): SafetensorsWriteEntry => ({
    name,
    dtype,
    shape: [1],
    content: [bytesPart(new Uint8Array(dtype === 'Float64' ? 8 : 4))],
  });

  it('names that look like array indices stay in name order (an object would list them first)', async () => {
    const bytes = await collect(safetensorsParts(['b', '10', '2', 'a'].map((name) => tiny(name))));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + Number(Buffer.from(bytes).readBigUInt64LE(0))));
    expect([...text.matchAll(/"([^"]+)":\{"dtype"/g)].map((match) => match[1])).toEqual(['10', '2', 'a', 'b']);
    const index = await scanSafetensors(new MemorySource(bytes));
    expect(index.problems).toEqual([]);
  });

  it('a name repeated under another dtype is refused, as an object key could not hold both', () => {
    expect(() => safetensorsParts([tiny('w'), tiny('x'), tiny('w', 'Float64')])).toThrow(
      expect.objectContaining({ code: 'export-name-collision', details: expect.objectContaining({ tensor: 'w' }) }),
    );
  });

  it('a header past 16 MiB is written in pieces that read back as one valid file', async () => {
    const count = 20_000;
    const entries = Array.from({ length: count }, (_, i) => tiny(`${'layer.'.repeat(150)}${i}.weight`));
    const parts = safetensorsParts(entries, { format: 'pt' });
    // The parts before the tensors' contents: the length, the encoded pieces, the padding.
    expect(parts.length - count).toBeGreaterThan(2);
    const bytes = await collect(parts);
    const index = await scanSafetensors(new MemorySource(bytes));
    expect(index.header?.length ?? 0).toBeGreaterThan(16 * 1024 * 1024);
    expect(index.header?.length ?? 1).toBe(Math.ceil((index.header?.length ?? 1) / 8) * 8);
    expect(index.tensors).toHaveLength(count);
    expect(index.problems).toEqual([]);
    expect(index.metadata).toEqual({ format: 'pt' });
    const sorted = [...entries.map((entry) => entry.name)].sort();
    expect(index.tensors.map((tensor) => tensor.name)).toEqual(sorted);
  });
});
