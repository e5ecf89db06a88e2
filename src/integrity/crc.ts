/**
 * CRC-32 (zlib: reflected 0xEDB88320, init/xorout 0xFFFFFFFF) as MindSpore computes it for
 * `crc_check` (ckpt-format.md §5), streamed through the slicing-by-16 WASM kernel
 * (src/wasm/crc32.ts, compiled by scripts/build-wasm.mjs). The kernel is stateless between calls
 * (the running CRC is passed in and out), so any number of streams can run interleaved.
 */
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
    if (this.finished) throw new Error('Crc32Stream already finished');
    if (bytes.length > 0) this.value = this.kernel.update(this.value, bytes);
  }

  /** Feeds `count` zero bytes (MindSpore's numpy quirk for 0-d integer tensors) without allocating `count`. */
  updateZeros(count: number): void {
    const zeros = new Uint8Array(Math.min(count, 1 << 20));
    for (let left = count; left > 0; left -= zeros.length) this.update(zeros.subarray(0, Math.min(left, zeros.length)));
  }

  /** The CRC-32 of the bytes fed so far (the stream goes on). */
  current(): number {
    return this.value;
  }

  finish(): number {
    if (this.finished) throw new Error('Crc32Stream already finished');
    this.finished = true;
    return this.value;
  }
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Called with bytes done so far. */
  onBytes?: (bytes: number) => void;
  windowBytes?: number;
}

/** Reads kept in flight while one window is consumed: the raw-read baseline's two, plus one. */
const READS_IN_FLIGHT = 2;

/**
 * Calls `consume` with the bytes of [start, end) in order, reading ≤ 16 MiB windows with the
 * next reads already in flight while the current window is consumed.
 */
export async function forEachWindow(
  source: ByteSource,
  start: number,
  end: number,
  consume: (bytes: Uint8Array) => void,
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
      throw new RangeError(`read at ${item.at} returned ${bytes.length} of ${expected} bytes`);
    fill();
    options.signal?.throwIfAborted();
    consume(bytes);
    done += bytes.length;
    options.onBytes?.(done);
  }
}

/** CRC-32 of the bytes [start, end) of `source`. */
export async function crc32OfRange(
  source: ByteSource,
  start: number,
  end: number,
  options: StreamOptions = {},
): Promise<number> {
  const crc = await Crc32Stream.create();
  try {
    await forEachWindow(source, start, end, (bytes) => crc.update(bytes), options);
  } catch (error) {
    crc.finish();
    throw error;
  }
  return crc.finish();
}
