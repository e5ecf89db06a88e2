import { pushAll } from '../../base/arrays';
import { setOwn } from '../../base/own';
import { byteLengthOf, dtypeInfo, elementCount, safetensorsNameOf } from '../../base/dtypes';
import { LensError } from '../../base/errors';
import { bytesPart, totalLength, type OutputPart } from '../parts';

/** One tensor to write; `dtype` is the MindSpore name (`Float32`), mapped to `F32` here. */
export interface SafetensorsWriteEntry {
  name: string;
  dtype: string;
  shape: readonly number[];
  content: readonly OutputPart[];
}

const textEncoder = new TextEncoder();

/**
 * The dtypes written, in the order of safetensors 0.4's Rust `Dtype` enum: the 13 MindSpore reads
 * and writes, and the two 8-bit floats the format has had since 0.4 (a safetensors file holding
 * them is copied as it is; MindSpore's own save_checkpoint writes only the 13).
 */
const WRITTEN_DTYPES = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
] as const;
const dtypeRank = new Map<string, number>(WRITTEN_DTYPES.map((name, rank) => [name, rank]));

/** Rust `String` order: by UTF-8 bytes, i.e. by code point (JS `<` compares UTF-16 units). */
export function compareUtf8(a: string, b: string): number {
  return compareUtf8Bytes(textEncoder.encode(a), textEncoder.encode(b));
}

export function compareUtf8Bytes(left: Uint8Array, right: Uint8Array): number {
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i += 1) {
    const diff = (left[i] as number) - (right[i] as number);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

/** The safetensors dtype string of a MindSpore dtype, or a LensError for what MindSpore cannot write. */
export function safetensorsDtypeFor(entry: { name: string; dtype: string }): string {
  const raw = safetensorsNameOf(entry.dtype);
  if (raw === undefined || !dtypeRank.has(raw)) {
    throw new LensError('export-unsupported-dtype', {
      tensor: entry.name,
      actual: entry.dtype,
      expected: 'safetensors',
    });
  }
  return raw;
}

/**
 * The official writer's order (`prepare()` in tensor.rs, ckpt-format.md §10.2): dtype descending
 * in enum order, then name ascending by UTF-8 bytes.
 */
export function safetensorsOrder<T extends { name: string; dtype: string }>(entries: readonly T[]): T[] {
  // Rank and UTF-8 bytes once per entry, not once per comparison.
  const keyed = entries.map((entry) => ({
    entry,
    rank: dtypeRank.get(safetensorsDtypeFor(entry)) as number,
    name: textEncoder.encode(entry.name),
  }));
  keyed.sort((a, b) => b.rank - a.rank || compareUtf8Bytes(a.name, b.name));
  return keyed.map((item) => item.entry);
}

/**
 * A whole safetensors file as output parts: u64le header length, compact JSON header
 * (`__metadata__` first when given, then tensors with dtype/shape/data_offsets), spaces up to a
 * multiple of 8, then the contents contiguously in the same order.
 */
export function safetensorsParts(
  entries: readonly SafetensorsWriteEntry[],
  metadata: Readonly<Record<string, string>> | null = null,
): OutputPart[] {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.name === '__metadata__' || seen.has(entry.name)) {
      throw new LensError('export-name-collision', { tensor: entry.name, hint: 'safetensors names must be unique' });
    }
    seen.add(entry.name);
    safetensorsDtypeFor(entry);
  }
  const ordered = safetensorsOrder(entries);
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = { ...metadata };
  const contents: OutputPart[] = [];
  let offset = 0;
  for (const entry of ordered) {
    const length = totalLength(entry.content);
    const info = dtypeInfo(entry.dtype);
    const expected = info ? byteLengthOf(info, elementCount(entry.shape)) : NaN;
    if (length !== expected) {
      throw new LensError('export-size-mismatch', { tensor: entry.name, expected, actual: length });
    }
    setOwn(header, entry.name, {
      dtype: safetensorsDtypeFor(entry),
      shape: [...entry.shape],
      data_offsets: [offset, offset + length],
    });
    offset += length;
    pushAll(contents, entry.content);
  }
  const json = textEncoder.encode(JSON.stringify(header));
  const padding = (8 - (json.length % 8)) % 8;
  const headerBytes = new Uint8Array(8 + json.length + padding);
  new DataView(headerBytes.buffer).setBigUint64(0, BigInt(json.length + padding), true);
  headerBytes.set(json, 8);
  headerBytes.fill(0x20, 8 + json.length);
  return [bytesPart(headerBytes), ...contents];
}

const integerDtypes = new Set(['Int8', 'UInt8', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64']);

/**
 * MindSpore's safetensors CRC feeds `bytes(ndarray)`, and CPython's `bytes()` prefers
 * `__index__`, which numpy implements for 0-d integer arrays: such a value `v` contributes `v`
 * NUL bytes instead of its data (ckpt-format.md §5.2). Returns that count for 0-d integer
 * tensors (negative when MindSpore's save would fail), or null when the data bytes are used.
 */
export function crcZeroRunOf(dtype: string, shape: readonly number[], content: Uint8Array | null): bigint | null {
  if (shape.length !== 0 || !integerDtypes.has(dtype) || content === null) return null;
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  switch (dtype) {
    case 'Int8':
      return BigInt(view.getInt8(0));
    case 'UInt8':
      return BigInt(view.getUint8(0));
    case 'Int16':
      return BigInt(view.getInt16(0, true));
    case 'UInt16':
      return BigInt(view.getUint16(0, true));
    case 'Int32':
      return BigInt(view.getInt32(0, true));
    case 'UInt32':
      return BigInt(view.getUint32(0, true));
    case 'Int64':
      return view.getBigInt64(0, true);
    default:
      return view.getBigUint64(0, true);
  }
}

/** True for the dtypes whose 0-d values take the `__index__` path in the CRC. */
export function isCrcQuirkDtype(dtype: string, shape: readonly number[]): boolean {
  return shape.length === 0 && integerDtypes.has(dtype);
}
