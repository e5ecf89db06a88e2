import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isLensError } from '../base/errors';
import { openCheckpoint } from '../core/open';
import { encryptBytes } from '../crypto/encrypt';
import { encodeRecord } from '../formats/ckpt/write';
import { MemorySource } from '../io/byte-source';
import { fixtureBytes, fixtureSource, hexToBytes, realManifest } from '../test/fixtures';
import { crc32Of, crc32OfRange } from './crc';
import { compareCodePoints } from '../base/code-points';
import { verifyIntegrity } from './verify';

/** ckpt-format.md §12.3: the six records of the worked file and its crc_num trailer. */
const WORKED_CKPT_HEX = [
  '0a2c0a0966632e776569676874121f080208021207466c6f617433321a100000803f000000400000404000008040',
  '0a200a0766632e62696173121508021207466c6f617433321a080000003f000000bf',
  '0a1e0a0965706f63685f6e756d12111205496e7436341a080300000000000000',
  '0a150a026c72120f1207466c6f617433321a040ad7233c',
  '0a120a05747261696e12091204426f6f6c1a0101',
  '0a190a046e6f74651211080012037374721a086800000069000000',
  '6372635f6e756d0000000000005f3fcc5f',
].join('');

/** ckpt-format.md §12.3: the matching 389-byte safetensors file (header + 4 spaces, then data). */
function workedSafetensors(): Uint8Array {
  const header =
    '{"__metadata__":{"crc_num":"3559497697"},"epoch_num":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"fc.bias":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"fc.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},"lr":{"dtype":"F32","shape":[],"data_offsets":[32,36]},"train":{"dtype":"BOOL","shape":[],"data_offsets":[36,37]}}    ';
  const data = hexToBytes('0300000000000000 0000003f000000bf 0000803f000000400000404000008040 0ad7233c 01');
  const headerBytes = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

async function verifyBytes(bytes: Uint8Array, key?: Uint8Array) {
  const opened = await openCheckpoint(new MemorySource(bytes), key ? { key } : {});
  return { opened, report: await verifyIntegrity(opened) };
}

describe('CRC-32 streaming matches zlib', () => {
  it('over every real fixture file', async () => {
    const files = realManifest().filter((file) => file.kind === 'ckpt' || file.kind === 'safetensors');
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const bytes = fixtureBytes('real', file.file);
      const source = await fixtureSource('real', file.file);
      // A tiny window crosses many window boundaries on the small files.
      const windowBytes = bytes.length < 4096 ? 7 : 65_536;
      expect(await crc32OfRange(source, 0, source.size, { windowBytes }), file.file).toBe(zlibCrc32(bytes));
    }
  });

  it('pieces longer than the kernel chunk (1 MiB) and odd-sized windows', async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024 + 5);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (Math.imul(i, 2654435761) >>> 24) ^ (i & 0xff);
    const source = new MemorySource(bytes);
    for (const windowBytes of [16 * 1024 * 1024, 1024 * 1024 + 17, 4099]) {
      expect(await crc32OfRange(source, 0, bytes.length, { windowBytes })).toBe(zlibCrc32(bytes));
      expect(await crc32OfRange(source, 3, bytes.length - 2, { windowBytes })).toBe(
        zlibCrc32(bytes.subarray(3, bytes.length - 2)),
      );
    }
  });

  it('matches the standard check value', async () => {
    expect(await crc32OfRange(new MemorySource(new TextEncoder().encode('123456789')), 0, 9)).toBe(0xcbf43926);
  });
});

describe('.ckpt crc_num trailer (ckpt-format.md §5.1, §12.3 worked file)', () => {
  it('the worked file verifies with CRC 0x5F3FCC5F', async () => {
    const bytes = hexToBytes(WORKED_CKPT_HEX);
    expect(bytes.length).toBe(199);
    const { opened, report } = await verifyBytes(bytes);
    expect(report.crcStatus).toBe('ok');
    expect(report.crc).toEqual({ present: true, ok: true, expected: 0x5f3fcc5f, actual: 0x5f3fcc5f });
    expect(opened.index.crc.ok).toBe(true);
    expect(report.bytesCovered).toBe(182);
    expect(report.ok).toBe(true);
  });

  it('a single flipped bit anywhere in the file is detected', async () => {
    const original = hexToBytes(WORKED_CKPT_HEX);
    for (let position = 0; position < original.length; position += 1) {
      const bytes = original.slice();
      bytes[position]! ^= 0x01;
      let detected: boolean;
      try {
        const { report } = await verifyBytes(bytes);
        detected = !report.ok;
      } catch (error) {
        detected = isLensError(error); // damaged beyond parsing: also detected, with a reason
      }
      expect(detected, `flip at byte ${position}`).toBe(true);
    }
  });

  it('a file without a trailer reports the CRC as absent', async () => {
    const { report } = await verifyBytes(fixtureBytes('crypto', 'tiny_plain.ckpt'));
    expect(report.crcStatus).toBe('absent');
    expect(report.crc.present).toBe(false);
  });
});

describe('MindSpore safetensors crc_num (ckpt-format.md §5.2)', () => {
  it('the worked file gives 3559497697, with the 0-d integer quirk', async () => {
    const bytes = workedSafetensors();
    expect(bytes.length).toBe(389);
    const { report } = await verifyBytes(bytes);
    expect(report.crc).toEqual({ present: true, ok: true, expected: 3559497697, actual: 3559497697 });
    expect(report.trailingBytes).toBe(0);
    expect(report.problems).toEqual([]);
  });

  it('a flipped data byte or a changed scalar is a mismatch', async () => {
    const original = workedSafetensors();
    const dataStart = original.length - 37;
    for (const position of [dataStart, dataStart + 9, dataStart + 36]) {
      const bytes = original.slice();
      bytes[position]! ^= 0x01;
      const { report } = await verifyBytes(bytes);
      expect(report.crcStatus, `byte ${position}`).toBe('mismatch');
    }
  });

  it('gives the same outcomes with its tensors hashed elsewhere (windowCrc)', async () => {
    const original = workedSafetensors();
    const verify = async (bytes: Uint8Array) =>
      verifyIntegrity(await openCheckpoint(new MemorySource(bytes)), { windowCrc: crc32Of });
    expect((await verify(original)).crc).toEqual({ present: true, ok: true, expected: 3559497697, actual: 3559497697 });
    const flipped = original.slice();
    flipped[original.length - 37 + 9]! ^= 0x01;
    expect((await verify(flipped)).crcStatus).toBe('mismatch');
  });

  it('sorts names by code point like Python, not by UTF-16 unit', () => {
    const names = ['\u{1F600}', '\uFF21', 'a', 'B'];
    expect([...names].sort(compareCodePoints)).toEqual(['B', 'a', '\uFF21', '\u{1F600}']);
    expect([...names].sort()).not.toEqual(['B', 'a', '\uFF21', '\u{1F600}']);
  });
});

describe('encrypted checkpoints', () => {
  it('tiny_*.ckpt give the same index as tiny_plain.ckpt', async () => {
    const plain = (await openCheckpoint(await fixtureSource('crypto', 'tiny_plain.ckpt'))).index;
    const files: [string, string][] = [
      ['tiny_aes_gcm.ckpt', '000102030405060708090a0b0c0d0e0f'],
      ['tiny_aes_cbc.ckpt', '000102030405060708090a0b0c0d0e0f'],
      ['tiny_sm4_cbc.ckpt', '0123456789abcdeffedcba9876543210'],
    ];
    for (const [file, key] of files) {
      const source = await fixtureSource('crypto', file);
      const { index, plaintext } = await openCheckpoint(source, { key: hexToBytes(key) });
      expect(index.tensors, file).toEqual(plain.tensors);
      expect(index.metadata).toEqual(plain.metadata);
      expect(index.size).toBe(source.size);
      expect(index.plaintextSize).toBe(plain.size);
      expect(plaintext.size).toBe(plain.size);
      expect(index.encryption?.layout).toBe('current');
      const report = await verifyIntegrity({ index, plaintext });
      expect(report.encryption).toMatchObject({ blocks: 1, blocksVerified: 1, ok: true });
      expect(report.ok).toBe(true);
    }
  });

  it('without a key: "encrypted, key needed" naming the mode', async () => {
    try {
      await openCheckpoint(await fixtureSource('crypto', 'tiny_sm4_cbc.ckpt'));
      expect.unreachable();
    } catch (error) {
      expect(isLensError(error) && error.code).toBe('encrypted-needs-key');
      expect(isLensError(error) && error.details.expected).toBe('SM4-CBC');
    }
  });

  it('verify reports a tampered block the index never read, as data', async () => {
    const content = new Uint8Array(300_000).map((_, i) => i & 255);
    const plaintext = encodeRecord('big.weight', [75_000], 'Float32', content);
    const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
    const file = await encryptBytes(plaintext, { mode: 'AES-GCM', key, blockBytes: 65_536 });
    const blockSize = 48 + 65_536;
    file[2 * blockSize + 1000]! ^= 0xff; // inside block 2's ciphertext
    const { opened, report } = await verifyBytes(file, key);
    expect(opened.index.tensors[0]?.shape).toEqual([75_000]);
    expect(report.encryption?.ok).toBe(false);
    expect(report.encryption?.failure?.code).toBe('crypto-block-corrupted');
    expect(report.encryption?.failure?.details.block).toBe(2);
    expect(report.encryption?.blocksVerified).toBe(2);
    expect(report.ok).toBe(false);
  });

  it('a pool can do the decrypting (decryptor option) and cancellation stops verify', async () => {
    const { decryptBlock, openDecryptedSource } = await import('../crypto/decrypted-source');
    const key = hexToBytes('0123456789abcdeffedcba9876543210');
    const content = new Uint8Array(100_000).map((_, i) => (i * 7) & 255);
    const file = await encryptBytes(encodeRecord('w', [25_000], 'Float32', content), {
      mode: 'SM4-CBC',
      key,
      blockBytes: 8192,
    });
    let pooled = 0;
    const plaintext = await openDecryptedSource(new MemorySource(file), key, {
      decryptor: (unit, bytes) => {
        pooled += 1;
        return decryptBlock(unit, bytes, 'SM4-CBC', key);
      },
    });
    const opened = await openCheckpoint(new MemorySource(file), { key });
    const report = await verifyIntegrity({ index: opened.index, plaintext });
    expect(report.encryption).toMatchObject({ ok: true, blocks: 13, blocksVerified: 13 });
    expect(pooled).toBe(13);

    const controller = new AbortController();
    controller.abort();
    await expect(verifyIntegrity(opened, { signal: controller.signal })).rejects.toThrow();
  });
});
