/** MindSpore cipher block layout constants (ckpt-crypto.md §1, §7). */
import type { CipherMode } from '../base/types';

export const CIPHER_MAGIC: Readonly<Record<CipherMode, number>> = {
  'AES-GCM': 0x7f3a5ed8,
  'AES-CBC': 0x7f3a5ed9,
  'SM4-CBC': 0x7f3a5eda,
};
/** MindSpore 1.3–1.6 wrote the AES-GCM magic for every mode. */
export const LEGACY_MAGIC = 0x7f3a5ed8;
export const IV_BYTES = 16;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;

export type CipherLayout = 'current' | 'legacy';

/** Bytes from the magic to the first ciphertext byte. */
export function headerBytes(mode: CipherMode, layout: CipherLayout): number {
  return 4 + (mode === 'AES-GCM' && layout === 'current' ? GCM_TAG_BYTES : 0) + 4 + 4 + IV_BYTES + 4;
}

export function modeOfMagic(magic: number): CipherMode | undefined {
  for (const [mode, value] of Object.entries(CIPHER_MAGIC) as [CipherMode, number][]) if (value === magic) return mode;
  return undefined;
}
