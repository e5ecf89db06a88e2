/**
 * CRC-32 (zlib: reflected 0xEDB88320, init/xorout 0xFFFFFFFF) as MindSpore computes it for
 * `crc_check` (ckpt-format.md §5), streamed through hash-wasm. Hashers are created once and
 * reused (hash-wasm warns against creating them in loops); a small free list lets two
 * verifications run at the same time without sharing state.
 */
import { createCRC32, type IHasher } from 'hash-wasm';
import { CRC_WINDOW_BYTES } from '../base/limits';
import type { ByteSource } from '../io/byte-source';

const idle: IHasher[] = [];

async function takeHasher(): Promise<IHasher> {
  const hasher = idle.pop() ?? (await createCRC32());
  hasher.init();
  return hasher;
}

function digestNumber(hasher: IHasher): number {
  return Number.parseInt(hasher.digest('hex'), 16) >>> 0;
}

/** A running CRC-32 over pieces fed in order. Call `finish()` exactly once. */
export class Crc32Stream {
  private constructor(private hasher: IHasher | null) {}

  static async create(): Promise<Crc32Stream> {
    return new Crc32Stream(await takeHasher());
  }

  update(bytes: Uint8Array): void {
    if (!this.hasher) throw new Error('Crc32Stream already finished');
    if (bytes.length > 0) this.hasher.update(bytes);
  }

  /** Feeds `count` zero bytes (MindSpore's numpy quirk for 0-d integer tensors) without allocating `count`. */
  updateZeros(count: number): void {
    const zeros = new Uint8Array(Math.min(count, 1 << 20));
    for (let left = count; left > 0; left -= zeros.length) this.update(zeros.subarray(0, Math.min(left, zeros.length)));
  }

  finish(): number {
    if (!this.hasher) throw new Error('Crc32Stream already finished');
    const value = digestNumber(this.hasher);
    idle.push(this.hasher);
    this.hasher = null;
    return value;
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
