/**
 * Windowed reading of a tensor's content: async at the window, synchronous inside. Reads at
 * most `windowBytes` at a time (two reads in flight), joins elements that straddle a window or
 * record boundary, and hands out chunks of whole elements whose byteOffset is aligned to the
 * element stride so typed arrays can view them directly.
 */
import { DEFAULT_WINDOW_BYTES, MAX_READ_BYTES } from '../../base/limits';
import { LensError } from '../../base/errors';
import type { ByteRange } from '../../base/types';
import type { TensorEntry } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { RangeList, ReadAheadSource, type PlannedRange } from '../../io/read-ahead';

export interface WindowOptions {
  /** Largest single read; defaults to 16 MiB (measured best in Chromium). Tests use 1–7 bytes. */
  windowBytes?: number;
  signal?: AbortSignal;
  /** Called after each read with the number of bytes it returned. */
  onBytes?: (bytes: number) => void;
  /** Name for error messages. */
  tensor?: string;
}

export function windowSize(options: WindowOptions): number {
  const requested = options.windowBytes ?? DEFAULT_WINDOW_BYTES;
  return Math.max(1, Math.min(MAX_READ_BYTES, Math.floor(requested)));
}

function* planWindows(ranges: readonly ByteRange[], windowBytes: number, limitBytes: number): Generator<ByteRange> {
  let remaining = limitBytes;
  for (const range of ranges) {
    for (let at = 0; at < range.length && remaining > 0; at += windowBytes) {
      const length = Math.min(windowBytes, range.length - at, remaining);
      remaining -= length;
      yield { offset: range.offset + at, length };
    }
  }
}

/** Content bytes of a tensor, window by window, two reads in flight. */
export async function* readWindows(
  source: ByteSource,
  ranges: readonly ByteRange[],
  options: WindowOptions & { limitBytes?: number } = {},
): AsyncGenerator<Uint8Array> {
  const windowBytes = windowSize(options);
  const total = ranges.reduce((sum, range) => sum + range.length, 0);
  const plan = planWindows(ranges, windowBytes, Math.min(total, options.limitBytes ?? total));
  const start = (): Promise<{ bytes: Uint8Array; want: ByteRange }> | undefined => {
    const next = plan.next();
    if (next.done) return undefined;
    const want = next.value;
    return source.read(want.offset, want.length, options.signal).then((bytes) => ({ bytes, want }));
  };
  const inFlight: Promise<{ bytes: Uint8Array; want: ByteRange }>[] = [];
  for (let i = 0; i < 2; i += 1) {
    const read = start();
    if (read) inFlight.push(read);
  }
  try {
    while (inFlight.length > 0) {
      const { bytes, want } = await (inFlight.shift() as Promise<{ bytes: Uint8Array; want: ByteRange }>);
      options.signal?.throwIfAborted();
      if (bytes.length !== want.length) {
        throw new LensError('tensor-content-short', {
          tensor: options.tensor,
          offset: want.offset + bytes.length,
          expected: want.length,
          actual: bytes.length,
        });
      }
      const read = start();
      if (read) inFlight.push(read);
      options.onBytes?.(bytes.length);
      yield bytes;
    }
  } finally {
    // Nothing to cancel on a plain read; swallow late failures of reads nobody will await.
    for (const pending of inFlight) pending.catch(() => undefined);
  }
}

/**
 * Chunks of whole elements, each aligned for a typed-array view of `stride`-byte elements. A
 * chunk is valid until the next iteration (the copy buffer is reused); copy it to keep it.
 */
export async function* readElementChunks(
  source: ByteSource,
  ranges: readonly ByteRange[],
  stride: number,
  options: WindowOptions & { limitBytes?: number } = {},
): AsyncGenerator<Uint8Array> {
  const carry = new Uint8Array(stride);
  let carried = 0;
  let scratch = new Uint8Array(0);
  for await (const window of readWindows(source, ranges, options)) {
    let rest = window;
    if (carried > 0) {
      const take = Math.min(stride - carried, rest.length);
      carry.set(rest.subarray(0, take), carried);
      carried += take;
      rest = rest.subarray(take);
      if (carried < stride) continue;
      carried = 0;
      yield carry.slice();
    }
    const whole = rest.length - (rest.length % stride);
    if (whole > 0) {
      let chunk = rest.subarray(0, whole);
      if (chunk.byteOffset % stride !== 0) {
        if (scratch.length < whole) scratch = new Uint8Array(Math.max(whole, windowSize(options)));
        scratch.set(chunk);
        chunk = scratch.subarray(0, whole);
      }
      yield chunk;
    }
    if (whole < rest.length) {
      carry.set(rest.subarray(whole));
      carried = rest.length - whole;
    }
  }
}

/** The first read `readWindows` will issue for these ranges (for prefetching the next tensor). */
export function firstWindow(
  ranges: readonly ByteRange[],
  options: WindowOptions & { limitBytes?: number } = {},
): ByteRange | undefined {
  const total = ranges.reduce((sum, range) => sum + range.length, 0);
  const next = planWindows(ranges, windowSize(options), Math.min(total, options.limitBytes ?? total)).next();
  return next.done ? undefined : next.value;
}

/**
 * Lets a multi-tensor pass start the next tensor's first read while the current one is being
 * processed, so the read pipeline does not drain at every tensor boundary. Holds at most two
 * prefetched reads; a read that matches one exactly takes it, anything else goes straight through.
 */
export class PrefetchingSource implements ByteSource {
  private readonly pending = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size;
  }

  prefetch(range: ByteRange, signal?: AbortSignal): void {
    const key = `${range.offset}:${range.length}`;
    if (this.pending.has(key)) return;
    if (this.pending.size >= 2) {
      const oldest = this.pending.keys().next().value as string;
      this.pending.delete(oldest);
    }
    const read = this.inner.read(range.offset, range.length, signal);
    read.catch(() => undefined); // a failure surfaces when (if) the read is taken
    this.pending.set(key, read);
  }

  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const key = `${offset}:${length}`;
    const prefetched = this.pending.get(key);
    if (prefetched) {
      this.pending.delete(key);
      signal?.throwIfAborted();
      return prefetched;
    }
    return this.inner.read(offset, length, signal);
  }
}

/** Tensors up to this many bytes are read through in shared windows by a pass over many tensors. */
const SMALL_TENSOR_BYTES = 256 * 1024;
const THROUGH_WINDOWS = { windowBytes: 8 * 1024 * 1024, maxGapBytes: 64 * 1024 };

/** Whether a pass reads this tensor through a shared window (see readThroughSmall). */
export function isSmallRead(bytes: number): boolean {
  return bytes <= SMALL_TENSOR_BYTES;
}

/** Runs at most this long on average make a tensor "fragmented" (see isFragmentedRead). */
const FRAGMENT_RUN_BYTES = 4096;
/** ...when the file span of its runs is at most this many times the bytes they hold. */
const FRAGMENT_SPAN_FACTOR = 16;

/**
 * A large tensor stored as many short runs packed close together (a tensor MindSpore wrote as
 * 100,000 records of 4 bytes): read one run at a time it took one read each (7 s for 100,000), so
 * a pass reads it through shared windows like a small one. Runs far apart are not: a window would
 * read far more than they hold.
 */
function isFragmentedRead(ranges: readonly ByteRange[], bytes: number): boolean {
  if (ranges.length < 2 || bytes > ranges.length * FRAGMENT_RUN_BYTES) return false;
  let start = Infinity;
  let end = 0;
  for (const range of ranges) {
    start = Math.min(start, range.offset);
    end = Math.max(end, range.offset + range.length);
  }
  return end - start <= FRAGMENT_SPAN_FACTOR * bytes;
}

/**
 * Whether a pass reads `bytes` of this tensor through the shared windows of readThroughSmall. A
 * gathered view's one range is the storage span it is gathered from: read on its own, never.
 */
export function readsThroughWindows(entry: TensorEntry, bytes: number = entry.bytes): boolean {
  if (entry.view?.gathered) return false;
  return isSmallRead(bytes) || isFragmentedRead(entry.ranges, bytes);
}

/**
 * For a pass over many tensors in this order: a source whose reads of the small ones are served
 * from 8 MiB windows, each read once (a million 4-byte tensors were a million reads, about
 * 0.02 ms each in Node and 0.8 ms in Chromium), and so are fragmented ones (isFragmentedRead).
 * Reads of other large tensors pass straight through.
 * `bytesOf` is how much of each tensor the pass reads (all of it unless said).
 */
export function readThroughSmall(
  source: ByteSource,
  entries: readonly TensorEntry[],
  bytesOf: (entry: TensorEntry) => number = (entry) => entry.bytes,
): ByteSource {
  return readThroughSmallAt(source, entries.length, (k) => entries[k] as TensorEntry, bytesOf);
}

/** As `readThroughSmall`, for `count` tensors given one at a time (entries made from columns). */
export function readThroughSmallAt(
  source: ByteSource,
  count: number,
  entryAt: (k: number) => TensorEntry,
  bytesOf: (entry: TensorEntry) => number = (entry) => entry.bytes,
): ByteSource {
  const planned = new RangeList();
  for (let k = 0; k < count; k += 1) {
    const entry = entryAt(k);
    let left = bytesOf(entry);
    if (!readsThroughWindows(entry, left)) continue;
    for (const range of entry.ranges) {
      if (left <= 0) break;
      const length = Math.min(range.length, left);
      planned.push(range.offset, length);
      left -= length;
    }
  }
  return throughWindows(source, planned);
}

/** A source whose reads of `planned` (small ranges, read in this order) are served from shared windows. */
export function throughWindows(source: ByteSource, planned: readonly PlannedRange[] | RangeList): ByteSource {
  return planned.length > 1 ? new ReadAheadSource(source, planned, THROUGH_WINDOWS) : source;
}

/**
 * A small tensor's content in one read (no windowed generator: a million tiny tensors made a
 * million generators and their promises), copied only when its offset does not suit `stride`.
 */
export async function readSmallContent(
  source: ByteSource,
  offset: number,
  length: number,
  stride: number,
  tensor: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const bytes = await source.read(offset, length, signal);
  signal?.throwIfAborted();
  if (bytes.length !== length)
    throw new LensError('tensor-content-short', {
      tensor,
      offset: offset + bytes.length,
      expected: length,
      actual: bytes.length,
    });
  return bytes.byteOffset % stride === 0 ? bytes : bytes.slice();
}
