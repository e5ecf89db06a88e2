import type { CipherMode } from './types';

/**
 * The one cipher block magic table, int32 little-endian (ckpt-crypto.md §1): formats' sniffing
 * recognises an encrypted file by it, crypto writes and walks blocks with it (crypto/layout.ts).
 */
export const CIPHER_MAGICS: Readonly<Record<number, CipherMode>> = {
  0x7f3a5ed8: 'AES-GCM',
  0x7f3a5ed9: 'AES-CBC',
  0x7f3a5eda: 'SM4-CBC',
};

/** The cipher mode a file's first four bytes name, if they are a cipher block magic. */
export function cipherModeOfMagic(head: Uint8Array): CipherMode | undefined {
  if (head.length < 4) return undefined;
  const magic = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
  return CIPHER_MAGICS[magic];
}
