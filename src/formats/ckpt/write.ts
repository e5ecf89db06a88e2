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

/** Bytes of the varint of a non-negative safe integer. */
function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size += 1;
  return size;
}

function putVarint(out: Uint8Array, at: number, value: number): number {
  let rest = value;
  let next = at;
  while (rest >= 0x80) {
    out[next++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[next++] = rest;
  return next;
}

/** A dim's varint: plain for the non-negative safe integers every real file has, int64 otherwise. */
function dimVarint(dim: number): number[] | null {
  return Number.isSafeInteger(dim) && dim >= 0 ? null : varintBytes(dim);
}

/**
 * Where record headers are written: blocks of HEADER_BLOCK_BYTES handed out as views, so a
 * million records are a few hundred buffers, not a million (each its own ArrayBuffer).
 */
class HeaderBlocks {
  private block = new Uint8Array(0);
  private used = 0;
  take(length: number): Uint8Array {
    if (this.used + length > this.block.length) {
      this.block = new Uint8Array(Math.max(HEADER_BLOCK_BYTES, length));
      this.used = 0;
    }
    const view = this.block.subarray(this.used, this.used + length);
    this.used += length;
    return view;
  }
}
const HEADER_BLOCK_BYTES = 64 * 1024;

let tagScratch = new Uint8Array(256);
const typeBytesCache = new Map<string, Uint8Array>();

function writeRecordHeader(
  tag: string,
  dims: readonly number[],
  tensorType: string,
  contentLength: number,
  take: (length: number) => Uint8Array,
): Uint8Array {
  // The tag into a scratch buffer, the type from a cache, dims' varints only when one is odd:
  // nothing made per record but its header (a million records made millions of small arrays).
  if (tagScratch.length < tag.length * 3) tagScratch = new Uint8Array(tag.length * 3);
  const tagBytes = tagScratch.subarray(0, textEncoder.encodeInto(tag, tagScratch).written);
  let typeBytes = typeBytesCache.get(tensorType);
  if (!typeBytes) {
    typeBytes = textEncoder.encode(tensorType);
    if (typeBytesCache.size < 64) typeBytesCache.set(tensorType, typeBytes);
  }
  let plain = true;
  for (const dim of dims) if (!(Number.isSafeInteger(dim) && dim >= 0)) plain = false;
  const odd = plain ? [] : dims.map(dimVarint);
  let dimsLength = 0;
  for (let i = 0; i < dims.length; i += 1) dimsLength += 1 + (odd[i]?.length ?? varintSize(dims[i] as number));
  const tensorHead = dimsLength + 1 + varintSize(typeBytes.length) + typeBytes.length + 1 + varintSize(contentLength);
  const tensorLength = tensorHead + contentLength;
  const valueHead = 1 + varintSize(tagBytes.length) + tagBytes.length + 1 + varintSize(tensorLength);
  const valueLength = valueHead + tensorLength;
  const out = take(1 + varintSize(valueLength) + valueHead + tensorHead);
  let at = 0;
  out[at++] = 0x0a; // Checkpoint.value
  at = putVarint(out, at, valueLength);
  out[at++] = 0x0a; // Value.tag
  at = putVarint(out, at, tagBytes.length);
  out.set(tagBytes, at);
  at += tagBytes.length;
  out[at++] = 0x12; // Value.tensor
  at = putVarint(out, at, tensorLength);
  for (let i = 0; i < dims.length; i += 1) {
    out[at++] = 0x08; // TensorProto.dims, unpacked
    const bytes = odd[i];
    if (bytes) {
      out.set(bytes, at);
      at += bytes.length;
    } else at = putVarint(out, at, dims[i] as number);
  }
  out[at++] = 0x12; // TensorProto.tensor_type
  at = putVarint(out, at, typeBytes.length);
  out.set(typeBytes, at);
  at += typeBytes.length;
  out[at++] = 0x1a; // TensorProto.tensor_content
  putVarint(out, at, contentLength);
  return out;
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
  return writeRecordHeader(tag, dims, tensorType, contentLength, (length) => new Uint8Array(length));
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
export function checkpointParts(entries: Iterable<CkptRecordEntry>, options: CkptWriteOptions = {}): OutputPart[] {
  const sliceBytes = options.sliceBytes ?? CKPT_SLICE_BYTES;
  if (!Number.isSafeInteger(sliceBytes) || sliceBytes <= 0) throw internalError('sliceBytes must be positive');
  const parts: OutputPart[] = [];
  const blocks = new HeaderBlocks();
  const take = (length: number): Uint8Array => blocks.take(length);
  for (const entry of entries) {
    const length = totalLength(entry.content);
    if (entry.map) {
      parts.push(bytesPart(encodeMapRecordHeader(entry.name, length)), ...entry.content);
      continue;
    }
    // `for i in range(0, len(bytes), 512 MiB)`: an empty tensor produces no record at all.
    for (let start = 0; start < length; start += sliceBytes) {
      const end = Math.min(length, start + sliceBytes);
      parts.push(bytesPart(writeRecordHeader(entry.name, entry.dims, entry.tensorType, end - start, take)));
      // One record holds the whole content (every tensor below 512 MiB): its parts as they are.
      pushAll(parts, start === 0 && end === length ? entry.content : sliceParts(entry.content, start, end));
    }
  }
  return parts;
}
