import type { FormatDescriptor } from '../descriptor';
import { FORMAT_LABELS } from '../labels';
import { scanSafetensors } from './scan';

/** An 8-byte little-endian header length that fits the file, then the JSON header's '{'. */
function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 9) return false;
  const headerLength = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  return headerLength >= 2n && headerLength + 8n <= BigInt(size) && head[8] === 0x7b; // '{'
}

export const safetensorsFormat: FormatDescriptor = {
  id: 'safetensors',
  label: FORMAT_LABELS.safetensors,
  extensions: ['.safetensors'],
  sniff: looksLikeSafetensors,
  open: (source, options) => scanSafetensors(source, { signal: options.signal }),
};
