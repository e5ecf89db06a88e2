import type { CipherMode, FormatId } from '../base/types';
import { looksLikeJsonStrategyHead, looksLikeProtobufStrategy } from './strategy/sniff';

/** What the first bytes say a file is. Extensions only break ties; content decides. */
export type Sniffed =
  | { kind: FormatId }
  | { kind: 'encrypted-ckpt'; mode: CipherMode }
  /** A parallel strategy file (formats/strategy): no tensors, refused as a checkpoint. */
  | { kind: 'strategy'; encoding: 'protobuf' | 'json' }
  | { kind: 'unknown'; headHex: string };

/** Bytes the sniffers need from the start of a file. */
export const SNIFF_BYTES = 64;

/** Cipher block magics, int32 little-endian (ckpt-crypto.md §1). */
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

function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 9) return false;
  const headerLength = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  return headerLength >= 2n && headerLength + 8n <= BigInt(size) && head[8] === 0x7b; // '{'
}

export function sniff(head: Uint8Array, size: number): Sniffed {
  const mode = cipherModeOfMagic(head);
  if (mode) return { kind: 'encrypted-ckpt', mode };
  if (looksLikeSafetensors(head, size)) return { kind: 'safetensors' };
  if (looksLikeProtobufStrategy(head, size)) return { kind: 'strategy', encoding: 'protobuf' };
  if (looksLikeJsonStrategyHead(head)) return { kind: 'strategy', encoding: 'json' };
  // Field 1 (Checkpoint.value), wire type 2: the first byte of every plaintext checkpoint.
  if (head[0] === 0x0a) return { kind: 'ckpt' };
  const headHex = Array.from(head.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  return { kind: 'unknown', headHex };
}
