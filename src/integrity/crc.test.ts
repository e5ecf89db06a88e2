import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isLensError, LensError } from '../base/errors';
import { openCheckpoint } from '../core/open';
import { encodeCrcTrailer } from '../base/crc-trailer';
import { MemorySource, type ByteSource } from '../io/byte-source';
import { fixtureBytes, fixtureSource } from '../test/fixtures';
import { crc32Combine, crc32Of, crc32OfRange, Crc32Stream, type WindowCrc } from './crc';
import { verifyIntegrity } from './verify';

const LENET = ['real', 'nsu-huawei-2022__LeNet5_5_step.ckpt'] as const;
const LSTM = ['real', 'competition__lstm_crf_20_63.ckpt'] as const;

/** x^(8·exponent) modulo the (unreflected) CRC-32 polynomial, by square-and-multiply in GF(2)[x]. */
function zPower(exponent: number): bigint {
  const P = 0x104c11db7n;
  const mulMod = (a: bigint, b: bigint): bigint => {
    let product = 0n;
    for (let bit = 0n; b >> bit > 0n; bit += 1n) if ((b >> bit) & 1n) product ^= a << bit;
    for (let bit = 63n; bit >= 32n; bit -= 1n) if ((product >> bit) & 1n) product ^= P << (bit - 32n);
    return product;
  };
  let result = 1n;
  let base = 0x100n; // x^8
  for (let e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = mulMod(result, base);
    base = mulMod(base, base);
  }
  return result;
}

describe('the CRC-32 kernel (XOR reduction, then tables)', () => {
  it('reduces by a true multiple of the polynomial: z^3006 + z^2866 + z^2215 + 1 ≡ 0', () => {
    expect(zPower(3006) ^ zPower(2866) ^ zPower(2215) ^ 1n).toBe(0n);
    // And a neighbour is not (the check can fail).
    expect(zPower(3006) ^ zPower(2866) ^ zPower(2214) ^ 1n).not.toBe(0n);
  });

  it('matches zlib for every tail length, around the reduction threshold and chunk size, from any CRC', async () => {
    let seed = 12345;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const data = new Uint8Array(3 * (1 << 20) + 777);
    for (let i = 0; i < data.length; i += 1) data[i] = random() >>> 24;
    const copy = data.slice();
    const lengths = [
      ...Array.from({ length: 40 }, (_, i) => i),
      ...Array.from({ length: 40 }, (_, i) => 8172 + i),
      ...Array.from({ length: 33 }, (_, i) => 3006 + 4096 + i),
      (1 << 20) - 1,
      1 << 20,
      (1 << 20) + 1,
      2 * (1 << 20) + 3021,
      data.length,
    ];
    for (const length of lengths) {
      const piece = data.subarray(data.length - length);
      expect(await crc32Of(piece), `length ${length}`).toBe(zlibCrc32(piece));
      // From a running CRC (the kernel folds it into the chunk's first bytes).
      const head = data.subarray(0, random() % 5000);
      const stream = await Crc32Stream.create();
      stream.update(head);
      stream.update(piece);
      expect(stream.finish(), `length ${length} after ${head.length}`).toBe(zlibCrc32(piece, zlibCrc32(head)));
    }
    expect(Buffer.from(data).equals(Buffer.from(copy))).toBe(true);
  });
});

describe('crc32Combine (zlib crc32_combine)', () => {
  it('gives the CRC of a concatenation from its pieces, on a real checkpoint cut anywhere', async () => {
    const bytes = fixtureBytes(...LENET);
    const whole = zlibCrc32(bytes);
    for (const cut of [0, 1, 7, 4096, 100_003, bytes.length - 1, bytes.length]) {
      const a = await crc32Of(bytes.subarray(0, cut));
      const b = await crc32Of(bytes.subarray(cut));
      expect(crc32Combine(a, b, bytes.length - cut), `cut ${cut}`).toBe(whole);
    }
    // Many pieces folded left from the empty CRC, as composeRanges does.
    let folded = 0;
    for (let at = 0; at < bytes.length; at += 50_000) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + 50_000));
      folded = crc32Combine(folded, await crc32Of(piece), piece.length);
    }
    expect(folded).toBe(whole);
  });

  it('is associative for lengths beyond 2^32 (no 32-bit truncation of the length)', () => {
    const [a, b, c] = [0x12345678, 0x9abcdef0, 0x0badf00d];
    const lengthB = 2 ** 33 + 12_345;
    const lengthC = 2 ** 40 + 7;
    expect(crc32Combine(crc32Combine(a, b, lengthB), c, lengthC)).toBe(
      crc32Combine(a, crc32Combine(b, c, lengthC), lengthB + lengthC),
    );
    expect(crc32Combine(a, b, 2 ** 32)).not.toBe(crc32Combine(a, b, 0));
  });
});

/**
 * A stand-in for the worker pool: takes each window over (detaching its buffer, as a transfer
 * does), hashes it after a delay that makes later windows finish first, and counts what is busy.
 */
function offThreadCrc(): WindowCrc & { busy: number; maxBusy: number; calls: number } {
  const hasher = Object.assign(
    async (bytes: Uint8Array): Promise<number> => {
      const own = structuredClone(bytes, { transfer: [bytes.buffer] });
      hasher.calls += 1;
      hasher.busy += 1;
      hasher.maxBusy = Math.max(hasher.maxBusy, hasher.busy);
      try {
        if (hasher.calls % 2 === 1) await new Promise((resolve) => setImmediate(resolve));
        return await crc32Of(own);
      } finally {
        hasher.busy -= 1;
      }
    },
    { busy: 0, maxBusy: 0, calls: 0 },
  );
  return hasher;
}

/** A source whose read at `failAt` rejects (a file gone or changed mid-way). */
function failingSource(bytes: Uint8Array, failAt: number): ByteSource {
  const inner = new MemorySource(bytes);
  return {
    size: inner.size,
    read: async (offset, length, signal) => {
      if (offset === failAt) throw new LensError('read-failed', { offset, hint: 'gone' });
      return inner.read(offset, length, signal);
    },
  };
}

describe('CRC windows hashed elsewhere (windowCrc), joined in order', () => {
  it('equals the whole-range CRC on a real checkpoint, for odd window sizes and ranges', async () => {
    const bytes = fixtureBytes(...LSTM);
    const source = await fixtureSource(...LSTM);
    for (const windowBytes of [7, 4099, 65_536 + 3, 1024 * 1024 + 17, 16 * 1024 * 1024]) {
      // Tiny windows only over a stretch, or the test takes seconds.
      const end = windowBytes < 4096 ? 5000 : bytes.length;
      const windowCrc = offThreadCrc();
      let progress = 0;
      const onBytes = (done: number): void => {
        progress = done;
      };
      expect(await crc32OfRange(source, 0, end, { windowBytes, windowCrc, onBytes }), `${windowBytes}`).toBe(
        zlibCrc32(bytes.subarray(0, end)),
      );
      // Counted before the bytes are handed over (a transfer empties them).
      expect(progress).toBe(end);
      expect(await crc32OfRange(source, 3, end - 2, { windowBytes, windowCrc })).toBe(
        zlibCrc32(bytes.subarray(3, end - 2)),
      );
      expect(windowCrc.busy).toBe(0);
      expect(windowCrc.maxBusy).toBeLessThanOrEqual(2);
    }
    expect(await crc32OfRange(source, 10, 10, { windowCrc: offThreadCrc() })).toBe(0);
  });

  it('a .ckpt trailer verifies through verifyIntegrity, and a flipped byte is a mismatch', async () => {
    const body = fixtureBytes(...LSTM);
    const file = new Uint8Array(body.length + 17);
    file.set(body);
    file.set(encodeCrcTrailer(zlibCrc32(body)), body.length);
    const verify = async (bytes: Uint8Array) => {
      const opened = await openCheckpoint(new MemorySource(bytes));
      return verifyIntegrity(opened, { windowCrc: offThreadCrc() });
    };
    const good = await verify(file);
    expect(good.crcStatus).toBe('ok');
    expect(good.bytesCovered).toBe(body.length);

    const damaged = file.slice();
    damaged[body.length - 1000]! ^= 0x40;
    const bad = await verify(damaged);
    expect(bad.crcStatus).toBe('mismatch');
    expect(bad.crc.actual).toBe(zlibCrc32(damaged.subarray(0, body.length)));
  });

  it('a read failing mid-way rejects with that error once every window handed over is done', async () => {
    const bytes = fixtureBytes(...LENET);
    const windowCrc = offThreadCrc();
    const error = await crc32OfRange(failingSource(bytes, 4 * 4099), 0, bytes.length, {
      windowBytes: 4099,
      windowCrc,
    }).catch((caught: unknown) => caught);
    expect(isLensError(error) && error.code).toBe('read-failed');
    expect(windowCrc.calls).toBeGreaterThan(0);
    expect(windowCrc.busy).toBe(0);
  });

  it('a failing hasher rejects the whole CRC, without unhandled rejections from later windows', async () => {
    const bytes = fixtureBytes(...LENET);
    let calls = 0;
    const windowCrc: WindowCrc = async (window) => {
      calls += 1;
      if (calls >= 2) throw new Error(`hasher ${calls} failed`);
      return crc32Of(window);
    };
    await expect(
      crc32OfRange(new MemorySource(bytes), 0, bytes.length, { windowBytes: 4099, windowCrc }),
    ).rejects.toThrow('hasher 2 failed');
  });

  it('cancel between windows rejects as aborted, leaving no hasher busy', async () => {
    const bytes = fixtureBytes(...LENET);
    const windowCrc = offThreadCrc();
    const controller = new AbortController();
    const error = await crc32OfRange(new MemorySource(bytes), 0, bytes.length, {
      windowBytes: 4099,
      windowCrc,
      signal: controller.signal,
      onBytes: (done) => {
        if (done >= 3 * 4099) controller.abort();
      },
    }).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(windowCrc.calls).toBeLessThan(10);
    expect(windowCrc.busy).toBe(0);
  });
});
