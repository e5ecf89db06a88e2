/** MindSpore cipher block layout constants (ckpt-crypto.md §1, §7). */
import type { CipherMode } from '../base/types';
import { CIPHER_MAGICS } from '../base/cipher-magic';

/** Mode → magic, from the one table in base/cipher-magic.ts. */
export const CIPHER_MAGIC = Object.fromEntries(
  Object.entries(CIPHER_MAGICS).map(([magic, mode]) => [mode, Number(magic)]),
) as Readonly<Record<CipherMode, number>>;
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
