import { grown } from '../base/arrays';
import type { BufferPool } from '../base/bytes';
import type { ByteSource } from './byte-source';

/** A byte range of a source that will be read. */
export interface PlannedRange {
  offset: number;
  length: number;
}

/**
 * Planned ranges as two number columns: a pass over a million tiny tensors plans a million
 * ranges, which as objects were ~80 MB held until the windows were made.
 */
export class RangeList {
  private offsets = new Float64Array(64);
  private lengths = new Float64Array(64);
  length = 0;

  static of(ranges: readonly PlannedRange[]): RangeList {
    const list = new RangeList();
    for (const range of ranges) list.push(range.offset, range.length);
    return list;
  }

  push(offset: number, length: number): void {
    if (this.length === this.offsets.length) {
      this.offsets = grown(this.offsets);
      this.lengths = grown(this.lengths);
    }
    this.offsets[this.length] = offset;
    this.lengths[this.length] = length;
    this.length += 1;
  }

  offsetAt(i: number): number {
    return this.offsets[i] as number;
  }

  lengthAt(i: number): number {
    return this.lengths[i] as number;
  }
}

export interface ReadAheadOptions {
  /** Largest read issued (a window): ranges are joined up to this size. */
  windowBytes: number;
  /** Ranges closer than this are joined into one window (the gap is read and thrown away). */
  maxGapBytes: number;
  /** Windows held (loaded or loading) at once, the next needed one included (default 3). */
  maxWindows?: number;
  /** Where `read` copies go; lent, and taken back through `recycle` (a streamed export). */
  pool?: BufferPool;
}

interface Window {
  start: number;
  end: number;
  /** Planned bytes inside the window; once this many have been served, it is dropped. */
  planned: number;
  served: number;
  bytes: Promise<Uint8Array> | null;
  lastUse: number;
  /** Dropped before it was used up: later reads of it go straight to the source. */
  direct: boolean;
}

/**
 * A ByteSource over another whose reads are known in advance, in order — the slices a
 * distributed merge export will copy out of one rank file. Many small slice reads become a few
 * large ones: planned ranges that lie close together in the file (gaps ≤ `maxGapBytes`) form
 * windows of at most `windowBytes`, each read once as a whole; the window the plan needs next
 * is read ahead while the current ones are used. Every `read` returns a buffer of its own
 * (`readView` lends one). Reads outside the plan, or larger than a window, pass straight
 * through, and a window dropped before it was used up is not read twice (its later reads pass
 * through), so an access order other than the plan's costs at most one extra read per window.
 */
export class ReadAheadSource implements ByteSource {
  readonly size: number;
  /** In file order. */
  private readonly windows: Window[];
  /** For each window, the window the plan needs after it first (-1: none). */
  private readonly nextNeeded: number[];
  private readonly maxWindows: number;
  private loaded = 0;
  private clock = 0;

  /** Present when the source is Blob-backed: a composed export slices the file, not the windows. */
  readonly slice?: (offset: number, end: number) => Blob;

  constructor(
    private readonly source: ByteSource,
    planned: readonly PlannedRange[] | RangeList,
    private readonly options: ReadAheadOptions,
  ) {
    this.size = source.size;
    const sliceable = source as ByteSource & { slice?: (offset: number, end: number) => Blob };
    if (typeof sliceable.slice === 'function') this.slice = (offset, end) => sliceable.slice?.(offset, end) as Blob;
    this.maxWindows = Math.max(1, options.maxWindows ?? 3);
    ({ windows: this.windows, nextNeeded: this.nextNeeded } = planWindows(
      planned instanceof RangeList ? planned : RangeList.of(planned),
      source.size,
      options,
    ));
  }

  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.serve(offset, length, signal, false);
  }

  /**
   * Like `read`, but the bytes may be a view of a window buffer shared with other reads: valid
   * for the caller to copy from before its next await, never to keep, change or transfer.
   */
  readView(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.serve(offset, length, signal, true);
  }

  private async serve(
    offset: number,
    length: number,
    signal: AbortSignal | undefined,
    borrow: boolean,
  ): Promise<Uint8Array> {
    if (length > this.options.windowBytes) return this.passThrough(offset, length, signal);
    const first = length > 0 ? this.windowAt(offset) : -1;
    const window = this.windows[first];
    if (!window || window.direct) return this.source.read(offset, length, signal);
    const end = Math.min(offset + length, this.size);
    // A read may run into the next window (windows split long ranges): both are then needed.
    const second = end > window.end ? first + 1 : -1;
    const next = this.windows[second];
    if (second >= 0 && (!next || next.start !== window.end || next.direct || end > next.end))
      return this.source.read(offset, length, signal);
    const parts = [window, ...(next ? [next] : [])];
    for (const part of parts) {
      // Used up earlier and read again (a second pass, e.g. a CRC pass then the write): start over.
      if (!part.bytes && part.served >= part.planned) part.served = 0;
      this.load(part, parts);
    }
    this.prefetch(this.nextNeeded[Math.max(first, second)] ?? -1, parts);
    // Taken now: a concurrent read may drop a window while this one waits for it.
    const loads = parts.map((part) => part.bytes as Promise<Uint8Array>);
    if (borrow && parts.length === 1) {
      const bytes = await (loads[0] as Promise<Uint8Array>);
      signal?.throwIfAborted();
      this.served(window, offset, end);
      return bytes.subarray(Math.min(bytes.length, offset - window.start), Math.min(bytes.length, end - window.start));
    }
    const out = this.options.pool
      ? this.options.pool.take(Math.max(0, end - offset))
      : new Uint8Array(Math.max(0, end - offset));
    for (const [i, part] of parts.entries()) {
      const bytes = await loads[i];
      if (!bytes) break;
      const from = Math.max(offset, part.start);
      const to = Math.min(end, part.start + bytes.length);
      if (to > from) out.set(bytes.subarray(from - part.start, to - part.start), from - offset);
      if (to < Math.min(end, part.end)) {
        // The source ended inside the window: hand back what exists, as a direct read would.
        signal?.throwIfAborted();
        return out.subarray(0, Math.max(0, to - offset));
      }
    }
    signal?.throwIfAborted();
    for (const part of parts) this.served(part, offset, end);
    return out;
  }

  /** Counts [offset, end) as used; a window whose planned bytes are all used is let go. */
  private served(window: Window, offset: number, end: number): void {
    window.served += Math.min(end, window.end) - Math.max(offset, window.start);
    if (window.served >= window.planned) this.drop(window, false);
  }

  recycle(bytes: Uint8Array): void {
    this.options.pool?.give(bytes);
  }

  /** Windows currently held (tests check the bound). */
  heldWindows(): number {
    return this.loaded;
  }

  /**
   * A read larger than a window goes to the source as it is (it is large already). The planned
   * bytes it covers count as used, so their windows are neither kept nor read for them.
   */
  private async passThrough(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const bytes = await this.source.read(offset, length, signal);
    const end = offset + bytes.length;
    for (let i = this.windowAfter(offset); i < this.windows.length; i += 1) {
      const window = this.windows[i] as Window;
      if (window.start >= end) break;
      if (!window.bytes && window.served >= window.planned) window.served = 0;
      this.served(window, offset, end);
    }
    return bytes;
  }

  /** Index of the first window ending after `offset` (windows.length if none). */
  private windowAfter(offset: number): number {
    let lo = 0;
    let hi = this.windows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.windows[mid] as Window).end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the window holding `offset`, or -1. */
  private windowAt(offset: number): number {
    const index = this.windowAfter(offset);
    return (this.windows[index]?.start ?? Infinity) <= offset ? index : -1;
  }

  private load(window: Window, keep: readonly Window[]): void {
    window.lastUse = ++this.clock;
    if (window.bytes) return;
    while (this.loaded >= this.maxWindows && this.evictOne(keep));
    const bytes = this.source.read(window.start, window.end - window.start);
    // A failed window read is reported to the reads that wait on it, then read again if asked.
    bytes.catch(() => {
      if (window.bytes === bytes) this.drop(window, false);
    });
    window.bytes = bytes;
    this.loaded += 1;
  }

  /** The next planned window, read while the current one is in use (if there is room). */
  private prefetch(index: number, keep: readonly Window[]): void {
    const window = this.windows[index];
    if (!window || window.bytes || window.direct || this.loaded >= this.maxWindows) return;
    // Used up (e.g. by reads larger than a window): nothing left to read it for.
    if (window.served >= window.planned) return;
    if (keep.length >= this.maxWindows) return;
    this.load(window, keep);
    window.lastUse = 0; // not used yet: the first to go if room is needed
  }

  private evictOne(keep: readonly Window[]): boolean {
    let victim: Window | null = null;
    for (const window of this.windows) {
      if (!window.bytes || keep.includes(window)) continue;
      if (!victim || window.lastUse < victim.lastUse) victim = window;
    }
    if (!victim) return false;
    this.drop(victim, victim.served > 0 && victim.served < victim.planned);
    return true;
  }

  private drop(window: Window, direct: boolean): void {
    if (window.bytes) this.loaded -= 1;
    window.bytes = null;
    window.direct ||= direct;
  }
}

/**
 * Windows over the planned ranges (file order, joined across gaps ≤ `maxGapBytes`, at most
 * `windowBytes` each), and for each window the one the plan first needs after it.
 */
function planWindows(
  planned: RangeList,
  size: number,
  options: ReadAheadOptions,
): { windows: Window[]; nextNeeded: number[] } {
  // The plan in file order, by position. A plan already in file order, the usual case, is not sorted.
  const count = planned.length;
  let byOffset: Uint32Array | null = null;
  for (let i = 1; i < count; i += 1) {
    if (planned.offsetAt(i) < planned.offsetAt(i - 1)) {
      byOffset = new Uint32Array(count);
      for (let k = 0; k < count; k += 1) byOffset[k] = k;
      byOffset.sort((a, b) => planned.offsetAt(a) - planned.offsetAt(b) || a - b);
      break;
    }
  }
  const windows: Window[] = [];
  /** Earliest place in the plan that needs each window. */
  const firstNeed: number[] = [];
  let current: Window | null = null;
  for (let k = 0; k < count; k += 1) {
    const order = byOffset ? (byOffset[k] as number) : k;
    let at = planned.offsetAt(order);
    const end = Math.min(size, at + planned.lengthAt(order));
    if (end <= at) continue;
    if (current && at < current.end) {
      // Overlapping plans: the bytes are in the window already; count them once.
      firstNeed[windows.length - 1] = Math.min(firstNeed[windows.length - 1] ?? Infinity, order);
      at = current.end;
    }
    while (at < end) {
      if (!current || at - current.end > options.maxGapBytes || at - current.start >= options.windowBytes) {
        current = { start: at, end: at, planned: 0, served: 0, bytes: null, lastUse: 0, direct: false };
        windows.push(current);
      }
      const stop = Math.min(end, current.start + options.windowBytes);
      current.planned += stop - at;
      current.end = stop;
      at = stop;
      firstNeed[windows.length - 1] = Math.min(firstNeed[windows.length - 1] ?? Infinity, order);
    }
  }
  const needOrder = windows.map((_, i) => i).sort((a, b) => (firstNeed[a] ?? 0) - (firstNeed[b] ?? 0) || a - b);
  const nextNeeded = new Array<number>(windows.length).fill(-1);
  for (let i = 0; i + 1 < needOrder.length; i += 1) nextNeeded[needOrder[i] as number] = needOrder[i + 1] as number;
  return { windows, nextNeeded };
}
