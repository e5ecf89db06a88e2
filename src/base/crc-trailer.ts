/**
 * The ckpt `crc_num` trailer's bytes (ckpt-format.md §5.1): "crc_num" + the CRC as 10 big-endian
 * bytes. In base because three layers need it: formats (reading a ckpt), crypto (a plaintext
 * trailer after the cipher blocks) and the export (writing one).
 */
export const CRC_TRAILER_BYTES = 17;
const CRC_MARKER = [0x63, 0x72, 0x63, 0x5f, 0x6e, 0x75, 0x6d]; // "crc_num"

/** True when the 17 bytes are `crc_num` + a 10-byte big-endian CRC (ckpt-format.md §5.1). */
export function parseCrcTrailer(tail: Uint8Array): number | null {
  if (tail.length !== CRC_TRAILER_BYTES) return null;
  for (let i = 0; i < CRC_MARKER.length; i += 1) if (tail[i] !== CRC_MARKER[i]) return null;
  let value = 0n;
  for (let i = CRC_MARKER.length; i < CRC_TRAILER_BYTES; i += 1) value = (value << 8n) | BigInt(tail[i] as number);
  return Number(value);
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
