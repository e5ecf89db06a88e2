import { describe, expect, it } from 'vitest';
import { isLensError, type ErrorCode, type LensError } from '../base/errors';
import type { CipherMode } from '../base/types';
import { CountingSource, MemorySource, type ByteSource } from '../io/byte-source';
import { createFrameCipher } from './ciphers';
import { decryptAll, openDecryptedSource, type DecryptedSource, type OpenDecryptedOptions } from './decrypted-source';
import { encryptBytes } from './encrypt';
import { detectEncryption, readFrameTable } from './frames';
import { hexToBytes } from '../test/fixtures';
import { scanCheckpoint } from '../formats/ckpt/scan';
import { encodeRecordHeader } from '../formats/ckpt/write';
import { mod251, sha256Hex, vectors } from '../test/crypto-vectors';
import { concatBytes } from '../base/bytes';
import { FRAME_WINDOW_BYTES, MAX_CIPHER_FRAMES } from '../base/limits';
import { describeError } from '../core/messages';

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
  const error = await lensError(promise);
  return { code: error.code, block: error.details.block };
}

async function lensError(promise: Promise<unknown>): Promise<LensError> {
  try {
    await promise;
  } catch (error) {
    if (isLensError(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

const inline = vectors.vectors.filter((v) => v.ciphertext_hex !== undefined);

/** vectors.json keys: k24 (bytes 0x20…0x37) for AES, the SM4 key for SM4. */
const k24 = Uint8Array.from({ length: 24 }, (_, i) => 0x20 + i);
const KEYS: Record<CipherMode, Uint8Array> = {
  'AES-GCM': k24,
  'AES-CBC': k24,
  'SM4-CBC': hexToBytes('0123456789abcdeffedcba9876543210'),
};
const MODES: CipherMode[] = ['AES-GCM', 'AES-CBC', 'SM4-CBC'];
const wrongKey = (mode: CipherMode): Uint8Array => KEYS[mode].map((byte) => byte ^ 0x5a);

/** A file of `blocks` blocks of 64 plaintext bytes (the last one 40), and where each block starts. */
async function multiBlockFile(mode: CipherMode, blocks: number): Promise<{ file: Uint8Array; starts: number[] }> {
  // Fixed IVs: with random ones a flipped CBC byte left valid padding about once in 256 runs.
  const file = await encryptBytes(mod251(64 * (blocks - 1) + 40), {
    mode,
    key: KEYS[mode],
    blockBytes: 64,
    ivFor: (index) => Uint8Array.from({ length: 16 }, (_, i) => (index * 31 + i * 7 + 1) & 0xff),
  });
  const table = await readFrameTable(new MemorySource(file));
  return { file, starts: Array.from(table.offsets) };
}

/** Flips a byte in the last 16 ciphertext bytes of block `block` (breaks the GCM tag and the CBC padding). */
function damage(file: Uint8Array, starts: number[], block: number): Uint8Array {
  const out = file.slice();
  const end = starts[block + 1] ?? file.length;
  out[end - 3]! ^= 0x40;
  return out;
}

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
  // Framing damage says nothing about the key (these were 'crypto-block-corrupted', whose sentence claimed the key right).
  'cbc-iv-len-12': 'crypto-block-malformed',
  'cbc-block-len-mismatch': 'crypto-block-malformed',
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

  it('the frame table of large blocks is read from headers only', async () => {
    const key = KEYS['AES-GCM'];
    const file = await encryptBytes(mod251(3 * 100_000 - 7), { mode: 'AES-GCM', key, blockBytes: 100_000 });
    const counting = new CountingSource(new MemorySource(file));
    const table = await readFrameTable(counting);
    expect(Array.from(table.cipherLengths)).toEqual([100_000, 100_000, 99_993]);
    expect(Array.from(table.offsets)).toEqual([0, 100_048, 200_096]);
    expect(counting.bytesRead).toBeLessThanOrEqual(3 * 48);
  });

  it('the frame table of small blocks is read in windows, not one read per block', async () => {
    const vector = multi('aes-gcm-k16-n2500-bs1000');
    const counting = new CountingSource(new MemorySource(hexToBytes(vector.ciphertext_hex ?? '')));
    const table = await readFrameTable(counting);
    expect(Array.from(table.offsets)).toEqual(vector.blocks.map((b) => b.offset));
    expect(counting.reads).toBe(2);
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

  it('whole GCM blocks, read ahead by one: the next block decrypts, the one after is only read, each block once', async () => {
    const plaintext = mod251(8 * 1024 - 100);
    const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
    const blockBytes = 1024;
    const file = await encryptBytes(plaintext, { mode: 'AES-GCM', key, blockBytes });
    const reads: number[] = [];
    const memory = new MemorySource(file);
    const logged: ByteSource = {
      size: memory.size,
      read: (offset, length, signal) => {
        reads.push(offset);
        return memory.read(offset, length, signal);
      },
    };
    const source = await openDecryptedSource(logged, key, { readAhead: 1 });
    const blockStarts = source.units.map((unit) => unit.readOffset);
    expect(blockStarts.length).toBe(8);
    // Block 0 is decrypted at open (the key check); reading it starts block 1 and reads block 2.
    expect(hex(await source.read(0, 100))).toBe(hex(plaintext.subarray(0, 100)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(source.unitsDecrypted).toBe(2);
    expect(blockStarts.slice(0, 3).every((start) => reads.includes(start))).toBe(true);
    expect(reads.includes(blockStarts[3] as number)).toBe(false);
    // Through to the end in small steps: the right bytes, every block read and decrypted once.
    const out = new Uint8Array(plaintext.length);
    for (let at = 0; at < plaintext.length; at += 100)
      out.set(await source.read(at, Math.min(100, plaintext.length - at)), at);
    expect(hex(out)).toBe(hex(plaintext));
    expect(source.unitsDecrypted).toBe(8);
    for (const start of blockStarts) expect(reads.filter((offset) => offset === start)).toHaveLength(1);
  });

  it('empty input decrypts to nothing (MindSpore writes an empty file)', async () => {
    for (const mode of ['AES-GCM', 'AES-CBC', 'SM4-CBC'] as CipherMode[]) {
      const decrypted = await openDecryptedSource(new MemorySource(new Uint8Array(0)), new Uint8Array(16), { mode });
      expect(decrypted.size).toBe(0);
    }
  });
});

describe('a wrong key is told from a damaged block by trying block 0 first', () => {
  it.each(MODES)('%s: a wrong key on a 10-block file is "wrong key", blocks 0, 1 and more tried', async (mode) => {
    const { file } = await multiBlockFile(mode, 10);
    const error = await lensError(openDecryptedSource(new MemorySource(file), wrongKey(mode)));
    expect(error.code).toBe('crypto-wrong-key');
    expect(error.details).toMatchObject({ block: 0, blockCount: 10 });
    const text = describeError(error.code, error.details).detail;
    expect(text).not.toMatch(/key is right/);
    // The sentence names the block once ("Cipher block 0 …", not "… (block 0)").
    expect(text).not.toMatch(/\(block \d/);
    if (mode === 'AES-GCM') {
      // GCM decrypts whole blocks: block 0, then 1 and the last.
      expect(error.details.blocksTried).toEqual([0, 1, 9]);
      expect(text).toMatch(/neither do blocks 1 and 9 of the file's 10/);
    } else {
      // CBC checks every block's padding; the sentence counts the failures and names a few.
      expect(error.details).toMatchObject({ failedCount: 10, blocksTried: [0, 1, 2, 3, 4, 9] });
      expect(text).toMatch(
        /^Cipher block 0 does not decrypt with this key \(the CBC padding is invalid\); all 9 other blocks fail the padding check too \(among them blocks 1, 2, 3, 4 and 9\)\. No block's padding proves the key\./,
      );
    }
  });

  it.each(MODES)('%s: a wrong key on a single-block file is "wrong key", saying it could be damage', async (mode) => {
    const { file } = await multiBlockFile(mode, 1);
    const error = await lensError(openDecryptedSource(new MemorySource(file), wrongKey(mode)));
    expect(error.code).toBe('crypto-wrong-key');
    expect(describeError(error.code, error.details).detail).toMatch(/the only block.*cannot be told apart/);
  });

  it.each(MODES)('%s: damage in block 0 with the right key is "block 0 damaged", proven by block 1', async (mode) => {
    const { file, starts } = await multiBlockFile(mode, 10);
    const error = await lensError(openDecryptedSource(new MemorySource(damage(file, starts, 0)), KEYS[mode]));
    expect(error.code).toBe('crypto-block-corrupted');
    expect(error.details).toMatchObject({ block: 0, keyBlock: 1 });
    expect(describeError(error.code, error.details).detail).toMatch(/key is right: block 1 decrypted/);
  });

  it('AES-GCM decrypted in pieces (as blocks of 512 KiB and more are): the same plaintext and the same verdicts', async () => {
    const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
    const plaintext = mod251(10 * 1000 - 7);
    const file = await encryptBytes(plaintext, { mode: 'AES-GCM', key, blockBytes: 1000 });
    const starts = Array.from((await readFrameTable(new MemorySource(file))).offsets);
    const inPieces = (raw: Uint8Array) => createFrameCipher('AES-GCM', raw, { gcmPieceBytes: 48 });
    const open = async (bytes: Uint8Array, raw: Uint8Array) =>
      openDecryptedSource(new MemorySource(bytes), raw, { cipher: await inPieces(raw) });
    expect(hex(await readAll(await open(file, key)))).toBe(hex(plaintext));
    const wrong = key.map((byte) => byte ^ 0x5a);
    const wrongKey = await lensError(open(file, wrong));
    expect(wrongKey.code).toBe('crypto-wrong-key');
    expect(wrongKey.details.blocksTried).toEqual([0, 1, 9]);
    const block0 = await lensError(open(damage(file, starts, 0), key));
    expect(block0.details).toMatchObject({ block: 0, keyBlock: 1 });
    const later = await lensError(open(damage(file, starts, 6), key).then(readAll));
    expect(later.details).toMatchObject({ block: 6, keyBlock: 0 });
  });

  it('AES-GCM: blocks 0 and 1 damaged, the last one proves the key', async () => {
    const { file, starts } = await multiBlockFile('AES-GCM', 10);
    const bytes = damage(damage(file, starts, 0), starts, 1);
    const error = await lensError(openDecryptedSource(new MemorySource(bytes), KEYS['AES-GCM']));
    expect(error.details).toMatchObject({ block: 0, keyBlock: 9 });
  });

  it.each(MODES)('%s: damage in a later block, read first by the scan, names that block and block 0', async (mode) => {
    const { file, starts } = await multiBlockFile(mode, 10);
    const decrypted = openDecryptedSource(new MemorySource(damage(file, starts, 9)), KEYS[mode]).then((source) =>
      source.read(9 * 64, 40),
    );
    const error = await lensError(decrypted);
    expect(error.code).toBe('crypto-block-corrupted');
    expect(error.details).toMatchObject({ block: 9, keyBlock: 0 });
  });

  it.each(MODES)('%s: framing damage in block 0 says nothing about the key', async (mode) => {
    const { file } = await multiBlockFile(mode, 3);
    const lengthAt = mode === 'AES-GCM' ? 20 : 4;
    const badIv = file.slice();
    new DataView(badIv.buffer).setInt32(lengthAt + 4, 12, true);
    const badLength = file.slice();
    new DataView(badLength.buffer).setInt32(lengthAt, 1000, true);
    for (const bytes of [badIv, badLength]) {
      const error = await lensError(openDecryptedSource(new MemorySource(bytes), KEYS[mode]));
      expect(error.code).toBe('crypto-block-malformed');
      expect(describeError(error.code, error.details).detail).toMatch(/says nothing about the key/);
    }
  });

  it('a zero-length ciphertext is its own finding, not a block_len mismatch (empty-block attack)', async () => {
    // magic, tag, block_len 24 = 4 + 16 + 4 + 0, iv_len 16, iv, cipher_len 0.
    const block = new Uint8Array(48);
    const view = new DataView(block.buffer);
    view.setUint32(0, 0x7f3a5ed8, true);
    view.setInt32(20, 24, true);
    view.setInt32(24, 16, true);
    view.setInt32(44, 0, true);
    const error = await lensError(readFrameTable(new MemorySource(block)));
    expect(error.code).toBe('crypto-block-empty');
    expect(error.details).toMatchObject({ block: 0, offset: 44 });
    expect(describeError(error.code, error.details).detail).toMatch(/cipher_len 0/);
  });

  it('bytes appended after the last block are named as such, not "cut short" (trailing-garbage attack)', async () => {
    const { file } = await multiBlockFile('AES-CBC', 3);
    const garbage = new TextEncoder().encode('appended garbage, 33 bytes long!!');
    const error = await lensError(readFrameTable(new MemorySource(concatBytes([file, garbage]))));
    expect(error.code).toBe('crypto-trailing-bytes');
    expect(error.details).toMatchObject({ offset: file.length, actual: 33, blockCount: 3 });
    expect(describeError(error.code, error.details).detail).toMatch(/3 complete cipher blocks the file has 33 bytes/);
    // A block cut inside its header is still a cut-short block.
    const cut = concatBytes([file, file.subarray(0, 20)]);
    expect((await lensError(readFrameTable(new MemorySource(cut)))).code).toBe('crypto-truncated');
  });
});

describe('decrypt units are self-contained', () => {
  it.each(MODES)(
    '%s: a unit owns its IV and tag (a unit posted to a pool worker does not carry the frame table)',
    async (mode) => {
      const { file } = await multiBlockFile(mode, 10);
      const decrypted = await openDecryptedSource(new MemorySource(file), KEYS[mode], { segmentBytes: 32 });
      for (const unit of decrypted.units) {
        if (unit.iv) expect(unit.iv.buffer.byteLength).toBe(unit.iv.length);
        if (unit.tag) expect(unit.tag.buffer.byteLength).toBe(16);
      }
    },
  );
});

describe('the frame-count limit is checked before walking (tiny-frame attack)', () => {
  /** `count` one-byte AES-GCM blocks (49 bytes each), after a first block of `firstCipher` bytes. */
  function tinyFrames(count: number, firstCipher = 1): Uint8Array {
    const frame = (cipherLength: number): Uint8Array => {
      const bytes = new Uint8Array(48 + cipherLength);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, 0x7f3a5ed8, true);
      view.setInt32(20, 24 + cipherLength, true);
      view.setInt32(24, 16, true);
      view.setInt32(44, cipherLength, true);
      return bytes;
    };
    const first = frame(firstCipher);
    const tiny = frame(1);
    const out = new Uint8Array(first.length + (count - 1) * tiny.length);
    out.set(first);
    const view = new DataView(out.buffer);
    for (let at = first.length, index = 1; at < out.length; at += tiny.length, index += 1) {
      out.set(tiny, at);
      view.setUint32(at + 28, index, true); // each block its own IV, as MindSpore writes them
    }
    return out;
  }

  it("a block repeating an earlier block's IV (a copied block) is refused, found in one pass over the most blocks", async () => {
    const bytes = tinyFrames(MAX_CIPHER_FRAMES - 1);
    // The block before last but 8 gets block 17's IV.
    const copy = MAX_CIPHER_FRAMES - 10;
    const at = (index: number): number => index * 49 + 28;
    bytes.copyWithin(at(copy), at(17), at(17) + 16);
    const started = performance.now();
    const error = await lensError(readFrameTable(new MemorySource(bytes)));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error.code).toBe('crypto-block-repeated');
    expect(error.details).toMatchObject({ block: copy, actual: 17 });
    expect(describeError(error.code, error.details).detail).toMatch(/carries the same IV as block 17/);
  });

  it('1,000,001 one-byte frames are refused from the first and last headers alone', async () => {
    const counting = new CountingSource(new MemorySource(tinyFrames(MAX_CIPHER_FRAMES + 1)));
    const error = await lensError(readFrameTable(counting));
    expect(error.code).toBe('crypto-too-many-blocks');
    expect(error.details).toMatchObject({ actual: MAX_CIPHER_FRAMES + 1, limit: MAX_CIPHER_FRAMES });
    expect(counting.bytesRead).toBeLessThanOrEqual(2 * 48);
  });

  it('one frame short of the limit, one-byte frames are walked in windows into a compact table', async () => {
    const bytes = tinyFrames(MAX_CIPHER_FRAMES - 1);
    const counting = new CountingSource(new MemorySource(bytes));
    const table = await readFrameTable(counting);
    // A read per window, not per frame (a million frames took 88 s and a million reads before).
    expect(table.count).toBe(MAX_CIPHER_FRAMES - 1);
    expect(table.offsets[table.count - 1]).toBe(bytes.length - 49);
    expect(counting.reads).toBeLessThanOrEqual(Math.ceil(bytes.length / FRAME_WINDOW_BYTES) + 2);
  });

  it('when the first block is larger than the rest, the walk stops at the limit', async () => {
    const error = await lensError(readFrameTable(new MemorySource(tinyFrames(MAX_CIPHER_FRAMES + 1, 4096))));
    expect(error.code).toBe('crypto-too-many-blocks');
    expect(error.details).toMatchObject({ block: MAX_CIPHER_FRAMES, limit: MAX_CIPHER_FRAMES });
  });
});
