/**
 * The frame reader: walks MindSpore's cipher blocks (ckpt-crypto.md §1, §3, §7) by reading only
 * each block's header, never the ciphertext, and returns the frame table. It also decides the
 * mode and layout from the first block's magic and shape, so users never have to guess — except
 * for 1.3–1.6 files, which used one magic for both AES modes.
 */
import { LensError } from '../base/errors';
import { FRAME_WINDOW_BYTES, MAX_CIPHER_BLOCK_BYTES, MAX_CIPHER_FRAMES } from '../base/limits';
import type { CipherMode } from '../base/types';
import type { ByteSource } from '../io/byte-source';
import { CIPHER_MAGICS, cipherModeOfMagic } from '../base/cipher-magic';
import { parseCrcTrailer, CRC_TRAILER_BYTES } from '../base/crc-trailer';
import { CIPHER_MAGIC, GCM_TAG_BYTES, headerBytes, IV_BYTES, LEGACY_MAGIC, type CipherLayout } from './layout';

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

/**
 * Blocks in typed arrays (a file of a million tiny blocks must not become a million objects);
 * `frameAt` gives one block's view.
 */
export interface FrameTable {
  mode: CipherMode;
  layout: CipherLayout;
  /** Number of blocks. */
  count: number;
  /** File offset of each block's magic. */
  offsets: Float64Array;
  /** Ciphertext length of each block. */
  cipherLengths: Uint32Array;
  /** Each block's 16-byte IV, block i at i × 16. */
  ivs: Uint8Array;
  /** Each block's 16-byte GCM tag, block i at i × 16 (current-layout AES-GCM only). */
  tags: Uint8Array | null;
  /** Size of the encrypted file. */
  fileSize: number;
  /** A plaintext `crc_num` trailer after the blocks (only when tolerated, see options). */
  crcTrailer: { offset: number; crc: bigint } | null;
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
  const detectedMode = cipherModeOfMagic(head);
  if (!detectedMode) return { encrypted: false, magic };
  if (magic === LEGACY_MAGIC && !shapeIsValid(view, 4 + GCM_TAG_BYTES) && shapeIsValid(view, 4)) {
    return { encrypted: true, mode: null, layout: 'legacy', detectedMode };
  }
  return { encrypted: true, mode: detectedMode, layout: 'current', detectedMode };
}

/** Block `index` of the table, as views into it. */
export function frameAt(table: FrameTable, index: number): CipherFrame {
  const offset = table.offsets[index] as number;
  return {
    index,
    offset,
    tag: table.tags ? table.tags.subarray(index * GCM_TAG_BYTES, (index + 1) * GCM_TAG_BYTES) : null,
    iv: table.ivs.subarray(index * IV_BYTES, (index + 1) * IV_BYTES),
    ciphertextOffset: offset + headerBytes(table.mode, table.layout),
    cipherLength: table.cipherLengths[index] as number,
  };
}

/** Growable typed-array columns of the frame table. */
class FrameColumns {
  count = 0;
  offsets: Float64Array;
  cipherLengths: Uint32Array;
  ivs: Uint8Array;
  tags: Uint8Array | null;

  constructor(
    capacity: number,
    private readonly hasTag: boolean,
  ) {
    this.offsets = new Float64Array(capacity);
    this.cipherLengths = new Uint32Array(capacity);
    this.ivs = new Uint8Array(capacity * IV_BYTES);
    this.tags = hasTag ? new Uint8Array(capacity * GCM_TAG_BYTES) : null;
  }

  /** One block; its IV and tag are copied from `bytes` at `ivAt` and `tagAt` (a million views would cost more). */
  push(offset: number, cipherLength: number, bytes: Uint8Array, ivAt: number, tagAt: number): void {
    if (this.count === this.offsets.length) this.resize(Math.min(MAX_CIPHER_FRAMES, 2 * this.count));
    this.offsets[this.count] = offset;
    this.cipherLengths[this.count] = cipherLength;
    const ivs = this.ivs;
    const tags = this.tags;
    const to = this.count * IV_BYTES;
    for (let i = 0; i < IV_BYTES; i += 1) ivs[to + i] = bytes[ivAt + i] as number;
    if (tags) for (let i = 0; i < GCM_TAG_BYTES; i += 1) tags[to + i] = bytes[tagAt + i] as number;
    this.count += 1;
  }

  resize(capacity: number): void {
    const grow = <T extends Float64Array | Uint32Array | Uint8Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(capacity * per);
      next.set(old.subarray(0, Math.min(old.length, capacity * per)) as never);
      return next;
    };
    this.offsets = grow(this.offsets, (n) => new Float64Array(n));
    this.cipherLengths = grow(this.cipherLengths, (n) => new Uint32Array(n));
    this.ivs = grow(this.ivs, (n) => new Uint8Array(n), IV_BYTES);
    if (this.tags) this.tags = grow(this.tags, (n) => new Uint8Array(n), GCM_TAG_BYTES);
  }

  trimmed(): Pick<FrameTable, 'count' | 'offsets' | 'cipherLengths' | 'ivs' | 'tags'> {
    if (this.count !== this.offsets.length) this.resize(this.count);
    return {
      count: this.count,
      offsets: this.offsets,
      cipherLengths: this.cipherLengths,
      ivs: this.ivs,
      tags: this.hasTag ? this.tags : null,
    };
  }
}

/** Blocks this small are read through in windows: one read per header would cost more than the bytes. */
const READ_THROUGH_BLOCK_BYTES = 64 * 1024;

/** Reads the frame table; throws the LensError that says exactly what is wrong. */
export async function readFrameTable(source: ByteSource, options: FrameTableOptions = {}): Promise<FrameTable> {
  const { signal } = options;
  const size = source.size;
  if (size === 0) {
    // MindSpore encrypts an empty checkpoint to an empty file; with a chosen mode that is valid.
    const empty = new FrameColumns(0, false).trimmed();
    return { mode: options.mode ?? 'AES-GCM', layout: 'current', ...empty, fileSize: 0, crcTrailer: null };
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
      throw new LensError('crypto-legacy-wrong-mode', {
        offset: 0,
        expected: options.mode,
        actual: 'AES-GCM or AES-CBC',
        hint: 'MindSpore 1.3–1.6, whose layout this file has, encrypted only with AES-GCM or AES-CBC (SM4-CBC came later)',
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
  const lengthAt = hasTag ? 4 + GCM_TAG_BYTES : 4;
  // The smallest possible block is a header and one ciphertext byte (16 for CBC).
  const smallestBlock = header + (mode === 'AES-GCM' ? 1 : 16);
  const columns = new FrameColumns(Math.min(MAX_CIPHER_FRAMES, Math.ceil(size / smallestBlock), 1024), hasTag);
  let crcTrailer: FrameTable['crcTrailer'] = null;

  const malformed = (index: number, at: number, hint: string, extra: { limit?: number } = {}): LensError =>
    new LensError('crypto-block-malformed', { block: index, offset: at, hint, ...extra });

  /** Block `index` at `offset`, from bytes holding at least its header: its total size on disk. */
  const parseBlock = (view: DataView, at: number, index: number, offset: number, remaining: number): number => {
    const blockLength = view.getInt32(at + lengthAt, true);
    const ivLength = view.getInt32(at + lengthAt + 4, true);
    const cipherLength = view.getInt32(at + lengthAt + 8 + IV_BYTES, true);
    if (ivLength !== IV_BYTES) throw malformed(index, offset + lengthAt + 4, `iv_len must be 16, got ${ivLength}`);
    const cipherLengthAt = offset + lengthAt + 8 + IV_BYTES;
    if (cipherLength === 0) {
      throw new LensError('crypto-block-empty', { block: index, offset: cipherLengthAt });
    }
    if (cipherLength < 0) throw malformed(index, cipherLengthAt, `cipher_len is negative (${cipherLength})`);
    if (blockLength !== 4 + IV_BYTES + 4 + cipherLength) {
      throw malformed(
        index,
        offset + lengthAt,
        `block_len ${blockLength} does not match 4 + iv_len + 4 + cipher_len = ${4 + IV_BYTES + 4 + cipherLength} (cipher_len ${cipherLength})`,
      );
    }
    if (cipherLength > MAX_CIPHER_BLOCK_BYTES) {
      throw malformed(index, cipherLengthAt, `cipher_len ${cipherLength} exceeds any MindSpore block`, {
        limit: MAX_CIPHER_BLOCK_BYTES,
      });
    }
    if (mode !== 'AES-GCM' && cipherLength % 16 !== 0) {
      // A legacy file does not record its mode: AES-GCM ciphertext of any length read as CBC.
      if (layout === 'legacy')
        throw new LensError('crypto-legacy-wrong-mode', {
          block: index,
          offset: cipherLengthAt,
          expected: mode,
          actual: 'AES-GCM',
          hint: `block ${index}'s cipher_len ${cipherLength} is not a multiple of 16, which ${mode} needs; AES-GCM ciphertext may have any length`,
        });
      throw malformed(index, cipherLengthAt, `cipher_len ${cipherLength} is not a multiple of 16, as CBC needs`);
    }
    const total = header + cipherLength;
    if (total > remaining) {
      throw new LensError('crypto-truncated', { block: index, offset, expected: total, actual: remaining });
    }
    columns.push(offset, cipherLength, window, at + lengthAt + 8, at + 4);
    return total;
  };

  /**
   * MindSpore writes equal blocks but the last, so the first block's size gives the count up
   * front: when that is over the limit and the block where the last one must start is there
   * and ends the file, the file is refused before walking a million headers.
   */
  const refuseTooManyBlocks = async (firstBlock: number): Promise<void> => {
    const estimated = Math.ceil(size / firstBlock);
    if (estimated <= MAX_CIPHER_FRAMES) return;
    const lastStart = (estimated - 1) * firstBlock;
    const last = await source.read(lastStart, Math.min(header, size - lastStart), signal);
    if (last.length < header) return;
    const view = new DataView(last.buffer, last.byteOffset, last.byteLength);
    const lastCipher = view.getInt32(lengthAt + 8 + IV_BYTES, true);
    if (view.getUint32(0, true) !== expectedMagic || lastStart + header + lastCipher !== size) return;
    throw new LensError('crypto-too-many-blocks', {
      actual: estimated,
      limit: MAX_CIPHER_FRAMES,
      hint: `judged by its first block, of ${firstBlock.toLocaleString('en-US')} bytes, and the block at byte ${lastStart.toLocaleString('en-US')}, where the last equal block must start, which ends the file`,
    });
  };

  let window = head;
  let windowView = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let windowStart = 0;
  let lastBlock = 0;
  let offset = 0;
  while (offset < size) {
    const index = columns.count;
    if ((index & 0xffff) === 0) signal?.throwIfAborted();
    if (index >= MAX_CIPHER_FRAMES) {
      throw new LensError('crypto-too-many-blocks', { block: index, offset, limit: MAX_CIPHER_FRAMES });
    }
    const remaining = size - offset;
    const wanted = Math.min(header, remaining);
    if (offset + wanted > windowStart + window.length || offset < windowStart) {
      // Small blocks lie close together: one window holds many headers. Large ones: headers only.
      const through = lastBlock > 0 && lastBlock <= READ_THROUGH_BLOCK_BYTES;
      window = await source.read(offset, Math.min(remaining, through ? FRAME_WINDOW_BYTES : wanted), signal);
      windowView = new DataView(window.buffer, window.byteOffset, window.byteLength);
      windowStart = offset;
    }
    const at = offset - windowStart;
    const available = Math.min(wanted, window.length - at);
    if (remaining === CRC_TRAILER_BYTES && index > 0) {
      const crc = parseCrcTrailer(window.subarray(at, at + available));
      if (crc !== null) {
        if (!options.tolerateCrcTrailer) throw new LensError('crypto-crc-trailer', { offset, block: index });
        crcTrailer = { offset, crc };
        break;
      }
    }
    const magic = available >= 4 ? windowView.getUint32(at, true) : null;
    if (magic !== expectedMagic) {
      if (index > 0) {
        // Another mode's block magic: blocks of two modes joined, not bytes appended.
        const other = magic === null ? undefined : CIPHER_MAGICS[magic];
        if (other !== undefined)
          throw new LensError('crypto-mixed-modes', {
            block: index,
            offset,
            expected: layout === 'legacy' ? `${mode} (MindSpore 1.3–1.6 layout)` : mode,
            actual: other,
            blockCount: index,
          });
        // Not the start of a block: whatever follows the last complete block is not a block.
        throw new LensError('crypto-trailing-bytes', { offset, actual: remaining, blockCount: index });
      }
      throw new LensError('crypto-block-malformed', {
        block: index,
        offset,
        expected: hex32(expectedMagic),
        actual: magic === null ? 'too few bytes' : hex32(magic),
        hint: `the block starts with ${magic === null ? 'fewer than 4 bytes' : hex32(magic)} instead of the ${mode} magic ${hex32(expectedMagic)}`,
      });
    }
    if (available < header) {
      throw new LensError('crypto-truncated', { block: index, offset, expected: header, actual: remaining });
    }
    lastBlock = parseBlock(windowView, at, index, offset, remaining);
    if (index === 0) await refuseTooManyBlocks(lastBlock);
    offset += lastBlock;
  }
  const table: FrameTable = { mode, layout, ...columns.trimmed(), fileSize: size, crcTrailer };
  const repeated = repeatedIv(table);
  if (repeated) {
    throw new LensError('crypto-block-repeated', {
      block: repeated.block,
      offset: table.offsets[repeated.block],
      actual: repeated.first,
    });
  }
  return table;
}

/**
 * The first block whose IV an earlier block already has, and that block. MindSpore draws a fresh
 * random 16-byte IV for every block, so two equal ones mean a block copied into the file — which
 * nothing else may catch: a CBC block, or an AES-GCM block (authenticated on its own, its nonce
 * not bound to its place), repeated where its bytes still parse. A file has at most
 * MAX_CIPHER_FRAMES blocks (checked before the table is read), so a map of their IVs is small.
 */
function repeatedIv(table: FrameTable): { block: number; first: number } | null {
  const seen = new Map<string, number>();
  for (let block = 0; block < table.count; block += 1) {
    const iv = String.fromCharCode(...table.ivs.subarray(block * IV_BYTES, (block + 1) * IV_BYTES));
    const first = seen.get(iv);
    if (first !== undefined) return { block, first };
    seen.set(iv, block);
  }
  return null;
}
