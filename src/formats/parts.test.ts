import { describe, expect, it } from 'vitest';
import { CountingSource, MemorySource, type ByteSource } from '../io/byte-source';
import { bytesPart, joinAdjacentCopies, readParts, totalLength, type OutputPart } from './parts';

/** A source whose reads wait until released, recording what was asked when. */
class GatedSource implements ByteSource {
  readonly size: number;
  readonly asked: [number, number][] = [];
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly failFrom = Infinity,
  ) {
    this.size = bytes.length;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    this.asked.push([offset, length]);
    return new Promise((resolve, reject) => {
      this.waiting.push(() =>
        offset >= this.failFrom ? reject(new Error('gone')) : resolve(this.bytes.slice(offset, offset + length)),
      );
    });
  }

  releaseAll(): void {
    for (const release of this.waiting.splice(0)) release();
  }
}

const copy = (source: ByteSource, offset: number, length: number): OutputPart => ({
  kind: 'copy',
  source,
  offset,
  length,
});

describe('readParts', () => {
  it('asks for the next copy window before the current one lands, across part boundaries', async () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => i);
    const source = new GatedSource(bytes);
    // Three small "tensors" of one window each, with record headers between them.
    const parts = [
      bytesPart(Uint8Array.of(200)),
      copy(source, 0, 8),
      bytesPart(Uint8Array.of(201)),
      copy(source, 8, 8),
      copy(source, 16, 8),
    ];
    const reader = readParts(parts, { windowBytes: 8 });
    expect((await reader.next()).value).toEqual(Uint8Array.of(200));
    const first = reader.next();
    await Promise.resolve();
    // Both reads are out while the first is awaited: the second part's read did not wait.
    expect(source.asked).toEqual([
      [0, 8],
      [8, 8],
    ]);
    source.releaseAll();
    expect((await first).value).toEqual(bytes.subarray(0, 8));
    const out: Uint8Array[] = [];
    const rest = (async () => {
      for (let next = await reader.next(); !next.done; next = await reader.next()) out.push(next.value);
    })();
    for (let i = 0; i < 5; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      source.releaseAll();
    }
    await rest;
    expect(out).toEqual([Uint8Array.of(201), bytes.subarray(8, 16), bytes.subarray(16, 24)]);
    expect(source.asked.length).toBe(3);
  });

  it('a consumer that stops early leaves no failing read unhandled', async () => {
    const source = new GatedSource(new Uint8Array(32), 8);
    const reader = readParts([copy(source, 0, 32)], { windowBytes: 8 });
    const first = reader.next();
    await Promise.resolve();
    source.releaseAll();
    expect((await first).value?.length).toBe(8);
    await reader.return(undefined);
    // The read ahead fails after the consumer left: nobody awaits it, nothing may throw.
    source.releaseAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('the next two generated parts make their first chunk while the current one is used, in order', async () => {
    const started: number[] = [];
    const closed: number[] = [];
    const generated = (id: number): OutputPart => ({
      kind: 'generated',
      length: 2,
      async *generate() {
        started.push(id);
        try {
          yield Uint8Array.of(id, 0);
          yield Uint8Array.of(id, 1);
        } finally {
          closed.push(id);
        }
      },
    });
    const parts = [generated(1), bytesPart(Uint8Array.of(9)), generated(2), generated(3), generated(4)];
    const all: number[][] = [];
    for await (const chunk of readParts(parts)) all.push([...chunk]);
    expect(all).toEqual([[1, 0], [1, 1], [9], [2, 0], [2, 1], [3, 0], [3, 1], [4, 0], [4, 1]]);

    started.length = 0;
    const reader = readParts(parts);
    expect((await reader.next()).value).toEqual(Uint8Array.of(1, 0));
    // Part 1 is being used; parts 2 and 3 are under way, part 4 is not.
    expect(started).toEqual([1, 2, 3]);
    // A consumer that stops early closes the parts made ahead.
    closed.length = 0;
    await reader.return(undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed.sort()).toEqual([1, 2, 3]);
  });

  it('gives a chunk back to a recycling source only once the consumer asks for the next one', async () => {
    const given: number[] = [];
    const source: ByteSource = {
      size: 64,
      read: async (offset, length) => Uint8Array.from({ length }, (_, i) => offset + i),
      recycle: (bytes) => given.push(bytes[0] as number),
    };
    const reader = readParts([copy(source, 0, 32)], { windowBytes: 8 });
    expect((await reader.next()).value?.[0]).toBe(0);
    expect(given).toEqual([]);
    expect((await reader.next()).value?.[0]).toBe(8);
    expect(given).toEqual([0]);
    await reader.return(undefined);
    // Stopped early: the chunk last handed out stays the consumer's.
    expect(given).toEqual([0]);
  });
});

describe('readParts: runs of small copies', () => {
  const file = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251);
  const copy = (source: ByteSource, offset: number, length: number): OutputPart => ({
    kind: 'copy',
    source,
    offset,
    length,
  });
  const collect = async (parts: OutputPart[]): Promise<Uint8Array> => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of readParts(parts)) chunks.push(chunk.slice());
    return Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
  };
  const expected = (parts: OutputPart[]): Uint8Array =>
    Uint8Array.from(
      parts.flatMap((part) =>
        part.kind === 'bytes'
          ? [...part.bytes]
          : part.kind === 'copy'
            ? [...file.slice(part.offset, part.offset + part.length)]
            : [],
      ),
    );

  it('reads small tensors that lie close together once, with the headers between them in order', async () => {
    const source = new CountingSource(new MemorySource(file));
    const parts: OutputPart[] = [];
    for (let i = 0; i < 1000; i += 1)
      parts.push(bytesPart(Uint8Array.of(0xee, i & 0xff)), copy(source, 10 + i * 20, 4));
    expect(await collect(parts)).toEqual(expected(parts));
    expect(source.reads).toBe(1);
    expect(source.bytesRead).toBe(20 * 999 + 4);
  });

  it('hands out a window of tiny pieces as one chunk, and pieces of large tensors as they are', async () => {
    const source = new MemorySource(file);
    const tiny: OutputPart[] = [];
    for (let i = 0; i < 1000; i += 1) tiny.push(bytesPart(Uint8Array.of(0xee, i & 0xff)), copy(source, 10 + i * 20, 4));
    const chunks: Uint8Array[] = [];
    for await (const chunk of readParts(tiny)) chunks.push(chunk.slice());
    // 2,000 pieces through the consumer's generators were 2,000 awaits; now the first header,
    // then the one read's pieces joined.
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 2 * 999 + 4 * 1000]);
    expect(new Uint8Array(Buffer.concat(chunks))).toEqual(expected(tiny));
    const large = [
      bytesPart(Uint8Array.of(1)),
      copy(source, 0, 40_000),
      bytesPart(Uint8Array.of(2)),
      copy(source, 50_000, 40_000),
    ];
    const pieces: number[] = [];
    for await (const chunk of readParts(large)) pieces.push(chunk.length);
    expect(pieces).toEqual([1, 40_000, 1, 40_000]);
  });

  it('starts a new read at a gap over 64 KiB, another source, past the window or a step back', async () => {
    const a = new CountingSource(new MemorySource(file));
    const b = new CountingSource(new MemorySource(file));
    const parts: OutputPart[] = [
      copy(a, 0, 4),
      copy(a, 8, 4), // joins
      copy(a, 8 + 4 + 70_000, 4), // gap over 64 KiB: new read
      copy(b, 100, 4), // other source
      copy(a, 90_000, 100_000), // new read (another source before it)
      copy(a, 200_000, 4), // joins: 10,000 bytes past it, within the window
      copy(a, 199_000, 4), // before the last: new read
    ];
    expect(await collect(parts)).toEqual(expected(parts));
    expect(a.reads).toBe(4);
    expect(b.reads).toBe(1);
    const c = new CountingSource(new MemorySource(file));
    const wide: OutputPart[] = [copy(c, 0, 100_000), copy(c, 100_100, 100_000), copy(c, 200_200, 50_000)];
    const chunks: Uint8Array[] = [];
    for await (const chunk of readParts(wide, { windowBytes: 128 * 1024 })) chunks.push(chunk.slice());
    expect(Uint8Array.from(chunks.flatMap((chunk) => [...chunk]))).toEqual(expected(wide));
    // The next copy would take the read past the 128 KiB window: each alone.
    expect(c.reads).toBe(3);
  });

  it('reads tensors behind small headers (a torch zip) in whole windows, not one read each', async () => {
    const source = new CountingSource(new MemorySource(file));
    const parts: OutputPart[] = [];
    // 70,000-byte tensors, each 64 bytes after the last (a zip local header), a record header before each.
    for (let at = 64; at + 70_000 <= file.length; at += 70_064)
      parts.push(bytesPart(Uint8Array.of(1, 2, 3)), copy(source, at, 70_000));
    expect(parts.length).toBe(8);
    const chunks: Uint8Array[] = [];
    for await (const chunk of readParts(parts, { windowBytes: 150_000 })) chunks.push(chunk.slice());
    expect(Uint8Array.from(chunks.flatMap((chunk) => [...chunk]))).toEqual(expected(parts));
    expect(source.reads).toBe(2);
  });

  it('reads copies back to back as one, across their boundaries, and hands out whole windows', async () => {
    const source = new CountingSource(new MemorySource(file));
    const parts: OutputPart[] = [];
    for (let at = 0; at + 30_000 <= file.length; at += 30_000) parts.push(copy(source, at, 30_000));
    const chunks: Uint8Array[] = [];
    for await (const chunk of readParts(parts, { windowBytes: 100_000 })) chunks.push(chunk.slice());
    expect(Uint8Array.from(chunks.flatMap((chunk) => [...chunk]))).toEqual(expected(parts));
    expect(chunks.map((chunk) => chunk.length)).toEqual([100_000, 100_000, 100_000]);
    expect(source.reads).toBe(3);
  });
});

describe('joinAdjacentCopies', () => {
  const source = new MemorySource(new Uint8Array(100));
  const other = new MemorySource(new Uint8Array(100));
  const copy = (from: ByteSource, offset: number, length: number): OutputPart => ({
    kind: 'copy',
    source: from,
    offset,
    length,
  });

  it('joins copies of one source that follow each other, and nothing across written bytes', () => {
    const header = bytesPart(Uint8Array.of(9));
    const parts = [
      copy(source, 0, 10),
      copy(source, 10, 5),
      copy(source, 15, 0),
      copy(source, 15, 5), // an empty one between does not break the run
      copy(other, 20, 5), // another source
      copy(source, 25, 5), // not after the last copy of its source: a new part
      header,
      copy(source, 30, 5), // follows in the source, but bytes lie between in the output
      copy(source, 40, 5), // a gap in the source
    ];
    const joined = joinAdjacentCopies(parts);
    expect(joined.map((part) => (part.kind === 'copy' ? [part.offset, part.length] : 'bytes'))).toEqual([
      [0, 20],
      [20, 5],
      [25, 5],
      'bytes',
      [30, 5],
      [40, 5],
    ]);
    expect(totalLength(joined)).toBe(totalLength(parts));
    // The caller's parts are left as they were, and a copy that is not joined is passed on as it is.
    expect(parts[0]).toEqual(copy(source, 0, 10));
    expect(joined[3]).toBe(header);
    expect(joined[4]).toBe(parts[7]);
  });
});
