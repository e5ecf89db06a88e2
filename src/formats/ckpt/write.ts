import { pushAll } from '../../base/arrays';
import { internalError } from '../../base/errors';
import { encodeUtf32le } from '../../base/decode';
import { bytesPart, sliceParts, totalLength, type OutputPart } from '../parts';

/**
 * The record grammar of MindSpore's writer (ckpt-format.md §2.2): one `Checkpoint` message per
 * record, fields in number order, dims unpacked, minimal varints.
 */

const textEncoder = new TextEncoder();

export function varintBytes(value: number | bigint): number[] {
  // int64 fields: negative values are 10-byte two's complement.
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest !== 0n) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0n);
  return out;
}

function lengthDelimited(field: number, payloadLength: number): number[] {
  return [(field << 3) | 2, ...varintBytes(payloadLength)];
}

/**
 * The bytes of one record up to (not including) its tensor_content, so callers can stream the
 * content from elsewhere: `header ‖ content` is the whole record.
 */
export function encodeRecordHeader(
  tag: string,
  dims: readonly number[],
  tensorType: string,
  contentLength: number,
): Uint8Array {
  const tagBytes = textEncoder.encode(tag);
  const typeBytes = textEncoder.encode(tensorType);
  const dimBytes = dims.flatMap((dim) => [0x08, ...varintBytes(dim)]);
  const tensorHead = [
    ...dimBytes,
    ...lengthDelimited(2, typeBytes.length),
    ...typeBytes,
    ...lengthDelimited(3, contentLength),
  ];
  const tensorLength = tensorHead.length + contentLength;
  const valueHead = [...lengthDelimited(1, tagBytes.length), ...tagBytes, ...lengthDelimited(2, tensorLength)];
  const valueLength = valueHead.length + tensorLength;
  return new Uint8Array([...lengthDelimited(1, valueLength), ...valueHead, ...tensorHead]);
}

export function encodeRecord(
  tag: string,
  dims: readonly number[],
  tensorType: string,
  content: Uint8Array,
): Uint8Array {
  const header = encodeRecordHeader(tag, dims, tensorType, content.length);
  const out = new Uint8Array(header.length + content.length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

/**
 * MindSpore's record payload limit (`SLICE_SIZE` KB = 512 MiB, ckpt-format.md §4): larger
 * tensors become several same-tag records cut at multiples of it, each repeating the full dims.
 */
export const CKPT_SLICE_BYTES = 536_870_912;

/** The header of a MapParameter record: `Value.maptensor` (field 3) holding opaque bytes. */
export function encodeMapRecordHeader(tag: string, mapLength: number): Uint8Array {
  const tagBytes = textEncoder.encode(tag);
  const valueHead = [...lengthDelimited(1, tagBytes.length), ...tagBytes, ...lengthDelimited(3, mapLength)];
  return new Uint8Array([...lengthDelimited(1, valueHead.length + mapLength), ...valueHead]);
}

/** One value to write: a tensor (split as needed), a string, a scalar, or an opaque map. */
export interface CkptRecordEntry {
  name: string;
  /** dims exactly as written: `[]` for scalars, `[0]` for strings (§3.2, §3.3). */
  dims: readonly number[];
  tensorType: string;
  content: readonly OutputPart[];
  /** MapParameter: `content` is the MapTensorProto, written verbatim in one record. */
  map?: boolean;
}

export interface CkptWriteOptions {
  /** Record payload limit; injectable so tests can check splitting with small sizes. */
  sliceBytes?: number;
}

/** A string value as save_checkpoint stores it: dims [0], `str`, numpy UTF-32LE ("" → 4 NULs). */
export function stringRecordEntry(name: string, text: string): CkptRecordEntry {
  return { name, dims: [0], tensorType: 'str', content: [bytesPart(encodeUtf32le(text))] };
}

/**
 * The records of a whole file as output parts, exactly as MindSpore's default writer lays them
 * out (ckpt-format.md §15): entries in order, zero-byte contents omitted, one record per slice.
 */
export function checkpointParts(entries: readonly CkptRecordEntry[], options: CkptWriteOptions = {}): OutputPart[] {
  const sliceBytes = options.sliceBytes ?? CKPT_SLICE_BYTES;
  if (!Number.isSafeInteger(sliceBytes) || sliceBytes <= 0) throw internalError('sliceBytes must be positive');
  const parts: OutputPart[] = [];
  for (const entry of entries) {
    const length = totalLength(entry.content);
    if (entry.map) {
      parts.push(bytesPart(encodeMapRecordHeader(entry.name, length)), ...entry.content);
      continue;
    }
    // `for i in range(0, len(bytes), 512 MiB)`: an empty tensor produces no record at all.
    for (let start = 0; start < length; start += sliceBytes) {
      const end = Math.min(length, start + sliceBytes);
      parts.push(bytesPart(encodeRecordHeader(entry.name, entry.dims, entry.tensorType, end - start)));
      pushAll(parts, sliceParts(entry.content, start, end));
    }
  }
  return parts;
}
