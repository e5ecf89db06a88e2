import { describe, expect, it } from 'vitest';
import { LensError } from '../base/errors';
import { describeError, oneLine } from '../core/messages';
import { MemorySource } from '../io/byte-source';
import { fixtureBytes } from '../test/fixtures';
import { indexPlainFile } from './open';

/** The error opening `bytes` gives, and its sentence. */
async function failure(bytes: Uint8Array): Promise<{ error: LensError; text: string }> {
  try {
    await indexPlainFile(new MemorySource(bytes));
  } catch (error) {
    if (!(error instanceof LensError)) throw error;
    return { error, text: oneLine(describeError(error.code, error.details)) };
  }
  throw new Error('the file opened');
}

const LENET = fixtureBytes('real', 'XMU_AI_ISP__checkpoint_lenet-1_1875.ckpt');
const SAFETENSORS = fixtureBytes('real', 'Model-Saving-Test-Repo__model.safetensors');

/** A safetensors file: the 8-byte length, the header text, then `data`. */
function safetensors(header: string, data: Uint8Array, headerLength?: number): Uint8Array {
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

describe('a known format cut short before its first structure is whole is "cut short", not unknown', () => {
  it('a real safetensors file cut inside its header: where the header should end and where the file ends', async () => {
    const headerLength = Number(new DataView(SAFETENSORS.buffer, SAFETENSORS.byteOffset).getBigUint64(0, true));
    const cut = SAFETENSORS.slice(0, 8 + Math.floor(headerLength / 2));
    const { error, text } = await failure(cut);
    expect(error.code).toBe('st-header-past-end');
    expect(text).toContain('The safetensors file is cut short');
    expect(text).toContain(`ends at byte ${(8 + headerLength).toLocaleString('en-US')}`);
    expect(text).toContain(`the file ends at byte ${cut.length.toLocaleString('en-US')}, inside the header`);
    expect(text).not.toContain('Not a checkpoint Ckpt Lens knows');
  });

  it('a header length past the end of the file is cut short too; one past the format limit is a damaged length', async () => {
    const header = '{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}';
    const past = await failure(safetensors(header, new Uint8Array(8), 10_000));
    expect(past.error.code).toBe('st-header-past-end');
    expect(past.text).toContain('ends at byte 10,008');
    const huge = await failure(safetensors(header, new Uint8Array(8), 2 ** 40));
    expect(huge.error.code).toBe('st-header-too-large');
    expect(huge.text).toContain('claims 1,099,511,627,776 bytes');
  });

  it('a legacy torch.save file cut inside its magic number', async () => {
    const legacy = fixtureBytes('pytorch', 'tiny_cnn_legacy.pt');
    for (const cut of [4, 10, 13]) {
      const { error, text } = await failure(legacy.slice(0, cut));
      expect(error.code).toBe('pickle-truncated');
      expect(text).toContain(`The file ends at byte ${cut}, inside the magic number`);
      expect(text).toContain('which takes 14 bytes');
    }
    // Three bytes of a pickle say too little to name a format.
    expect((await failure(legacy.slice(0, 3))).error.code).toBe('unknown-format');
  });

  it('a .ckpt of 1 or 2 bytes is cut short in its first record: no "records before it" that do not exist', async () => {
    for (const cut of [1, 2]) {
      const { error, text } = await failure(LENET.slice(0, cut));
      expect(error.code).toBe('ckpt-truncated');
      expect(error.details.recordsRead).toBe(0);
      expect(text).toContain('It ends inside the first record: no record of it is whole.');
      expect(text).not.toContain('before it are consistent');
    }
    expect((await failure(LENET.slice(0, 1))).text).toContain('it needs 1 byte but only 0 bytes remain');
    expect((await failure(LENET.slice(0, 2))).text).toContain('only 1 byte remains');
  });

  it('a .ckpt cut after whole records counts them', async () => {
    // LeNet's first record (conv1.weight) is 640 bytes long; cut inside the second.
    const { error, text } = await failure(LENET.slice(0, 700));
    expect(error.code).toBe('ckpt-truncated');
    expect(error.details.recordsRead).toBe(1);
    expect(text).toContain('The 1 record before it is consistent.');
  });
});

describe('a .ckpt mangled by an LF→CRLF conversion', () => {
  it('is said to be mangled by a text conversion (LF→CRLF), not of an unknown format', async () => {
    const crlf: number[] = [];
    for (const byte of LENET) {
      if (byte === 0x0a) crlf.push(0x0d);
      crlf.push(byte);
    }
    const mangled = Uint8Array.from(crlf);
    expect(Array.from(mangled.subarray(0, 6))).toEqual([0x0d, 0x0a, 0xfd, 0x04, 0x0d, 0x0a]);
    const { error, text } = await failure(mangled);
    expect(error.code).toBe('ckpt-text-mangled');
    expect(text).toContain('mangled by a text conversion (LF→CRLF)');
    expect(text).toContain('Get the file again in binary mode');
    expect(text).not.toContain('Not a checkpoint Ckpt Lens knows');
  });

  it('a text file that starts with CR LF is not taken for one', async () => {
    const { error } = await failure(new TextEncoder().encode('\r\nhello\r\nworld\r\n'));
    expect(error.code).toBe('unknown-format');
  });
});

describe('9- and 10-byte varints are valid protobuf: a length they hold is impossible, not an overflow', () => {
  /** A .ckpt whose first record length is `length` (as protobuf writes it), then LeNet's bytes. */
  function withRecordLength(length: bigint): Uint8Array {
    const varint: number[] = [];
    let rest = BigInt.asUintN(64, length);
    do {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      varint.push(rest > 0n ? low | 0x80 : low);
    } while (rest > 0n);
    return Uint8Array.from([0x0a, ...varint, ...LENET.subarray(3, 200)]);
  }

  it('a length of 2^62 (9 bytes) is more than any file holds', async () => {
    const bytes = withRecordLength(1n << 62n);
    expect(bytes[9]).toBeLessThan(0x80); // the varint ends in its 9th byte
    const { error, text } = await failure(bytes);
    expect(error.code).toBe('ckpt-length-impossible');
    expect(text).toContain('A length holds 4,611,686,018,427,387,904');
    expect(text).toContain('more than any file holds');
    expect(text).not.toContain('runs past 10 bytes');
    expect(text).not.toContain('never writes');
  });

  it('a negative length (10 bytes, as protobuf writes a negative int64) is said to be negative', async () => {
    const { error, text } = await failure(withRecordLength(-5n));
    expect(error.code).toBe('ckpt-length-impossible');
    expect(text).toContain('which is −5 as a signed 64-bit number');
    expect(text).toContain('a length cannot be negative');
  });

  it('an 11-byte varint still runs past 10 bytes', async () => {
    const { error } = await failure(Uint8Array.from([0x0a, ...new Array<number>(11).fill(0xff)]));
    expect(error.code).toBe('ckpt-varint-overflow');
  });
});
