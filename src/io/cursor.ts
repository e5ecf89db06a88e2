import { LensError, type ErrorCode } from '../base/errors';
import { MAX_READ_BYTES } from '../base/limits';
import type { ByteSource } from './byte-source';

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
 * Async at the window, synchronous inside (netron's StreamReader, gguf's RangeView): `ensure(n)`
 * fetches a window holding at least n bytes at the position, then the sync getters decode from it.
 * `skip(n)` moves without reading, so tensor contents are never fetched.
 */
export class ByteCursor {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  position: number;

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

  /** Make `needed` bytes at the position readable synchronously; `readAhead` is a size hint. */
  async ensure(needed: number, readAhead = this.options.windowBytes): Promise<void> {
    if (needed > this.remaining) throw this.truncated(needed);
    if (this.buffered() >= needed) return;
    const length = Math.min(Math.max(needed, readAhead), this.remaining, MAX_READ_BYTES);
    if (length < needed) {
      throw new LensError('read-too-large', { offset: this.position, actual: needed, limit: MAX_READ_BYTES });
    }
    this.options.signal?.throwIfAborted();
    const bytes = await this.source.read(this.position, length, this.options.signal);
    if (bytes.length < needed) throw this.truncated(needed);
    this.window = bytes;
    this.windowStart = this.position;
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

  skip(n: number): void {
    if (n > this.remaining) throw this.truncated(n);
    this.position += n;
  }
}
