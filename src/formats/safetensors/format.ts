import { LensError } from '../../base/errors';
import { SAFETENSORS_MAX_HEADER_BYTES } from '../../base/limits';
import type { FormatDescriptor } from '../descriptor';
import { FORMAT_LABELS } from '../labels';
import { scanSafetensors } from './scan';

const headerLengthOf = (head: Uint8Array): bigint =>
  new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);

/** An 8-byte little-endian header length that fits the file, then the JSON header's '{'. */
function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 9) return false;
  const headerLength = headerLengthOf(head);
  return headerLength >= 2n && headerLength + 8n <= BigInt(size) && head[8] === 0x7b; // '{'
}

/**
 * A header length and '{' as a safetensors file starts, but a header that does not fit the file:
 * a length the format allows is a file cut short inside its header (or a length changed to more
 * than the file holds); a larger one is a damaged length.
 */
function explainSafetensorsHead(head: Uint8Array, size: number): LensError | null {
  if (head.length < 9 || head[8] !== 0x7b) return null;
  const headerLength = headerLengthOf(head);
  if (headerLength < 2n || headerLength + 8n <= BigInt(size)) return null;
  if (headerLength > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    return new LensError('st-header-too-large', {
      offset: 0,
      actual: `${headerLength.toLocaleString('en-US')} bytes`,
      limit: SAFETENSORS_MAX_HEADER_BYTES,
    });
  }
  return new LensError('st-header-past-end', { offset: 0, expected: Number(headerLength) + 8, actual: size });
}

export const safetensorsFormat: FormatDescriptor = {
  id: 'safetensors',
  label: FORMAT_LABELS.safetensors,
  extensions: ['.safetensors'],
  sniff: looksLikeSafetensors,
  explainHead: explainSafetensorsHead,
  open: (source, options) =>
    scanSafetensors(source, { signal: options.signal, ...(options.columns ? { columns: true } : {}) }),
};
