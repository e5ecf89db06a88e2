import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isLensError } from '../base/errors';
import type { CipherMode } from '../base/types';
import { MemorySource } from '../io/byte-source';
import { fixtureSource, hexToBytes } from '../test/fixtures';
import { vectors } from '../test/crypto-vectors';
import { openCheckpoint } from './open';

/**
 * A MindSpore 1.3–1.6 file built with OpenSSL (node:crypto), following ckpt-crypto.md §7: magic
 * 0x7F3A5ED8 for every mode, no tag; "GCM" is AES-CTR from iv[0:12] ‖ 00000002.
 */
function legacyFile(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array, mode: CipherMode): Uint8Array {
  let ciphertext: Buffer;
  if (mode === 'AES-GCM') {
    const counter = Buffer.concat([Buffer.from(iv.subarray(0, 12)), Buffer.from([0, 0, 0, 2])]);
    const ctr = createCipheriv('aes-128-ctr', key, counter);
    ciphertext = Buffer.concat([ctr.update(plaintext), ctr.final()]);
  } else {
    const cbc = createCipheriv('aes-128-cbc', key, iv);
    ciphertext = Buffer.concat([cbc.update(plaintext), cbc.final()]);
  }
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0x7f3a5ed8, 0);
  header.writeInt32LE(24 + ciphertext.length, 4);
  header.writeInt32LE(16, 8);
  Buffer.from(iv).copy(header, 12);
  header.writeInt32LE(ciphertext.length, 28);
  return new Uint8Array(Buffer.concat([header, ciphertext]));
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return isLensError(error) ? error.code : String(error);
  }
}

describe('openCheckpoint on MindSpore 1.3–1.6 encrypted files', () => {
  const plaintext = hexToBytes(vectors.checkpoint_fixtures.protobuf_plaintext_hex);
  const key = hexToBytes('000102030405060708090a0b0c0d0e0f');
  const iv = hexToBytes('55e827a72c2ddefbc132ec182cb647bd');

  it.each(['AES-GCM', 'AES-CBC'] as const)(
    '%s: needs the mode, then gives the same index as the plain file',
    async (mode) => {
      const plain = (await openCheckpoint(await fixtureSource('crypto', 'tiny_plain.ckpt'))).index;
      const file = legacyFile(plaintext, key, iv, mode);
      expect(await code(openCheckpoint(new MemorySource(file)))).toBe('encrypted-needs-key');
      expect(await code(openCheckpoint(new MemorySource(file), { key }))).toBe('crypto-legacy-needs-mode');
      const { index } = await openCheckpoint(new MemorySource(file), { key, mode });
      expect(index.encryption).toEqual({ mode, layout: 'legacy' });
      expect(index.tensors).toEqual(plain.tensors);
    },
  );

  it('a key for a plain file is "not encrypted"', async () => {
    expect(await code(openCheckpoint(await fixtureSource('crypto', 'tiny_plain.ckpt'), { key }))).toBe(
      'crypto-not-encrypted',
    );
  });

  it('a forced mode that contradicts the magic is "wrong mode"', async () => {
    const source = await fixtureSource('crypto', 'tiny_sm4_cbc.ckpt');
    const sm4Key = hexToBytes('0123456789abcdeffedcba9876543210');
    expect(await code(openCheckpoint(source, { key: sm4Key, mode: 'AES-CBC' }))).toBe('crypto-wrong-mode');
  });
});
