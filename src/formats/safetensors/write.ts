import { pushAll } from '../../base/arrays';
import { codePointComparer } from '../../base/code-points';
import { firstOccurrences } from '../../base/duplicates';
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
  return Array.from(safetensorsPositions(entries), (at) => entries[at] as T);
}

/** `safetensorsOrder` as positions into `entries`: where each tensor written k-th comes from. */
export function safetensorsPositions(entries: readonly { name: string; dtype: string }[]): Uint32Array {
  // The rank once per dtype, kept per entry: a comparison reads two numbers.
  const rankOfDtype = new Map<string, number>();
  const ranks = new Int32Array(entries.length);
  entries.forEach((entry, at) => {
    let known = rankOfDtype.get(entry.dtype);
    if (known === undefined) {
      known = dtypeRank.get(safetensorsDtypeFor(entry)) as number;
      rankOfDtype.set(entry.dtype, known);
    }
    ranks[at] = known;
  });
  const order = new Uint32Array(entries.length);
  for (let at = 0; at < order.length; at += 1) order[at] = at;
  const compareNames = codePointComparer(entries.length, (at) => (entries[at] as { name: string }).name);
  // Equal names keep their order (the position breaks the tie, as a stable sort would).
  return order.sort(
    (a, b) =>
      (ranks[b] as number) - (ranks[a] as number) ||
      compareNames((entries[a] as { name: string }).name, (entries[b] as { name: string }).name) ||
      a - b,
  );
}

/** Header entries written as text at a time, then encoded. */
const HEADER_BATCH = 4096;
/** A header up to this size is one part; a larger one stays in its encoded pieces. */
const JOINED_HEADER_BYTES = 16 * 1024 * 1024;

/**
 * A whole safetensors file as output parts: u64le header length, compact JSON header
 * (`__metadata__` first when given, then tensors with dtype/shape/data_offsets, in the writer's
 * order), spaces up to a multiple of 8, then the contents contiguously in the same order. The
 * header is written as text a few thousand entries at a time, never as one object of every
 * tensor (a million of them were gigabytes).
 */
export function safetensorsParts(
  entries: readonly SafetensorsWriteEntry[],
  metadata: Readonly<Record<string, string>> | null = null,
): OutputPart[] {
  for (const entry of entries) {
    if (entry.name === '__metadata__')
      throw new LensError('export-name-collision', { tensor: entry.name, hint: 'safetensors names must be unique' });
    safetensorsDtypeFor(entry);
  }
  const repeats = firstOccurrences(entries.length, (at) => (entries[at] as SafetensorsWriteEntry).name);
  if (repeats) {
    const at = repeats.findIndex((first) => first >= 0);
    throw new LensError('export-name-collision', {
      tensor: (entries[at] as SafetensorsWriteEntry).name,
      hint: 'safetensors names must be unique',
    });
  }
  const ordered = safetensorsOrder(entries);
  const headerParts: Uint8Array[] = [];
  let headerBytes = 0;
  const encode = (text: string): void => {
    const bytes = textEncoder.encode(text);
    headerParts.push(bytes);
    headerBytes += bytes.length;
  };
  let batch: string[] = [metadata ? `{"__metadata__":${JSON.stringify({ ...metadata })}` : '{'];
  const contents: OutputPart[] = [];
  let offset = 0;
  let first = !metadata;
  for (const entry of ordered) {
    const length = totalLength(entry.content);
    const info = dtypeInfo(entry.dtype);
    const expected = info ? byteLengthOf(info, elementCount(entry.shape)) : NaN;
    if (length !== expected) {
      throw new LensError('export-size-mismatch', { tensor: entry.name, expected, actual: length });
    }
    const separator = first ? '' : ',';
    first = false;
    batch.push(
      `${separator}${JSON.stringify(entry.name)}:{"dtype":"${safetensorsDtypeFor(entry)}","shape":${JSON.stringify(entry.shape)},"data_offsets":[${offset},${offset + length}]}`,
    );
    if (batch.length >= HEADER_BATCH) {
      encode(batch.join(''));
      batch = [];
    }
    offset += length;
    pushAll(contents, entry.content);
  }
  batch.push('}');
  encode(batch.join(''));
  const padding = (8 - (headerBytes % 8)) % 8;
  const lengthBytes = new Uint8Array(8);
  new DataView(lengthBytes.buffer).setBigUint64(0, BigInt(headerBytes + padding), true);
  const paddingBytes = new Uint8Array(padding).fill(0x20);
  const parts: OutputPart[] = [];
  if (headerBytes <= JOINED_HEADER_BYTES) {
    // One part (one chunk, one Blob piece) for any header but a huge one.
    const joined = new Uint8Array(8 + headerBytes + padding);
    let at = 0;
    for (const bytes of [lengthBytes, ...headerParts, paddingBytes]) {
      joined.set(bytes, at);
      at += bytes.length;
    }
    parts.push(bytesPart(joined));
  } else for (const bytes of [lengthBytes, ...headerParts, paddingBytes]) parts.push(bytesPart(bytes));
  pushAll(parts, contents);
  return parts;
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
