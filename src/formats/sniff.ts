import type { CipherMode, FormatId } from '../base/types';

/** What the first bytes say a file is (formats/registry.ts `sniffFormat`). Extensions only break ties; content decides. */
export type Sniffed =
  | { kind: FormatId }
  | { kind: 'encrypted-ckpt'; mode: CipherMode }
  /** A parallel strategy file (formats/strategy): no tensors, refused as a checkpoint. */
  | { kind: 'strategy'; encoding: 'protobuf' | 'json' }
  | { kind: 'unknown'; headHex: string };

/** Bytes the sniffers need from the start of a file. */
export const SNIFF_BYTES = 64;

/** The one cipher block magic table, int32 little-endian (ckpt-crypto.md §1); crypto/layout.ts derives from it. */
export const CIPHER_MAGICS: Readonly<Record<number, CipherMode>> = {
  0x7f3a5ed8: 'AES-GCM',
  0x7f3a5ed9: 'AES-CBC',
  0x7f3a5eda: 'SM4-CBC',
};

export function cipherModeOfMagic(head: Uint8Array): CipherMode | undefined {
  if (head.length < 4) return undefined;
  const magic = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
  return CIPHER_MAGICS[magic];
}
