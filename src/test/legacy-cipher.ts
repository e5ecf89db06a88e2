// Test-only: encrypted files in the MindSpore 1.3–1.6 layout, which Ckpt Lens never writes.
import { createCipheriv } from 'node:crypto';
import type { CipherMode } from '../base/types';

/** One legacy block: magic 0x7F3A5ED8, block_len, iv_len, IV, cipher_len, ciphertext (no tag). */
function legacyBlock(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array, mode: CipherMode): Buffer {
  const bits = key.length * 8;
  let ciphertext: Buffer;
  if (mode === 'AES-GCM') {
    const counter = Buffer.concat([Buffer.from(iv.subarray(0, 12)), Buffer.from([0, 0, 0, 2])]);
    const ctr = createCipheriv(`aes-${bits}-ctr`, key, counter);
    ciphertext = Buffer.concat([ctr.update(plaintext), ctr.final()]);
  } else {
    const cbc = createCipheriv(`aes-${bits}-cbc`, key, iv);
    ciphertext = Buffer.concat([cbc.update(plaintext), cbc.final()]);
  }
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0x7f3a5ed8, 0);
  header.writeInt32LE(24 + ciphertext.length, 4);
  header.writeInt32LE(16, 8);
  Buffer.from(iv).copy(header, 12);
  header.writeInt32LE(ciphertext.length, 28);
  return Buffer.concat([header, ciphertext]);
}

/**
 * A MindSpore 1.3–1.6 file built with OpenSSL (node:crypto), following ckpt-crypto.md §7: magic
 * 0x7F3A5ED8 for every mode, no tag; "GCM" is AES-CTR from iv[0:12] ‖ 00000002. The key's length
 * (16, 24 or 32 bytes) picks AES-128, -192 or -256.
 */
export function legacyFile(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array, mode: CipherMode): Uint8Array {
  return new Uint8Array(legacyBlock(plaintext, key, iv, mode));
}

/** A legacy file of several blocks: `blockBytes` of plaintext each (the last one shorter), IV per block. */
export function legacyBlocks(
  plaintext: Uint8Array,
  key: Uint8Array,
  ivFor: (block: number) => Uint8Array,
  mode: CipherMode,
  blockBytes: number,
): Uint8Array {
  const blocks: Buffer[] = [];
  for (let at = 0, block = 0; at < plaintext.length; at += blockBytes, block += 1)
    blocks.push(legacyBlock(plaintext.subarray(at, at + blockBytes), key, ivFor(block), mode));
  return new Uint8Array(Buffer.concat(blocks));
}
