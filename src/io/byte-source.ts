import { LensError } from '../base/errors';
import { MAX_READ_BYTES } from '../base/limits';

/**
 * One small positional interface for every byte supplier (hyparquet's AsyncBuffer, loaders.gl's
 * ReadableFile). A read past the end returns the bytes that exist; callers check lengths.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * The caller is done with bytes a `read` returned: a source that lends its buffers (a merged
   * view streaming an export) may hand them out again. Optional; callers that keep bytes don't call it.
   */
  recycle?(bytes: Uint8Array): void;
  /**
   * Every read returns bytes in a buffer made for that read alone, which the caller may write
   * into or free (a cast export frees each window once converted). Unset: a read may be a view
   * of memory the source or someone else keeps (MemorySource, a lent buffer).
   */
  readonly freshReads?: boolean;
}

/** A source that can hand out a Blob of a range without reading it (BlobSource). */
export interface SliceableSource extends ByteSource {
  slice(offset: number, end: number): Blob;
  /**
   * Check, before these ranges are sliced unread, what a read would have checked on the way (a
   * torch zip's local headers). Optional; a source without it slices anything at once.
   */
  prepare?(ranges: readonly { offset: number; length: number }[], signal?: AbortSignal): Promise<void>;
}

export function isSliceable(source: ByteSource): source is SliceableSource {
  return typeof (source as Partial<SliceableSource>).slice === 'function';
}

/**
 * The bytes a read of `length` at `offset` gets from a source of `size`: a read past the end gets
 * those that exist; an invalid offset or length, or one above MAX_READ_BYTES, is refused.
 */
export function checkRange(size: number, offset: number, length: number): number {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new LensError('read-failed', { offset, hint: `invalid read of ${length} bytes` });
  }
  if (length > MAX_READ_BYTES) {
    throw new LensError('read-too-large', { offset, actual: length, limit: MAX_READ_BYTES });
  }
  return Math.max(0, Math.min(length, size - offset));
}

/** `File`/`Blob` slices: the browser path, and in Node the blob from `fs.openAsBlob`. */
export class BlobSource implements ByteSource {
  readonly size: number;
  readonly freshReads = true;
  constructor(private readonly blob: Blob) {
    this.size = blob.size;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const available = checkRange(this.size, offset, length);
    signal?.throwIfAborted();
    if (available === 0) return new Uint8Array(0);
    try {
      const buffer = await this.blob.slice(offset, offset + available).arrayBuffer();
      return new Uint8Array(buffer);
    } catch (error) {
      throw new LensError('read-failed', { offset, hint: String(error) }, error);
    }
  }

  /**
   * A Blob view of a range without reading it (used to compose exports zero-copy). A range past
   * the end (the file was cut short after it was opened) fails here, as a read of it would.
   */
  slice(offset: number, end: number): Blob {
    if (end > this.size) {
      throw new LensError('read-failed', {
        offset: this.size,
        hint: 'the file ended early: it changed after it was opened',
      });
    }
    return this.blob.slice(offset, end);
  }
}

/** In-memory bytes, for tests and small generated inputs. */
export class MemorySource implements ByteSource {
  readonly size: number;
  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }

  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const available = checkRange(this.size, offset, length);
    signal?.throwIfAborted();
    return Promise.resolve(this.bytes.slice(offset, offset + available));
  }
}

/** Wraps a source and counts what was read: proves scans stay lazy, feeds the benchmark. */
export class CountingSource implements ByteSource {
  bytesRead = 0;
  reads = 0;
  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const bytes = await this.inner.read(offset, length, signal);
    this.reads += 1;
    this.bytesRead += bytes.length;
    return bytes;
  }
}
