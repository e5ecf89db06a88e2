import { CRC_TRAILER_BYTES, parseCrcTrailer } from '../../base/crc-trailer';
import type { ByteSource } from '../../io/byte-source';

/** MindSpore detects the trailer purely by position, and so do we. */
export async function readCrcTrailer(source: ByteSource, signal?: AbortSignal): Promise<bigint | null> {
  if (source.size < CRC_TRAILER_BYTES) return null;
  const tail = await source.read(source.size - CRC_TRAILER_BYTES, CRC_TRAILER_BYTES, signal);
  return parseCrcTrailer(tail);
}
