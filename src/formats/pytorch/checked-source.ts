import { internalError } from '../../base/errors';
import { DEFAULT_WINDOW_BYTES, MAX_READ_BYTES } from '../../base/limits';
import type { ZipUncheckedEntry } from '../../base/types';
import { isSliceable, type ByteSource } from '../../io/byte-source';
import { checkLocalHeader, ZIP_LOCAL_HEADER_BYTES } from './zip';

/**
 * Local headers this close together are checked with one read (header checks before slicing), of
 * at most DEFAULT_WINDOW_BYTES: in Chromium a read costs ~1.3 ms or more before its first byte,
 * about what 256 KiB more of it costs.
 */
const HEADER_GAP_BYTES = 256 * 1024;

/**
 * A torch zip whose storages were placed from the central directory alone (inferDataOffsets): the
 * bytes of an entry are handed out only once its local header has been read and agrees. A read
 * that touches an unchecked entry starts at that entry's local header instead (one read: header,
 * name, padding and data together) and checks it there; a Blob slice of an unchecked entry is
 * refused until `prepare` has checked its header. Opening a 10,000-storage .bin thus reads the
 * central directory and the pickle, not 10,000 headers (a read each: about a minute in Chromium).
 */
export class ZipCheckedSource implements ByteSource {
  readonly size: number;
  /** By data offset. */
  private readonly entries: ZipUncheckedEntry[];
  private readonly checked: Uint8Array;
  /** A Blob slice of the file, once the entries it touches are checked (only over a sliceable file). */
  readonly slice?: (offset: number, end: number) => Blob;

  constructor(
    private readonly inner: ByteSource,
    unchecked: readonly ZipUncheckedEntry[],
  ) {
    this.size = inner.size;
    this.entries = [...unchecked].sort((a, b) => a.dataOffset - b.dataOffset);
    this.checked = new Uint8Array(this.entries.length);
    if (isSliceable(inner)) {
      this.slice = (offset, end) => {
        if (this.uncheckedIn(offset, end).length > 0)
          throw internalError('a zip entry was sliced before its local header was checked (call prepare first)');
        return inner.slice(offset, end);
      };
    }
  }

  /** The entries whose headers are still to be checked. */
  stillUnchecked(): ZipUncheckedEntry[] {
    return this.entries.filter((_, index) => this.checked[index] === 0);
  }

  /** Indexes of the unchecked entries whose data overlaps [start, end). */
  private uncheckedIn(start: number, end: number): number[] {
    if (end <= start) return [];
    // The first entry whose data ends after `start` (data ranges do not overlap, so ends ascend too).
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const entry = this.entries[mid] as ZipUncheckedEntry;
      if (entry.dataOffset + entry.size <= start) low = mid + 1;
      else high = mid;
    }
    const found: number[] = [];
    for (let i = low; i < this.entries.length; i += 1) {
      const entry = this.entries[i] as ZipUncheckedEntry;
      if (entry.dataOffset >= end) break;
      if (this.checked[i] === 0 && entry.size > 0) found.push(i);
    }
    return found;
  }

  private check(index: number, headerBytes: Uint8Array): void {
    const entry = this.entries[index] as ZipUncheckedEntry;
    checkLocalHeader(entry, headerBytes, entry.dataOffset);
    this.checked[index] = 1;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const unchecked = this.uncheckedIn(offset, offset + length);
    if (unchecked.length === 0) return this.inner.read(offset, length, signal);
    const first = this.entries[unchecked[0] as number] as ZipUncheckedEntry;
    const start = Math.min(offset, first.localHeaderOffset);
    if (offset + length - start > MAX_READ_BYTES) {
      await this.checkHeaders(unchecked, signal);
      return this.inner.read(offset, length, signal);
    }
    // The headers lie before their data, inside this one read from the first of them.
    const bytes = await this.inner.read(start, offset + length - start, signal);
    for (const index of unchecked) {
      const entry = this.entries[index] as ZipUncheckedEntry;
      this.check(index, bytes.subarray(entry.localHeaderOffset - start, entry.dataOffset - start));
    }
    return bytes.subarray(offset - start);
  }

  /** Check the local headers of every entry the ranges touch (before they are sliced, not read). */
  async prepare(ranges: readonly { offset: number; length: number }[], signal?: AbortSignal): Promise<void> {
    const wanted = new Set<number>();
    for (const range of ranges)
      for (const index of this.uncheckedIn(range.offset, range.offset + range.length)) wanted.add(index);
    await this.checkHeaders(
      [...wanted].sort((a, b) => a - b),
      signal,
    );
  }

  /** Headers close together share a read. */
  private async checkHeaders(indexes: readonly number[], signal?: AbortSignal): Promise<void> {
    for (let at = 0; at < indexes.length;) {
      const head = this.entries[indexes[at] as number] as ZipUncheckedEntry;
      let end = head.dataOffset;
      let next = at + 1;
      for (; next < indexes.length; next += 1) {
        const entry = this.entries[indexes[next] as number] as ZipUncheckedEntry;
        if (
          entry.localHeaderOffset - end > HEADER_GAP_BYTES ||
          entry.dataOffset - head.localHeaderOffset > DEFAULT_WINDOW_BYTES
        )
          break;
        end = entry.dataOffset;
      }
      const start = head.localHeaderOffset;
      const bytes = await this.inner.read(start, Math.max(end - start, ZIP_LOCAL_HEADER_BYTES), signal);
      for (let i = at; i < next; i += 1) {
        const entry = this.entries[indexes[i] as number] as ZipUncheckedEntry;
        this.check(indexes[i] as number, bytes.subarray(entry.localHeaderOffset - start, entry.dataOffset - start));
      }
      at = next;
    }
  }
}
