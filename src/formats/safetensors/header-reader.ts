/**
 * The safetensors header read member by member from its bytes, a few MiB at a time: each
 * `"name": value` is handed over as it is read, and no text of the header, no object of all
 * its members and no whole copy of its bytes ever exists. `JSON.parse` of a million-entry
 * header (82 MB) built an 82 MB string and a dictionary of a million members, and enumerating
 * that dictionary cost seconds; here the peak is one chunk plus the values of one member.
 *
 * It reads the JSON every writer produces. Anything else — escapes or non-ASCII in a string,
 * a number written with a fraction or an exponent, nesting past a few levels, array-index names (JSON.parse orders those
 * first), a repeated `__metadata__`, and every syntax error — makes it answer `false`, and the
 * caller parses the whole text with JSON.parse as before (which also words the error).
 */
import { asciiText } from '../../base/bytes';
import { NAME_HASH_PRIME, NAME_HASH_START } from '../../base/duplicates';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MAX_NESTING = 16;
/** Strings longer than this are cut from the buffer's text (V8 copies shorter slices anyway). */
const SLICED_MIN = 12;

/** The member ran past the bytes read so far: read more and start it again. */
class NeedMore {}
const needMore = new NeedMore();
/** Not what this reader takes (or not JSON): the caller parses the whole text. */
class Unsupported {}
const unsupported = new Unsupported();

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isNumberByte(byte: number): boolean {
  return (
    (byte >= DIGIT_0 && byte <= DIGIT_9) || byte === MINUS || byte === 0x2b || byte === 0x2e || (byte | 0x20) === 0x65
  );
}

/** The bytes of the three keys of a tensor entry, each with its closing quote. */
const DTYPE_KEY = [...'dtype"'].map((c) => c.charCodeAt(0));
const SHAPE_KEY = [...'shape"'].map((c) => c.charCodeAt(0));
const OFFSETS_KEY = [...'data_offsets"'].map((c) => c.charCodeAt(0));

/**
 * A tensor entry's fields as `tensorEntry` reads them: one object per reader, filled again for
 * each member. Whoever keeps a field past the member copies it (`Interner.shapeOf`).
 */
export interface EntryFields {
  dtype: string;
  shape: number[];
  data_offsets: number[];
}

/** A JSON value reader over one buffer; `at` moves as values are read. */
class Reader {
  at = 0;
  private readonly entry: EntryFields = { dtype: '', shape: [], data_offsets: [] };
  /** `bytes` as text, decoded when a long string is first read. */
  private text: string | undefined;
  /** `hashName` of the last string `string()` read. */
  lastHash = 0;
  constructor(
    readonly bytes: Uint8Array,
    /** Whether `bytes` ends where the header ends (then running out is malformed, not "need more"). */
    readonly final: boolean,
  ) {}

  private byte(): number {
    if (this.at >= this.bytes.length) throw this.final ? unsupported : needMore;
    return this.bytes[this.at] as number;
  }

  skipSpace(): number {
    for (;;) {
      const byte = this.byte();
      if (!isSpace(byte)) return byte;
      this.at += 1;
    }
  }

  expect(byte: number): void {
    if (this.skipSpace() !== byte) throw unsupported;
    this.at += 1;
  }

  string(): string {
    if (this.skipSpace() !== QUOTE) throw unsupported;
    const start = this.at + 1;
    let end = start;
    const bytes = this.bytes;
    // The string's `hashName` as its bytes go by (ASCII bytes are its UTF-16 code units).
    let hash = NAME_HASH_START;
    for (; ; end += 1) {
      if (end >= bytes.length) throw this.final ? unsupported : needMore;
      const byte = bytes[end] as number;
      if (byte === QUOTE) break;
      // Escapes, control characters and UTF-8 are JSON.parse's to read.
      if (byte === BACKSLASH || byte < 0x20 || byte >= 0x80) throw unsupported;
      hash = Math.imul(hash ^ byte, NAME_HASH_PRIME);
    }
    this.lastHash = hash >>> 0;
    this.at = end + 1;
    // Longer strings (most names) are cut from the whole buffer's text, decoded once: making each
    // from its bytes (`String.fromCharCode` over a view) was a sixth of a 100k-name scan. Every
    // byte before `end` is ASCII (the reader has read each one, and takes no other), so offsets
    // in the text are offsets in the bytes, whatever follows.
    if (end - start > SLICED_MIN) {
      this.text ??= ascii.decode(bytes);
      return this.text.slice(start, end);
    }
    return knownAscii(bytes, start, end);
  }

  /**
   * The value at `at` when it is a tensor entry as every writer makes it — an object of exactly
   * "dtype" (a string), "shape" and "data_offsets" (lists of whole numbers), each once, in any
   * order — read without making an object, key string or list (a million-entry header made seven
   * million). Anything else leaves `at` where it was and answers null: `value` reads it.
   */
  tensorEntry(): EntryFields | null {
    const start = this.at;
    const entry = this.entry;
    if (this.skipSpace() !== OPEN_BRACE) return null;
    this.at += 1;
    let seen = 0;
    for (let field = 0; field < 3; field += 1) {
      if (field > 0 && this.skipSpace() !== COMMA) return this.notEntry(start);
      if (field > 0) this.at += 1;
      if (this.skipSpace() !== QUOTE) return this.notEntry(start);
      this.at += 1;
      const key = this.keyOf();
      if (key === 0 || (seen & key) !== 0) return this.notEntry(start);
      seen |= key;
      this.expect(COLON);
      if (key === 1) {
        if (this.skipSpace() !== QUOTE) return this.notEntry(start);
        entry.dtype = this.dtypeText(entry.dtype);
      } else if (!this.wholeNumbers(key === 2 ? entry.shape : entry.data_offsets)) return this.notEntry(start);
    }
    if (this.skipSpace() !== CLOSE_BRACE) return this.notEntry(start);
    this.at += 1;
    return entry;
  }

  private notEntry(start: number): null {
    this.at = start;
    return null;
  }

  /** After a key's opening quote: 1 for "dtype", 2 "shape", 4 "data_offsets" (moved past its quote), else 0. */
  private keyOf(): number {
    const key = this.bytes[this.at] === 0x64 ? (this.bytes[this.at + 1] === 0x74 ? DTYPE_KEY : OFFSETS_KEY) : SHAPE_KEY;
    if (this.at + key.length > this.bytes.length) {
      if (this.final) return 0;
      throw needMore;
    }
    for (let i = 0; i < key.length; i += 1) if (this.bytes[this.at + i] !== key[i]) return 0;
    this.at += key.length;
    return key === DTYPE_KEY ? 1 : key === SHAPE_KEY ? 2 : 4;
  }

  /** A string, as `string()` reads it; `last` again when the bytes spell it (a dtype repeats entry after entry). */
  private dtypeText(last: string): string {
    const start = this.at + 1;
    const bytes = this.bytes;
    let same = true;
    let end = start;
    for (; ; end += 1) {
      if (end >= bytes.length) throw this.final ? unsupported : needMore;
      const byte = bytes[end] as number;
      if (byte === QUOTE) break;
      if (byte === BACKSLASH || byte < 0x20 || byte >= 0x80) throw unsupported;
      if (same && byte !== last.charCodeAt(end - start)) same = false;
    }
    if (same && end - start === last.length) {
      this.at = end + 1;
      return last;
    }
    return this.string();
  }

  /** A list of numbers into `into` (emptied first); false, having read part of it, when an item is not a number. */
  private wholeNumbers(into: number[]): boolean {
    if (this.skipSpace() !== OPEN_BRACKET) return false;
    this.at += 1;
    into.length = 0;
    if (this.skipSpace() === CLOSE_BRACKET) {
      this.at += 1;
      return true;
    }
    for (;;) {
      const byte = this.skipSpace();
      if (byte !== MINUS && (byte < DIGIT_0 || byte > DIGIT_9)) return false;
      into.push(this.number());
      const next = this.skipSpace();
      this.at += 1;
      if (next === CLOSE_BRACKET) return true;
      if (next !== COMMA) return false;
    }
  }

  value(depth: number): unknown {
    const byte = this.skipSpace();
    if (byte === QUOTE) return this.string();
    if (byte === OPEN_BRACE) return this.object(depth + 1);
    if (byte === OPEN_BRACKET) return this.array(depth + 1);
    if (byte === MINUS || (byte >= DIGIT_0 && byte <= DIGIT_9)) return this.number();
    if (byte === 0x74) return this.word('true', true);
    if (byte === 0x66) return this.word('false', false);
    if (byte === 0x6e) return this.word('null', null);
    throw unsupported;
  }

  private word<T>(text: string, value: T): T {
    for (let i = 0; i < text.length; i += 1) {
      if (this.byte() !== text.charCodeAt(i)) throw unsupported;
      this.at += 1;
    }
    return value;
  }

  number(): number {
    const start = this.at;
    const bytes = this.bytes;
    let end = start;
    let whole = true;
    let value = 0;
    for (; end < bytes.length && isNumberByte(bytes[end] as number); end += 1) {
      const byte = bytes[end] as number;
      if (byte >= DIGIT_0 && byte <= DIGIT_9) value = value * 10 + (byte - DIGIT_0);
      else whole = false;
    }
    if (end >= bytes.length && !this.final) throw needMore;
    this.at = end;
    const digits = end - start;
    // Plain digits: exact below 2^53 (15 digits), and JSON allows no leading zero.
    if (whole && digits <= 15 && (digits === 1 || bytes[start] !== DIGIT_0)) return value;
    const text = knownAscii(bytes, start, end);
    // A fraction or an exponent (2.0, 8e0): no header field takes one, and the safetensors
    // library refuses it where it wants an integer; the whole-text path finds and words it.
    if (!JSON_NUMBER.test(text) || /[.eE]/.test(text)) throw unsupported;
    return Number(text);
  }

  private array(depth: number): unknown[] {
    if (depth > MAX_NESTING) throw unsupported;
    this.at += 1;
    const items: unknown[] = [];
    if (this.skipSpace() === CLOSE_BRACKET) {
      this.at += 1;
      return items;
    }
    for (;;) {
      items.push(this.value(depth));
      const next = this.skipSpace();
      this.at += 1;
      if (next === CLOSE_BRACKET) return items;
      if (next !== COMMA) throw unsupported;
    }
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > MAX_NESTING) throw unsupported;
    this.at += 1;
    const record: Record<string, unknown> = {};
    if (this.skipSpace() === CLOSE_BRACE) {
      this.at += 1;
      return record;
    }
    for (;;) {
      const key = this.string();
      this.expect(COLON);
      const value = this.value(depth);
      // As JSON.parse: an own property whatever the key (a plain `__proto__` assignment sets the prototype).
      if (key === '__proto__')
        Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
      else record[key] = value;
      const next = this.skipSpace();
      this.at += 1;
      if (next === CLOSE_BRACE) return record;
      if (next !== COMMA) throw unsupported;
    }
  }
}

/** Bytes known to be ASCII as a string. */
function knownAscii(bytes: Uint8Array, start: number, end: number): string {
  return asciiText(bytes, start, end) ?? ascii.decode(bytes.subarray(start, end));
}

const ascii = new TextDecoder();

export interface HeaderChunks {
  /** The header's bytes already read (a prefix of it, possibly all). */
  first: Uint8Array;
  length: number;
  /** Reads `length` header bytes from `offset` (relative to the header's start). */
  read(offset: number, length: number): Promise<Uint8Array>;
  chunkBytes: number;
}

/**
 * Read the header's top-level members in order, calling `onMember` for each. A member whose
 * handling throws stops the handling but not the reading: the rest is still checked as JSON,
 * so a syntax error anywhere is reported first (as JSON.parse would), and otherwise that error
 * is thrown at the end. Returns false when the header is not what this reader takes.
 */
export async function readHeaderMembers(
  chunks: HeaderChunks,
  /**
   * `value` may be the reader's one `EntryFields`, filled again for the next member: copy what is
   * kept. `nameHash` is `hashName(name)`.
   */
  onMember: (name: string, value: unknown, nameHash: number) => void,
): Promise<boolean> {
  let buffer = chunks.first.subarray(0, Math.min(chunks.first.length, chunks.length));
  let consumed = 0;
  let failure: { error: unknown } | null = null;
  let sawMetadata = false;
  let reader = new Reader(buffer, buffer.length === chunks.length);
  let opened = false;
  let done = false;
  while (!done) {
    const mark = reader.at;
    try {
      if (!opened) {
        reader.expect(OPEN_BRACE);
        if (reader.skipSpace() === CLOSE_BRACE) {
          reader.at += 1;
          break;
        }
        opened = true;
        continue;
      }
      const name = reader.string();
      const nameHash = reader.lastHash;
      reader.expect(COLON);
      // `__metadata__` is read as it is written (its members' order words its errors).
      const value = (name !== '__metadata__' && reader.tensorEntry()) || reader.value(0);
      const next = reader.skipSpace();
      reader.at += 1;
      if (next === CLOSE_BRACE) done = true;
      else if (next !== COMMA) throw unsupported;
      if (ARRAY_INDEX.test(name)) return false;
      if (name === '__metadata__') {
        if (sawMetadata) return false;
        sawMetadata = true;
      }
      if (!failure) {
        try {
          onMember(name, value, nameHash);
        } catch (error) {
          failure = { error };
        }
      }
    } catch (signal) {
      if (signal === unsupported) return false;
      if (signal !== needMore) throw signal;
      // Start this member again after reading more: at least a chunk, and at least as much as
      // is kept (a member longer than a chunk is re-read O(log n) times, not once per chunk).
      const rest = buffer.subarray(mark);
      const readTo = consumed + buffer.length;
      const wanted = Math.max(chunks.chunkBytes, rest.length);
      const more = await chunks.read(readTo, Math.min(wanted, chunks.length - readTo));
      if (more.length === 0) return false;
      const joined = new Uint8Array(rest.length + more.length);
      joined.set(rest);
      joined.set(more, rest.length);
      consumed += mark;
      buffer = joined;
      reader = new Reader(buffer, consumed + buffer.length >= chunks.length);
    }
  }
  // Only white space may follow the object.
  for (;;) {
    for (; reader.at < buffer.length; reader.at += 1) if (!isSpace(buffer[reader.at] as number)) return false;
    const readTo = consumed + buffer.length;
    if (readTo >= chunks.length) break;
    consumed = readTo;
    buffer = await chunks.read(readTo, Math.min(chunks.chunkBytes, chunks.length - readTo));
    if (buffer.length === 0) return false;
    reader = new Reader(buffer, consumed + buffer.length >= chunks.length);
  }
  if (failure) throw failure.error;
  return true;
}
