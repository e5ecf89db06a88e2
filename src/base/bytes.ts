/** The pieces laid end to end in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Output buffers lent by a producer that reuses them: a chunk from a recycling source (see
 * `ByteSource.recycle` and `readParts`) is valid until its consumer asks for the next one.
 */
const lent = new WeakSet<ArrayBufferLike>();

/** Marks `buffer` as lent: valid until its consumer asks for the next chunk (see `keepable`). */
export function lend(buffer: ArrayBufferLike): void {
  lent.add(buffer);
}

/** The bytes as an array the caller may keep: a copy when they are lent, else the same array. */
export function keepable(bytes: Uint8Array): Uint8Array {
  return lent.has(bytes.buffer) ? bytes.slice() : bytes;
}

/**
 * A few output buffers handed out again and again, so a stream of large chunks does not pay for
 * fresh memory (page faults, zeroing) on every chunk: measured ~14% of a merge export in Chromium.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly maxBuffers: number) {}

  /** `length` bytes (contents undefined) in a lent buffer. */
  take(length: number): Uint8Array {
    const index = this.free.findIndex((buffer) => buffer.byteLength >= length && buffer.byteLength <= 2 * length);
    const buffer = index >= 0 ? (this.free.splice(index, 1)[0] as ArrayBuffer) : new ArrayBuffer(length);
    lent.add(buffer);
    return new Uint8Array(buffer, 0, length);
  }

  /**
   * Takes back a buffer from `take` (anything else is ignored). When full, it keeps the larger
   * buffers: a run of small chunks (the last windows of tensors) must not push out the
   * window-sized ones that every other chunk reuses.
   */
  give(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    if (!(buffer instanceof ArrayBuffer) || !lent.has(buffer) || this.free.includes(buffer)) return;
    if (buffer.byteLength === 0) return;
    if (this.free.length >= this.maxBuffers) {
      let smallest = 0;
      for (let i = 1; i < this.free.length; i += 1)
        if (this.free[i]!.byteLength < this.free[smallest]!.byteLength) smallest = i;
      if (this.maxBuffers === 0 || this.free[smallest]!.byteLength >= buffer.byteLength) return;
      this.free.splice(smallest, 1);
    }
    this.free.push(buffer);
  }
}

/** Names up to this many bytes are made by `asciiText`'s fromCharCode path (far below the engine's argument limit). */
const ASCII_DIRECT_MAX = 4096;

/**
 * Short ASCII bytes as a string, or undefined when a byte is not ASCII or the text is long (the
 * caller then decodes it as UTF-8). Tensor names are read this way: TextDecoder costs ~1–3 µs a
 * call in Chromium, a third of a 100k-name scan; this a fraction of that.
 */
export function asciiText(bytes: Uint8Array, start = 0, end = bytes.length): string | undefined {
  if (end - start > ASCII_DIRECT_MAX) return undefined;
  // Up to 12 characters V8 makes a flat string of `+=`; longer ones would be a chain of pieces.
  if (end - start <= 12) {
    let text = '';
    for (let i = start; i < end; i += 1) {
      const byte = bytes[i] as number;
      if (byte >= 0x80) return undefined;
      text += String.fromCharCode(byte);
    }
    return text;
  }
  for (let i = start; i < end; i += 1) if ((bytes[i] as number) >= 0x80) return undefined;
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}

/** Whether two byte arrays hold the same bytes (compared a word at a time when long and aligned). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let start = 0;
  // Word views cost more to make than a few bytes cost to compare (a million 4-byte tensors).
  if (a.length >= 64 && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >>> 2;
    const wordsA = new Uint32Array(a.buffer, a.byteOffset, words);
    const wordsB = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let i = 0; i < words; i += 1) if (wordsA[i] !== wordsB[i]) return false;
    start = words * 4;
  }
  for (let i = start; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
