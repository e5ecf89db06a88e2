import { describe, expect, it } from 'vitest';
import { BlobSource, CountingSource, MemorySource, type ByteSource } from './byte-source';
import { RangeList, ReadAheadSource, type PlannedRange } from './read-ahead';

const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 31 + 7) & 255);

/** Deterministic pseudo-random numbers (tests must not depend on Math.random). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Slices of 40–240 bytes with gaps of 0–80, in file order. */
function slices(count: number, random: () => number): PlannedRange[] {
  const ranges: PlannedRange[] = [];
  let at = 13;
  for (let i = 0; i < count; i += 1) {
    const length = 40 + Math.floor(random() * 200);
    if (at + length > bytes.length) break;
    ranges.push({ offset: at, length });
    at += length + Math.floor(random() * 80);
  }
  return ranges;
}

describe('ReadAheadSource', () => {
  it('returns the same bytes as the source for planned, unplanned, straddling and oversized reads', async () => {
    const random = generator(1);
    for (let round = 0; round < 20; round += 1) {
      const planned = slices(40, random);
      const source = new ReadAheadSource(new MemorySource(bytes), planned, {
        windowBytes: 64 + Math.floor(random() * 1000),
        maxGapBytes: Math.floor(random() * 100),
        maxWindows: 1 + Math.floor(random() * 3),
      });
      const reads: PlannedRange[] = [...planned];
      for (let i = 0; i < 30; i += 1) {
        const offset = Math.floor(random() * (bytes.length + 100));
        reads.push({ offset, length: Math.floor(random() * 3000) });
      }
      for (const { offset, length } of reads.sort(() => random() - 0.5)) {
        const expected = Buffer.from(bytes.slice(offset, Math.min(bytes.length, offset + length)));
        expect(expected.equals(await source.read(offset, length)), `${offset}+${length}`).toBe(true);
        expect(expected.equals(await source.readView(offset, length)), `view ${offset}+${length}`).toBe(true);
      }
      expect(source.heldWindows()).toBeLessThanOrEqual(3);
    }
  });

  it('reads planned slices in order in a few window reads, one window ahead, and no byte twice', async () => {
    const planned = slices(60, generator(2));
    const counting = new CountingSource(new MemorySource(bytes));
    const source = new ReadAheadSource(counting, planned, { windowBytes: 2048, maxGapBytes: 100 });
    const plannedBytes = planned.reduce((sum, range) => sum + range.length, 0);
    // Each slice read in two halves, as a merge reads a slice over two output windows.
    for (const { offset, length } of planned) {
      const half = Math.floor(length / 2);
      expect(await source.read(offset, half)).toEqual(bytes.slice(offset, offset + half));
      expect(await source.read(offset + half, length - half)).toEqual(bytes.slice(offset + half, offset + length));
      expect(source.heldWindows()).toBeLessThanOrEqual(2);
    }
    const span = (planned.at(-1)?.offset ?? 0) + (planned.at(-1)?.length ?? 0) - (planned[0]?.offset ?? 0);
    expect(counting.reads).toBeLessThanOrEqual(Math.ceil(span / 2048) + 2);
    expect(counting.bytesRead).toBeLessThanOrEqual(span);
    expect(counting.bytesRead).toBeGreaterThanOrEqual(plannedBytes);
    // Used up: nothing stays held.
    expect(source.heldWindows()).toBe(0);
  });

  it('plans the same windows from a RangeList as from the ranges themselves (past its first growth)', async () => {
    // 500 ranges of 4–20 bytes, in file order then shuffled: more than the list's first 64.
    const random = generator(3);
    const ranges: PlannedRange[] = [];
    for (let at = 0; ranges.length < 500; at += 20) ranges.push({ offset: at, length: 4 + Math.floor(random() * 16) });
    const shuffled = [...ranges].sort(() => random() - 0.5);
    for (const plan of [ranges, shuffled]) {
      const list = RangeList.of(plan);
      expect(list.length).toBe(plan.length);
      expect(list.offsetAt(plan.length - 1)).toBe(plan.at(-1)?.offset);
      const reads: number[] = [];
      for (const planned of [plan, list]) {
        const counting = new CountingSource(new MemorySource(bytes));
        const source = new ReadAheadSource(counting, planned, { windowBytes: 1024, maxGapBytes: 64 });
        for (const { offset, length } of plan)
          expect(await source.read(offset, length)).toEqual(bytes.slice(offset, offset + length));
        reads.push(counting.reads);
      }
      expect(reads[1]).toBe(reads[0]);
      // In file order, ~10 KB in 1 KiB windows: a few reads, not one per range.
      if (plan === ranges) expect(reads[0]).toBeLessThan(20);
    }
  });

  it('prefetches the window the plan needs next, even when that is earlier in the file', async () => {
    // Plan order: the second half of the file, then the first half (as name order may visit a file).
    const planned = [
      { offset: 5000, length: 1000 },
      { offset: 6000, length: 1000 },
      { offset: 0, length: 1000 },
      { offset: 1000, length: 1000 },
    ];
    const counting = new CountingSource(new MemorySource(bytes));
    const source = new ReadAheadSource(counting, planned, { windowBytes: 2000, maxGapBytes: 0 });
    await source.read(5000, 10);
    // The window at 5000 and the one needed next (at 0), not the one after it in the file.
    expect(counting.reads).toBe(2);
    await source.read(0, 10);
    expect(counting.reads).toBe(2);
  });

  it('an access order the plan did not foresee costs at most one extra read per window', async () => {
    const planned = slices(60, generator(3));
    const counting = new CountingSource(new MemorySource(bytes));
    const source = new ReadAheadSource(counting, planned, { windowBytes: 512, maxGapBytes: 100, maxWindows: 1 });
    const random = generator(4);
    const order = [...planned].sort(() => random() - 0.5);
    for (const { offset, length } of order)
      expect(await source.read(offset, length)).toEqual(bytes.slice(offset, offset + length));
    const plannedBytes = planned.reduce((sum, range) => sum + range.length, 0);
    const windows = Math.ceil(plannedBytes / 40); // a window holds at least one slice
    expect(counting.bytesRead).toBeLessThanOrEqual(plannedBytes + 2 * 512 * Math.min(windows, planned.length));
  });

  it('a second pass over the plan reads each window again once, not once per slice', async () => {
    const planned = slices(60, generator(5));
    const counting = new CountingSource(new MemorySource(bytes));
    const source = new ReadAheadSource(counting, planned, { windowBytes: 4096, maxGapBytes: 100 });
    for (let pass = 0; pass < 2; pass += 1) for (const { offset, length } of planned) await source.read(offset, length);
    expect(counting.reads).toBeLessThanOrEqual(2 * (Math.ceil(bytes.length / 4096) + 1));
  });

  it('a failed window read fails the reads waiting on it, and a later read tries again', async () => {
    let fail = true;
    const flaky: ByteSource = {
      size: bytes.length,
      read: async (offset, length) => {
        if (fail) throw new Error('disk went away');
        return bytes.slice(offset, offset + length);
      },
    };
    const source = new ReadAheadSource(flaky, [{ offset: 0, length: 3000 }], { windowBytes: 1000, maxGapBytes: 0 });
    await expect(source.read(10, 10)).rejects.toThrow('disk went away');
    await expect(source.read(20, 10)).rejects.toThrow('disk went away');
    fail = false;
    expect(await source.read(30, 10)).toEqual(bytes.slice(30, 40));
  });

  it('stops a read when its signal is aborted, and serves later reads', async () => {
    const source = new ReadAheadSource(new MemorySource(bytes), [{ offset: 0, length: 3000 }], {
      windowBytes: 1000,
      maxGapBytes: 0,
    });
    const controller = new AbortController();
    controller.abort();
    await expect(source.read(0, 10, controller.signal)).rejects.toThrow();
    expect(await source.read(0, 10)).toEqual(bytes.slice(0, 10));
  });

  it('a source shorter than planned gives what exists, as a direct read does', async () => {
    const short = new MemorySource(bytes.slice(0, 1500));
    const source = new ReadAheadSource(short, [{ offset: 1000, length: 1000 }], { windowBytes: 1000, maxGapBytes: 0 });
    expect(await source.read(1200, 500)).toEqual(bytes.slice(1200, 1500));
    expect(await source.read(1600, 100)).toEqual(new Uint8Array(0));
  });

  it('over a Blob-backed source it can still be sliced (a composed export slices the file, not the windows)', async () => {
    const overBlob = new ReadAheadSource(new BlobSource(new Blob([bytes])), [{ offset: 0, length: 100 }], {
      windowBytes: 50,
      maxGapBytes: 0,
    });
    const slice = overBlob.slice?.(10, 20);
    expect(new Uint8Array(await (slice as Blob).arrayBuffer())).toEqual(bytes.slice(10, 20));
    expect(() => overBlob.slice?.(0, bytes.length + 1)).toThrow();
    const overMemory = new ReadAheadSource(new MemorySource(bytes), [], { windowBytes: 50, maxGapBytes: 0 });
    expect(overMemory.slice).toBeUndefined();
  });
});
