import { setOwn } from '../../base/own';
import { Interner } from '../../base/intern';
import { decodeSmallValues, mayHoldSmallValue } from '../scalars';
import { tensorSink, type TensorSink } from '../../base/tensor-columns';
import { byteLengthOf, dtypeInfo, elementCount, mindsporeNameOfSafetensors, type DtypeInfo } from '../../base/dtypes';
import { LensError } from '../../base/errors';
import {
  MAX_DIMS,
  MAX_READ_BYTES,
  MAX_TENSOR_ENTRIES,
  MAX_TENSOR_NAME_BYTES,
  SAFETENSORS_MAX_HEADER_BYTES,
} from '../../base/limits';
import type { CheckpointIndex, FileProblem, TensorEntry, TensorProblem } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { splitHeaderMembers } from './header-members';
import { storedCrcOfText } from '../../base/crc-trailer';
import { readHeaderMembers, type HeaderChunks } from './header-reader';

export interface SafetensorsScanOptions {
  signal?: AbortSignal;
  /** Bytes fetched by the first read; a header that fits needs no second read. */
  firstReadBytes?: number;
  /** Hold the tensors as columns (see the .ckpt scan's `ScanOptions.columns`). */
  columns?: boolean;
}

const HEADER_LENGTH_BYTES = 8;
const DEFAULT_FIRST_READ = 64 * 1024;

function readHeaderLength(head: Uint8Array): bigint {
  return new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDimensionList(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'number' || !Number.isSafeInteger(item) || item < 0) return false;
  return true;
}

/** What is wrong with a "shape" that is not a list of at most MAX_DIMS dims below 2^53, in words. */
function shapeProblem(shape: unknown): string | null {
  if (shape === undefined) return '"shape" is missing';
  if (!Array.isArray(shape)) return `"shape" must be a list of non-negative integers; it is ${jsonKind(shape)}`;
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0)
      // jsonKind, not JSON.stringify: a dim may be a list nested thousands deep.
      return `"shape" must be a list of non-negative integers; it holds ${typeof dim === 'number' ? shortText(String(dim)) : jsonKind(dim)}`;
    if (!Number.isSafeInteger(dim))
      return `"shape" holds a dimension above 2^53−1 (9,007,199,254,740,991): more elements than any file can hold`;
  }
  if (shape.length > MAX_DIMS) return `"shape" has ${shape.length} dimensions; Ckpt Lens reads at most ${MAX_DIMS}`;
  return null;
}

/** A JSON value's kind, for sentences: "the number 5", "a list", "null". */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return `the number ${shortText(String(value))}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (typeof value === 'string') return `the string ${shortText(JSON.stringify(value))}`;
  return 'an object';
}

/** Long text from a header, cut as names are in sentences: its first 64 characters and "…". */
function shortText(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/** A lone UTF-16 surrogate (a "\ud800" escape with no partner): not Unicode text. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** ES2024's String.prototype.isWellFormed (Node 20, Chromium, Firefox 119+): the same test, natively. */
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/** serde_json, which the safetensors library parses headers with, refuses lone surrogates; so does this. */
function checkText(text: string, what: string): void {
  // The native scan is twenty times faster than the regex on a million names.
  if (nativeWellFormed ? nativeWellFormed.call(text) : !LONE_SURROGATE.test(text)) return;
  throw new LensError('st-bad-entry', {
    offset: HEADER_LENGTH_BYTES,
    hint: `${what} ${shortText(JSON.stringify(text))} holds an unpaired UTF-16 surrogate escape, which is not Unicode text: the safetensors library (serde_json) refuses such a header, and the text cannot be written as UTF-8`,
  });
}

const utf8Encoder = new TextEncoder();
const utf8Length = (text: string): number => utf8Encoder.encode(text).length;

function badEntry(name: string, hint: string, offset: number): LensError {
  return new LensError('st-bad-entry', { tensor: shortText(name), hint, offset });
}

/**
 * Index a safetensors file from its header alone (ckpt-format.md §10): the 8-byte length, the
 * JSON header, `__metadata__`, and every entry checked against the format's rules and the file
 * size. Two small reads, whatever the file size, and the few bytes of one-element tensors (close
 * ones share one read) for their values.
 */
export async function scanSafetensors(
  source: ByteSource,
  options: SafetensorsScanOptions = {},
): Promise<CheckpointIndex> {
  const { signal } = options;
  if (source.size === 0) throw new LensError('empty-file');
  if (source.size < HEADER_LENGTH_BYTES) {
    throw new LensError('st-too-small', { actual: source.size, expected: HEADER_LENGTH_BYTES });
  }
  // At least the 8-byte length, whatever the caller asked for.
  const firstRead = Math.max(HEADER_LENGTH_BYTES, options.firstReadBytes ?? DEFAULT_FIRST_READ);
  const first = await source.read(0, Math.min(source.size, firstRead), signal);
  const storedLength = readHeaderLength(first);
  if (storedLength > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new LensError('st-header-too-large', {
      offset: 0,
      actual: `${storedLength.toLocaleString('en-US')} bytes`,
      limit: SAFETENSORS_MAX_HEADER_BYTES,
    });
  }
  const headerLength = Number(storedLength);
  const dataStart = HEADER_LENGTH_BYTES + headerLength;
  if (dataStart > source.size) {
    throw new LensError('st-header-past-end', { offset: 0, expected: dataStart, actual: source.size });
  }
  const dataLength = source.size - dataStart;
  const chunks: HeaderChunks = {
    first: first.subarray(HEADER_LENGTH_BYTES, Math.min(first.length, dataStart)),
    length: headerLength,
    read: (offset, length) => readHeaderRange(source, offset, length, signal),
    chunkBytes: HEADER_CHUNK_BYTES,
  };
  let entries = new HeaderEntries(dataStart, dataLength, headerLength, options.columns === true);
  const read = entries;
  if (!(await readHeaderMembers(chunks, (name, value, nameHash) => read.add(name, value, nameHash)))) {
    // Not the JSON every writer produces (or not JSON): JSON.parse reads it, or words the error.
    entries = new HeaderEntries(dataStart, dataLength, headerLength, options.columns === true);
    const headerBytes =
      first.length >= dataStart
        ? first.subarray(HEADER_LENGTH_BYTES, dataStart)
        : await readHeaderRange(source, 0, headerLength, signal);
    for (const members of headerMembers(headerBytes)) {
      const parsed = members.parse();
      const fractional = members.fractionalNumber();
      if (fractional && fractional.member !== '__metadata__') {
        throw badEntry(
          fractional.member,
          `"${fractional.field}" holds ${shortText(fractional.text)}, a number written with a fraction or an exponent: shapes and data_offsets are integers, and the safetensors library (serde_json) refuses such a header`,
          HEADER_LENGTH_BYTES,
        );
      }
      for (const name in parsed) entries.add(name, parsed[name]);
      const entryCount = Object.keys(parsed).length - (Object.hasOwn(parsed, '__metadata__') ? 1 : 0);
      for (const name of members.duplicateKeys(entryCount)) entries.duplicates.add(name);
    }
  }
  entries.removeDuplicates();
  const { tensors, metadata, duplicates } = entries;

  const problems = checkCoverage(tensors, dataStart, dataLength, entries.inOrder);
  // One-element tensors (num_batches_tracked, a [1] step) show their value, as in a .ckpt.
  await decodeSmallValues(source, tensors, signal);
  if (duplicates.size > 0) {
    const shown = [...duplicates].slice(0, 5).map((name) => `"${name}"`);
    problems.push({
      code: 'safetensors-duplicate-key',
      detail: `${shown.join(', ')}${duplicates.size > 5 ? ` and ${duplicates.size - 5} more` : ''}`,
      offset: HEADER_LENGTH_BYTES,
    });
  }
  return tensors.index({
    format: 'safetensors',
    size: source.size,
    plaintextSize: source.size,
    encryption: null,
    crc: crcFromMetadata(metadata),
    metadata,
    problems,
    header: { length: headerLength, dataStart },
  });
}

/** Header bytes read at a time by the member reader. */
const HEADER_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The tensors and metadata of a header, member by member (in header order, as JSON.parse gives
 * them): every entry checked against the format's rules and the file size, one dtype lookup per
 * distinct dtype, and whether the data is already in offset order.
 */
class HeaderEntries {
  tensors: TensorSink;
  readonly metadata: Record<string, string> = {};
  /** Names the header repeats; JSON.parse keeps the first position and the last value. */
  readonly duplicates = new Set<string>();
  inOrder = true;
  private lastBegin = 0;
  private lastEnd = 0;
  private readonly dtypes = new Map<string, { raw: string; msName: string; info: DtypeInfo }>();
  private readonly intern = new Interner();

  constructor(
    private readonly dataStart: number,
    private readonly dataLength: number,
    headerLength: number,
    columns: boolean,
  ) {
    // An entry takes ~80 header bytes or more (name, dtype, shape, offsets): room for the likely count.
    this.tensors = tensorSink({ columns }, Math.min(MAX_TENSOR_ENTRIES, Math.ceil(headerLength / 80)));
  }

  /** `nameHash`: `hashName(name)`, when the reader made it. */
  add(name: string, value: unknown, nameHash?: number): void {
    if (name === '__metadata__') {
      readMetadata(value, this.metadata);
      return;
    }
    const tensors = this.tensors;
    if (tensors.length >= MAX_TENSOR_ENTRIES) {
      throw new LensError('st-too-many-entries', { actual: tensors.length + 1, limit: MAX_TENSOR_ENTRIES });
    }
    const tensor = indexEntry(name, value, this.dtypes, this.intern, this.dataStart, this.dataLength);
    const range = tensor.ranges[0];
    if (range) {
      const begin = range.offset - this.dataStart;
      const end = begin + range.length;
      if (begin < this.lastBegin || (begin === this.lastBegin && end < this.lastEnd)) this.inOrder = false;
      this.lastBegin = begin;
      this.lastEnd = end;
    }
    tensors.push(tensor, nameHash);
  }

  /** A name met again (in another piece, or read member by member) keeps its first position and takes the last value. */
  removeDuplicates(): void {
    const collapsed = this.tensors.collapseRepeatedNames((tensor) => {
      this.duplicates.add(tensor.name);
      return tensor;
    });
    if (collapsed) {
      this.tensors = collapsed;
      this.inOrder = false;
    }
  }
}

/** Header bytes [offset, offset + length) in reads of at most MAX_READ_BYTES (the format allows 100 MB). */
async function readHeaderRange(
  source: ByteSource,
  offset: number,
  length: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (length <= MAX_READ_BYTES) {
    const whole = await source.read(HEADER_LENGTH_BYTES + offset, length, signal);
    if (whole.length < length)
      throw new LensError('st-header-past-end', {
        offset: 0,
        expected: HEADER_LENGTH_BYTES + offset + length,
        actual: HEADER_LENGTH_BYTES + offset + whole.length,
      });
    return whole;
  }
  const header = new Uint8Array(length);
  for (let at = 0; at < length; at += MAX_READ_BYTES) {
    const chunk = await source.read(HEADER_LENGTH_BYTES + offset + at, Math.min(MAX_READ_BYTES, length - at), signal);
    if (chunk.length === 0)
      throw new LensError('st-header-past-end', {
        offset: 0,
        expected: HEADER_LENGTH_BYTES + offset + length,
        actual: HEADER_LENGTH_BYTES + offset + at,
      });
    header.set(chunk, at);
  }
  return header;
}

/** Above this size a header is parsed in pieces of PIECE_BYTES (header-members.ts says why). */
const WHOLE_PARSE_MAX_BYTES = 8 * 1024 * 1024;
const PIECE_BYTES = 4 * 1024 * 1024;

/** Top-level members of the header, parsed when asked (so one piece at a time is alive). */
interface HeaderMembers {
  parse(): Record<string, unknown>;
  /** Names this text repeats (JSON.parse kept `count` of them). */
  duplicateKeys(count: number): string[];
  /** The first number written with a fraction or an exponent, once parsed. */
  fractionalNumber(): FractionalNumber | null;
}

function notJson(error: unknown): LensError {
  const position = /position (\d+)/.exec(String(error))?.[1];
  return new LensError(
    'st-header-not-json',
    {
      offset: HEADER_LENGTH_BYTES + (position ? Number(position) : 0),
      hint: error instanceof Error ? error.message : String(error),
    },
    error,
  );
}

function parseWhole(headerBytes: Uint8Array): HeaderMembers {
  let text = '';
  let parsed: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    parsed = JSON.parse(text);
  } catch (error) {
    throw notJson(error);
  }
  if (!isRecord(parsed)) throw new LensError('st-header-not-object', { offset: HEADER_LENGTH_BYTES });
  return {
    parse: () => parsed,
    duplicateKeys: (count) => duplicateHeaderKeys(text, count),
    fractionalNumber: () => fractionalNumberIn(text),
  };
}

/**
 * The header as one text, or (when large) as pieces of whole members. A piece that does not
 * parse means the whole does not either: then the whole is parsed for JSON.parse's own error.
 */
function headerMembers(headerBytes: Uint8Array): HeaderMembers[] {
  const split = headerBytes.length > WHOLE_PARSE_MAX_BYTES ? splitHeaderMembers(headerBytes, PIECE_BYTES) : null;
  if (!split) return [parseWhole(headerBytes)];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return split.map((bytes): HeaderMembers => {
    let text = '';
    return {
      parse() {
        text = `{${decoder.decode(bytes)}}`;
        try {
          // `{"a":1,}` splits into a last piece of nothing: invalid as a whole.
          if (split.length > 1 && /^\{\s*\}$/.test(text)) throw new SyntaxError('a member is missing');
          return JSON.parse(text) as Record<string, unknown>;
        } catch (error) {
          parseWhole(headerBytes);
          throw notJson(error);
        }
      },
      duplicateKeys: (count) => duplicateHeaderKeys(text, count),
      fractionalNumber: () => fractionalNumberIn(text),
    };
  });
}

/** `__metadata__` is the file's metadata, never a tensor: its errors say so and name no tensor. */
function badMetadata(hint: string): LensError {
  return new LensError('st-bad-entry', { offset: HEADER_LENGTH_BYTES, hint: `"__metadata__" ${hint}` });
}

function readMetadata(raw: unknown, metadata: Record<string, string>): void {
  if (!isRecord(raw)) throw badMetadata(`(the file's metadata) must be an object of strings; it is ${jsonKind(raw)}`);
  for (const [key, value] of Object.entries(raw)) {
    checkText(key, 'A metadata key');
    if (typeof value !== 'string' && 'dtype' in raw && 'shape' in raw && 'data_offsets' in raw)
      throw badMetadata(
        `is the key reserved for the file's metadata (an object of strings), but it holds a tensor entry (dtype, shape, data_offsets): a tensor cannot be named __metadata__, and safetensors readers refuse the file`,
      );
    if (typeof value !== 'string')
      throw badMetadata(
        `(the file's metadata) must map keys to strings; the value of ${shortText(JSON.stringify(key))} is ${jsonKind(value)}`,
      );
    checkText(value, 'A metadata value');
    setOwn(metadata, key, value);
  }
}

/** One header entry checked against the format's rules and the file size (§10). */
function indexEntry(
  name: string,
  entry: unknown,
  dtypes: Map<string, { raw: string; msName: string; info: DtypeInfo }>,
  intern: Interner,
  dataStart: number,
  dataLength: number,
): TensorEntry {
  // The .ckpt reader's limit, in UTF-8 bytes; a name of fewer UTF-16 units than a third of it cannot exceed it.
  if (name.length > MAX_TENSOR_NAME_BYTES / 3) {
    const nameBytes = utf8Length(name);
    if (nameBytes > MAX_TENSOR_NAME_BYTES) {
      throw new LensError('st-name-too-long', {
        tensor: `${name.slice(0, 64)}…`,
        offset: HEADER_LENGTH_BYTES,
        actual: nameBytes,
        limit: MAX_TENSOR_NAME_BYTES,
      });
    }
  }
  checkText(name, 'A tensor name');
  if (!isRecord(entry))
    throw badEntry(name, `the entry must be an object; it is ${jsonKind(entry)}`, HEADER_LENGTH_BYTES);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (dtype === undefined) throw badEntry(name, '"dtype" is missing', HEADER_LENGTH_BYTES);
  if (typeof dtype !== 'string')
    throw badEntry(name, `"dtype" must be a string such as "F32"; it is ${jsonKind(dtype)}`, HEADER_LENGTH_BYTES);
  const badShape = shapeProblem(shape);
  if (badShape !== null || !isDimensionList(shape)) {
    throw badEntry(name, badShape ?? '"shape" must be a list of non-negative integers', HEADER_LENGTH_BYTES);
  }
  if (!isDimensionList(offsets) || offsets.length !== 2) {
    throw badEntry(name, '"data_offsets" must be [begin, end]', HEADER_LENGTH_BYTES);
  }
  const begin = offsets[0] as number;
  const end = offsets[1] as number;
  if (begin > end) throw badEntry(name, `data_offsets [${begin}, ${end}] end before begin`, HEADER_LENGTH_BYTES);
  let known = dtypes.get(dtype);
  if (!known) {
    const msName = mindsporeNameOfSafetensors(dtype);
    const info = msName ? dtypeInfo(msName) : undefined;
    if (!msName || !info) {
      throw new LensError('st-unknown-dtype', {
        tensor: shortText(name),
        actual: shortText(dtype),
        ...(dtype.length > 64 ? { limit: dtype.length } : {}),
      });
    }
    known = { raw: dtype, msName, info };
    dtypes.set(dtype, known);
  }

  const count = elementCount(shape);
  const expected = Number.isSafeInteger(count) ? byteLengthOf(known.info, count) : NaN;
  const ranges = end > begin ? [{ offset: dataStart + begin, length: end - begin }] : [];
  // Copied when kept: the header reader fills one shape list again for every member.
  const interned = intern.shapeOf(shape);
  const bytes = end - begin;
  // A one-element tensor may get its value once its bytes are read (decodeSmallValues): its
  // literal has the field from the start, so an entry kept as an object does not grow a separate
  // store for it later (a million [1]-shaped tensors).
  const tensor: TensorEntry = mayHoldSmallValue(interned, bytes)
    ? {
        name,
        dtype: known.msName,
        rawDtype: known.raw,
        shape: interned,
        kind: 'tensor',
        bytes,
        ranges,
        value: undefined,
      }
    : { name, dtype: known.msName, rawDtype: known.raw, shape: interned, kind: 'tensor', bytes, ranges };
  if (end - begin !== expected || end > dataLength) {
    const problems: TensorProblem[] = [];
    if (end - begin !== expected) {
      problems.push({
        code: 'size-mismatch',
        detail: `expected ${expected} bytes, data_offsets span ${end - begin}`,
      });
    }
    if (end > dataLength) {
      problems.push({
        code: 'past-end-of-file',
        detail: `ends at data offset ${end}, data section has ${dataLength} bytes`,
      });
    }
    tensor.problems = problems;
  }
  return tensor;
}

function crcFromMetadata(metadata: Record<string, string>): CheckpointIndex['crc'] {
  const raw = metadata.crc_num;
  if (raw === undefined) return { present: false, ok: null, expected: null, actual: null };
  return { present: true, ok: null, actual: null, ...storedCrcOfText(raw) };
}

/**
 * The data buffer must be covered exactly: no holes, no overlaps, nothing after (§10.1). Empty
 * tensors take no bytes and are skipped; the rest is walked in offset order, which is file order
 * in every writer we know (then no sort is needed).
 */
function checkCoverage(tensors: TensorSink, dataStart: number, dataLength: number, inOrder: boolean): FileProblem[] {
  const problems: FileProblem[] = [];
  const withBytes = (i: number) => tensors.rangesOf(i) > 0;
  const startOf = (i: number) => tensors.firstOffset(i);
  const endOf = (i: number) => startOf(i) + tensors.firstLength(i);
  let ordered: ArrayLike<number> | null = null;
  if (!inOrder) {
    const positions: number[] = [];
    for (let i = 0; i < tensors.length; i += 1) if (withBytes(i)) positions.push(i);
    ordered = positions.sort((a, b) => startOf(a) - startOf(b) || endOf(a) - endOf(b));
  }
  const count = ordered ? ordered.length : tensors.length;
  let covered = 0;
  for (let k = 0; k < count; k += 1) {
    const i = ordered ? (ordered[k] as number) : k;
    if (!withBytes(i)) continue;
    const begin = startOf(i) - dataStart;
    const end = begin + tensors.firstLength(i);
    if (begin > covered) {
      problems.push({
        code: 'safetensors-gap',
        detail: `${begin - covered} unused bytes before "${tensors.name(i)}"`,
        offset: dataStart + covered,
      });
    } else if (begin < covered && end > begin) {
      problems.push({
        code: 'safetensors-overlap',
        detail: `"${tensors.name(i)}" overlaps the tensor before it`,
        offset: dataStart + begin,
      });
      tensors.addProblem(i, { code: 'overlaps-previous' });
    }
    covered = Math.max(covered, end);
  }
  if (covered > dataLength) {
    problems.push({
      code: 'safetensors-past-end',
      detail: `tensors need ${covered} data bytes, the file has ${dataLength}`,
      offset: dataStart + dataLength,
    });
  } else if (covered < dataLength) {
    problems.push({
      code: 'safetensors-trailing-bytes',
      detail: `${dataLength - covered} bytes after the last tensor`,
      offset: dataStart + covered,
    });
  }
  return problems;
}

/**
 * Names that occur more than once among the header's top-level keys. JSON.parse keeps only the
 * last of each, so this is only run when the text holds more `"data_offsets"` than entries parsed
 * (about 1 ms for a 10k-tensor header; a name containing that text only costs the exact pass).
 */
export function duplicateHeaderKeys(headerText: string, entryCount: number): string[] {
  let occurrences = 0;
  for (let at = headerText.indexOf('"data_offsets"'); at >= 0; at = headerText.indexOf('"data_offsets"', at + 1))
    occurrences += 1;
  if (occurrences <= entryCount) return [];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  walkJsonText(headerText, (key, depth) => {
    if (depth !== 1) return;
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  });
  return [...duplicates];
}

/**
 * Walk a JSON text that parses (strings skipped whole): `onKey` hears each object key with the
 * depth of its object (1 at the top), `onNumber` each number as written with its depth. A
 * visitor that returns true stops the walk.
 */
function walkJsonText(
  text: string,
  onKey: (key: string, depth: number) => boolean | void,
  onNumber?: (written: string, depth: number) => boolean | void,
): void {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
      // A string followed by ':' is a key.
      let next = end + 1;
      while (next < text.length && /\s/.test(text[next] as string)) next += 1;
      if (text[next] === ':' && onKey(JSON.parse(text.slice(i, end + 1)) as string, depth) === true) return;
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth += 1;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth -= 1;
    else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && /[0-9.eE+-]/.test(text[end] as string)) end += 1;
      if (onNumber?.(text.slice(i, end), depth) === true) return;
      i = end - 1;
    }
  }
}

/** A number the header writes as `2.0` or `8e0`: where it is and how it is written. */
interface FractionalNumber {
  /** The top-level key it lies under. */
  member: string;
  /** The entry's field it lies in: "shape" or "data_offsets". */
  field: 'shape' | 'data_offsets';
  text: string;
}

/**
 * The first dim or offset in a header's text (valid JSON, already parsed) written with a fraction
 * or an exponent. JSON.parse reads `2.0` as 2, so it is found in the text: walked once, strings
 * skipped.
 */
export function fractionalNumberIn(headerText: string): FractionalNumber | null {
  if (!/[0-9][.eE]/.test(headerText)) return null;
  let member = '';
  let field = '';
  let found: FractionalNumber | null = null;
  walkJsonText(
    headerText,
    (key, depth) => {
      if (depth === 1) {
        member = key;
        field = '';
      } else if (depth === 2) field = key;
    },
    (written, depth) => {
      // Only where the format wants integers: serde ignores fields TensorInfo does not have.
      if (!/[.eE]/.test(written) || depth !== 3 || (field !== 'shape' && field !== 'data_offsets')) return false;
      found = { member, field, text: written };
      return true;
    },
  );
  return found;
}
