/**
 * The frame reader: walks MindSpore's cipher blocks (ckpt-crypto.md §1, §3, §7) by reading only
 * each block's header, never the ciphertext, and returns the frame table. It also decides the
 * mode and layout from the first block's magic and shape, so users never have to guess — except
 * for 1.3–1.6 files, which used one magic for both AES modes.
 */
import { LensError } from '../base/errors';
import { MAX_CIPHER_BLOCK_BYTES, MAX_CIPHER_FRAMES } from '../base/limits';
import type { CipherMode } from '../base/types';
import type { ByteSource } from '../io/byte-source';
import { parseCrcTrailer, CRC_TRAILER_BYTES } from '../formats/ckpt/trailer';
import {
  CIPHER_MAGIC,
  GCM_TAG_BYTES,
  headerBytes,
  IV_BYTES,
  LEGACY_MAGIC,
  modeOfMagic,
  type CipherLayout,
} from './layout';

export interface CipherFrame {
  /** Block number, from 0. */
  index: number;
  /** File offset of the block's magic. */
  offset: number;
  /** AES-GCM (current layout) only. */
  tag: Uint8Array | null;
  iv: Uint8Array;
  ciphertextOffset: number;
  cipherLength: number;
}

export interface FrameTable {
  mode: CipherMode;
  layout: CipherLayout;
  frames: CipherFrame[];
  /** Size of the encrypted file. */
  fileSize: number;
  /** A plaintext `crc_num` trailer after the blocks (only when tolerated, see options). */
  crcTrailer: { offset: number; crc: number } | null;
}

export interface FrameTableOptions {
  /** The mode the user chose; required for legacy files, checked against the magic otherwise. */
  mode?: CipherMode;
  signal?: AbortSignal;
  /** List a trailing plaintext `crc_num` trailer instead of failing on it (MindSpore fails). */
  tolerateCrcTrailer?: boolean;
}

export type EncryptionGuess =
  | { encrypted: false; magic: number | null }
  | { encrypted: true; mode: CipherMode | null; layout: CipherLayout; detectedMode: CipherMode };

const hex32 = (value: number): string => `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

/** block_len, iv_len and cipher_len agree, as MindSpore's ParseEncryptData requires. */
function shapeIsValid(view: DataView, lengthAt: number): boolean {
  if (view.byteLength < lengthAt + 28) return false;
  const blockLength = view.getInt32(lengthAt, true);
  const ivLength = view.getInt32(lengthAt + 4, true);
  const cipherLength = view.getInt32(lengthAt + 8 + IV_BYTES, true);
  return ivLength === IV_BYTES && cipherLength > 0 && blockLength === 4 + IV_BYTES + 4 + cipherLength;
}

/**
 * What the first block says, from its first 48 bytes (or fewer, for tiny files): encrypted or
 * not, the mode from the magic, and the layout (1.3–1.6 "legacy" blocks have no GCM tag, so
 * their lengths sit where the tag would be).
 */
export function detectEncryption(head: Uint8Array): EncryptionGuess {
  if (head.length < 4) return { encrypted: false, magic: null };
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0, true);
  const detectedMode = modeOfMagic(magic);
  if (!detectedMode) return { encrypted: false, magic };
  if (magic === LEGACY_MAGIC && !shapeIsValid(view, 4 + GCM_TAG_BYTES) && shapeIsValid(view, 4)) {
    return { encrypted: true, mode: null, layout: 'legacy', detectedMode };
  }
  return { encrypted: true, mode: detectedMode, layout: 'current', detectedMode };
}

/** What the UI shows before asking for a key: encrypted or not, the mode (null for legacy), the layout. */
export async function probeEncryption(source: ByteSource, signal?: AbortSignal): Promise<EncryptionGuess> {
  if (source.size === 0) return { encrypted: false, magic: null };
  return detectEncryption(await source.read(0, Math.min(48, source.size), signal));
}

/** Reads the frame table; throws the LensError that says exactly what is wrong. */
export async function readFrameTable(source: ByteSource, options: FrameTableOptions = {}): Promise<FrameTable> {
  const { signal } = options;
  const size = source.size;
  if (size === 0) {
    // MindSpore encrypts an empty checkpoint to an empty file; with a chosen mode that is valid.
    return { mode: options.mode ?? 'AES-GCM', layout: 'current', frames: [], fileSize: 0, crcTrailer: null };
  }
  const head = await source.read(0, Math.min(48, size), signal);
  const guess = detectEncryption(head);
  if (!guess.encrypted) {
    throw new LensError('crypto-not-encrypted', {
      offset: 0,
      actual: guess.magic === null ? 'too few bytes' : hex32(guess.magic),
    });
  }
  let mode: CipherMode;
  if (guess.layout === 'legacy') {
    if (!options.mode) throw new LensError('crypto-legacy-needs-mode', { offset: 0 });
    if (options.mode === 'SM4-CBC') {
      throw new LensError('crypto-wrong-mode', {
        offset: 0,
        expected: options.mode,
        actual: 'AES-GCM or AES-CBC (MindSpore 1.3–1.6 layout, which had no SM4)',
      });
    }
    mode = options.mode;
  } else {
    mode = guess.detectedMode;
    if (options.mode && options.mode !== mode) {
      throw new LensError('crypto-wrong-mode', { offset: 0, block: 0, expected: options.mode, actual: mode });
    }
  }
  const layout = guess.layout;
  const expectedMagic = layout === 'legacy' ? LEGACY_MAGIC : CIPHER_MAGIC[mode];
  const hasTag = layout === 'current' && mode === 'AES-GCM';
  const header = headerBytes(mode, layout);
  const frames: CipherFrame[] = [];
  let crcTrailer: FrameTable['crcTrailer'] = null;

  let offset = 0;
  while (offset < size) {
    signal?.throwIfAborted();
    const index = frames.length;
    if (index >= MAX_CIPHER_FRAMES)
      throw new LensError('crypto-block-corrupted', {
        block: index,
        offset,
        limit: MAX_CIPHER_FRAMES,
        hint: `more than ${MAX_CIPHER_FRAMES} blocks`,
      });
    const remaining = size - offset;
    const bytes =
      index === 0 && offset === 0 && head.length >= Math.min(header, remaining)
        ? head
        : await source.read(offset, Math.min(header, remaining), signal);
    if (remaining === CRC_TRAILER_BYTES && index > 0) {
      const crc = parseCrcTrailer(await source.read(offset, CRC_TRAILER_BYTES, signal));
      if (crc !== null) {
        if (!options.tolerateCrcTrailer) throw new LensError('crypto-crc-trailer', { offset, block: index });
        crcTrailer = { offset, crc };
        break;
      }
    }
    if (bytes.length < 4)
      throw new LensError('crypto-truncated', { block: index, offset, expected: header, actual: remaining });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const magic = view.getUint32(0, true);
    if (magic !== expectedMagic) {
      throw new LensError('crypto-block-corrupted', {
        block: index,
        offset,
        expected: hex32(expectedMagic),
        actual: hex32(magic),
        hint: `the block starts with ${hex32(magic)} instead of the ${mode} magic ${hex32(expectedMagic)}`,
      });
    }
    if (bytes.length < header)
      throw new LensError('crypto-truncated', { block: index, offset, expected: header, actual: remaining });
    const lengthAt = hasTag ? 4 + GCM_TAG_BYTES : 4;
    const blockLength = view.getInt32(lengthAt, true);
    const ivLength = view.getInt32(lengthAt + 4, true);
    const cipherLength = view.getInt32(lengthAt + 8 + IV_BYTES, true);
    if (ivLength !== IV_BYTES) {
      throw new LensError('crypto-block-corrupted', {
        block: index,
        offset: offset + lengthAt + 4,
        hint: `iv_len must be 16, got ${ivLength}`,
      });
    }
    if (cipherLength <= 0 || blockLength !== 4 + IV_BYTES + 4 + cipherLength) {
      throw new LensError('crypto-block-corrupted', {
        block: index,
        offset: offset + lengthAt,
        hint: `block_len ${blockLength} does not match 4 + iv_len + 4 + cipher_len (cipher_len ${cipherLength})`,
      });
    }
    if (cipherLength > MAX_CIPHER_BLOCK_BYTES) {
      throw new LensError('crypto-block-corrupted', {
        block: index,
        offset,
        limit: MAX_CIPHER_BLOCK_BYTES,
        hint: `cipher_len ${cipherLength} exceeds any MindSpore block`,
      });
    }
    if (mode !== 'AES-GCM' && cipherLength % 16 !== 0) {
      throw new LensError('crypto-block-corrupted', {
        block: index,
        offset,
        hint: `cipher_len ${cipherLength} is not a multiple of 16, as CBC needs`,
      });
    }
    const end = offset + lengthAt + 4 + blockLength;
    if (end > size) {
      throw new LensError('crypto-truncated', { block: index, offset, expected: end - offset, actual: remaining });
    }
    frames.push({
      index,
      offset,
      tag: hasTag ? bytes.slice(4, 4 + GCM_TAG_BYTES) : null,
      iv: bytes.slice(lengthAt + 8, lengthAt + 8 + IV_BYTES),
      ciphertextOffset: offset + header,
      cipherLength,
    });
    offset = end;
  }
  return { mode, layout, frames, fileSize: size, crcTrailer };
}
