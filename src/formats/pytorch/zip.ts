import { LensError } from '../../base/errors';
import { ZIP_MAX_CENTRAL_DIRECTORY_BYTES, ZIP_MAX_ENTRIES, ZIP_MAX_TAIL_BYTES } from '../../base/limits';
import type { ByteSource } from '../../io/byte-source';

/**
 * The zip archive torch.save writes (PyTorchStreamWriter, via miniz): every entry is *stored*, so a
 * storage is a plain byte range of the file. We read the central directory and then each needed
 * entry's 30-byte local header, nothing else; tensor bytes are read later, on demand.
 *
 * Why not @zip.js/zip.js or unzipit: both are built around extracting entries through their own
 * (inflating) streams and keep an entry's data offset private, while everything here needs exactly
 * that offset — the index's byte ranges are read through `File.slice` windows and exports copy them
 * zero-copy. What we need (EOCD, zip64 EOCD, central headers, the zip64 extra field, local header
 * lengths) is this one file; no decompression is ever wanted (a compressed entry is refused).
 */

export interface ZipEntry {
  name: string;
  /** 0 = stored; torch never writes anything else. */
  method: number;
  /** General purpose flags; bit 3: the local header's CRC and sizes are zero, a data descriptor follows the data. */
  flags: number;
  /** The CRC-32 of the entry's (uncompressed) bytes, as the central directory stores it. */
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_BYTES = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_BYTES = 56;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_BYTES = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_BYTES = 30;
const ZIP64_EXTRA_ID = 0x0001;
const FIRST_TAIL_BYTES = 1024;

const utf8 = new TextDecoder('utf-8');

function bad(hint: string, offset?: number): LensError {
  return new LensError('zip-bad-archive', { hint, ...(offset !== undefined ? { offset } : {}) });
}

function u64(view: DataView, at: number, what: string, offset: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(`${what} ${value} is out of range`, offset);
  return Number(value);
}

async function readExactly(source: ByteSource, offset: number, length: number, signal?: AbortSignal) {
  const bytes = await source.read(offset, length, signal);
  if (bytes.length !== length) throw bad(`the archive ends at byte ${offset + bytes.length}, inside a record`, offset);
  return bytes;
}

/** True when the bytes start like a zip archive (a local file header). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

interface Directory {
  offset: number;
  size: number;
  entries: number;
  /** Bytes after the end record and its comment: torch.save writes none, and no CRC covers them. */
  trailingBytes: number;
}

/** The last bytes of the file and where its end-of-central-directory record starts in them. */
async function readTail(source: ByteSource, signal?: AbortSignal) {
  // torch writes no archive comment, so a small tail holds the records; a commented zip gets one more read.
  for (const wanted of [FIRST_TAIL_BYTES, ZIP_MAX_TAIL_BYTES]) {
    const tailLength = Math.min(source.size, wanted);
    const tailStart = source.size - tailLength;
    const tail = await readExactly(source, tailStart, tailLength, signal);
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    for (let at = tail.length - EOCD_BYTES; at >= 0; at -= 1) {
      if (
        view.getUint32(at, true) === EOCD_SIGNATURE &&
        at + EOCD_BYTES + view.getUint16(at + 20, true) <= tail.length
      ) {
        return {
          view,
          tailStart,
          eocd: at,
          trailingBytes: tail.length - (at + EOCD_BYTES + view.getUint16(at + 20, true)),
        };
      }
    }
    if (tailLength === source.size) break;
  }
  throw bad('no end-of-central-directory record (the file is cut short)', source.size);
}

async function findDirectory(source: ByteSource, signal?: AbortSignal): Promise<Directory> {
  const { view, tailStart, eocd, trailingBytes } = await readTail(source, signal);
  let entries = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - ZIP64_LOCATOR_BYTES;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE) {
      throw bad('the zip64 locator is missing', tailStart + eocd);
    }
    const zip64At = u64(view, locator + 8, 'zip64 record offset', tailStart + locator);
    if (zip64At + ZIP64_EOCD_BYTES > source.size) throw bad('the zip64 record lies past the end', zip64At);
    const record = await readExactly(source, zip64At, ZIP64_EOCD_BYTES, signal);
    const zip64 = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (zip64.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) throw bad('the zip64 record is damaged', zip64At);
    entries = u64(zip64, 32, 'entry count', zip64At);
    size = u64(zip64, 40, 'central directory size', zip64At);
    offset = u64(zip64, 48, 'central directory offset', zip64At);
  }
  if (entries > ZIP_MAX_ENTRIES) {
    throw new LensError('pt-limit', { hint: 'The number of zip entries', actual: entries, limit: ZIP_MAX_ENTRIES });
  }
  if (size > ZIP_MAX_CENTRAL_DIRECTORY_BYTES) {
    throw new LensError('pt-limit', {
      hint: 'The zip central directory size',
      actual: size,
      limit: ZIP_MAX_CENTRAL_DIRECTORY_BYTES,
    });
  }
  if (offset + size > source.size) throw bad('the central directory lies past the end of the file', offset);
  return { offset, size, entries, trailingBytes };
}

/** Every entry of the archive, from its central directory (one read). */
export async function readZipDirectory(source: ByteSource, signal?: AbortSignal): Promise<ZipEntry[]> {
  return (await readZipArchive(source, signal)).entries;
}

/** The archive's entries and where its central directory begins (the end of the last entry). */
export async function readZipArchive(
  source: ByteSource,
  signal?: AbortSignal,
): Promise<{ entries: ZipEntry[]; directoryOffset: number; trailingBytes: number }> {
  const directory = await findDirectory(source, signal);
  const bytes = await readExactly(source, directory.offset, directory.size, signal);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let index = 0; index < directory.entries; index += 1) {
    const where = directory.offset + at;
    if (at + CENTRAL_BYTES > bytes.length) throw bad('the central directory ends inside an entry', where);
    if (view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw bad('a central directory entry is damaged', where);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc32 = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    const end = at + CENTRAL_BYTES + nameLength + extraLength + commentLength;
    if (end > bytes.length) throw bad('the central directory ends inside an entry', where);
    const name = utf8.decode(bytes.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameLength));
    // zip64: the fields saturated at 0xffffffff follow in the 0x0001 extra field, in this order.
    if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      let extra = at + CENTRAL_BYTES + nameLength;
      const extraEnd = extra + extraLength;
      let found = false;
      while (extra + 4 <= extraEnd) {
        const id = view.getUint16(extra, true);
        const length = view.getUint16(extra + 2, true);
        if (extra + 4 + length > extraEnd) break;
        if (id === ZIP64_EXTRA_ID) {
          let field = extra + 4;
          const next = (what: string): number => {
            if (field + 8 > extra + 4 + length) throw bad(`the zip64 field of "${name}" is short`, where);
            const value = u64(view, field, what, where);
            field += 8;
            return value;
          };
          if (size === 0xffffffff) size = next('entry size');
          if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('local header offset');
          found = true;
          break;
        }
        extra += 4 + length;
      }
      if (!found) throw bad(`"${name}" needs a zip64 field and has none`, where);
    }
    entries.push({ name, method, flags, crc32, compressedSize, size, localHeaderOffset });
    at = end;
  }
  return { entries, directoryOffset: directory.offset, trailingBytes: directory.trailingBytes };
}

/** Bit 3 of the flags: CRC and sizes follow the data (torch sets it on every entry); the local header holds zeros. */
export const ZIP_DATA_DESCRIPTOR_FLAG = 0x0008;

/** An entry's local header: where its bytes begin, and the CRC-32 it stores there. */
export interface ZipLocalHeader {
  /** First byte of the entry's data: after the header, its name and its extra field (torch's 64-byte alignment). */
  dataOffset: number;
  /** The local header's CRC-32 field (zero when the entry uses a data descriptor). */
  crc32: number;
  flags: number;
}

/** The first LOCAL_BYTES bytes of an entry's local header, read from `header`. */
export function parseLocalHeader(
  entry: Pick<ZipEntry, 'name' | 'localHeaderOffset'>,
  header: Uint8Array,
): ZipLocalHeader {
  if (header.length < LOCAL_BYTES) {
    throw bad(
      `the archive ends at byte ${entry.localHeaderOffset + header.length}, inside a record`,
      entry.localHeaderOffset,
    );
  }
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (view.getUint32(0, true) !== LOCAL_SIGNATURE) {
    throw bad(`the local header of "${entry.name}" is damaged`, entry.localHeaderOffset);
  }
  return {
    dataOffset: entry.localHeaderOffset + LOCAL_BYTES + view.getUint16(26, true) + view.getUint16(28, true),
    crc32: view.getUint32(14, true),
    flags: view.getUint16(6, true),
  };
}

/** Bytes of a local header that `parseLocalHeader` reads. */
export const ZIP_LOCAL_HEADER_BYTES = LOCAL_BYTES;

/** An entry's local header, read from the source and checked to lie inside it. */
export async function readLocalHeader(
  source: ByteSource,
  entry: ZipEntry,
  signal?: AbortSignal,
): Promise<ZipLocalHeader> {
  if (entry.localHeaderOffset + LOCAL_BYTES > source.size) {
    throw bad(`the local header of "${entry.name}" lies past the end`, entry.localHeaderOffset);
  }
  return parseLocalHeader(entry, await readExactly(source, entry.localHeaderOffset, LOCAL_BYTES, signal));
}

/** Where a stored entry's bytes lie; refused for a compressed entry, or one running past the end of the file. */
export function storedDataRange(
  source: ByteSource,
  entry: ZipEntry,
  header: ZipLocalHeader,
): { offset: number; length: number } {
  if (entry.method !== 0 || entry.compressedSize !== entry.size) {
    throw new LensError('zip-entry-compressed', { actual: entry.name, expected: entry.method });
  }
  const offset = header.dataOffset;
  if (offset + entry.size > source.size) {
    throw bad(`"${entry.name}" ends at byte ${offset + entry.size}, past the end of the file`, offset);
  }
  return { offset, length: entry.size };
}

/** Where a stored entry's bytes begin: after its local header (whose extra field torch uses for 64-byte alignment). */
export async function entryDataRange(
  source: ByteSource,
  entry: ZipEntry,
  signal?: AbortSignal,
): Promise<{ offset: number; length: number }> {
  if (entry.method !== 0 || entry.compressedSize !== entry.size) {
    throw new LensError('zip-entry-compressed', { actual: entry.name, expected: entry.method });
  }
  return storedDataRange(source, entry, await readLocalHeader(source, entry, signal));
}

/** torch aligns every entry's data to this many bytes (PyTorchStreamWriter's kFieldAlignment). */
const TORCH_DATA_ALIGNMENT = 64;
/** Data descriptor lengths a bit-3 entry may end with: with its signature (miniz), then without; 32-bit or zip64 sizes. */
const DESCRIPTOR_BYTES = [16, 24, 12, 20];
const NO_DESCRIPTOR = [0];

/**
 * Where each entry's data begins if the archive is laid out as torch writes it, from the central
 * directory alone: entries back to back in offset order, each its local header, its data on a
 * 64-byte boundary, then (flag bit 3) a data descriptor. So the data ends where the next entry's
 * local header (or the central directory) begins, less the descriptor; an entry is placed only
 * when exactly one descriptor length gives an aligned start past its header's fixed part and
 * name. These are claims, not facts: each must be checked against the local header it skips
 * (checkLocalHeader) before its bytes are trusted. Entries that cannot be placed are left out.
 */
export function inferDataOffsets(entries: readonly ZipEntry[], directoryOffset: number): Map<ZipEntry, number> {
  const placed = new Map<ZipEntry, number>();
  const ordered = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 0; i < ordered.length; i += 1) {
    const entry = ordered[i] as ZipEntry;
    const next = ordered[i + 1]?.localHeaderOffset ?? directoryOffset;
    if (entry.method !== 0 || entry.compressedSize !== entry.size || next <= entry.localHeaderOffset) continue;
    const earliest = entry.localHeaderOffset + LOCAL_BYTES + utf8Length(entry.name);
    let fit = -1;
    let fits = 0;
    for (const descriptor of (entry.flags & ZIP_DATA_DESCRIPTOR_FLAG) !== 0 ? DESCRIPTOR_BYTES : NO_DESCRIPTOR) {
      const start = next - descriptor - entry.size;
      if (start >= earliest && start % TORCH_DATA_ALIGNMENT === 0) {
        fit = start;
        fits += 1;
      }
    }
    if (fits === 1) placed.set(entry, fit);
  }
  return placed;
}

const utf8Encoder = new TextEncoder();

function utf8Length(text: string): number {
  // eslint-disable-next-line no-control-regex -- ASCII names (torch's) are their own length
  return /^[\x00-\x7f]*$/.test(text) ? text.length : utf8Encoder.encode(text).length;
}

/**
 * Check a local header (its bytes from the header's first byte, at least through the name)
 * against the data offset claimed for its entry: the signature, the name, and where the header
 * puts the data. Throws the archive's damage otherwise.
 */
export function checkLocalHeader(
  entry: Pick<ZipEntry, 'name' | 'localHeaderOffset'>,
  bytes: Uint8Array,
  claimedDataOffset: number,
): void {
  const header = parseLocalHeader(entry, bytes);
  const name = utf8Encoder.encode(entry.name);
  const stored = bytes.subarray(LOCAL_BYTES, LOCAL_BYTES + name.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    view.getUint16(26, true) !== name.length ||
    stored.length !== name.length ||
    stored.some((b, i) => b !== name[i])
  ) {
    throw bad(`the local header of "${entry.name}" names another entry`, entry.localHeaderOffset);
  }
  if (header.dataOffset !== claimedDataOffset) {
    throw bad(
      `the local header of "${entry.name}" puts its data at byte ${header.dataOffset}, not at byte ${claimedDataOffset} where the central directory's layout puts it`,
      entry.localHeaderOffset,
    );
  }
}
