/**
 * The ckpt `crc_num` trailer's bytes (ckpt-format.md §5.1): "crc_num" + the CRC as 10 big-endian
 * bytes. In base because three layers need it: formats (reading a ckpt), crypto (a plaintext
 * trailer after the cipher blocks) and the export (writing one).
 */
import type { CrcInfo } from './types';

export const CRC_TRAILER_BYTES = 17;
const CRC_MARKER = [0x63, 0x72, 0x63, 0x5f, 0x6e, 0x75, 0x6d]; // "crc_num"

/**
 * The 10-byte big-endian value when the 17 bytes are `crc_num` + a CRC (ckpt-format.md §5.1), else
 * null. Exact: MindSpore compares the whole value, so high bytes that are not zero make it no CRC-32.
 */
export function parseCrcTrailer(tail: Uint8Array): bigint | null {
  if (tail.length !== CRC_TRAILER_BYTES) return null;
  for (let i = 0; i < CRC_MARKER.length; i += 1) if (tail[i] !== CRC_MARKER[i]) return null;
  let value = 0n;
  for (let i = CRC_MARKER.length; i < CRC_TRAILER_BYTES; i += 1) value = (value << 8n) | BigInt(tail[i] as number);
  return value;
}

const CRC32_MAX = 0xffffffffn;

/** A trailer's value as the index keeps it: a CRC-32, or its 10 bytes in hex and why it is none. */
export function storedCrcOfTrailer(value: bigint): Pick<CrcInfo, 'expected' | 'stored'> {
  if (value <= CRC32_MAX) return { expected: Number(value) };
  return { expected: null, stored: { text: `0x${value.toString(16).padStart(20, '0')}`, problem: 'above-32-bits' } };
}

/** A safetensors `crc_num` text as the index keeps it: a CRC-32, or the text and why it is none. */
export function storedCrcOfText(text: string): Pick<CrcInfo, 'expected' | 'stored'> {
  if (/^\d+$/.test(text)) {
    const value = BigInt(text);
    if (value <= CRC32_MAX) return { expected: Number(value) };
    return { expected: null, stored: { text, problem: 'above-32-bits' } };
  }
  return { expected: null, stored: { text, problem: /^-\d+$/.test(text) ? 'negative' : 'not-a-number' } };
}

export function encodeCrcTrailer(crc: number): Uint8Array {
  const out = new Uint8Array(CRC_TRAILER_BYTES);
  out.set(CRC_MARKER, 0);
  let value = BigInt(crc >>> 0);
  for (let i = CRC_TRAILER_BYTES - 1; i >= CRC_MARKER.length; i -= 1) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}
