import { describe, expect, it } from 'vitest';
import type { LensError } from '../../base/errors';
import { isLensError } from '../../base/errors';
import { CountingSource, MemorySource, type ByteSource } from '../../io/byte-source';
import { fixtureBytes, fixtureSource, hexToBytes, realManifest } from '../../test/fixtures';
import { scanCheckpoint } from './scan';
import { encodeRecord } from './write';
import { concatBytes } from '../../base/bytes';
import { describeError, describeFileProblem } from '../../core/messages';
import { isNoteProblem } from '../../base/problems';
import { ckptFormat } from './format';

const ckptFiles = realManifest().filter((file) => file.kind === 'ckpt');

// ckpt-format.md §12.3: the worked file, records in order, then the CRC trailer.
const SPEC_RECORDS = [
  '0a2c0a0966632e776569676874121f080208021207466c6f617433321a100000803f000000400000404000008040',
  '0a200a0766632e62696173121508021207466c6f617433321a080000003f000000bf',
  '0a1e0a0965706f63685f6e756d12111205496e7436341a080300000000000000',
  '0a150a026c72120f1207466c6f617433321a040ad7233c',
  '0a120a05747261696e12091204426f6f6c1a0101',
  '0a190a046e6f74651211080012037374721a086800000069000000',
];
const SPEC_TRAILER = '6372635f6e756d0000000000005f3fcc5f';
const specFile = (): Uint8Array => hexToBytes(SPEC_RECORDS.join('') + SPEC_TRAILER);

async function expectLensError(promise: Promise<unknown>, code: string): Promise<LensError> {
  try {
    await promise;
  } catch (error) {
    expect(isLensError(error)).toBe(true);
    expect((error as LensError).code).toBe(code);
    return error as LensError;
  }
  throw new Error(`expected ${code}, got success`);
}

describe('scanCheckpoint on every real .ckpt fixture', () => {
  it.each(ckptFiles.map((file) => [file.file, file] as const))('%s matches MANIFEST.json', async (_name, file) => {
    const index = await scanCheckpoint(await fixtureSource('real', file.file));
    expect(index.tensors.length).toBe(file.param_count);
    expect(index.tensors.map((t) => [t.name, t.dtype, t.storedDims, t.bytes])).toEqual(file.params);
    expect(index.crc.present).toBe(false);
    expect(index.problems).toEqual([]);
    for (const tensor of index.tensors) expect(tensor.problems).toBeUndefined();
  });

  it('maps legacy dims [0] scalars to shape [] and decodes their values', async () => {
    const index = await scanCheckpoint(await fixtureSource('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt'));
    const lr = index.tensors.find((t) => t.name === 'learning_rate');
    expect(lr?.storedDims).toEqual([0]);
    expect(lr?.shape).toEqual([]);
    expect(typeof lr?.value).toBe('number');
    expect(index.metadata.learning_rate).toBe(lr?.value);
    // Cross-check the decoded value against the raw bytes, independently.
    const bytes = fixtureBytes('real', 'ythlml-lenet__checkpoint_lenet-1_1875.ckpt');
    const range = lr!.ranges[0]!;
    const view = new DataView(bytes.buffer, bytes.byteOffset + range.offset, 8);
    expect(lr?.value).toBe(view.getFloat64(0, true));
  });

  it('gives the same index for windows of 1, 7 and 4096 bytes', async () => {
    for (const file of [
      'mindscience__SciAI_example_net_10000.ckpt',
      'serving__lenet_ascend_v111_offical_cv_mnist_bs32_acc98.ckpt',
    ]) {
      const reference = await scanCheckpoint(await fixtureSource('real', file));
      for (const windowBytes of [1, 7, 4096]) {
        const index = await scanCheckpoint(await fixtureSource('real', file), {
          windowBytes,
          headerReadBytes: windowBytes,
        });
        expect(index).toEqual(reference);
      }
    }
  });

  it('reads under 1% of a file whose tensors are large', async () => {
    // 40 tensors of 1 MiB with a scalar between each pair: headers must be found without content.
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 40; i += 1) {
      parts.push(encodeRecord(`layer.${i}.weight`, [512, 512], 'Float32', new Uint8Array(512 * 512 * 4)));
      parts.push(encodeRecord(`layer.${i}.scale`, [], 'Float32', new Uint8Array(4)));
    }
    const file = concatBytes(parts);
    const source = new CountingSource(new MemorySource(file));
    const index = await scanCheckpoint(source);
    expect(index.tensors.length).toBe(80);
    expect(source.bytesRead / source.size).toBeLessThan(0.01);
  });

  it('on a file of small records, reads through with few reads (each read has a fixed cost)', async () => {
    const parts = Array.from({ length: 2000 }, (_, i) => encodeRecord(`b${i}`, [16], 'Float32', new Uint8Array(64)));
    const file = concatBytes(parts);
    const source = new CountingSource(new MemorySource(file));
    expect((await scanCheckpoint(source, { windowBytes: 16 * 1024 })).tensors.length).toBe(2000);
    // ~180 KB of records in 16 KiB windows: about a dozen reads, each byte read once.
    expect(source.reads).toBeLessThan(20);
    expect(source.bytesRead).toBeLessThanOrEqual(file.length + 1024);
  });

  it('reading through keeps two windows in flight, as a plain sequential read does', async () => {
    const parts = Array.from({ length: 2000 }, (_, i) => encodeRecord(`b${i}`, [16], 'Float32', new Uint8Array(64)));
    const file = concatBytes(parts);
    const memory = new MemorySource(file);
    let inFlight = 0;
    let maxInFlight = 0;
    let bytesRead = 0;
    const slow: ByteSource = {
      size: memory.size,
      async read(offset, length, signal) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        const bytes = await memory.read(offset, length, signal);
        bytesRead += bytes.length;
        return bytes;
      },
    };
    const index = await scanCheckpoint(slow, { windowBytes: 16 * 1024 });
    expect(index.tensors.map((t) => t.name)).toEqual(parts.map((_, i) => `b${i}`));
    expect(maxInFlight).toBe(2);
    expect(bytesRead).toBeLessThanOrEqual(file.length + 1024);
  });

  it('keeps reading through when a window edge falls inside a name (regression: fell into 64-byte reads)', async () => {
    // Records shorter than 64 bytes with scalar values: a tag crossing a window edge used to
    // refill with a 64-byte read, and every later record then cost two tiny reads.
    const parts = Array.from({ length: 5000 }, (_, i) =>
      encodeRecord(`model.layers.${i >> 4}.p${i}.bias`, [1], 'Float32', new Uint8Array(4)),
    );
    const file = concatBytes(parts);
    const source = new CountingSource(new MemorySource(file));
    const index = await scanCheckpoint(source, { windowBytes: 16 * 1024 });
    expect(index.tensors.length).toBe(5000);
    expect(index.tensors[4999]?.value).toBe(0);
    expect(source.reads).toBeLessThan(Math.ceil(file.length / (16 * 1024)) + 5);
  });

  it('on the real sharded llama checkpoint, issues about one read per record at most', async () => {
    const source = new CountingSource(
      await fixtureSource('real', 'golden-stick__llama2-13b-fp16', 'rank_0', 'checkpoint_0.ckpt'),
    );
    const index = await scanCheckpoint(source);
    expect(index.tensors.length).toBe(12);
    expect(source.reads).toBeLessThanOrEqual(index.tensors.length + 2);
  });
});

describe('scanCheckpoint on the spec worked file (§12.3)', () => {
  it('our record encoder reproduces the spec bytes', () => {
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
    expect(hex(encodeRecord('fc.weight', [2, 2], 'Float32', hexToBytes('0000803f000000400000404000008040')))).toBe(
      SPEC_RECORDS[0],
    );
    expect(hex(encodeRecord('epoch_num', [], 'Int64', hexToBytes('0300000000000000')))).toBe(SPEC_RECORDS[2]);
    expect(hex(encodeRecord('note', [0], 'str', hexToBytes('6800000069000000')))).toBe(SPEC_RECORDS[5]);
  });

  it('lists every record with values, and the CRC trailer', async () => {
    const index = await scanCheckpoint(new MemorySource(specFile()));
    expect(index.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['fc.weight', 'Float32', [2, 2]],
      ['fc.bias', 'Float32', [2]],
      ['epoch_num', 'Int64', []],
      ['lr', 'Float32', []],
      ['train', 'Bool', []],
      ['note', 'str', []],
    ]);
    // Values display as the shortest decimal that round-trips in float32.
    expect(index.metadata).toEqual({ epoch_num: 3, lr: 0.01, train: true, note: 'hi' });
    expect(Math.fround(0.01)).toBe(new Float32Array(hexToBytes('0ad7233c').buffer)[0]);
    expect(index.crc).toEqual({ present: true, ok: null, expected: 0x5f3fcc5f, actual: null });
  });

  it('joins adjacent same-tag records and lets a later run win at the first position', async () => {
    // fc.weight split over two records (2 + 2 floats), then a second fc.bias run later.
    const part = (content: string): string =>
      Buffer.from(encodeRecord('fc.weight', [2, 2], 'Float32', hexToBytes(content))).toString('hex');
    const bytes = hexToBytes(part('0000803f00000040') + part('0000404000008040') + SPEC_RECORDS[1] + SPEC_RECORDS[0]);
    const index = await scanCheckpoint(new MemorySource(bytes));
    expect(index.tensors.map((t) => t.name)).toEqual(['fc.weight', 'fc.bias']);
    expect(index.tensors[0]?.ranges.length).toBe(1);
    expect(index.problems.map((p) => p.code)).toEqual(['ckpt-duplicate-tag']);
    const split = await scanCheckpoint(
      new MemorySource(hexToBytes(part('0000803f00000040') + part('0000404000008040'))),
    );
    expect(split.tensors[0]?.ranges.length).toBe(2);
    expect(split.tensors[0]?.bytes).toBe(16);
    expect(split.tensors[0]?.problems).toBeUndefined();
  });

  it('accepts packed dims and skips unknown fields', async () => {
    // tensor: packed dims [2] (field 1, wire type 2), unknown varint field 9, type, content.
    const tensor = '0a0102' + '4805' + '1207466c6f61743332' + '1a080000003f000000bf';
    const value = '0a0162' + '12' + (tensor.length / 2).toString(16).padStart(2, '0') + tensor + '2001';
    const bytes = hexToBytes('0a' + (value.length / 2).toString(16).padStart(2, '0') + value);
    const index = await scanCheckpoint(new MemorySource(bytes));
    expect(index.tensors[0]).toMatchObject({ name: 'b', dtype: 'Float32', shape: [2], bytes: 8 });
  });
});

describe('top-level fields that are not records (protobuf skips them; MindSpore loads the file)', () => {
  const worked = (): Uint8Array => hexToBytes(SPEC_RECORDS.join(''));
  const varintField = hexToBytes('7801'); // field 15, varint 1
  const lengthField = hexToBytes('1203010203'); // field 2, 3 bytes
  const fixed32Field = hexToBytes('2daabbccdd'); // field 5, 32-bit
  const names = (index: Awaited<ReturnType<typeof scanCheckpoint>>) => index.tensors.map((t) => t.name);

  it.each([
    ['at the start', (file: Uint8Array) => concatBytes([varintField, file]), 0],
    [
      'at the start, three of them',
      (file: Uint8Array) => concatBytes([lengthField, fixed32Field, varintField, file]),
      0,
    ],
    [
      'between two records',
      (file: Uint8Array) => concatBytes([file.subarray(0, 46), lengthField, file.subarray(46)]),
      46,
    ],
    ['at the end', (file: Uint8Array) => concatBytes([file, fixed32Field]), worked().length],
  ])('%s: every record is listed, and the fields are a note naming the first', async (_where, build, offset) => {
    const expected = names(await scanCheckpoint(new MemorySource(worked())));
    const bytes = build(worked());
    const index = await scanCheckpoint(new MemorySource(bytes));
    expect(names(index)).toEqual(expected);
    expect(index.problems).toHaveLength(1);
    expect(index.problems[0]).toMatchObject({ code: 'ckpt-unknown-field', offset });
    expect(isNoteProblem('ckpt-unknown-field')).toBe(true);
    expect(describeFileProblem('ckpt-unknown-field', index.problems[0]!.detail)).toMatch(
      new RegExp(`at byte ${offset.toLocaleString('en-US')}.*load_checkpoint loads the file without them`),
    );
  });

  it('a field inside a run of same-tag records does not split the run (protobuf keeps the list in order)', async () => {
    // Two records of "w" with a field between them are still one tensor of 8 bytes.
    const record = (content: string) => {
      const tensor = '0801' + '1207466c6f61743332' + '1a04' + content; // dims [1], Float32
      const value = '0a0177' + '12' + (tensor.length / 2).toString(16).padStart(2, '0') + tensor;
      return '0a' + (value.length / 2).toString(16).padStart(2, '0') + value;
    };
    const bytes = hexToBytes(record('0000803f') + '7801' + record('00000040'));
    const index = await scanCheckpoint(new MemorySource(bytes));
    expect(index.tensors).toHaveLength(1);
    expect(index.tensors[0]).toMatchObject({ name: 'w', bytes: 8 });
    expect(index.problems.map((problem) => problem.code)).toEqual(['ckpt-unknown-field']);
  });

  it('the sniff finds the first record after a few leading fields, and no further', () => {
    const file = worked();
    expect(ckptFormat.sniff(concatBytes([varintField, file]).subarray(0, 64), file.length + 2)).toBe(true);
    expect(ckptFormat.sniff(concatBytes([lengthField, fixed32Field, file]).subarray(0, 64), file.length + 10)).toBe(
      true,
    );
    // Five leading fields: more than a sniff looks past.
    const five = concatBytes([varintField, varintField, varintField, varintField, varintField, file]);
    expect(ckptFormat.sniff(five.subarray(0, 64), five.length)).toBe(false);
    // Text that parses as a field or two is not a checkpoint: no record follows.
    expect(ckptFormat.sniff(new TextEncoder().encode('x1 hello world, this is text'), 28)).toBe(false);
  });
});

describe('scanCheckpoint on broken input', () => {
  it('an empty file is a typed error', async () => {
    await expectLensError(scanCheckpoint(new MemorySource(new Uint8Array(0))), 'empty-file');
  });

  it('truncation anywhere gives ckpt-truncated with an offset', async () => {
    const whole = hexToBytes(SPEC_RECORDS.join(''));
    for (let cut = 1; cut < whole.length; cut += 1) {
      if (SPEC_RECORDS.some((_, i) => hexToBytes(SPEC_RECORDS.slice(0, i + 1).join('')).length === cut)) continue;
      const error = await expectLensError(scanCheckpoint(new MemorySource(whole.slice(0, cut))), 'ckpt-truncated');
      expect(typeof error.details.offset).toBe('number');
    }
  });

  it('bytes appended after the CRC trailer are a parse error (test_ckpt_with_crc.py)', async () => {
    const bytes = new Uint8Array([...specFile(), 0x31, 0x31, 0x31]);
    const error = await expectLensError(scanCheckpoint(new MemorySource(bytes)), 'ckpt-unexpected-byte');
    expect(error.details.offset).toBe(182);
  });

  it('a varint longer than 10 bytes is rejected', async () => {
    const bytes = hexToBytes('0a' + 'ff'.repeat(10) + '01');
    await expectLensError(scanCheckpoint(new MemorySource(bytes)), 'ckpt-varint-overflow');
  });

  it('flags content whose size contradicts dims without failing the file', async () => {
    const tensor = '0803' + '1207466c6f61743332' + '1a080000003f000000bf';
    const value = '0a0162' + '12' + (tensor.length / 2).toString(16).padStart(2, '0') + tensor;
    const index = await scanCheckpoint(
      new MemorySource(hexToBytes('0a' + (value.length / 2).toString(16).padStart(2, '0') + value)),
    );
    expect(index.tensors[0]?.problems?.[0]?.code).toBe('size-mismatch');
  });
});

/** Every window/header/seek setting the fuzzer uses, so each refill path is crossed. */
const SCAN_SETTINGS = [1, 7, 64, 4096, 65536, 16 << 20].flatMap((windowBytes) =>
  [1, 16, 1024].flatMap((headerReadBytes) =>
    [1, undefined].map((seekCostBytes) => ({ windowBytes, headerReadBytes, seekCostBytes })),
  ),
);

/** Scans with a byte-counting source; returns the bytes and reads it took, whatever the outcome. */
async function readBudget(bytes: Uint8Array, options: (typeof SCAN_SETTINGS)[number]) {
  const counting = new CountingSource(new MemorySource(bytes));
  await scanCheckpoint(counting, options).catch((error: unknown) => {
    if (!isLensError(error)) throw error;
  });
  return { bytesRead: counting.bytesRead, reads: counting.reads };
}

describe('read amplification: bytes read while scanning stay within 4× the file size', () => {
  it('a damaged record length makes tensor bytes parse as fields (fuzz seed 7, open, varint@491086=1)', async () => {
    // The fuzzer's mutation: the 3-byte varint at 491086 (a record length) replaced by the 1-byte varint 1.
    const original = fixtureBytes('real', 'mindpet__checkpoint_base-1_3.ckpt');
    expect(Array.from(original.subarray(491086, 491089))).toEqual([0x80, 0xbb, 0x02]);
    const bytes = concatBytes([original.subarray(0, 491086), new Uint8Array([1]), original.subarray(491089)]);
    expect(bytes.length).toBe(576_347);
    for (const settings of SCAN_SETTINGS) {
      const { bytesRead } = await readBudget(bytes, settings);
      expect(bytesRead, JSON.stringify(settings)).toBeLessThanOrEqual(4 * bytes.length);
    }
  });

  it('a 200 KB record of 2-byte unknown fields is refilled a logarithmic number of times', async () => {
    const fields = new Uint8Array(200_000).fill(0x01);
    for (let at = 0; at < fields.length; at += 2) fields[at] = 0x20; // field 4, varint 1: skipped
    const bytes = concatBytes([new Uint8Array([0x0a, 0xc0, 0x9a, 0x0c]), fields]); // length 200,000
    for (const settings of SCAN_SETTINGS) {
      const { bytesRead, reads } = await readBudget(bytes, settings);
      expect(bytesRead, JSON.stringify(settings)).toBeLessThanOrEqual(4 * bytes.length);
      expect(reads, JSON.stringify(settings)).toBeLessThanOrEqual(80);
    }
  });

  it('a declared record length past the end is refused before reading it', async () => {
    const bytes = concatBytes([new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x7f]), new Uint8Array(100_000)]);
    for (const settings of SCAN_SETTINGS) {
      const { bytesRead } = await readBudget(bytes, settings);
      expect(bytesRead, JSON.stringify(settings)).toBeLessThanOrEqual(4 * Math.max(64, settings.windowBytes) + 4096); // + the text-mangling sample read on an error
    }
  });
});

describe('cut short, damaged inside, or mangled by a text conversion: each said with its numbers', () => {
  it('every 1-byte file and every cut of the worked file gets a sentence with real numbers', async () => {
    const whole = hexToBytes(SPEC_RECORDS.join(''));
    const inputs = [
      ...Array.from({ length: 256 }, (_, byte) => new Uint8Array([byte])),
      ...Array.from({ length: whole.length - 1 }, (_, cut) => whole.slice(0, cut + 1)),
    ];
    for (const bytes of inputs) {
      const error = await scanCheckpoint(new MemorySource(bytes)).then(
        () => null,
        (caught: unknown) => caught as LensError,
      );
      if (!error) continue;
      expect(isLensError(error)).toBe(true);
      const sentence = describeError(error.code, error.details).detail;
      expect(sentence, `${Buffer.from(bytes).toString('hex')}: ${sentence}`).not.toMatch(/unknown|undefined|NaN|\?/);
      if (error.code === 'ckpt-truncated') {
        expect(typeof error.details.expected).toBe('number');
        expect(error.details.actual as number).toBeLessThan(error.details.expected as number);
        // What remains is what the file really has after the offset.
        expect((error.details.offset as number) + (error.details.actual as number)).toBe(bytes.length);
      }
    }
  });

  it('the 1-byte file 0a: the record length is missing', async () => {
    const error = await expectLensError(scanCheckpoint(new MemorySource(new Uint8Array([0x0a]))), 'ckpt-truncated');
    expect(error.details).toMatchObject({ offset: 1, expected: 1, actual: 0 });
  });

  it('a field longer than its record (inside the file) is damage, not a cut-short file', async () => {
    // Record "a", tensor of 9 bytes whose tensor_type claims 20 bytes; 40 more bytes follow.
    const tensor = '1214' + '466c6f61743332' + '00';
    const value = '0a0161' + '12' + (tensor.length / 2).toString(16).padStart(2, '0') + tensor;
    const bytes = hexToBytes('0a' + (value.length / 2).toString(16).padStart(2, '0') + value + '00'.repeat(40));
    const error = await expectLensError(scanCheckpoint(new MemorySource(bytes)), 'ckpt-field-overrun');
    expect(error.details).toMatchObject({ offset: 8, expected: 17, actual: 29 });
    expect(describeError(error.code, error.details).detail).toMatch(/the file does not end early/);
  });

  it('a file mangled by a UTF-8 text round trip (EF BF BD throughout) is called mangled, with what to do', async () => {
    const original = fixtureBytes('real', 'AI-lab2__checkpoint_lenet-1_1875.ckpt');
    const mangled = new TextEncoder().encode(new TextDecoder('utf-8').decode(original));
    const error = await expectLensError(scanCheckpoint(new MemorySource(mangled)), 'ckpt-text-mangled');
    expect(error.details.actual as number).toBeGreaterThanOrEqual(3);
    expect(Array.from(mangled.subarray(error.details.offset, (error.details.offset as number) + 3))).toEqual([
      0xef, 0xbf, 0xbd,
    ]);
    const message = describeError(error.code, error.details);
    expect(message.detail).toMatch(/not cut short/);
    expect(message.action).toMatch(/binary mode/);
    // The same file cut in half (no text conversion) is still cut short.
    const cut = original.slice(0, original.length >> 1);
    await expectLensError(scanCheckpoint(new MemorySource(cut)), 'ckpt-truncated');
  });
});
