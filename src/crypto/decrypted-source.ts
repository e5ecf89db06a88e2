/**
 * The decrypted checkpoint as a plain ByteSource: `read(offset, length)` maps plaintext offsets
 * to cipher blocks, decrypts the blocks it needs and keeps a bounded LRU of decrypted units, so
 * the ckpt walker reads it unchanged and memory stays flat in the file size.
 *
 * Unit of decryption: a whole block for AES-GCM (the tag covers the whole block); for CBC modes
 * and legacy (tagless, i.e. CTR) GCM, segments of ≤ 4 MiB, since those can be cut anywhere on a
 * 16-byte boundary (CBC chains from the previous ciphertext block, CTR from a counter).
 */
import { LensError } from '../base/errors';
import {
  DECRYPT_CACHE_BYTES,
  DECRYPT_CONCURRENCY,
  DECRYPT_SEGMENT_BYTES,
  DEFAULT_WINDOW_BYTES,
  MAX_READ_BYTES,
} from '../base/limits';
import type { CipherMode } from '../base/types';
import { isSliceable, type ByteSource } from '../io/byte-source';
import { releaseBuffer } from '../io/release';
import { counterBlock, createFrameCipher, type FrameCipher } from './ciphers';
import { frameAt, readFrameTable, type FrameTable } from './frames';
import { GCM_NONCE_BYTES } from './layout';

export interface DecryptUnit {
  /** Unit number, in plaintext order. */
  index: number;
  /** The cipher block it belongs to. */
  block: number;
  kind: 'gcm' | 'ctr' | 'cbc';
  /** File bytes to read. For CBC segments after the first, the 16 bytes before are the chaining IV. */
  readOffset: number;
  readLength: number;
  /** gcm: 12-byte nonce; ctr: the 16-byte counter block; cbc: the IV, or null (first 16 read bytes). */
  iv: Uint8Array | null;
  tag: Uint8Array | null;
  /** CBC: the block's last segment, which carries the PKCS#7 padding. */
  padded: boolean;
  plaintextOffset: number;
  plaintextLength: number;
}

/**
 * The block does not decrypt: its GCM tag or CBC padding fails. Whether that means damage or a
 * wrong key is decided by whoever knows which block, if any, proved the key (`withKeyProof`).
 */
function authenticationFailure(unit: DecryptUnit, hint: string): LensError {
  return new LensError('crypto-block-corrupted', { block: unit.block, offset: unit.readOffset, hint });
}

/** A block failure, with the block that proved the key when one did. */
function withKeyProof(error: unknown, keyBlock: number | null): unknown {
  if (!(error instanceof LensError) || error.code !== 'crypto-block-corrupted' || keyBlock === null) return error;
  if (error.details.keyBlock !== undefined) return error;
  return new LensError('crypto-block-corrupted', { ...error.details, keyBlock }, error.cause);
}

/**
 * Pure and independent per unit (a worker pool can call it): ciphertext bytes of `unit` (as
 * described by readOffset/readLength) → plaintext. Throws crypto-block-corrupted when the GCM
 * tag or the CBC padding does not verify (the caller tells a wrong key from damage).
 * With `consume`, the buffer behind `bytes` is the caller's to give away and is freed once read.
 */
export async function decryptUnit(
  unit: DecryptUnit,
  bytes: Uint8Array,
  cipher: FrameCipher,
  consume = false,
): Promise<Uint8Array> {
  if (bytes.length !== unit.readLength) {
    throw new LensError('crypto-truncated', {
      block: unit.block,
      offset: unit.readOffset,
      expected: unit.readLength,
      actual: bytes.length,
    });
  }
  let plain: Uint8Array | null;
  if (unit.kind === 'gcm') {
    plain = await cipher.gcmDecrypt(unit.iv as Uint8Array, bytes, unit.tag as Uint8Array, consume);
    if (!plain) throw authenticationFailure(unit, 'the AES-GCM tag does not match');
  } else if (unit.kind === 'ctr') {
    plain = await cipher.ctrXor(unit.iv as Uint8Array, bytes);
  } else {
    const iv = unit.iv ?? bytes.subarray(0, 16);
    const ciphertext = unit.iv ? bytes : bytes.subarray(16);
    plain = await cipher.cbcDecrypt(iv, ciphertext, unit.padded);
    if (!plain) throw authenticationFailure(unit, 'the CBC padding is invalid');
  }
  if (plain.length !== unit.plaintextLength) {
    throw new LensError('crypto-block-corrupted', {
      block: unit.block,
      offset: unit.readOffset,
      hint: `decrypted ${plain.length} bytes where ${unit.plaintextLength} were expected`,
    });
  }
  if (consume && plain.buffer !== bytes.buffer) releaseBuffer(bytes.buffer);
  return plain;
}

let lastCipher: { mode: CipherMode; key: Uint8Array; cipher: Promise<FrameCipher> } | null = null;

/** Drops the key `decryptBlock` keeps for reuse; call when the file is closed. */
export function forgetCachedKey(): void {
  lastCipher?.key.fill(0);
  lastCipher = null;
}

/** `decryptUnit` for callers holding only key bytes (a pool worker): reuses the last key's cipher. */
export function decryptBlock(
  unit: DecryptUnit,
  bytes: Uint8Array,
  mode: CipherMode,
  key: Uint8Array,
  consume = false,
): Promise<Uint8Array> {
  const same =
    lastCipher !== null &&
    lastCipher.mode === mode &&
    lastCipher.key.length === key.length &&
    lastCipher.key.every((byte, i) => byte === key[i]);
  if (!same) lastCipher = { mode, key: key.slice(), cipher: createFrameCipher(mode, key) };
  return (lastCipher as { cipher: Promise<FrameCipher> }).cipher.then((cipher) =>
    decryptUnit(unit, bytes, cipher, consume),
  );
}

/**
 * Reads `length` bytes at `offset` into one buffer with 16 spare bytes after the view (the
 * WebCrypto paths append a tag or pad block there, not copying). With `oneRead` (whole GCM
 * blocks) from a Blob, one read of the slice followed by 16 bytes: the browser fills the buffer,
 * nothing is copied or zeroed in JS (less CPU than windows joined here); otherwise ≤ 16 MiB
 * windows, two in flight.
 */
export async function readSpan(
  source: ByteSource,
  offset: number,
  length: number,
  signal?: AbortSignal,
  oneRead = false,
): Promise<Uint8Array> {
  if (oneRead && isSliceable(source) && length > 0) {
    signal?.throwIfAborted();
    let buffer: ArrayBuffer;
    try {
      buffer = await new Blob([source.slice(offset, offset + length), new Uint8Array(16)]).arrayBuffer();
    } catch (error) {
      throw new LensError('read-failed', { offset, hint: String(error) }, error);
    }
    if (buffer.byteLength !== length + 16) {
      throw new LensError('crypto-truncated', { offset, expected: length, actual: buffer.byteLength - 16 });
    }
    return new Uint8Array(buffer, 0, length);
  }
  const out = new Uint8Array(new ArrayBuffer(length + 16), 0, length);
  const windows: [number, number][] = [];
  for (let at = 0; at < length; at += DEFAULT_WINDOW_BYTES)
    windows.push([at, Math.min(DEFAULT_WINDOW_BYTES, length - at)]);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < windows.length) {
      const [at, size] = windows[next++] as [number, number];
      const bytes = await source.read(offset + at, size, signal);
      if (bytes.length !== size) {
        throw new LensError('crypto-truncated', { offset: offset + at, expected: size, actual: bytes.length });
      }
      out.set(bytes, at);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/** Cuts blocks into decrypt units; `plaintextLengths[i]` is block i's plaintext size. */
export function planUnits(
  table: FrameTable,
  plaintextLengths: number[],
  segmentBytes = DECRYPT_SEGMENT_BYTES,
): DecryptUnit[] {
  const units: DecryptUnit[] = [];
  let plaintextOffset = 0;
  for (let block = 0; block < table.count; block += 1) {
    const frame = frameAt(table, block);
    const plaintextLength = plaintextLengths[frame.index] as number;
    if (table.mode === 'AES-GCM' && table.layout === 'current') {
      units.push({
        index: units.length,
        block: frame.index,
        kind: 'gcm',
        readOffset: frame.ciphertextOffset,
        readLength: frame.cipherLength,
        iv: frame.iv.slice(0, GCM_NONCE_BYTES),
        // Copies, not views of the table: a unit sent to a pool worker must not drag the whole table along.
        tag: frame.tag ? frame.tag.slice() : null,
        padded: false,
        plaintextOffset,
        plaintextLength,
      });
    } else {
      const kind = table.mode === 'AES-GCM' ? 'ctr' : 'cbc';
      const step = Math.max(16, segmentBytes - (segmentBytes % 16));
      for (let at = 0; at < frame.cipherLength; at += step) {
        const length = Math.min(step, frame.cipherLength - at);
        const last = at + length === frame.cipherLength;
        const chained = kind === 'cbc' && at > 0;
        units.push({
          index: units.length,
          block: frame.index,
          kind,
          readOffset: frame.ciphertextOffset + at - (chained ? 16 : 0),
          readLength: length + (chained ? 16 : 0),
          // Legacy "GCM" without a tag is CTR from nonce ‖ 2 (GCM's first data counter).
          iv: kind === 'ctr' ? counterBlock(frame.iv, 2 + at / 16) : chained ? null : frame.iv.slice(),
          tag: null,
          padded: kind === 'cbc' && last,
          plaintextOffset: plaintextOffset + at,
          plaintextLength: last ? plaintextLength - at : length,
        });
      }
    }
    plaintextOffset += plaintextLength;
  }
  return units;
}

/**
 * CBC padding of at least this many bytes proves a key: a wrong key yields it by chance less than
 * once in 2^32 (one pad byte: once in 256). MindSpore's full 64 MiB blocks carry 16.
 */
const KEY_PROOF_PAD_BYTES = 4;

/** 1.3–1.6 files record no mode: an AES-GCM one read as AES-CBC fails its padding as a wrong key does. */
const LEGACY_NO_MODE =
  'files of MindSpore 1.3–1.6 do not record their mode, and an AES-GCM one read as AES-CBC gives the same';

/** A wrong-key verdict names at most this many of the blocks that failed (the first ones and the last). */
const NAMED_BLOCKS = 6;

/** Plaintext sizes, and the block whose decryption proved the key (null: none could). */
export interface KeyCheck {
  lengths: number[];
  keyBlock: number | null;
}

/**
 * CBC modes: plaintext size of every block and the key check. Decrypts only each block's last
 * 16-byte cipher block (chained from the one before) and reads its PKCS#7 padding — a few bytes
 * per 64 MiB. A padding of KEY_PROOF_PAD_BYTES or more proves the key, and then a block whose
 * padding fails is damaged. With no block proving it, any block failing means a wrong key (or
 * every failing block damaged); when every block passes a short check, nothing is decided here
 * (keyBlock null) and the plaintext decides.
 */
async function checkCbcBlocks(
  source: ByteSource,
  table: FrameTable,
  cipher: FrameCipher,
  signal?: AbortSignal,
): Promise<KeyCheck> {
  const padOf = async (block: number): Promise<number | null> => {
    const frame = frameAt(table, block);
    const chained = frame.cipherLength > 16;
    const readOffset = frame.ciphertextOffset + frame.cipherLength - (chained ? 32 : 16);
    const bytes = await readSpan(source, readOffset, chained ? 32 : 16, signal);
    const iv = chained ? bytes.subarray(0, 16) : frame.iv;
    const tail = await cipher.cbcDecrypt(iv, bytes.subarray(chained ? 16 : 0), true);
    return tail ? 16 - tail.length : null;
  };
  const pads: (number | null)[] = new Array<number | null>(table.count).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < table.count) {
      const block = next++;
      pads[block] = await padOf(block);
    }
  };
  await Promise.all(Array.from({ length: DECRYPT_CONCURRENCY }, worker));
  const proof = pads.findIndex((pad) => pad !== null && pad >= KEY_PROOF_PAD_BYTES);
  const failing = pads.flatMap((pad, block) => (pad === null ? [block] : []));
  // No block proves the key and some block fails: a wrong key (a wrong key passes a short padding
  // check about one time in 256 per block, so the blocks that pass prove nothing). The error
  // carries what was found: how many blocks failed, a few of them by number, and block 0's
  // short padding when it passed.
  if (proof < 0 && failing.length > 0) {
    const firstPad = pads[0];
    throw new LensError('crypto-wrong-key', {
      block: 0,
      ...(firstPad === null || firstPad === undefined
        ? {
            hint:
              table.layout === 'legacy'
                ? `the CBC padding is invalid; ${LEGACY_NO_MODE}`
                : 'the CBC padding is invalid',
          }
        : { shortPad: firstPad, ...(table.layout === 'legacy' ? { hint: LEGACY_NO_MODE } : {}) }),
      blocksTried:
        failing.length <= NAMED_BLOCKS
          ? failing
          : [...failing.slice(0, NAMED_BLOCKS - 1), failing[failing.length - 1] as number],
      failedCount: failing.length,
      blockCount: table.count,
    });
  }
  // The key is proven: a block failing its padding check is damaged.
  const damaged = failing[0];
  if (damaged !== undefined) {
    const frame = frameAt(table, damaged);
    throw withKeyProof(
      new LensError('crypto-block-corrupted', {
        block: damaged,
        offset: frame.ciphertextOffset + frame.cipherLength - 16,
        hint: 'the CBC padding is invalid',
      }),
      proof,
    );
  }
  const lengths = pads.map((pad, block) => (table.cipherLengths[block] as number) - (pad as number));
  return { lengths, keyBlock: proof >= 0 ? proof : null };
}

export interface DecryptedSourceOptions {
  /** Bytes of decrypted units kept for random access. */
  cacheBytes?: number;
  /** Units decrypted ahead of a sequential reader. */
  readAhead?: number;
  /**
   * Whole-block (GCM) units decrypting at once, here or in the pool; default 1. A WebCrypto block
   * decrypts in pieces over its own ciphertext (gcm-pieces.ts), so one at a time, with the next
   * block's read overlapping it, holds about two blocks (docs/performance.md).
   */
  decryptConcurrency?: number;
  /** Segment size for cuttable modes (tests shrink it). */
  segmentBytes?: number;
  signal?: AbortSignal;
  /**
   * Runs `decryptUnit` elsewhere (a worker pool calling `decryptBlock(unit, bytes, mode, key)`);
   * default: in this thread with this source's cipher.
   */
  decryptor?: (unit: DecryptUnit, bytes: Uint8Array) => Promise<Uint8Array>;
}

/**
 * A forward reader never returns more than this far behind its position (the scan re-reads a
 * scalar or string value of the record it has just passed, ≤ 256 KiB), so units ending further
 * back are freed at once.
 */
const BEHIND_MARGIN_BYTES = 1024 * 1024;

export class DecryptedSource implements ByteSource {
  readonly size: number;
  readonly freshReads = true;
  private readonly cache = new Map<number, Uint8Array>();
  private cachedBytes = 0;
  private readonly inflight = new Map<number, Promise<Uint8Array>>();
  /** Units a read() is waiting for or copying from: never freed under it. */
  private readonly pinned = new Map<number, number>();
  private lastReadEnd = -1;
  /** The unit the latest read() is at: units before it are behind the reader. */
  private readerUnit = -1;
  /** Whole blocks: ciphertext reads go one at a time, in request order. */
  private readChain: Promise<unknown> = Promise.resolve();
  /** Whole blocks: the ciphertext of the unit after the read-ahead, read while those decrypt. */
  private ciphertextAhead: { index: number; bytes: Promise<Uint8Array> } | null = null;
  private decrypting = 0;
  private readonly decryptWaiters: (() => void)[] = [];
  /** Units decrypted so far (tests and the benchmark read it). */
  unitsDecrypted = 0;
  /**
   * The block whose GCM tag (or long CBC padding) verified with the key, so a later failure is
   * damage, not a wrong key; null while none has (legacy CTR files never can).
   */
  keyBlock: number | null = null;

  constructor(
    private readonly cipherSource: ByteSource,
    readonly table: FrameTable,
    readonly units: DecryptUnit[],
    private readonly cipher: FrameCipher,
    private readonly options: DecryptedSourceOptions = {},
  ) {
    const last = units[units.length - 1];
    this.size = last ? last.plaintextOffset + last.plaintextLength : 0;
  }

  /** The cipher block whose plaintext holds byte `offset` of the decrypted file. */
  blockAt(offset: number): number {
    return (this.units[this.unitAt(offset)] as DecryptUnit).block;
  }

  private unitAt(offset: number): number {
    let low = 0;
    let high = this.units.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.units[middle] as DecryptUnit).plaintextOffset <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /**
   * Whole GCM blocks are read in order, one at a time (each read is one large Blob read, which
   * streams as fast as two smaller ones), so the next block's ciphertext arrives while this one
   * decrypts; segments of cuttable modes are small and read as they are asked for.
   */
  private readCiphertext(unit: DecryptUnit, signal?: AbortSignal): Promise<Uint8Array> {
    if (unit.kind !== 'gcm') return readSpan(this.cipherSource, unit.readOffset, unit.readLength, signal);
    if (this.ciphertextAhead?.index === unit.index) {
      const { bytes } = this.ciphertextAhead;
      this.ciphertextAhead = null;
      return bytes;
    }
    const read = this.readChain.then(() => readSpan(this.cipherSource, unit.readOffset, unit.readLength, signal, true));
    this.readChain = read.catch(() => undefined);
    return read;
  }

  /** A decrypt slot for a whole block, here or in the pool (cuttable modes' segments are small). */
  private async decryptSlot(unit: DecryptUnit): Promise<() => void> {
    if (unit.kind !== 'gcm') return () => undefined;
    const limit = Math.max(1, this.options.decryptConcurrency ?? 1);
    while (this.decrypting >= limit) await new Promise<void>((resolve) => this.decryptWaiters.push(resolve));
    this.decrypting += 1;
    return () => {
      this.decrypting -= 1;
      this.decryptWaiters.shift()?.();
    };
  }

  /** Reads and decrypts one unit, without caching; the caller owns the result. */
  async decrypt(index: number, signal?: AbortSignal): Promise<Uint8Array> {
    const unit = this.units[index] as DecryptUnit;
    const bytes = await this.readCiphertext(unit, signal);
    const done = await this.decryptSlot(unit);
    let plain: Uint8Array;
    try {
      plain = this.options.decryptor
        ? await this.options.decryptor(unit, bytes)
        : await decryptUnit(unit, bytes, this.cipher, true);
    } catch (error) {
      throw withKeyProof(error, this.keyBlock);
    } finally {
      done();
    }
    this.unitsDecrypted += 1;
    return plain;
  }

  /**
   * Whole GCM blocks: decrypts block 0 (kept for the scan, which starts there) to check the key.
   * When its tag fails, block 1 and the last block are tried: if one verifies, the key is right
   * and block 0 is damaged; if none does, the key is wrong (or all of them are damaged).
   */
  async confirmKey(signal?: AbortSignal): Promise<void> {
    if (this.units[0]?.kind !== 'gcm') return;
    let failure: LensError;
    try {
      await this.unit(0, signal);
      this.keyBlock = 0;
      return;
    } catch (error) {
      if (!(error instanceof LensError) || error.code !== 'crypto-block-corrupted') throw error;
      failure = error;
    }
    const others = [...new Set([1, this.units.length - 1])].filter((index) => index > 0 && index < this.units.length);
    for (const index of others) {
      try {
        await this.decrypt(index, signal);
      } catch (error) {
        if (error instanceof LensError && error.code === 'crypto-block-corrupted') continue;
        throw error;
      }
      this.keyBlock = index;
      throw withKeyProof(failure, index);
    }
    throw new LensError('crypto-wrong-key', {
      block: 0,
      hint: failure.details.hint ?? 'the AES-GCM tag does not match',
      blocksTried: [0, ...others],
      blockCount: this.table.count,
    });
  }

  /** Drops a cached unit; its buffer is freed at once unless a read is copying from it. */
  private drop(index: number): void {
    const plain = this.cache.get(index);
    if (!plain) return;
    this.cache.delete(index);
    this.cachedBytes -= plain.length;
    if (!this.pinned.has(index)) releaseBuffer(plain.buffer);
  }

  private remember(index: number, plain: Uint8Array): void {
    const budget = this.options.cacheBytes ?? DECRYPT_CACHE_BYTES;
    this.cache.set(index, plain);
    this.cachedBytes += plain.length;
    if (this.cachedBytes <= budget) return;
    // Units behind the reader go first (a forward scan does not come back), then the least
    // recently used (Map order). Units ahead, like the last one the scan reads first for the
    // trailer, stay: dropping them would decrypt them twice.
    for (const behind of [true, false]) {
      for (const key of [...this.cache.keys()]) {
        if (this.cachedBytes <= budget) return;
        if (key === index || this.pinned.has(key) || (behind && key >= this.readerUnit)) continue;
        this.drop(key);
      }
    }
  }

  private unit(index: number, signal?: AbortSignal): Promise<Uint8Array> {
    const cached = this.cache.get(index);
    if (cached) {
      // Map order is the LRU order: re-insert to mark as most recently used.
      this.cache.delete(index);
      this.cache.set(index, cached);
      return Promise.resolve(cached);
    }
    let pending = this.inflight.get(index);
    if (!pending) {
      pending = this.decrypt(index, signal).then(
        (plain) => {
          this.inflight.delete(index);
          this.remember(index, plain);
          return plain;
        },
        (error: unknown) => {
          this.inflight.delete(index);
          throw error;
        },
      );
      this.inflight.set(index, pending);
    }
    return pending;
  }

  private pin(index: number, by: number): void {
    const count = (this.pinned.get(index) ?? 0) + by;
    if (count > 0) this.pinned.set(index, count);
    else this.pinned.delete(index);
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    signal?.throwIfAborted();
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new LensError('read-failed', { offset, hint: `invalid read of ${length} bytes` });
    }
    if (length > MAX_READ_BYTES)
      throw new LensError('read-too-large', { offset, actual: length, limit: MAX_READ_BYTES });
    const available = Math.max(0, Math.min(length, this.size - offset));
    if (available === 0 || this.units.length === 0) return new Uint8Array(0);
    const out = new Uint8Array(available);
    let index = this.unitAt(offset);
    // A reader moving forward in small steps (see below) has left behind what ends before this
    // read: freed now, before waiting for the next unit to decrypt, not after.
    const gap = offset - this.lastReadEnd;
    const forward = this.lastReadEnd >= 0 && gap >= 0 && gap < (this.units[index] as DecryptUnit).plaintextLength;
    if (forward) this.dropBehind(offset);
    let written = 0;
    while (written < available) {
      const unit = this.units[index] as DecryptUnit;
      this.readerUnit = index;
      this.pin(index, 1);
      try {
        const plain = await this.unit(index, signal);
        const from = offset + written - unit.plaintextOffset;
        const take = Math.min(plain.length - from, available - written);
        out.set(plain.subarray(from, from + take), written);
        written += take;
      } finally {
        this.pin(index, -1);
      }
      index += 1;
    }
    // Read ahead for readers moving forward in small steps (sequential reads, or the ckpt walker
    // hopping over tensors smaller than a block; for whole blocks, from the read at 0 on): they
    // will need the next unit soon. A walker jumping further than a unit (tensors larger than a
    // block, or than a CBC segment) skips whole units, and decrypting them ahead would be wasted.
    const sequential =
      (offset === 0 && this.units[0]?.kind === 'gcm') ||
      (this.lastReadEnd >= 0 && gap >= 0 && gap < (this.units[index - 1] as DecryptUnit).plaintextLength);
    this.lastReadEnd = offset + available;
    if (sequential) {
      // What the reader has left behind is freed now, not when the cache overflows.
      this.dropBehind(offset);
      this.prefetch(index, this.options.readAhead ?? 1);
    }
    return out;
  }

  /** Frees the cached units that end more than BEHIND_MARGIN_BYTES before `offset`. */
  private dropBehind(offset: number): void {
    for (const key of [...this.cache.keys()]) {
      const passed = this.units[key] as DecryptUnit;
      if (passed.plaintextOffset + passed.plaintextLength <= offset - BEHIND_MARGIN_BYTES) this.drop(key);
    }
  }

  /** Frees the decrypted units kept for random access (before a full pass, or when idle). */
  releaseCache(): void {
    this.ciphertextAhead = null;
    for (const key of [...this.cache.keys()]) this.drop(key);
  }

  /**
   * Start decrypting the next units so a sequential reader finds them ready. Whole blocks: the
   * ciphertext of the one after is read meanwhile too (held, not decrypted), so reading and
   * decrypting overlap with one decrypted block ahead of the reader instead of two.
   */
  private prefetch(from: number, count: number): void {
    const end = Math.min(this.units.length, from + count);
    for (let index = from; index < end; index += 1) {
      if (!this.cache.has(index) && !this.inflight.has(index)) {
        // Errors surface when the unit is actually read.
        this.unit(index).catch(() => undefined);
      }
    }
    // One held at a time, for the unit after the read-ahead: a reader that went elsewhere drops it.
    if (this.ciphertextAhead !== null && this.ciphertextAhead.index !== end) this.ciphertextAhead = null;
    const next = this.units[end];
    if (next?.kind === 'gcm' && !this.cache.has(end) && !this.inflight.has(end) && this.ciphertextAhead === null) {
      const bytes = this.readCiphertext(next);
      bytes.catch(() => undefined);
      this.ciphertextAhead = { index: end, bytes };
    }
  }
}

export interface OpenDecryptedOptions extends DecryptedSourceOptions {
  /** Needed for legacy (1.3–1.6) files; checked against the magic otherwise. */
  mode?: CipherMode;
  /** Use an existing table (read with readFrameTable) instead of reading it again. */
  table?: FrameTable;
  /** Use this cipher (tests force the software AES path with it). */
  cipher?: FrameCipher;
}

/**
 * Open an encrypted checkpoint with its key: frame table, per-block plaintext sizes, and the
 * plaintext ByteSource. Wrong key length, wrong mode, a wrong key (block 0 fails and no other
 * block tried verifies), a damaged block 0 (another block verifies), damaged frames and
 * truncation are reported here.
 */
export async function openDecryptedSource(
  source: ByteSource,
  key: Uint8Array,
  options: OpenDecryptedOptions = {},
): Promise<DecryptedSource> {
  const table = options.table ?? (await readFrameTable(source, { mode: options.mode, signal: options.signal }));
  const cipher = options.cipher ?? (await createFrameCipher(table.mode, key));
  // GCM: the ciphertext size; CBC: read from each block's padding, which also checks the key.
  const check: KeyCheck =
    table.mode === 'AES-GCM'
      ? { lengths: Array.from(table.cipherLengths), keyBlock: null }
      : await checkCbcBlocks(source, table, cipher, options.signal);
  const decrypted = new DecryptedSource(
    source,
    table,
    planUnits(table, check.lengths, options.segmentBytes),
    cipher,
    options,
  );
  decrypted.keyBlock = check.keyBlock;
  await decrypted.confirmKey(options.signal);
  return decrypted;
}

/**
 * Every plaintext unit in order, decrypting up to `concurrency` ahead (blocks are independent).
 * For full passes (verify, export, benchmark); nothing is cached.
 */
export async function* decryptAll(
  decrypted: DecryptedSource,
  options: { concurrency?: number; signal?: AbortSignal } = {},
): AsyncGenerator<{ unit: DecryptUnit; plaintext: Uint8Array }> {
  // Whole 64 MiB GCM blocks: two in flight keeps peak memory near 256 MiB; CBC segments are smaller.
  const wholeBlocks = decrypted.units[0]?.kind === 'gcm';
  const concurrency = Math.max(1, options.concurrency ?? (wholeBlocks ? 2 : DECRYPT_CONCURRENCY));
  const pending: Promise<Uint8Array>[] = [];
  let next = 0;
  const launch = (): void => {
    while (pending.length < concurrency && next < decrypted.units.length) {
      const promise = decrypted.decrypt(next, options.signal);
      promise.catch(() => undefined); // awaited in order below
      pending.push(promise);
      next += 1;
    }
  };
  launch();
  for (let index = 0; index < decrypted.units.length; index += 1) {
    const plaintext = await (pending.shift() as Promise<Uint8Array>);
    launch();
    yield { unit: decrypted.units[index] as DecryptUnit, plaintext };
  }
}
