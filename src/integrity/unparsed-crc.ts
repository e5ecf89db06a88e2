/**
 * The `.ckpt` crc_num trailer checked without parsing the records: when a plain `.ckpt` cannot be
 * parsed, its trailer still says whether the bytes are the ones MindSpore wrote. A mismatch turns
 * "damaged structure" into what `verify` is for: the file was changed after it was saved.
 */
import { CRC_TRAILER_BYTES, parseCrcTrailer } from '../base/crc-trailer';
import type { ByteSource } from '../io/byte-source';
import { crc32OfRange } from './crc';

export interface UnparsedCrc {
  /** The trailer's value (may exceed 32 bits: then it matches no contents). */
  stored: bigint;
  actual: number;
  ok: boolean;
}

/** The CRC of everything before a crc_num trailer, or null when the file does not end in one. */
export async function crcOfUnparsedCkpt(source: ByteSource, signal?: AbortSignal): Promise<UnparsedCrc | null> {
  if (source.size < CRC_TRAILER_BYTES) return null;
  const stored = parseCrcTrailer(await source.read(source.size - CRC_TRAILER_BYTES, CRC_TRAILER_BYTES, signal));
  if (stored === null) return null;
  const actual = await crc32OfRange(source, 0, source.size - CRC_TRAILER_BYTES, signal ? { signal } : {});
  return { stored, actual, ok: stored === BigInt(actual) };
}
