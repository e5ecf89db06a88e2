import { asciiText } from '../../base/bytes';
import { setOwn } from '../../base/own';
import { plural } from '../../base/plural';
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
import { tensorSink, type TensorSink } from '../../base/tensor-columns';
import type { ByteRange, CheckpointIndex, CrcInfo, FileProblem, TensorEntry, TensorProblem } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { ByteCursor, NeedMoreBytes } from '../../io/cursor';
import { isAppendDictValue } from './append-dict';
import { readCrcTrailer } from './trailer';
import { storedCrcOfTrailer } from '../../base/crc-trailer';
import { needVarint, readInt64, readVarint, skipField, WIRE_LEN, WIRE_VARINT } from './wire';

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
  /**
   * Hold the tensors as columns (base/tensor-columns `indexOfColumns`), for readers that go by
   * position: no object per tensor unless `index.tensors` is read. By default an array of entries.
   */
  columns?: boolean;
}

/**
 * One `Checkpoint.Value` as it lies in the file: header fields and where its content is. One
 * object is reused for every record (the scan copies what it keeps), so a million records
 * allocate no record objects, dims arrays or ranges before their tensor is made.
 */
class RecordFields {
  tag = '';
  /** Scratch: the first `dims.length` values are this record's dims. */
  readonly dims: number[] = [];
  tensorType: string | null = null;
  /** Where the content lies (-1: no content field). */
  contentOffset = -1;
  contentLength = 0;
  isMap = false;
  recordOffset = 0;
  /** The last printable-ASCII dtype name decoded (kept across records). */
  lastDtype = '';

  reset(recordOffset: number): void {
    this.tag = '';
    this.dims.length = 0;
    this.tensorType = null;
    this.contentOffset = -1;
    this.contentLength = 0;
    this.isMap = false;
    this.recordOffset = recordOffset;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Uint8Array, offset: number): string {
  const ascii = asciiText(bytes);
  if (ascii !== undefined) return ascii;
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

/** The dtype name; the last one again without decoding when the bytes are the same (ASCII names only). */
function readDtypeName(cursor: ByteCursor, end: number, into: RecordFields): string {
  const { offset, length } = readLengthDelimited(cursor, MAX_DTYPE_NAME_BYTES, end);
  cursor.need(length);
  const last = into.lastDtype;
  if (length === last.length && length > 0 && cursor.startsWithAscii(last)) {
    cursor.skip(length);
    return last;
  }
  const name = decodeText(cursor.bytes(length), offset);
  if (/^[\x20-\x7e]*$/.test(name)) into.lastDtype = name;
  return name;
}

/** TensorProto { repeated int64 dims = 1; string tensor_type = 2; bytes tensor_content = 3 } */
function parseTensor(cursor: ByteCursor, end: number, into: RecordFields): void {
  while (cursor.position < end) {
    const key = readKey(cursor, end);
    if (key.field === 1 && key.wireType === WIRE_VARINT) {
      needVarint(cursor);
      into.dims.push(readInt64(cursor));
    } else if (key.field === 1 && key.wireType === WIRE_LEN) {
      // Packed dims: not what MindSpore writes, but every protobuf parser accepts it.
      const packed = readLengthDelimited(cursor, MAX_DIMS * 10, end);
      cursor.need(packed.length);
      const packedEnd = packed.offset + packed.length;
      while (cursor.position < packedEnd) {
        into.dims.push(readInt64(cursor));
      }
      checkEnd(cursor, packedEnd, packed.offset);
    } else if (key.field === 2 && key.wireType === WIRE_LEN) {
      into.tensorType = readDtypeName(cursor, end, into);
    } else if (key.field === 3 && key.wireType === WIRE_LEN) {
      const content = readLengthDelimited(cursor, Number.MAX_SAFE_INTEGER, end);
      into.contentOffset = content.offset;
      into.contentLength = content.length;
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
function parseValue(cursor: ByteCursor, end: number, recordOffset: number, record: RecordFields): void {
  record.reset(recordOffset);
  let sawTag = false;
  while (cursor.position < end) {
    const key = readKey(cursor, end);
    if (key.field === 1 && key.wireType === WIRE_LEN) {
      record.tag = readString(cursor, MAX_TENSOR_NAME_BYTES, end);
      sawTag = true;
    } else if (key.field === 2 && key.wireType === WIRE_LEN) {
      const tensor = readLengthDelimited(cursor, Number.MAX_SAFE_INTEGER, end);
      // A repeated tensor field merges in protobuf; MindSpore never writes one, last wins here.
      record.dims.length = 0;
      record.isMap = false;
      parseTensor(cursor, tensor.offset + tensor.length, record);
    } else if (key.field === 3 && key.wireType === WIRE_LEN) {
      // MapTensorProto is listed but kept opaque (experimental MapParameter).
      const map = readLengthDelimited(cursor, Number.MAX_SAFE_INTEGER, end);
      record.isMap = true;
      record.contentOffset = map.offset;
      record.contentLength = map.length;
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
}

const NO_BYTES = new Uint8Array(0);

/**
 * A run of adjacent same-tag records: one tensor as MindSpore's loader sees it. It keeps the
 * last record's header and the content ranges (flat offset/length pairs past the first), no
 * record objects: a run of two million records holds numbers until the record limit stops it.
 */
class Group {
  tag = '';
  firstOffset = 0;
  bytes = 0;
  readonly dims: number[] = [];
  tensorType = '';
  isMap = false;
  private rangeCount = 0;
  private firstRangeOffset = 0;
  private firstRangeLength = 0;
  private readonly moreRanges: number[] = [];
  /** The one range's bytes, copied before the window holding them was replaced. */
  private saved: Uint8Array | null = null;

  start(record: RecordFields): void {
    this.tag = record.tag;
    this.firstOffset = record.recordOffset;
    this.bytes = 0;
    this.rangeCount = 0;
    this.moreRanges.length = 0;
    this.add(record);
  }

  add(record: RecordFields): void {
    this.saved = null;
    this.dims.length = 0;
    for (const dim of record.dims) this.dims.push(dim);
    this.tensorType = record.tensorType as string;
    this.isMap = record.isMap;
    if (record.contentOffset < 0) return;
    this.bytes += record.contentLength;
    if (record.contentLength === 0) return;
    if (this.rangeCount === 0) {
      this.firstRangeOffset = record.contentOffset;
      this.firstRangeLength = record.contentLength;
    } else this.moreRanges.push(record.contentOffset, record.contentLength);
    this.rangeCount += 1;
  }

  /**
   * Before the cursor moves to another window: copy the content a value may be decoded from
   * (a scalar or a short string, when it is one range), so making the entry needs no read.
   */
  saveBuffered(cursor: ByteCursor): void {
    if (this.rangeCount !== 1 || this.firstRangeLength > MAX_STRING_VALUE_BYTES || this.saved) return;
    this.saved = cursor.peek(this.firstRangeOffset, this.firstRangeLength)?.slice() ?? null;
  }

  /** The content if it is one range the window holds or that was saved, else undefined. */
  buffered(cursor: ByteCursor): Uint8Array | undefined {
    if (this.rangeCount === 0) return NO_BYTES;
    if (this.rangeCount !== 1) return undefined;
    return this.saved ?? cursor.peek(this.firstRangeOffset, this.firstRangeLength);
  }

  /** The non-empty content ranges, in an exactly sized array (a push-grown one keeps room for 16 more). */
  ranges(): ByteRange[] {
    if (this.rangeCount === 0) return [];
    const ranges = new Array<ByteRange>(this.rangeCount);
    ranges[0] = { offset: this.firstRangeOffset, length: this.firstRangeLength };
    for (let r = 1; r < this.rangeCount; r += 1)
      ranges[r] = { offset: this.moreRanges[2 * r - 2] as number, length: this.moreRanges[2 * r - 1] as number };
    return ranges;
  }
}

async function readContent(
  source: ByteSource,
  cursor: ByteCursor,
  ranges: ByteRange[],
  bytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const joined = new Uint8Array(bytes);
  let at = 0;
  for (const range of ranges) {
    joined.set(cursor.peek(range.offset, range.length) ?? (await source.read(range.offset, range.length, signal)), at);
    at += range.length;
  }
  return joined;
}

/**
 * The group's tensor entry: synchronously when its value (if it shows one) lies in the cursor's
 * window, else a promise that reads it. One await per tensor cost a million microtask turns.
 */
function finishGroup(
  group: Group,
  source: ByteSource,
  cursor: ByteCursor,
  intern: Interner,
  signal?: AbortSignal,
): TensorEntry | Promise<TensorEntry> {
  const name = group.tag;
  const bytes = group.bytes;
  const ranges = group.ranges();
  const storedDims = intern.shapeOf(group.dims);
  const tensorType = intern.string(group.tensorType);
  // Asked for only where it is used: the interner remembers its last shape, and a run of equal
  // dims (record after record) then costs no lookup, where asking for [] each time cost two.
  const scalarShape = (): number[] => intern.shape([]);

  if (group.isMap) {
    const problems: TensorProblem[] = [{ code: 'map-tensor-unsupported' }];
    const scalar = scalarShape();
    return { name, dtype: 'MapTensor', shape: scalar, storedDims: scalar, kind: 'map', bytes, ranges, problems };
  }
  if (tensorType === 'str') {
    const scalar = scalarShape();
    // The limit holds before anything is read or decoded.
    if (bytes > MAX_STRING_VALUE_BYTES) {
      const problems: TensorProblem[] = [{ code: 'string-too-large', detail: `${bytes} bytes` }];
      return { name, dtype: 'str', shape: scalar, storedDims, kind: 'string', bytes, ranges, problems };
    }
    const make = (content: Uint8Array): TensorEntry => {
      const text = decodeUtf32le(content);
      if (text === undefined) {
        const problems: TensorProblem[] = [{ code: 'string-not-utf32' }];
        return { name, dtype: 'str', shape: scalar, storedDims, kind: 'string', bytes, ranges, problems };
      }
      return { name, dtype: 'str', shape: scalar, storedDims, kind: 'string', bytes, ranges, value: text };
    };
    const content = group.buffered(cursor);
    return content ? make(content) : readContent(source, cursor, ranges, bytes, signal).then(make);
  }
  if (tensorType === 'random_op') {
    return { name, dtype: 'random_op', shape: scalarShape(), storedDims, kind: 'random_op', bytes, ranges };
  }

  // MindSpore ≤ 2.2 saved scalars as dims [0]; the loader maps [0] to a scalar.
  const shape = storedDims.length === 1 && storedDims[0] === 0 ? scalarShape() : storedDims;
  let problems: TensorProblem[] | undefined;
  for (const dim of shape) {
    if (dim < 0 || dim > 0x7fffffff) {
      problems = [{ code: 'dim-too-large-for-mindspore', detail: `dims ${JSON.stringify(storedDims)}` }];
      break;
    }
  }
  let decodable = false;
  const info = dtypeInfo(tensorType);
  if (!info) {
    (problems ??= []).push({ code: 'unknown-dtype', detail: tensorType });
  } else {
    if (!info.loadable) (problems ??= []).push({ code: 'not-loadable-dtype', detail: tensorType });
    const count = elementCount(shape);
    const expected = Number.isSafeInteger(count) && count >= 0 ? byteLengthOf(info, count) : NaN;
    let legacyBfloat16 = false;
    if (bytes !== expected) {
      if (tensorType === 'BFloat16' && bytes === expected * 2) {
        legacyBfloat16 = true;
        (problems ??= []).push({ code: 'legacy-bfloat16-as-float32' });
      } else {
        (problems ??= []).push({
          code: 'size-mismatch',
          detail: Number.isNaN(expected)
            ? `the dims [${shape.join(',')}] give no valid element count; found ${bytes} bytes`
            : `expected ${expected} bytes, found ${bytes}`,
        });
      }
    }
    const onlyLegacy = problems === undefined || (legacyBfloat16 && problems.length === 1);
    decodable = count === 1 && bytes <= MAX_SCALAR_VALUE_BYTES && onlyLegacy;
  }
  if (!decodable) return tensorEntry(name, tensorType, shape, storedDims, bytes, ranges, undefined, problems);
  const content = group.buffered(cursor);
  if (content) {
    const value = decodeScalar(tensorType, content);
    return tensorEntry(name, tensorType, shape, storedDims, bytes, ranges, value, problems);
  }
  return readContent(source, cursor, ranges, bytes, signal).then((read) =>
    tensorEntry(name, tensorType, shape, storedDims, bytes, ranges, decodeScalar(tensorType, read), problems),
  );
}

/** One literal per shape of entry: a property added later goes to a separate backing store. */
function tensorEntry(
  name: string,
  dtype: string,
  shape: number[],
  storedDims: number[],
  bytes: number,
  ranges: ByteRange[],
  value: string | number | boolean | undefined,
  problems: TensorProblem[] | undefined,
): TensorEntry {
  const entry: TensorEntry =
    value === undefined
      ? { name, dtype, shape, storedDims, kind: 'tensor', bytes, ranges }
      : { name, dtype, shape, storedDims, kind: 'tensor', bytes, ranges, value };
  if (problems) entry.problems = problems;
  return entry;
}

/**
 * The next top-level field of `Checkpoint`, parsed from the buffered window (may throw
 * NeedMoreBytes): true when it was a `Checkpoint.value` record (now in `record`), false for
 * another (skipped) field.
 */
const WIRE_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'varint',
  1: '64-bit',
  2: 'length-delimited',
  5: '32-bit',
};

/** Top-level fields other than records: protobuf (and so MindSpore) skips them; save_checkpoint writes none. */
interface SkippedFields {
  count: number;
  bytes: number;
  /** The first one: where it starts, its field number and wire type. */
  offset: number;
  field: number;
  wireType: number;
}

function parseNextField(
  cursor: ByteCursor,
  payloadEnd: number,
  recordCount: number,
  record: RecordFields,
  skipped: SkippedFields,
): boolean {
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
    if (skipped.count === 0) {
      skipped.offset = keyOffset;
      skipped.field = field;
      skipped.wireType = wireType;
    }
    skipped.count += 1;
    skipped.bytes += cursor.position - keyOffset;
    return false;
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
  parseValue(cursor, recordEnd, keyOffset, record);
  return true;
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

/** How often (in records) the scan checks whether the rest of the file may hold too many records. */
const COUNT_CHECK_RECORDS = 65_536;

/**
 * Where the record one past `budget` starts in [from, end), walking only the top-level fields'
 * keys and lengths (read through in windows); null when there are no more than `budget`, or when
 * the walk meets bytes that do not parse (the scan itself then reports them, in file order).
 */
async function recordPastLimit(
  source: ByteSource,
  from: number,
  end: number,
  windowBytes: number,
  budget: number,
  signal?: AbortSignal,
): Promise<number | null> {
  const cursor = new ByteCursor(source, from, { windowBytes, end, signal, truncatedCode: 'ckpt-truncated' });
  cursor.readAheadFloor = windowBytes;
  let count = 0;
  while (cursor.position < end) {
    const mark = cursor.position;
    try {
      needVarint(cursor);
      const key = readVarint(cursor);
      const wireType = key & 7;
      if (Math.floor(key / 8) === 1 && wireType === WIRE_LEN) {
        needVarint(cursor);
        const length = readVarint(cursor);
        if (cursor.position + length > end) return null;
        count += 1;
        if (count > budget) return mark;
        cursor.skip(length);
      } else if (key < 8 || wireType > 5 || wireType === 3 || wireType === 4) {
        return null;
      } else {
        skipField(cursor, wireType, mark);
      }
    } catch (error) {
      if (!(error instanceof NeedMoreBytes)) {
        if (error instanceof LensError) return null;
        throw error;
      }
      cursor.position = mark;
      await cursor.ensure(Math.min(error.upTo - mark, cursor.remaining), windowBytes);
    }
  }
  return null;
}

/**
 * A later run of a tag already seen replaces the value but keeps the first position (§4): the
 * entry at the first position becomes the last run's, marked `duplicate-name`, and each later
 * run is a `ckpt-duplicate-tag` problem at its first record. Done once at the end, so the scan
 * holds no Map of every name.
 */
function removeDuplicates(tensors: TensorSink, entryOffsets: number[], problems: FileProblem[]): TensorSink {
  const collapsed = tensors.collapseRepeatedNames((entry, at): TensorEntry => {
    problems.push({ code: 'ckpt-duplicate-tag', detail: entry.name, offset: entryOffsets[at] as number });
    return { ...entry, problems: [...(entry.problems ?? []), { code: 'duplicate-name' }] };
  });
  return collapsed ?? tensors;
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
  let tensors = tensorSink(options);
  /** Where each entry's first record starts (for the duplicate-tag problem). */
  const entryOffsets: number[] = [];
  const intern = new Interner();
  const problems: FileProblem[] = [];
  const record = new RecordFields();
  const group = new Group();
  let inGroup = false;
  let recordCount = 0;
  const skipped: SkippedFields = { count: 0, bytes: 0, offset: 0, field: 0, wireType: 0 };
  let countedAhead = false;
  // Each read has a fixed cost (about 1 ms for a File slice in Chromium, measured by the bench),
  // so skipping tensor bytes only pays when records are large. While the mean record is smaller
  // than `seekCostBytes` we read through in full windows with the next one prefetched; once
  // records are large we fetch one header's worth per record and never touch tensor bytes.
  const seekCostBytes = options.seekCostBytes ?? DEFAULT_SEEK_COST_BYTES;
  let readAhead = headerReadBytes;

  const keep = (entry: TensorEntry): void => {
    tensors.push(entry);
    entryOffsets.push(group.firstOffset);
  };
  /** Undefined when the entry was made without a read (no await needed). */
  const closeGroup = (): Promise<void> | undefined => {
    if (!inGroup) return undefined;
    inGroup = false;
    const entry = finishGroup(group, source, cursor, intern, signal);
    if (!(entry instanceof Promise)) {
      keep(entry);
      return undefined;
    }
    return entry.then(keep);
  };

  // The last refill: where the field started and how many bytes from there it asked for.
  let refill = { mark: -1, bytes: 0 };
  while (cursor.position < payloadEnd) {
    const mark = cursor.position;
    let isRecord: boolean;
    try {
      isRecord = parseNextField(cursor, payloadEnd, recordCount, record, skipped);
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
      if (inGroup) group.saveBuffered(cursor);
      await cursor.ensure(bytes, readAhead);
      continue;
    }
    if (!isRecord) continue;
    recordCount += 1;
    progress.records = recordCount;
    readAhead = cursor.position / recordCount < seekCostBytes ? windowBytes : headerReadBytes;
    cursor.readAheadFloor = readAhead;
    if (inGroup && group.tag === record.tag && !record.isMap) {
      group.add(record);
    } else {
      const pending = closeGroup();
      if (pending) await pending;
      group.start(record);
      inGroup = true;
    }
    if (onProgress && recordCount % 256 === 0) onProgress(cursor.position / payloadEnd);
    if (!countedAhead && recordCount % COUNT_CHECK_RECORDS === 0) {
      // As many records again at the same mean size would pass an eighth of the limit: count the
      // rest first (a walk over record lengths, nothing kept), so a file of too many records is
      // refused before its entries are made, not after two million of them.
      const expected = (recordCount * payloadEnd) / cursor.position;
      // Records of the size met so far, to the end: columns made that long at once.
      if (recordCount === COUNT_CHECK_RECORDS)
        tensors.reserve(Math.min(MAX_TENSOR_ENTRIES, Math.ceil(expected * 1.05)));
      if (expected > MAX_TENSOR_ENTRIES / 8) {
        countedAhead = true;
        const beyond = await recordPastLimit(
          source,
          cursor.position,
          payloadEnd,
          windowBytes,
          MAX_TENSOR_ENTRIES - recordCount,
          signal,
        );
        if (beyond !== null)
          throw new LensError('ckpt-too-many-records', { offset: beyond, limit: MAX_TENSOR_ENTRIES });
      }
    }
  }
  const pending = closeGroup();
  if (pending) await pending;
  onProgress?.(1);
  tensors = removeDuplicates(tensors, entryOffsets, problems);
  if (skipped.count > 0) {
    const first = `field ${skipped.field} (${WIRE_TYPE_NAMES[skipped.wireType] ?? `wire type ${skipped.wireType}`}) at byte ${skipped.offset.toLocaleString('en-US')}`;
    problems.push({
      code: 'ckpt-unknown-field',
      detail:
        skipped.count === 1
          ? `${first}, ${plural(skipped.bytes, 'byte')}`
          : `${skipped.count.toLocaleString('en-US')} fields, ${plural(skipped.bytes, 'byte')} in all, the first ${first}`,
      offset: skipped.offset,
    });
  }

  if (tensors.length === 0) {
    problems.push({ code: 'empty-checkpoint', detail: 'no records' });
  }

  const metadata: Record<string, string | number | boolean> = {};
  for (let i = 0; i < tensors.length; i += 1) {
    const value = tensors.value(i);
    if (
      value !== undefined &&
      isAppendDictValue({ kind: tensors.kindOf(i), shape: tensors.shapeOf(i), dtype: tensors.dtypeOf(i) })
    )
      setOwn(metadata, tensors.name(i), value);
  }

  return tensors.index({
    format: 'ckpt',
    size: source.size,
    plaintextSize: source.size,
    encryption: null,
    crc,
    metadata,
    problems,
  });
}
