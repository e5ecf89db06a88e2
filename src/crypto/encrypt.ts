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
 *   sealBlocks(blocks, options): AsyncGenerator<SealedBlock>
 *     blocks:  plaintext already cut into blocks (each `blockBytes` long, the last one shorter);
 *              the next block is pulled while the previous ones encrypt.
 *     options: as above, plus inFlight (encryptions at once, default 1), consume (the blocks'
 *              buffers are given away: freed as soon as the cipher has copied them) and sealer
 *              (where blocks are sealed, e.g. a pool worker; default this thread).
 *     yields:  { header, ciphertext } per block, unjoined (no 64 MiB copy to put them together).
 *
 *   encryptBlock(plaintext, { mode, key, iv }): Promise<Uint8Array>   one block, ≤ 64 MiB plaintext
 *   encryptBytes(plaintext, options): Promise<Uint8Array>             whole small input at once
 *   encryptedSize(plaintextSize, mode, blockBytes?): number           exact output size up front
 *
 * A `crc_num` trailer must NOT be appended to an encrypted file: MindSpore cannot read it.
 * Memory: one block of plaintext (≤ blockBytes) is buffered while the one before encrypts.
 */
import { LensError } from '../base/errors';
import { CIPHER_BLOCK_PLAINTEXT_BYTES } from '../base/limits';
import type { CipherMode } from '../base/types';
import { createFrameCipher, type FrameCipher } from './ciphers';
import { CIPHER_MAGIC, headerBytes, IV_BYTES } from './layout';
import { concatBytes, lend } from '../base/bytes';
import { releaseBuffer } from '../io/release';

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

/** One cipher block in two pieces: magic, [tag], block_len, iv_len, iv, cipher_len — then the ciphertext. */
export interface SealedBlock {
  header: Uint8Array;
  ciphertext: Uint8Array;
}

async function sealBlock(
  cipher: FrameCipher,
  plaintext: Uint8Array,
  iv: Uint8Array,
  consume = false,
): Promise<SealedBlock> {
  if (iv.length !== IV_BYTES) throw new LensError('internal', { hint: `IV must be ${IV_BYTES} bytes` });
  const mode = cipher.mode;
  let ciphertext: Uint8Array;
  let tag: Uint8Array | null = null;
  if (mode === 'AES-GCM') {
    // MindSpore's GCM nonce is the first 12 IV bytes (ckpt-crypto.md §4); all 16 are stored.
    ({ ciphertext, tag } = await cipher.gcmEncrypt(iv.subarray(0, 12), plaintext, consume));
  } else {
    ciphertext = await cipher.cbcEncrypt(iv, plaintext);
  }
  const header = new Uint8Array(headerBytes(mode, 'current'));
  const view = new DataView(header.buffer);
  view.setUint32(0, CIPHER_MAGIC[mode], true);
  let at = 4;
  if (tag) {
    header.set(tag, at);
    at += 16;
  }
  view.setInt32(at, 4 + IV_BYTES + 4 + ciphertext.length, true); // block_len
  view.setInt32(at + 4, IV_BYTES, true); // iv_len
  header.set(iv, at + 8);
  view.setInt32(at + 8 + IV_BYTES, ciphertext.length, true); // cipher_len
  return { header, ciphertext };
}

function joined(block: SealedBlock): Uint8Array {
  const out = new Uint8Array(block.header.length + block.ciphertext.length);
  out.set(block.header);
  out.set(block.ciphertext, block.header.length);
  return out;
}

function checkBlockBytes(blockBytes: number): void {
  if (!Number.isSafeInteger(blockBytes) || blockBytes < 1 || blockBytes > CIPHER_BLOCK_PLAINTEXT_BYTES) {
    throw new LensError('internal', { hint: `blockBytes must be 1 to ${CIPHER_BLOCK_PLAINTEXT_BYTES}` });
  }
}

/**
 * Seals one block elsewhere — a pool worker, for the modes whose cipher keeps the thread busy
 * (SM4 in WASM, software AES-192), so that the thread reading the next block goes on. It is given
 * the block's buffer (and the block's fresh IV, chosen here).
 */
export type BlockSealer = (plaintext: Uint8Array, iv: Uint8Array) => Promise<SealedBlock>;

export interface SealOptions extends EncryptOptions {
  /** Blocks encrypting at once; the next block is produced meanwhile. Default 1. */
  inFlight?: number;
  /** The blocks' buffers are the caller's to give away: freed once the cipher has copied them. */
  consume?: boolean;
  /** Where blocks are sealed; default this thread. */
  sealer?: BlockSealer;
  /**
   * A block's ciphertext is lent (`keepable` copies it): valid until the next block is asked
   * for, when its memory is freed — not left for the garbage collector, which a thread that
   * mostly waits on reads and WebCrypto runs too rarely (64 MiB a block).
   */
  lend?: boolean;
}

/** One block sealed here with a fresh cipher (what a pool worker's sealer runs); the plaintext is given away. */
export async function sealOneBlock(
  mode: CipherMode,
  key: Uint8Array,
  plaintext: Uint8Array,
  iv: Uint8Array,
): Promise<SealedBlock> {
  return sealBlock(await createFrameCipher(mode, key), plaintext, iv, true);
}

/**
 * Seals blocks that are already cut (each `blockBytes` long except the last), pulling the next
 * block — for an export, reading it from the source — while the previous ones encrypt. Every
 * block gets its own IV from `ivFor` (default: fresh random bytes; an IV is never reused).
 */
export async function* sealBlocks(
  blocks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: SealOptions,
): AsyncGenerator<SealedBlock> {
  const blockBytes = options.blockBytes ?? CIPHER_BLOCK_PLAINTEXT_BYTES;
  checkBlockBytes(blockBytes);
  const cipher = options.sealer ? null : await createFrameCipher(options.mode, options.key);
  const seal: BlockSealer =
    options.sealer ?? ((plaintext, iv) => sealBlock(cipher as FrameCipher, plaintext, iv, options.consume));
  const ivFor = options.ivFor ?? randomIv;
  const inFlight = Math.max(1, options.inFlight ?? 1);
  const iterator =
    Symbol.asyncIterator in blocks
      ? blocks[Symbol.asyncIterator]()
      : (blocks as Iterable<Uint8Array>)[Symbol.iterator]();
  const sealing: Promise<SealedBlock>[] = [];
  // Yields a block; a lent one's ciphertext is freed when the consumer comes back for the next.
  async function* handOut(block: SealedBlock): AsyncGenerator<SealedBlock> {
    if (!options.lend) {
      yield block;
      return;
    }
    lend(block.ciphertext.buffer);
    yield block;
    releaseBuffer(block.ciphertext.buffer);
  }
  let index = 0;
  let last = false;
  try {
    let next = Promise.resolve(iterator.next());
    for (;;) {
      const { done, value } = await next;
      if (done) break;
      options.signal?.throwIfAborted();
      if (last || value.length === 0 || value.length > blockBytes) {
        throw new LensError('internal', { hint: `block ${index} holds ${value.length} bytes, not ${blockBytes}` });
      }
      last = value.length < blockBytes;
      const sealed = seal(value, ivFor(index));
      sealed.catch(() => undefined); // awaited in order below
      sealing.push(sealed);
      index += 1;
      // The next block is read while this one encrypts.
      next = Promise.resolve(iterator.next());
      next.catch(() => undefined);
      while (sealing.length >= inFlight) yield* handOut(await (sealing.shift() as Promise<SealedBlock>));
    }
    while (sealing.length > 0) yield* handOut(await (sealing.shift() as Promise<SealedBlock>));
  } finally {
    await iterator.return?.();
  }
}

/** Streams MindSpore cipher blocks for the plaintext `chunks`. */
export async function* encryptCheckpoint(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: EncryptOptions,
): AsyncGenerator<Uint8Array> {
  const blockBytes = options.blockBytes ?? CIPHER_BLOCK_PLAINTEXT_BYTES;
  checkBlockBytes(blockBytes);
  for await (const block of sealBlocks(recut(chunks, blockBytes, options.signal), { ...options, consume: true })) {
    yield joined(block);
  }
}

/** Re-cuts chunks of any sizes into blocks of `blockBytes` (the last one shorter), each a new buffer. */
async function* recut(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  blockBytes: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let pending = new Uint8Array(Math.min(blockBytes, 1 << 20));
  let filled = 0;
  for await (const chunk of chunks) {
    let at = 0;
    while (at < chunk.length) {
      signal?.throwIfAborted();
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
        // Handed over whole (the cipher may free it): the next block starts in a new buffer.
        yield pending;
        pending = new Uint8Array(Math.min(blockBytes, 1 << 20));
        filled = 0;
      }
    }
  }
  if (filled > 0) yield pending.subarray(0, filled);
}

/** Convenience for small inputs: the whole encrypted file as one array. */
export async function encryptBytes(plaintext: Uint8Array, options: EncryptOptions): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of encryptCheckpoint([plaintext], options)) parts.push(part);
  return concatBytes(parts);
}
