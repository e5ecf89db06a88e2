import { LensError, type ErrorCode } from '../base/errors';
import { MAX_READ_BYTES } from '../base/limits';
import type { ByteSource } from './byte-source';
import { concatBytes } from '../base/bytes';

/** Windows read ahead while reading through. */
const PREFETCH_WINDOWS = 2;

export interface CursorOptions {
  /** Bytes fetched per refill when scanning densely packed data. */
  windowBytes: number;
  /** End of the region the cursor may read (exclusive). */
  end: number;
  signal?: AbortSignal;
  /** Error code for running past `end`. */
  truncatedCode: ErrorCode;
}

/**
 * Thrown by `ByteCursor.need` when a field runs past the buffered window (not past the region):
 * the parser rewinds to its mark, awaits `ensure(upTo − mark)` and parses again. Parsing stays
 * synchronous — one await per window, not one per field.
 */
export class NeedMoreBytes extends Error {
  constructor(readonly upTo: number) {
    super('window ends before the field');
  }
}

/**
 * Async at the window, synchronous inside (netron's StreamReader, gguf's RangeView): `ensure(n)`
 * fetches a window holding at least n bytes at the position, then the sync getters decode from it.
 * `skip(n)` moves without reading, so tensor contents are never fetched.
 */
export class ByteCursor {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  /**
   * The next windows, requested while the current one is decoded (sequential scans only): two,
   * so two reads stay in flight as in a plain sequential read (Chromium reads a 16 MiB window
   * ~20–30% faster that way than one at a time, measured).
   */
  private prefetched: { start: number; length: number; promise: Promise<Uint8Array> }[] = [];
  position: number;
  /**
   * The least a refill fetches, whatever an individual `ensure` asks for: a scan that is reading
   * through sets it to the window size, so a short field that crosses a window edge does not
   * drop the cursor into tiny reads (each read has a fixed cost).
   */
  readAheadFloor = 0;

  constructor(
    private readonly source: ByteSource,
    start: number,
    private readonly options: CursorOptions,
  ) {
    this.position = start;
  }

  get end(): number {
    return this.options.end;
  }

  get remaining(): number {
    return this.options.end - this.position;
  }

  private truncated(needed: number): LensError {
    return new LensError(this.options.truncatedCode, {
      offset: this.position,
      expected: needed,
      actual: Math.max(0, this.options.end - this.position),
    });
  }

  /** Bytes available in the current window from the position. */
  private buffered(): number {
    const inWindow = this.position - this.windowStart;
    if (inWindow < 0 || inWindow > this.window.length) return 0;
    return this.window.length - inWindow;
  }

  /**
   * Make `needed` bytes at the position readable synchronously; `readAhead` is a size hint.
   * A full-window hint means "reading through": the following windows are fetched in advance,
   * keeping reads in flight as a plain sequential read would.
   */
  async ensure(needed: number, hint = this.options.windowBytes): Promise<void> {
    if (needed > this.remaining) throw this.truncated(needed);
    if (this.buffered() >= needed) return;
    const readAhead = Math.max(hint, this.readAheadFloor);
    // Windows the position has skipped past are of no use (their reads are left to finish).
    let prefetched = this.prefetched.shift();
    while (prefetched && prefetched.start + prefetched.length <= this.position) prefetched = this.prefetched.shift();
    if (prefetched && this.position >= this.windowStart && this.position < prefetched.start + prefetched.length) {
      const next = await prefetched.promise;
      // Either the window's tail continues into the prefetched bytes, or we skipped into them.
      const joined =
        this.position < prefetched.start
          ? concatBytes([this.window.subarray(this.position - this.windowStart), next])
          : next.subarray(this.position - prefetched.start);
      if (joined.length >= needed) {
        this.window = joined;
        this.windowStart = this.position;
        this.startPrefetch(readAhead);
        return;
      }
    }
    this.prefetched = [];
    const length = Math.min(Math.max(needed, readAhead), this.remaining, MAX_READ_BYTES);
    if (length < needed) {
      throw new LensError('read-too-large', { offset: this.position, actual: needed, limit: MAX_READ_BYTES });
    }
    this.options.signal?.throwIfAborted();
    const bytes = await this.source.read(this.position, length, this.options.signal);
    if (bytes.length < needed) throw this.truncated(needed);
    this.window = bytes;
    this.windowStart = this.position;
    this.startPrefetch(readAhead);
  }

  /** Synchronous check that `n` bytes at the position are buffered: truncation or NeedMoreBytes. */
  need(n: number): void {
    if (n > this.remaining) throw this.truncated(n);
    if (this.buffered() < n) throw new NeedMoreBytes(this.position + n);
  }

  private startPrefetch(readAhead: number): void {
    if (readAhead < this.options.windowBytes) return;
    while (this.prefetched.length < PREFETCH_WINDOWS) {
      const last = this.prefetched[this.prefetched.length - 1];
      const start = last ? last.start + last.length : this.windowStart + this.window.length;
      const length = Math.min(readAhead, this.options.end - start, MAX_READ_BYTES);
      if (length <= 0) return;
      const promise = this.source.read(start, length, this.options.signal);
      // A prefetch that is never used (the scan skipped past it) must not surface as unhandled.
      promise.catch(() => undefined);
      this.prefetched.push({ start, length, promise });
    }
  }

  /** As ensure, but returns false instead of throwing when fewer than `needed` bytes remain. */
  async tryEnsure(needed: number, readAhead?: number): Promise<boolean> {
    if (needed > this.remaining) return false;
    await this.ensure(needed, readAhead);
    return true;
  }

  private at(): number {
    return this.position - this.windowStart;
  }

  byte(): number {
    if (this.buffered() < 1) throw this.truncated(1);
    const value = this.window[this.at()] as number;
    this.position += 1;
    return value;
  }

  peekByte(): number {
    if (this.buffered() < 1) throw this.truncated(1);
    return this.window[this.at()] as number;
  }

  /** A view (not a copy) of the next n buffered bytes. */
  bytes(n: number): Uint8Array {
    if (this.buffered() < n) throw this.truncated(n);
    const start = this.at();
    this.position += n;
    return this.window.subarray(start, start + n);
  }

  /** The bytes of an absolute range if the current window holds them (no read, no copy). */
  peek(offset: number, length: number): Uint8Array | undefined {
    const start = offset - this.windowStart;
    if (start < 0 || start + length > this.window.length) return undefined;
    return this.window.subarray(start, start + length);
  }

  /** Whether the buffered bytes at the position are `text`'s char codes (for ASCII text; no read, no move). */
  startsWithAscii(text: string): boolean {
    const start = this.at();
    if (this.buffered() < text.length) return false;
    for (let i = 0; i < text.length; i += 1) if (this.window[start + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  skip(n: number): void {
    if (n > this.remaining) throw this.truncated(n);
    this.position += n;
  }
}
