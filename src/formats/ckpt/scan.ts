import { setOwn } from '../../base/own';
import { decodeScalar, decodeUtf32le } from '../../base/decode';
import { byteLengthOf, dtypeInfo, elementCount } from '../../base/dtypes';
import { LensError } from '../../base/errors';
import {
  DEFAULT_HEADER_READ_BYTES,
  DEFAULT_SEEK_COST_BYTES,
  DEFAULT_WINDOW_BYTES,
  MAX_DIMS,
  MAX_DTYPE_NAME_BYTES,
  MAX_READ_BYTES,
  MAX_SCALAR_VALUE_BYTES,
  MAX_STRING_VALUE_BYTES,
  MAX_TENSOR_ENTRIES,
  MAX_TENSOR_NAME_BYTES,
} from '../../base/limits';
import { Interner } from '../../base/intern';
import type { ByteRange, CheckpointIndex, CrcInfo, FileProblem, TensorEntry, TensorProblem } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { ByteCursor, NeedMoreBytes } from '../../io/cursor';
import { isAppendDictValue } from './append-dict';
import { readCrcTrailer } from './trailer';
import { storedCrcOfTrailer } from '../../base/crc-trailer';
import { needVarint, readVarint, readVarintBig, skipField, toInt64, WIRE_LEN, WIRE_VARINT } from './wire';

export interface ScanOptions {
  signal?: AbortSignal;
  /** Window for densely packed records; tests shrink it to 1 or 7 bytes to cross every boundary. */
  windowBytes?: number;
  /** Read size for the next record header after skipping tensor bytes. */
  headerReadBytes?: number;
  /** Mean record size below which reading through beats seeking (see the comment in the scan). */
  seekCostBytes?: number;
  /** Called with the fraction of the file scanned. */
  onProgress?: (fraction: number) => void;
}

/** One `Checkpoint.Value` as it lies in the file: header fields and where its content is. */
interface RawRecord {
  tag: string;
  dims: bigint[];
  tensorType: string | null;
  content: ByteRange | null;
  /** A copy of small content (a scalar's value) taken while it was buffered; saves a read later. */
  smallContent?: Uint8Array;
  isMap: boolean;
  recordOffset: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Uint8Array, offset: number): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw new LensError('ckpt-bad-utf8', { offset }, error);
  }
}

/**
 * A field reaching past `end`: past the end of the file, it is cut short; past the end of the
 * record holding it (inside the file), the bytes are damaged.
 */
function pastEnd(cursor: ByteCursor, offset: number, fieldEnd: number, end: number, from: number): LensError {
  return end < cursor.end
    ? new LensError('ckpt-field-overrun', { offset, expected: end, actual: fieldEnd })
    : new LensError('ckpt-truncated', { offset, expected: fieldEnd - from, actual: end - from });
}

function readLengthDelimited(cursor: ByteCursor, limit: number, end: number): { offset: number; length: number } {
  needVarint(cursor);
  const lengthOffset = cursor.position;
  const length = readVarint(cursor);
  if (cursor.position + length > end) {
    throw pastEnd(cursor, lengthOffset, cursor.position + length, end, cursor.position);
  }
  if (length > limit) {
    throw new LensError('ckpt-field-too-large', { offset: lengthOffset, actual: length, limit });
  }
  return { offset: cursor.position, length };
}

function readString(cursor: ByteCursor, limit: number, end: number): string {
  const { offset, length } = readLengthDelimited(cursor, limit, end);
  cursor.need(length);
  return decodeText(cursor.bytes(length), offset);
}

function readKey(cursor: ByteCursor, end: number): { field: number; wireType: number; offset: number } {
  needVarint(cursor);
  const offset = cursor.position;
  const key = readVarint(cursor, 'key');
  if (cursor.position > end) throw pastEnd(cursor, offset, cursor.position, end, offset);
  return { field: Math.floor(key / 8), wireType: key & 7, offset };
}

/** The last field of a message ended exactly at its end (a skipped field may have run past it). */
function checkEnd(cursor: ByteCursor, end: number, offset: number): void {
  if (cursor.position !== end)
    throw new LensError('ckpt-field-overrun', { offset, expected: end, actual: cursor.position });
}

/** TensorProto { repeated int64 dims = 1; string tensor_type = 2; bytes tensor_content = 3 } */
function parseTensor(cursor: ByteCursor, end: number, into: RawRecord): void {
  while (cursor.position < end) {
    const key = readKey(cursor, end);
    if (key.field === 1 && key.wireType === WIRE_VARINT) {
      needVarint(cursor);
      into.dims.push(toInt64(readVarintBig(cursor)));
    } else if (key.field === 1 && key.wireType === WIRE_LEN) {
      // Packed dims: not what MindSpore writes, but every protobuf parser accepts it.
      const packed = readLengthDelimited(cursor, MAX_DIMS * 10, end);
      cursor.need(packed.length);
      const packedEnd = packed.offset + packed.length;
      while (cursor.position < packedEnd) {
        into.dims.push(toInt64(readVarintBig(cursor)));
      }
      checkEnd(cursor, packedEnd, packed.offset);
    } else if (key.field === 2 && key.wireType === WIRE_LEN) {
      into.tensorType = readString(cursor, MAX_DTYPE_NAME_BYTES, end);
    } else if (key.field === 3 && key.wireType === WIRE_LEN) {
      const content = readLengthDelimited(cursor, Number.MAX_SAFE_INTEGER, end);
      into.content = content;
      // A view, not a copy: windows are never reused, and a million 4-byte copies are a million buffers.
      if (content.length <= MAX_SCALAR_VALUE_BYTES) into.smallContent = cursor.peek(content.offset, content.length);
      cursor.skip(content.length);
    } else {
      skipField(cursor, key.wireType, key.offset);
    }
    if (into.dims.length > MAX_DIMS) {
      throw new LensError('ckpt-too-many-dims', { offset: key.offset, actual: into.dims.length, limit: MAX_DIMS });
    }
  }
  checkEnd(cursor, end, end);
}

/** Checkpoint.Value { string tag = 1; oneof { TensorProto tensor = 2; MapTensorProto maptensor = 3 } } */
function parseValue(cursor: ByteCursor, end: number, recordOffset: number): RawRecord {
  const record: RawRecord = { tag: '', dims: [], tensorType: null, content: null, isMap: false, recordOffset };
  let sawTag = false;
  while (cursor.position < end) {
    const key = readKey(cursor, end);
    if (key.field === 1 && key.wireType === WIRE_LEN) {
      record.tag = readString(cursor, MAX_TENSOR_NAME_BYTES, end);
      sawTag = true;
    } else if (key.field === 2 && key.wireType === WIRE_LEN) {
      const tensor = readLengthDelimited(cursor, Number.MAX_SAFE_INTEGER, end);
      // A repeated tensor field merges in protobuf; MindSpore never writes one, last wins here.
      record.dims = [];
      record.isMap = false;
      parseTensor(cursor, tensor.offset + tensor.length, record);
    } else if (key.field === 3 && key.wireType === WIRE_LEN) {
      // MapTensorProto is listed but kept opaque (experimental MapParameter).
      const map = readLengthDelimited(cursor, Number.MAX_SAFE_INTEGER, end);
      record.isMap = true;
      record.content = map;
      record.tensorType = 'MapTensor';
      cursor.skip(map.length);
    } else {
      skipField(cursor, key.wireType, key.offset);
    }
  }
  checkEnd(cursor, end, recordOffset);
  if (!sawTag) throw new LensError('ckpt-missing-field', { offset: recordOffset, expected: 'tag' });
  if (record.tensorType === null) {
    throw new LensError('ckpt-missing-field', { offset: recordOffset, expected: 'tensor_type', tensor: record.tag });
  }
  return record;
}

/** A group of adjacent same-tag records: one tensor as MindSpore's loader sees it. */
interface Group {
  records: RawRecord[];
}

function dimsToNumbers(dims: bigint[]): number[] {
  return dims.map((dim) => Number(dim));
}

async function finishGroup(
  group: Group,
  source: ByteSource,
  cursor: ByteCursor,
  intern: Interner,
  signal?: AbortSignal,
): Promise<TensorEntry> {
  const last = group.records[group.records.length - 1] as RawRecord;
  const name = last.tag;
  // Exactly sized arrays: flatMap and push leave room for 16 more, 130 bytes a tensor.
  const ranges: ByteRange[] =
    group.records.length === 1
      ? last.content && last.content.length > 0
        ? [last.content]
        : []
      : group.records
          .flatMap((record) => (record.content && record.content.length > 0 ? [record.content] : []))
          .slice();
  const bytes = group.records.reduce((sum, record) => sum + (record.content?.length ?? 0), 0);
  const storedDims = intern.shape(dimsToNumbers(last.dims));
  const tensorType = intern.string(last.tensorType as string);
  const scalar = intern.shape([]);
  const problems: TensorProblem[] = [];

  const readContent = async (): Promise<Uint8Array> => {
    if (group.records.length === 1 && last.smallContent) return last.smallContent;
    const joined = new Uint8Array(bytes);
    let at = 0;
    for (const range of ranges) {
      joined.set(
        cursor.peek(range.offset, range.length) ?? (await source.read(range.offset, range.length, signal)),
        at,
      );
      at += range.length;
    }
    return joined;
  };

  if (last.isMap) {
    problems.push({ code: 'map-tensor-unsupported' });
    return { name, dtype: 'MapTensor', shape: scalar, storedDims: scalar, kind: 'map', bytes, ranges, problems };
  }
  if (tensorType === 'str') {
    const entry: TensorEntry = { name, dtype: 'str', shape: scalar, storedDims, kind: 'string', bytes, ranges };
    // The limit holds before anything is read or decoded.
    if (bytes > MAX_STRING_VALUE_BYTES) {
      entry.problems = [{ code: 'string-too-large', detail: `${bytes} bytes` }];
      return entry;
    }
    const text = decodeUtf32le(await readContent());
    if (text === undefined) entry.problems = [{ code: 'string-not-utf32' }];
    else return { name, dtype: 'str', shape: scalar, storedDims, kind: 'string', bytes, ranges, value: text };
    return entry;
  }
  if (tensorType === 'random_op') {
    return { name, dtype: 'random_op', shape: scalar, storedDims, kind: 'random_op', bytes, ranges };
  }

  // MindSpore ≤ 2.2 saved scalars as dims [0]; the loader maps [0] to a scalar.
  const shape = storedDims.length === 1 && storedDims[0] === 0 ? scalar : storedDims;
  let value: string | number | boolean | undefined;
  if (shape.some((dim) => dim < 0 || dim > 0x7fffffff)) {
    problems.push({ code: 'dim-too-large-for-mindspore', detail: `dims ${JSON.stringify(storedDims)}` });
  }
  const info = dtypeInfo(tensorType);
  if (!info) {
    problems.push({ code: 'unknown-dtype', detail: tensorType });
  } else {
    if (!info.loadable) problems.push({ code: 'not-loadable-dtype', detail: tensorType });
    const count = elementCount(shape);
    const expected = Number.isSafeInteger(count) && count >= 0 ? byteLengthOf(info, count) : NaN;
    if (bytes !== expected) {
      if (tensorType === 'BFloat16' && bytes === expected * 2) {
        problems.push({ code: 'legacy-bfloat16-as-float32' });
      } else {
        problems.push({
          code: 'size-mismatch',
          detail: Number.isNaN(expected)
            ? `the dims [${shape.join(',')}] give no valid element count; found ${bytes} bytes`
            : `expected ${expected} bytes, found ${bytes}`,
        });
      }
    }
    const decodable = problems.every((problem) => problem.code === 'legacy-bfloat16-as-float32');
    if (count === 1 && bytes <= MAX_SCALAR_VALUE_BYTES && decodable) {
      value = decodeScalar(tensorType, await readContent());
    }
  }
  // One literal per shape of entry: a property added later goes to a separate backing store.
  const entry: TensorEntry =
    value === undefined
      ? { name, dtype: tensorType, shape, storedDims, kind: 'tensor', bytes, ranges }
      : { name, dtype: tensorType, shape, storedDims, kind: 'tensor', bytes, ranges, value };
  if (problems.length > 0) entry.problems = problems;
  return entry;
}

interface NextField {
  /** A `Checkpoint.value` record, or null for another (skipped) top-level field. */
  record: RawRecord | null;
}

/** The next top-level field of `Checkpoint`, parsed from the buffered window (may throw NeedMoreBytes). */
function parseNextField(cursor: ByteCursor, payloadEnd: number, recordCount: number): NextField {
  needVarint(cursor);
  const keyOffset = cursor.position;
  const key = readVarint(cursor, 'key');
  const field = Math.floor(key / 8);
  const wireType = key & 7;
  if (field !== 1 || wireType !== WIRE_LEN) {
    if (field === 0 || wireType > 5 || wireType === 3 || wireType === 4) {
      throw new LensError('ckpt-unexpected-byte', { offset: keyOffset, actual: `0x${key.toString(16)}` });
    }
    skipField(cursor, wireType, keyOffset);
    return { record: null };
  }
  needVarint(cursor);
  const lengthOffset = cursor.position;
  const length = readVarint(cursor);
  const recordEnd = cursor.position + length;
  if (recordEnd > payloadEnd) {
    throw new LensError('ckpt-truncated', {
      offset: cursor.position,
      expected: length,
      actual: payloadEnd - cursor.position,
      hint: `the record at byte ${keyOffset.toLocaleString('en-US')} declares ${length.toLocaleString('en-US')} bytes in its length field at byte ${lengthOffset.toLocaleString('en-US')}`,
    });
  }
  if (recordCount + 1 > MAX_TENSOR_ENTRIES) {
    throw new LensError('ckpt-too-many-records', { offset: keyOffset, limit: MAX_TENSOR_ENTRIES });
  }
  return { record: parseValue(cursor, recordEnd, keyOffset) };
}

/** Bytes at the start of a file searched for signs of a text conversion, after a parse error. */
const TEXT_MANGLING_SAMPLE_BYTES = 4096;
/** A checkpoint holds EF BF BD by chance about once in 16 MiB; this many in the sample is a text conversion. */
const TEXT_MANGLING_MIN_REPLACEMENTS = 3;

/**
 * After a parse error: when the file's first bytes are full of U+FFFD replacement characters
 * (EF BF BD), it went through a text conversion (editor, text-mode transfer), which damages it
 * everywhere; say that instead of the error where parsing happened to stop.
 */
async function textMangling(source: ByteSource, error: LensError, signal?: AbortSignal): Promise<LensError | null> {
  const sample = await source.read(0, Math.min(source.size, TEXT_MANGLING_SAMPLE_BYTES), signal);
  let count = 0;
  let first = -1;
  for (let at = sample.indexOf(0xef); at >= 0 && at + 2 < sample.length; at = sample.indexOf(0xef, at + 1)) {
    if (sample[at + 1] === 0xbf && sample[at + 2] === 0xbd) {
      if (first < 0) first = at;
      count += 1;
    }
  }
  if (count < TEXT_MANGLING_MIN_REPLACEMENTS) return null;
  return new LensError(
    'ckpt-text-mangled',
    {
      offset: first,
      actual: count,
      limit: sample.length,
      ...(error.details.offset !== undefined
        ? { hint: `The records stop making sense at byte ${error.details.offset.toLocaleString('en-US')}` }
        : {}),
    },
    error,
  );
}

/**
 * Index a plaintext `.ckpt` stream without reading tensor bytes: walk the outer `Checkpoint`
 * message record by record (ckpt-format.md §2, §4), join adjacent same-tag records, and note
 * the optional `crc_num` trailer (§5.1).
 */
export async function scanCheckpoint(source: ByteSource, options: ScanOptions = {}): Promise<CheckpointIndex> {
  const progress = { records: 0 };
  try {
    return await scanRecords(source, options, progress);
  } catch (error) {
    if (!(error instanceof LensError) || !error.code.startsWith('ckpt-')) throw error;
    const mangled = await textMangling(source, error, options.signal);
    if (mangled) throw mangled;
    // A file cut short: how many records before the cut are whole (none, for a 1-byte file).
    if (error.code === 'ckpt-truncated' && error.details.recordsRead === undefined)
      throw new LensError(error.code, { ...error.details, recordsRead: progress.records }, error.cause);
    throw error;
  }
}

async function scanRecords(
  source: ByteSource,
  options: ScanOptions,
  progress: { records: number },
): Promise<CheckpointIndex> {
  const { signal, onProgress } = options;
  const windowBytes = options.windowBytes ?? DEFAULT_WINDOW_BYTES;
  const headerReadBytes = Math.min(options.headerReadBytes ?? DEFAULT_HEADER_READ_BYTES, windowBytes);
  if (source.size === 0) throw new LensError('empty-file');

  const trailer = await readCrcTrailer(source, signal);
  const payloadEnd = trailer ? source.size - 17 : source.size;
  const crc: CrcInfo =
    trailer === null
      ? { present: false, ok: null, expected: null, actual: null }
      : { present: true, ok: null, actual: null, ...storedCrcOfTrailer(trailer) };

  const cursor = new ByteCursor(source, 0, { windowBytes, end: payloadEnd, signal, truncatedCode: 'ckpt-truncated' });
  const entries: TensorEntry[] = [];
  const indexByName = new Map<string, number>();
  const intern = new Interner();
  const problems: FileProblem[] = [];
  let group: Group | null = null;
  let recordCount = 0;
  // Each read has a fixed cost (about 1 ms for a File slice in Chromium, measured by the bench),
  // so skipping tensor bytes only pays when records are large. While the mean record is smaller
  // than `seekCostBytes` we read through in full windows with the next one prefetched; once
  // records are large we fetch one header's worth per record and never touch tensor bytes.
  const seekCostBytes = options.seekCostBytes ?? DEFAULT_SEEK_COST_BYTES;
  let readAhead = headerReadBytes;

  const closeGroup = async (): Promise<void> => {
    if (!group) return;
    const entry = await finishGroup(group, source, cursor, intern, signal);
    const existing = indexByName.get(entry.name);
    if (existing === undefined) {
      indexByName.set(entry.name, entries.length);
      entries.push(entry);
    } else {
      // A later run of the same tag replaces the value but keeps the first position (§4).
      entries[existing] = { ...entry, problems: [...(entry.problems ?? []), { code: 'duplicate-name' }] };
      problems.push({
        code: 'ckpt-duplicate-tag',
        detail: entry.name,
        offset: (group.records[0] as RawRecord).recordOffset,
      });
    }
    group = null;
  };

  // The last refill: where the field started and how many bytes from there it asked for.
  let refill = { mark: -1, bytes: 0 };
  while (cursor.position < payloadEnd) {
    const mark = cursor.position;
    let step: NextField;
    try {
      step = parseNextField(cursor, payloadEnd, recordCount);
    } catch (error) {
      if (!(error instanceof NeedMoreBytes)) throw error;
      // The window ended inside this field: refill from its start and parse it again. A field
      // that needs refilling again (a long record of small fields, e.g. a damaged length that
      // makes tensor bytes parse as fields) gets at least twice the last window, so it is read
      // and parsed O(log n) times, not once per few bytes (which was quadratic in reads and time).
      cursor.position = mark;
      const wanted = error.upTo - mark;
      const bytes =
        refill.mark === mark ? Math.max(wanted, Math.min(2 * refill.bytes, cursor.remaining, MAX_READ_BYTES)) : wanted;
      refill = { mark, bytes };
      await cursor.ensure(bytes, readAhead);
      continue;
    }
    if (!step.record) continue;
    const record = step.record;
    recordCount += 1;
    progress.records = recordCount;
    readAhead = cursor.position / recordCount < seekCostBytes ? windowBytes : headerReadBytes;
    cursor.readAheadFloor = readAhead;
    const current: Group | null = group;
    if (current && (current.records[0] as RawRecord).tag === record.tag && !record.isMap) {
      current.records.push(record);
    } else {
      await closeGroup();
      group = { records: [record] };
    }
    if (onProgress && recordCount % 256 === 0) onProgress(cursor.position / payloadEnd);
  }
  await closeGroup();
  onProgress?.(1);

  if (entries.length === 0) {
    problems.push({ code: 'empty-checkpoint', detail: 'no records' });
  }

  const metadata: Record<string, string | number | boolean> = {};
  for (const entry of entries) {
    if (entry.value !== undefined && isAppendDictValue(entry)) setOwn(metadata, entry.name, entry.value);
  }

  return {
    format: 'ckpt',
    size: source.size,
    plaintextSize: source.size,
    encryption: null,
    crc,
    metadata,
    tensors: entries,
    problems,
  };
}
