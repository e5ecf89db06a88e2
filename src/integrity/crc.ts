/**
 * CRC-32 (zlib: reflected 0xEDB88320, init/xorout 0xFFFFFFFF) as MindSpore computes it for
 * `crc_check` (ckpt-format.md §5), streamed through the WASM kernel (src/wasm/crc32.ts, compiled
 * by scripts/build-wasm.mjs: a reduction by XOR alone, then slicing-by-16 tables for the rest).
 * The kernel is stateless between calls (the running CRC is passed in and out), so any number of
 * streams can run interleaved.
 */
import { internalError } from '../base/errors';
import { CRC_WINDOW_BYTES } from '../base/limits';
import type { ByteSource } from '../io/byte-source';
import { instantiateEmbeddedWasm } from '../base/wasm';

interface Crc32Exports {
  memory: WebAssembly.Memory;
  init(): number;
  chunkBytes(): number;
  update(crc: number, length: number): number;
}

interface Crc32Kernel {
  update(crc: number, bytes: Uint8Array): number;
}

async function instantiate(): Promise<Crc32Kernel> {
  const { crc32WasmBase64 } = await import('../generated/wasm/crc32');
  const exports = await instantiateEmbeddedWasm<Crc32Exports>(crc32WasmBase64, 'CRC-32');
  const io = exports.init();
  const chunk = exports.chunkBytes();
  // V8 starts WASM in its baseline tier and only tiers up hot functions between calls.
  for (let i = 0; i < 8; i += 1) exports.update(0, 64 * 1024);
  return {
    update(crc, bytes) {
      let value = crc;
      // ≤ 1 MiB per call so V8 tiers the kernel up (ARCHITECTURE pitfalls).
      for (let offset = 0; offset < bytes.length; offset += chunk) {
        const length = Math.min(chunk, bytes.length - offset);
        new Uint8Array(exports.memory.buffer, io, length).set(bytes.subarray(offset, offset + length));
        value = exports.update(value, length);
      }
      return value >>> 0;
    },
  };
}

let kernel: Promise<Crc32Kernel> | null = null;

function loadKernel(): Promise<Crc32Kernel> {
  kernel ??= instantiate().catch((error: unknown) => {
    kernel = null;
    throw error;
  });
  return kernel;
}

/** A running CRC-32 over pieces fed in order. Call `finish()` exactly once. */
export class Crc32Stream {
  private value = 0;
  private finished = false;
  private constructor(private readonly kernel: Crc32Kernel) {}

  static async create(): Promise<Crc32Stream> {
    return new Crc32Stream(await loadKernel());
  }

  update(bytes: Uint8Array): void {
    if (this.finished) throw internalError('Crc32Stream already finished');
    if (bytes.length > 0) this.value = this.kernel.update(this.value, bytes);
  }

  /** Feeds `count` zero bytes (MindSpore's numpy quirk for 0-d integer tensors) without allocating `count`. */
  updateZeros(count: number): void {
    const zeros = new Uint8Array(Math.min(count, 1 << 20));
    for (let left = count; left > 0; left -= zeros.length) this.update(zeros.subarray(0, Math.min(left, zeros.length)));
  }

  /** Continues over `length` bytes whose own CRC-32 (hashed elsewhere) is `crc`. */
  append(crc: number, length: number): void {
    if (this.finished) throw internalError('Crc32Stream already finished');
    this.value = crc32Combine(this.value, crc, length);
  }

  /** The CRC-32 of the bytes fed so far (the stream goes on). */
  current(): number {
    return this.value;
  }

  finish(): number {
    if (this.finished) throw internalError('Crc32Stream already finished');
    this.finished = true;
    return this.value;
  }
}

/** CRC-32 of `bytes` on this thread. */
export async function crc32Of(bytes: Uint8Array): Promise<number> {
  const crc = await Crc32Stream.create();
  crc.update(bytes);
  return crc.finish();
}

// CRC-32 of a concatenation from the CRCs of its pieces (zlib's crc32_combine): lets pieces be
// hashed on other threads (export ranges, verify windows) and joined in order.

const CRC_POLY = 0xedb88320;

/** a·b modulo the CRC polynomial (bit-reflected, as zlib's multmodp). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  let bb = b >>> 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= bb;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    bb = bb & 1 ? (bb >>> 1) ^ CRC_POLY : bb >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) mod p for k = 0…31. */
const X2N: number[] = (() => {
  const table: number[] = [];
  let p = 0x40000000; // x^1 (bit 31 is x^0 in the reflected representation)
  table.push(p);
  for (let n = 1; n < 32; n += 1) {
    p = multModP(p, p);
    table.push(p);
  }
  return table;
})();

/** x^(n·2^k) mod p; n may exceed 2^32 (byte counts of large files). */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000;
  let rest = n;
  let bit = k;
  while (rest > 0) {
    if (rest % 2 === 1) p = multModP(X2N[bit & 31] as number, p);
    rest = Math.floor(rest / 2);
    bit += 1;
  }
  return p >>> 0;
}

/** CRC-32 of A‖B from crc(A), crc(B) and B's length (zlib crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(x2nModP(lengthB, 3), crcA >>> 0) ^ (crcB >>> 0)) >>> 0;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Called with bytes done so far. */
  onBytes?: (bytes: number) => void;
  windowBytes?: number;
}

/**
 * The CRC-32 of one window on its own (from the empty CRC). It may take the bytes over — every
 * ByteSource read returns a buffer of its own — e.g. transfer them to a worker that hashes while
 * this thread reads the next windows (reading and hashing on one thread serialise).
 */
export type WindowCrc = (bytes: Uint8Array) => Promise<number>;

export interface CrcStreamOptions extends StreamOptions {
  /** Hashes each window elsewhere; without it, windows are hashed on this thread as they arrive. */
  windowCrc?: WindowCrc;
}

/** Windows handed to `windowCrc` and not yet combined: bounds the memory they hold. */
const HASHES_IN_FLIGHT = 2;

/** Reads kept in flight while one window is consumed: the raw-read baseline's two, plus one. */
const READS_IN_FLIGHT = 2;

/**
 * Calls `consume` with the bytes of [start, end) in order (waiting for it when it returns a
 * promise), reading ≤ 16 MiB windows with the next reads already in flight meanwhile.
 */
export async function forEachWindow(
  source: ByteSource,
  start: number,
  end: number,
  consume: (bytes: Uint8Array) => void | Promise<void>,
  options: StreamOptions = {},
): Promise<void> {
  const windowBytes = options.windowBytes ?? CRC_WINDOW_BYTES;
  let next = start;
  const queue: { at: number; promise: Promise<Uint8Array> }[] = [];
  const fill = (): void => {
    while (queue.length < READS_IN_FLIGHT && next < end) {
      const at = next;
      const promise = source.read(at, Math.min(windowBytes, end - at), options.signal);
      // Reads queued behind a failure must not surface as unhandled rejections.
      promise.catch(() => undefined);
      queue.push({ at, promise });
      next += Math.min(windowBytes, end - at);
    }
  };
  fill();
  let done = 0;
  for (let item = queue.shift(); item; item = queue.shift()) {
    const bytes = await item.promise;
    const expected = Math.min(windowBytes, end - item.at);
    if (bytes.length !== expected)
      throw internalError(`read at ${item.at} returned ${bytes.length} of ${expected} bytes`);
    fill();
    options.signal?.throwIfAborted();
    // Counted first: `consume` may take the bytes over (a transfer leaves them empty).
    done += bytes.length;
    await consume(bytes);
    options.onBytes?.(done);
  }
}

/** CRC-32 of the bytes [start, end) of `source`. */
export async function crc32OfRange(
  source: ByteSource,
  start: number,
  end: number,
  options: CrcStreamOptions = {},
): Promise<number> {
  if (options.windowCrc) return crc32OfWindows(source, start, end, options.windowCrc, options);
  const crc = await Crc32Stream.create();
  try {
    await forEachWindow(source, start, end, (bytes) => crc.update(bytes), options);
  } catch (error) {
    crc.finish();
    throw error;
  }
  return crc.finish();
}

/** Each window hashed by `windowCrc` while the next ones are read; their CRCs joined in order. */
async function crc32OfWindows(
  source: ByteSource,
  start: number,
  end: number,
  windowCrc: WindowCrc,
  options: StreamOptions,
): Promise<number> {
  let crc = 0;
  const hashing: { crc: Promise<number>; length: number }[] = [];
  const joinOldest = async (): Promise<void> => {
    const piece = hashing.shift() as { crc: Promise<number>; length: number };
    crc = crc32Combine(crc, await piece.crc, piece.length);
  };
  try {
    await forEachWindow(
      source,
      start,
      end,
      async (bytes) => {
        while (hashing.length >= HASHES_IN_FLIGHT) await joinOldest();
        const length = bytes.length;
        const piece = windowCrc(bytes);
        // Joined in order; one failing behind another must not go unhandled.
        piece.catch(() => undefined);
        hashing.push({ crc: piece, length });
      },
      options,
    );
    while (hashing.length > 0) await joinOldest();
  } catch (error) {
    // Cancelled or failed: let the windows being hashed finish, so no hasher is left busy.
    await Promise.allSettled(hashing.map((piece) => piece.crc));
    throw error;
  }
  return crc;
}
