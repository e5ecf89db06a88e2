import { describe, expect, it } from 'vitest';
import { isLensError, type ErrorCode } from '../base/errors';
import type { CipherMode } from '../base/types';
import { MemorySource, type ByteSource } from '../io/byte-source';
import { createFrameCipher } from './ciphers';
import { decryptAll, openDecryptedSource, type DecryptedSource, type OpenDecryptedOptions } from './decrypted-source';
import { encryptBytes } from './encrypt';
import { detectEncryption, readFrameTable } from './frames';
import { hexToBytes } from '../test/fixtures';
import { scanCheckpoint } from '../formats/ckpt/scan';
import { encodeRecordHeader } from '../formats/ckpt/write';
import { mod251, sha256Hex, vectors } from '../test/crypto-vectors';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

async function readAll(source: ByteSource): Promise<Uint8Array> {
  const out = new Uint8Array(source.size);
  for (let at = 0; at < source.size; at += 1 << 24)
    out.set(await source.read(at, Math.min(1 << 24, source.size - at)), at);
  return out;
}

async function decryptBytes(
  ciphertext: Uint8Array,
  key: Uint8Array,
  options: OpenDecryptedOptions = {},
): Promise<Uint8Array> {
  const decrypted = await openDecryptedSource(new MemorySource(ciphertext), key, options);
  return readAll(decrypted);
}

async function errorCode(promise: Promise<unknown>): Promise<{ code: ErrorCode; block?: number }> {
  try {
    await promise;
  } catch (error) {
    if (isLensError(error)) return { code: error.code, block: error.details.block };
    throw error;
  }
  throw new Error('expected an error');
}

const inline = vectors.vectors.filter((v) => v.ciphertext_hex !== undefined);

describe('every positive vector decrypts to its plaintext', () => {
  it.each(inline.map((v) => [v.id, v] as const))('%s', async (_id, vector) => {
    const mode = vector.layout === 'legacy' ? vector.mode : undefined;
    const plain = await decryptBytes(hexToBytes(vector.ciphertext_hex ?? ''), hexToBytes(vector.key), { mode });
    expect(hex(plain)).toBe(vector.plaintext_hex);
  });

  it.each(inline.filter((v) => v.plaintext_length > 16).map((v) => [v.id, v] as const))(
    '%s, cut into 16- and 32-byte segments, software AES where AES',
    async (_id, vector) => {
      const key = hexToBytes(vector.key);
      const mode = vector.layout === 'legacy' ? vector.mode : undefined;
      for (const segmentBytes of [16, 32]) {
        const cipher = await createFrameCipher(vector.mode, key, { forceSoftwareAes: true });
        const plain = await decryptBytes(hexToBytes(vector.ciphertext_hex ?? ''), key, { mode, segmentBytes, cipher });
        expect(hex(plain)).toBe(vector.plaintext_hex);
      }
    },
  );

  it('reads any sub-range across block and segment boundaries', async () => {
    const vector = inline.find((v) => v.id === 'aes-cbc-k16-n2500-bs1000')!;
    const source = await openDecryptedSource(
      new MemorySource(hexToBytes(vector.ciphertext_hex ?? '')),
      hexToBytes(vector.key),
      { segmentBytes: 64, cacheBytes: 200 },
    );
    const plain = hexToBytes(vector.plaintext_hex ?? '');
    for (const [offset, length] of [
      [0, 2500],
      [990, 20],
      [63, 2],
      [1999, 502],
      [2499, 10],
    ] as const) {
      expect(hex(await source.read(offset, length))).toBe(hex(plain.subarray(offset, offset + length)));
    }
  });

  it('the positive quirk: GCM ignores IV bytes 12–15', async () => {
    for (const quirk of vectors.positive_quirks) {
      const plain = await decryptBytes(hexToBytes(quirk.ciphertext_hex), hexToBytes(quirk.key));
      expect(hex(plain)).toBe(quirk.plaintext_hex);
    }
  });
});

describe('64 MiB-scale vectors (regenerated and re-encrypted, SHA-256 of the plaintext compared)', () => {
  const large = vectors.vectors.filter((v) => v.plaintext_sha256 !== undefined);
  it.each(large.map((v) => [v.id, v] as const))('%s', async (_id, vector) => {
    // The vectors hold only hashes; re-create the exact file (encrypt.test.ts proves its SHA-256).
    const ivs = vector.ivs.map(hexToBytes);
    const key = hexToBytes(vector.key);
    const file = await encryptBytes(mod251(vector.plaintext_length), {
      mode: vector.mode,
      key,
      ivFor: (index) => ivs[index] as Uint8Array,
    });
    expect(sha256Hex(file)).toBe(vector.ciphertext_sha256);
    const decrypted = await openDecryptedSource(new MemorySource(file), key);
    expect(decrypted.size).toBe(vector.plaintext_length);
    const parts: Uint8Array[] = [];
    for await (const { plaintext } of decryptAll(decrypted)) parts.push(plaintext);
    expect(sha256Hex(Buffer.concat(parts))).toBe(vector.plaintext_sha256);
  });
});

/** The outcome each negative vector must have, from its `reason` in vectors.json. */
const expectedOutcome: Record<string, ErrorCode> = {
  'gcm-wrong-key': 'crypto-wrong-key',
  'gcm-tag-bitflip': 'crypto-wrong-key',
  'gcm-ciphertext-bitflip': 'crypto-wrong-key',
  'gcm-iv-bitflip': 'crypto-wrong-key',
  'cbc-wrong-key': 'crypto-wrong-key',
  'sm4-wrong-key': 'crypto-wrong-key',
  'gcm-file-read-as-cbc': 'crypto-wrong-mode',
  'cbc-file-read-as-gcm': 'crypto-wrong-mode',
  'sm4-file-read-as-cbc': 'crypto-wrong-mode',
  'gcm-truncated': 'crypto-truncated',
  'cbc-iv-len-12': 'crypto-block-corrupted',
  'cbc-block-len-mismatch': 'crypto-block-corrupted',
  'gcm-with-crc-trailer': 'crypto-crc-trailer',
  'plaintext-protobuf-as-gcm': 'crypto-not-encrypted',
};

describe('every negative vector gets its specific outcome', () => {
  it('covers every negative vector', () => {
    expect(vectors.negative.map((v) => v.id).sort()).toEqual(Object.keys(expectedOutcome).sort());
  });
  it.each(vectors.negative.map((v) => [v.id, v] as const))('%s', async (id, vector) => {
    // The vector's `mode` is the dec_mode a MindSpore user would pass: force it, as they must.
    const outcome = await errorCode(
      decryptBytes(hexToBytes(vector.ciphertext_hex), hexToBytes(vector.key), { mode: vector.mode }),
    );
    expect(outcome.code).toBe(expectedOutcome[id]);
  });
});

describe('other outcomes', () => {
  const multi = (id: string) => inline.find((v) => v.id === id)!;

  it('a tampered later block is "block N corrupted", not "wrong key"', async () => {
    for (const id of ['aes-gcm-k16-n40-bs16', 'aes-cbc-k16-n40-bs16', 'sm4-cbc-k16-n40-bs16']) {
      const vector = multi(id);
      const bytes = hexToBytes(vector.ciphertext_hex ?? '');
      const block = vector.blocks[1]!;
      const headerLength = block.header_hex.length / 2;
      // Byte 15 of block 1's ciphertext: GCM fails its tag; CBC turns the pad byte 0x10 into 0x11.
      bytes[block.offset + headerLength + 15]! ^= 1;
      expect(await errorCode(decryptBytes(bytes, hexToBytes(vector.key))), id).toEqual({
        code: 'crypto-block-corrupted',
        block: 1,
      });
    }
  });

  it('wrong key length for the mode', async () => {
    const vector = multi('sm4-cbc-k16-n100');
    expect((await errorCode(decryptBytes(hexToBytes(vector.ciphertext_hex ?? ''), new Uint8Array(24)))).code).toBe(
      'crypto-key-length',
    );
    const gcm = multi('aes-gcm-k16-n100');
    expect((await errorCode(decryptBytes(hexToBytes(gcm.ciphertext_hex ?? ''), new Uint8Array(20)))).code).toBe(
      'crypto-key-length',
    );
  });

  it('legacy files are recognised and need the mode', async () => {
    const legacy = inline.filter((v) => v.layout === 'legacy');
    expect(legacy.length).toBe(2);
    for (const vector of legacy) {
      const bytes = hexToBytes(vector.ciphertext_hex ?? '');
      expect(detectEncryption(bytes.subarray(0, 48))).toMatchObject({ encrypted: true, layout: 'legacy' });
      expect((await errorCode(decryptBytes(bytes, hexToBytes(vector.key)))).code).toBe('crypto-legacy-needs-mode');
    }
  });

  it('a truncated later block is "truncated" with the block number', async () => {
    const vector = multi('sm4-cbc-k16-n2500-bs1000');
    const bytes = hexToBytes(vector.ciphertext_hex ?? '');
    const outcome = await errorCode(decryptBytes(bytes.subarray(0, bytes.length - 5), hexToBytes(vector.key)));
    expect(outcome).toEqual({ code: 'crypto-truncated', block: 2 });
  });

  it('the frame table is read from headers only', async () => {
    const vector = multi('aes-gcm-k16-n2500-bs1000');
    const bytes = hexToBytes(vector.ciphertext_hex ?? '');
    let read = 0;
    const counting: ByteSource = {
      size: bytes.length,
      read: async (offset, length) => {
        read += length;
        return bytes.slice(offset, offset + length);
      },
    };
    const table = await readFrameTable(counting);
    expect(table.frames.map((f) => f.cipherLength)).toEqual(vector.blocks.map((b) => b.cipher_len));
    expect(table.frames.map((f) => f.offset)).toEqual(vector.blocks.map((b) => b.offset));
    expect(read).toBeLessThanOrEqual(3 * 48);
  });

  it('the LRU cache stays within its budget', async () => {
    const vector = multi('aes-cbc-k16-n2500-bs1000');
    const source: DecryptedSource = await openDecryptedSource(
      new MemorySource(hexToBytes(vector.ciphertext_hex ?? '')),
      hexToBytes(vector.key),
      { segmentBytes: 96, cacheBytes: 300, readAhead: 0 },
    );
    for (let at = 0; at < 2500; at += 50) await source.read(at, 50);
    const cached = (source as unknown as { cachedBytes: number }).cachedBytes;
    expect(cached).toBeLessThanOrEqual(300);
    expect(source.unitsDecrypted).toBe(source.units.length);
  });

  it('indexing decrypts every GCM block once: the last block, read first for the trailer, is kept', async () => {
    // 12 records of 1000 content bytes in 1 KiB blocks, so records straddle blocks.
    const records = Array.from({ length: 12 }, (_, i) => {
      const header = encodeRecordHeader(`layer${i}.weight`, [250], 'Float32', 1000);
      const record = new Uint8Array(header.length + 1000);
      record.set(header);
      record.fill(i + 1, header.length);
      return record;
    });
    const plaintext = new Uint8Array(records.reduce((sum, r) => sum + r.length, 0));
    records.reduce((at, r) => (plaintext.set(r, at), at + r.length), 0);
    const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
    const blockBytes = 1024;
    const file = await encryptBytes(plaintext, { mode: 'AES-GCM', key, blockBytes });
    // Reading through in windows, and hopping from header to header as for large tensors.
    for (const scan of [{}, { seekCostBytes: 1, headerReadBytes: 64 }]) {
      for (const readAhead of [0, 1, 2]) {
        // A cache of three blocks: plain LRU dropped the last ones before the scan came back to them.
        const source = await openDecryptedSource(new MemorySource(file), key, {
          cacheBytes: 3 * blockBytes,
          readAhead,
        });
        const index = await scanCheckpoint(source, scan);
        expect(index.tensors.map((t) => t.name)).toEqual(records.map((_, i) => `layer${i}.weight`));
        expect(source.units.length).toBe(Math.ceil(plaintext.length / blockBytes));
        expect(`${JSON.stringify(scan)} ${readAhead}: ${source.unitsDecrypted}`).toBe(
          `${JSON.stringify(scan)} ${readAhead}: ${source.units.length}`,
        );
      }
    }
  });

  it('empty input decrypts to nothing (MindSpore writes an empty file)', async () => {
    for (const mode of ['AES-GCM', 'AES-CBC', 'SM4-CBC'] as CipherMode[]) {
      const decrypted = await openDecryptedSource(new MemorySource(new Uint8Array(0)), new Uint8Array(16), { mode });
      expect(decrypted.size).toBe(0);
    }
  });
});
