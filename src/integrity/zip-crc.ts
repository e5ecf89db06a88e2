/**
 * The CRC-32 every entry of a torch.save zip archive stores (central directory, and the local
 * header unless the entry uses a data descriptor — torch sets bit 3 on every entry, so its local
 * headers hold zeros and the central directory's CRC is the one to compare). Every entry's bytes
 * are hashed, streamed: small entries through shared read windows, large ones window by window.
 */
import { LensError } from '../base/errors';
import { CRC_WINDOW_BYTES } from '../base/limits';
import type { ByteSource } from '../io/byte-source';
import { ReadAheadSource } from '../io/read-ahead';
import {
  parseLocalHeader,
  readZipDirectory,
  storedDataRange,
  ZIP_DATA_DESCRIPTOR_FLAG,
  ZIP_LOCAL_HEADER_BYTES,
  type ZipEntry,
} from '../formats/pytorch/zip';
import { crc32Of, crc32OfRange, type WindowCrc } from './crc';

/** An entry whose bytes differ from a CRC-32 it stores. */
export interface ZipCrcMismatch {
  entry: string;
  /** The CRC-32 of its bytes. */
  computed: number;
  /** As the central directory stores it. */
  central: number;
  /** As its local header stores it; null when the entry uses a data descriptor (the header holds zero). */
  local: number | null;
}

export interface ZipUnchecked {
  entry: string;
  /** Why its bytes were not hashed, in words. */
  reason: string;
}

export interface ZipCrcCheck {
  /** Entries the central directory lists. */
  entries: number;
  /** Entries whose bytes were hashed and compared. */
  checked: number;
  /** Bytes hashed (every checked entry's data). */
  bytes: number;
  /** The first MAX_LISTED entries that differ, in archive order; `mismatchCount` counts them all. */
  mismatches: ZipCrcMismatch[];
  mismatchCount: number;
  /** The first MAX_LISTED entries that could not be checked; `uncheckedCount` counts them all. */
  unchecked: ZipUnchecked[];
  uncheckedCount: number;
}

export interface ZipCrcOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  windowCrc?: WindowCrc;
  /** Read window (tests shrink it to make entries span several). */
  windowBytes?: number;
}

const MAX_LISTED = 20;
/** Entries closer than this share a read window (torch pads entries to 64 bytes, plus a 16-byte descriptor). */
const MAX_GAP_BYTES = 64 * 1024;

/** Hash every entry of the zip archive in `source` and compare with the CRCs it stores. */
export async function checkZipCrcs(source: ByteSource, options: ZipCrcOptions = {}): Promise<ZipCrcCheck> {
  const { signal } = options;
  const windowBytes = options.windowBytes ?? CRC_WINDOW_BYTES;
  const entries = (await readZipDirectory(source, signal))
    .map((entry, order) => ({ entry, order }))
    .sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset || a.order - b.order)
    .map(({ entry }) => entry);
  const check: ZipCrcCheck = {
    entries: entries.length,
    checked: 0,
    bytes: 0,
    mismatches: [],
    mismatchCount: 0,
    unchecked: [],
    uncheckedCount: 0,
  };
  const skip = (entry: ZipEntry, reason: string): void => {
    check.uncheckedCount += 1;
    if (check.unchecked.length < MAX_LISTED) check.unchecked.push({ entry: entry.name, reason });
  };

  // 1. Every local header (30 bytes each), read through shared windows.
  const inFile = entries.filter((entry) => {
    if (entry.localHeaderOffset + ZIP_LOCAL_HEADER_BYTES <= source.size) return true;
    skip(entry, `its local header at byte ${entry.localHeaderOffset} lies past the end of the file`);
    return false;
  });
  const headerReads = new ReadAheadSource(
    source,
    inFile.map((entry) => ({ offset: entry.localHeaderOffset, length: ZIP_LOCAL_HEADER_BYTES })),
    { windowBytes, maxGapBytes: MAX_GAP_BYTES },
  );
  const planned: { entry: ZipEntry; offset: number; length: number; localCrc: number | null }[] = [];
  for (const entry of inFile) {
    try {
      const header = parseLocalHeader(
        entry,
        await headerReads.readView(entry.localHeaderOffset, ZIP_LOCAL_HEADER_BYTES, signal),
      );
      const range = storedDataRange(source, entry, header);
      planned.push({
        entry,
        ...range,
        localCrc: (header.flags & ZIP_DATA_DESCRIPTOR_FLAG) !== 0 ? null : header.crc32,
      });
    } catch (error) {
      if (!(error instanceof LensError)) throw error;
      if (error.code === 'zip-entry-compressed') {
        skip(entry, `it is compressed (method ${entry.method}); its CRC covers the inflated bytes, which are not read`);
      } else if (error.code === 'zip-bad-archive') {
        skip(entry, String(error.details.hint ?? 'its local header is damaged'));
      } else throw error;
    }
  }

  // 2. Every entry's bytes: small ones through shared windows, large ones streamed on their own.
  const total = Math.max(
    1,
    planned.reduce((sum, item) => sum + item.length, 0),
  );
  const dataReads = new ReadAheadSource(
    source,
    planned.filter((item) => item.length <= windowBytes),
    { windowBytes, maxGapBytes: MAX_GAP_BYTES },
  );
  const hashWindow = options.windowCrc ?? crc32Of;
  let done = 0;
  for (const item of planned) {
    const computed =
      item.length > windowBytes
        ? await crc32OfRange(source, item.offset, item.offset + item.length, {
            signal,
            windowBytes,
            ...(options.windowCrc ? { windowCrc: options.windowCrc } : {}),
            onBytes: (bytes) => options.onProgress?.((done + bytes) / total),
          })
        : item.length === 0
          ? 0
          : await hashWindow(await dataReads.read(item.offset, item.length, signal));
    signal?.throwIfAborted();
    done += item.length;
    options.onProgress?.(done / total);
    check.checked += 1;
    check.bytes += item.length;
    if (computed !== item.entry.crc32 || (item.localCrc !== null && computed !== item.localCrc)) {
      check.mismatchCount += 1;
      if (check.mismatches.length < MAX_LISTED)
        check.mismatches.push({ entry: item.entry.name, computed, central: item.entry.crc32, local: item.localCrc });
    }
  }
  return check;
}

/** Why a zip check is not a full verification, or undefined when every entry was checked. */
export function zipUncheckedNote(check: ZipCrcCheck): string | undefined {
  if (check.uncheckedCount === 0) return undefined;
  const listed = check.unchecked.map((item) => `"${item.entry}": ${item.reason}`).join('; ');
  const more = check.uncheckedCount - check.unchecked.length;
  return `${check.uncheckedCount} of ${check.entries} zip entries could not be checked (${listed}${more > 0 ? `; and ${more} more` : ''})`;
}
