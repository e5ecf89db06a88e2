import { LensError } from '../base/errors';
import type { CheckpointIndex, CipherMode, TensorEntry } from '../base/types';
import type { ByteSource } from '../io/byte-source';
import { indexPlainFile, type OpenOptions } from '../formats/open';
import { SNIFF_BYTES } from '../formats/sniff';
import { scanCheckpoint } from '../formats/ckpt/scan';
import { ZipCheckedSource } from '../formats/pytorch/checked-source';
import { beginsWithRecord, RECORD_START_BYTES, recordEndIn } from '../formats/ckpt/wire';
import { detectEncryption, readFrameTable, type FrameTable } from '../crypto/frames';
import type { DecryptedSource, DecryptedSourceOptions } from '../crypto/decrypted-source';

/** Parse errors that are this tool's limits, not damage: a well-formed file can reach them. */
const OUR_LIMITS: ReadonlySet<string> = new Set([
  'ckpt-too-many-records',
  'ckpt-field-too-large',
  'ckpt-too-many-dims',
]);

/**
 * A structural error in the decrypted bytes. CBC carries no integrity check: an altered cipher
 * block decrypts to garbage, and passes the padding check whenever that garbage ends in valid
 * padding (about one time in 256), so the parse is the first to notice. With the key proven by a
 * block's padding, the file is damaged or was tampered with (an integrity finding). AES-GCM
 * authenticates each block on its own: every block read so far is as it was encrypted, but a
 * block removed, repeated or moved (or damage before encryption) still makes a plaintext that
 * does not parse — never a download cut short, as the frames were whole.
 * With no block proving the key (legacy 1.3–1.6 files, whose AES-GCM has no tag; CBC blocks that
 * all passed a short padding check), a whole first record is what proves it: failing before the
 * first record ends, nothing has shown the key to be right, and it is a wrong key — what a wrong
 * key gives when its garbage happens to begin like a record. After it, the neutral sentence:
 * a wrong key or damage.
 */
function damagedOnceDecrypted(
  error: unknown,
  table: FrameTable,
  plaintext: DecryptedSource,
  firstRecordEnd: number,
): unknown {
  if (!(error instanceof LensError) || !error.code.startsWith('ckpt-') || OUR_LIMITS.has(error.code)) return error;
  const offset = error.details.offset;
  if (plaintext.keyBlock === null && (offset === undefined || offset < firstRecordEnd)) {
    return unprovenWrongKey(table, 'the decrypted bytes begin like a checkpoint record but do not hold one', error);
  }
  return new LensError(
    'crypto-plaintext-damaged',
    {
      expected: table.mode,
      blockCount: table.count,
      ...(plaintext.keyBlock !== null ? { keyBlock: plaintext.keyBlock } : {}),
      // What the parse found, by its code: core/messages words it.
      actual: error.code,
      ...(offset !== undefined
        ? { offset, block: plaintext.blockAt(Math.min(offset, Math.max(0, plaintext.size - 1))) }
        : {}),
    },
    error,
  );
}

export interface OpenedCheckpoint {
  index: CheckpointIndex;
  /** The plaintext bytes the index's ranges refer to (the file itself unless encrypted). */
  plaintext: ByteSource;
  /**
   * A tensor's content as ranges of other sources, when it is better copied from there than
   * read through `plaintext` (a merged view: a row-split tensor is its rank slices end to end).
   */
  contentRanges?(entry: TensorEntry): { source: ByteSource; offset: number; length: number }[] | null;
}

export interface CheckpointOpenOptions extends OpenOptions {
  /** Key bytes for an encrypted checkpoint (never logged or stored). */
  key?: Uint8Array;
  /** Only needed for MindSpore 1.3–1.6 files; otherwise read from the file and checked. */
  mode?: CipherMode;
  /** Open an encrypted file followed by a plaintext crc_num trailer, listing it as a problem. */
  tolerateCrcTrailer?: boolean;
  /**
   * Where blocks are decrypted: given the mode read from the file, a decryptor for the pool and
   * how many blocks to decrypt ahead; default this thread, one ahead.
   */
  decryption?: (mode: CipherMode) => Pick<DecryptedSourceOptions, 'decryptor' | 'readAhead' | 'decryptConcurrency'>;
}

/**
 * Decrypted bytes that do not begin a checkpoint record. With no block having proven the key,
 * that is a wrong key (or, for 1.3–1.6 files, which carry no check, a wrong mode): what a wrong
 * key gives whenever the cipher cannot tell (CBC padding valid by chance, legacy AES-GCM). With
 * the key proven, the file itself is at fault: block 0's start was altered (CBC), or block 0 is
 * missing, out of place, or not a checkpoint (AES-GCM blocks authenticate one by one).
 */
function notACheckpointOnceDecrypted(table: FrameTable, keyBlock: number | null): LensError {
  if (keyBlock === null) return unprovenWrongKey(table, 'the decrypted bytes are not a checkpoint');
  return new LensError('crypto-plaintext-not-checkpoint', { block: 0, keyBlock, expected: table.mode, offset: 0 });
}

/**
 * A wrong key found by the plaintext, no block having proven the key: for CBC, every block's
 * padding checked, with too few bytes to prove anything (failedCount 0); 1.3–1.6 files carry no
 * key check at all, so the wrong mode gives the same.
 */
function unprovenWrongKey(table: FrameTable, reason: string, cause?: unknown): LensError {
  return new LensError(
    'crypto-wrong-key',
    {
      block: 0,
      hint:
        table.layout === 'legacy'
          ? `${reason}; files of MindSpore 1.3–1.6 carry no key check, so the wrong mode gives the same`
          : reason,
      blockCount: table.count,
      ...(table.mode === 'AES-GCM' ? { blocksTried: [0] } : { blocksTried: [], failedCount: 0 }),
    },
    cause,
  );
}

/**
 * An encrypted checkpoint passed through a text conversion: the cipher block magic's first byte
 * (D8, D9 or DA, not UTF-8 on its own) became the replacement character EF BF BD, and so did
 * every other such byte. Not "not encrypted" or "not a checkpoint": damaged throughout.
 */
function mangledCipherMagic(head: Uint8Array): LensError | null {
  const prefix = [0xef, 0xbf, 0xbd, 0x5e, 0x3a, 0x7f];
  if (head.length < prefix.length || prefix.some((byte, i) => head[i] !== byte)) return null;
  let count = 0;
  for (let at = 0; at + 2 < head.length; at += 1)
    if (head[at] === 0xef && head[at + 1] === 0xbf && head[at + 2] === 0xbd) count += 1;
  return new LensError('ckpt-text-mangled', {
    offset: 0,
    actual: count,
    limit: head.length,
    hint: 'The file begins with EF BF BD 5E 3A 7F where an encrypted MindSpore checkpoint begins with its cipher block magic (D8, D9 or DA, then 5E 3A 7F)',
  });
}

/** Open any supported file: sniff, decrypt when encrypted, index. The one entry point UI and CLI share. */
export async function openCheckpoint(
  source: ByteSource,
  options: CheckpointOpenOptions = {},
): Promise<OpenedCheckpoint> {
  const { key, mode, tolerateCrcTrailer, decryption, ...scanOptions } = options;
  const head =
    source.size > 0 ? await source.read(0, Math.min(SNIFF_BYTES, source.size), options.signal) : new Uint8Array(0);
  const guess = detectEncryption(head);
  if (!guess.encrypted) {
    if (source.size === 0) throw new LensError('empty-file');
    const mangled = mangledCipherMagic(head);
    if (mangled) throw mangled;
    if (key) throw new LensError('crypto-not-encrypted', { offset: 0 });
    const index = await indexPlainFile(source, scanOptions, head);
    // A torch zip's storages placed without reading their local headers: each is checked when
    // its bytes are first read or sliced.
    const plaintext = index.zipUnchecked ? new ZipCheckedSource(source, index.zipUnchecked) : source;
    return { index, plaintext };
  }
  if (!key) {
    throw new LensError('encrypted-needs-key', {
      expected: guess.mode ?? 'AES-GCM or AES-CBC',
      ...(guess.layout === 'legacy' ? { hint: 'MindSpore 1.3–1.6 layout: choose the mode too' } : {}),
    });
  }
  const { openDecryptedSource } = await import('../crypto/decrypted-source');
  const table = await readFrameTable(source, { mode, signal: options.signal, tolerateCrcTrailer });
  const plaintext = await openDecryptedSource(source, key, {
    table,
    signal: options.signal,
    ...(decryption ? decryption(table.mode) : {}),
  });
  if (plaintext.size === 0) throw new LensError('empty-file');
  const start = await plaintext.read(0, Math.min(RECORD_START_BYTES, plaintext.size), options.signal);
  if (!beginsWithRecord(start, plaintext.size)) throw notACheckpointOnceDecrypted(table, plaintext.keyBlock);
  const scanned = await scanCheckpoint(plaintext, scanOptions).catch((error: unknown) => {
    throw damagedOnceDecrypted(error, table, plaintext, recordEndIn(start) ?? Number.MAX_SAFE_INTEGER);
  });
  // Set in place: a spread would read `tensors`, making an object of every tensor the scan holds as columns.
  const index: CheckpointIndex = Object.assign(scanned, {
    size: source.size,
    plaintextSize: plaintext.size,
    encryption: { mode: table.mode, layout: table.layout },
  });
  if (table.crcTrailer) {
    index.problems = [
      ...index.problems,
      {
        code: 'crc-trailer-after-encryption',
        detail: `crc_num ${table.crcTrailer.crc} at byte ${table.crcTrailer.offset}`,
        offset: table.crcTrailer.offset,
      },
    ];
  }
  return { index, plaintext };
}
