// Shared by the crypto tests: the vectors of ../shared/fixtures/crypto/vectors.json, typed.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { CipherMode } from '../base/types';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PositiveVector {
  id: string;
  layout: 'current' | 'legacy';
  mode: CipherMode;
  key: string;
  block_size: number;
  ivs: string[];
  plaintext_length: number;
  ciphertext_length: number;
  plaintext_hex?: string;
  ciphertext_hex?: string;
  plaintext_sha256?: string;
  ciphertext_sha256?: string;
  blocks: { offset: number; cipher_len: number; block_len: number; header_hex: string }[];
}

export interface NegativeVector {
  id: string;
  mode: CipherMode;
  key: string;
  ciphertext_hex: string;
  expect: 'error';
  reason: string;
}

export interface Vectors {
  vectors: PositiveVector[];
  negative: NegativeVector[];
  positive_quirks: (Omit<NegativeVector, 'expect'> & { plaintext_hex: string; expect: 'ok' })[];
  sm4_block_kat: { key: string; plaintext: string; iterations: number; ciphertext: string }[];
  checkpoint_fixtures: {
    protobuf_plaintext_hex: string;
    files: {
      file: string;
      mode: CipherMode | null;
      key: string | null;
      ivs?: string[];
      sha256: string;
      length: number;
    }[];
  };
}

// Same location as fixtures.ts FIXTURES (not imported, so each helper stands alone).
const VECTORS_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/fixtures/crypto/vectors.json',
);

export const vectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as Vectors;

/** The realsize plaintexts: byte i = i % 251 (vectors.json plaintext_generator_mod251). */
export function mod251(length: number): Uint8Array {
  const out = new Uint8Array(length);
  const period = new Uint8Array(251);
  for (let i = 0; i < 251; i += 1) period[i] = i;
  for (let at = 0; at < length; at += 251) out.set(period.subarray(0, Math.min(251, length - at)), at);
  return out;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
