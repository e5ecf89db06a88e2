/**
 * Writing MindSpore-encrypted checkpoints (the export side of ckpt-crypto.md §1).
 *
 * API (stable; the export engine calls these):
 *
 *   encryptCheckpoint(chunks, options): AsyncGenerator<Uint8Array>
 *     chunks:  Iterable | AsyncIterable of plaintext Uint8Array pieces (any sizes), i.e. the
 *              `.ckpt` protobuf bytes in order. They are re-cut into blocks of `blockBytes`.
 *     options: { mode: 'AES-GCM' | 'AES-CBC' | 'SM4-CBC';
 *                key: Uint8Array (16/24/32 bytes for AES, 16 for SM4);
 *                blockBytes?: number   (plaintext per block; default and MindSpore's value 64 MiB);
 *                ivFor?: (blockIndex) => Uint8Array  (16 bytes; default crypto.getRandomValues;
 *                                                     inject to reproduce vectors byte for byte);
 *                signal?: AbortSignal }
 *     yields:  one Uint8Array per cipher block (header + ciphertext); concatenated they are the
 *              file. Empty input yields nothing (MindSpore writes an empty file).
 *
 *   encryptBlock(plaintext, { mode, key, iv }): Promise<Uint8Array>   one block, ≤ 64 MiB plaintext
 *   encryptBytes(plaintext, options): Promise<Uint8Array>             whole small input at once
 *   encryptedSize(plaintextSize, mode, blockBytes?): number           exact output size up front
 *
 * A `crc_num` trailer must NOT be appended to an encrypted file: MindSpore cannot read it.
 * Memory: one block of plaintext (≤ blockBytes) is buffered at a time.
 */
import { LensError } from '../base/errors';
import { CIPHER_BLOCK_PLAINTEXT_BYTES } from '../base/limits';
import type { CipherMode } from '../base/types';
import { createFrameCipher, type FrameCipher } from './ciphers';
import { CIPHER_MAGIC, headerBytes, IV_BYTES } from './layout';

export interface EncryptOptions {
  mode: CipherMode;
  key: Uint8Array;
  /** Plaintext bytes per block; MindSpore always uses 64 MiB. */
  blockBytes?: number;
  /** The 16-byte IV of block `index`; default: fresh random bytes per block. */
  ivFor?: (index: number) => Uint8Array;
  signal?: AbortSignal;
}

function randomIv(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
}

/** Exact size of the encrypted file for a plaintext of `plaintextSize` bytes. */
export function encryptedSize(
  plaintextSize: number,
  mode: CipherMode,
  blockBytes = CIPHER_BLOCK_PLAINTEXT_BYTES,
): number {
  const fullBlocks = Math.floor(plaintextSize / blockBytes);
  const rest = plaintextSize % blockBytes;
  const one = (length: number): number =>
    headerBytes(mode, 'current') + (mode === 'AES-GCM' ? length : length + 16 - (length % 16));
  return fullBlocks * one(blockBytes) + (rest > 0 ? one(rest) : 0);
}

async function sealBlock(cipher: FrameCipher, plaintext: Uint8Array, iv: Uint8Array): Promise<Uint8Array> {
  if (iv.length !== IV_BYTES) throw new LensError('internal', { hint: `IV must be ${IV_BYTES} bytes` });
  const mode = cipher.mode;
  let ciphertext: Uint8Array;
  let tag: Uint8Array | null = null;
  if (mode === 'AES-GCM') {
    // MindSpore's GCM nonce is the first 12 IV bytes (ckpt-crypto.md §4); all 16 are stored.
    ({ ciphertext, tag } = await cipher.gcmEncrypt(iv.subarray(0, 12), plaintext));
  } else {
    ciphertext = await cipher.cbcEncrypt(iv, plaintext);
  }
  const header = headerBytes(mode, 'current');
  const out = new Uint8Array(header + ciphertext.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, CIPHER_MAGIC[mode], true);
  let at = 4;
  if (tag) {
    out.set(tag, at);
    at += 16;
  }
  view.setInt32(at, 4 + IV_BYTES + 4 + ciphertext.length, true); // block_len
  view.setInt32(at + 4, IV_BYTES, true); // iv_len
  out.set(iv, at + 8);
  view.setInt32(at + 8 + IV_BYTES, ciphertext.length, true); // cipher_len
  out.set(ciphertext, header);
  return out;
}

/** One block: magic, [tag], block_len, iv_len, iv, cipher_len, ciphertext. */
export async function encryptBlock(
  plaintext: Uint8Array,
  options: { mode: CipherMode; key: Uint8Array; iv: Uint8Array },
): Promise<Uint8Array> {
  if (plaintext.length === 0 || plaintext.length > CIPHER_BLOCK_PLAINTEXT_BYTES) {
    throw new LensError('internal', { hint: `a block holds 1 to ${CIPHER_BLOCK_PLAINTEXT_BYTES} plaintext bytes` });
  }
  return sealBlock(await createFrameCipher(options.mode, options.key), plaintext, options.iv);
}

/** Streams MindSpore cipher blocks for the plaintext `chunks`. */
export async function* encryptCheckpoint(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: EncryptOptions,
): AsyncGenerator<Uint8Array> {
  const blockBytes = options.blockBytes ?? CIPHER_BLOCK_PLAINTEXT_BYTES;
  if (!Number.isSafeInteger(blockBytes) || blockBytes < 1 || blockBytes > CIPHER_BLOCK_PLAINTEXT_BYTES) {
    throw new LensError('internal', { hint: `blockBytes must be 1 to ${CIPHER_BLOCK_PLAINTEXT_BYTES}` });
  }
  const cipher = await createFrameCipher(options.mode, options.key);
  const ivFor = options.ivFor ?? randomIv;
  let pending = new Uint8Array(Math.min(blockBytes, 1 << 20));
  let filled = 0;
  let index = 0;
  for await (const chunk of chunks) {
    let at = 0;
    while (at < chunk.length) {
      options.signal?.throwIfAborted();
      const take = Math.min(blockBytes - filled, chunk.length - at);
      if (filled + take > pending.length) {
        const grown = new Uint8Array(Math.min(blockBytes, Math.max(pending.length * 2, filled + take)));
        grown.set(pending.subarray(0, filled));
        pending = grown;
      }
      pending.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === blockBytes) {
        yield await sealBlock(cipher, pending.subarray(0, filled), ivFor(index));
        index += 1;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield await sealBlock(cipher, pending.subarray(0, filled), ivFor(index));
}

/** Convenience for small inputs: the whole encrypted file as one array. */
export async function encryptBytes(plaintext: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of encryptCheckpoint([plaintext], options)) parts.push(part);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
