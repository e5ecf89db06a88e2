// Test-only: encrypted files in the MindSpore 1.3–1.6 layout, which Ckpt Lens never writes.
import { createCipheriv } from 'node:crypto';
import type { CipherMode } from '../base/types';

/**
 * A MindSpore 1.3–1.6 file built with OpenSSL (node:crypto), following ckpt-crypto.md §7: magic
 * 0x7F3A5ED8 for every mode, no tag; "GCM" is AES-CTR from iv[0:12] ‖ 00000002.
 */
export function legacyFile(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array, mode: CipherMode): Uint8Array {
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
