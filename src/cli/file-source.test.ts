import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  openAsBlob,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LensError } from '../base/errors';
import { MAX_READ_BYTES } from '../base/limits';
import { BlobSource, type ByteSource } from '../io/byte-source';
import { runCli } from '../test/cli';
import { fixturePath } from '../test/fixtures';
import { closeOpenFiles, FileSource, MAX_OPEN_FILES, openFileCount } from './file-source';

const dir = mkdtempSync(path.join(tmpdir(), 'ckpt-lens-file-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  vi.restoreAllMocks();
  await closeOpenFiles();
});

/** Deterministic bytes that differ from position to position. */
function patterned(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function writeFile(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** Descriptors of this process (worker threads included) open on files under `folder`. */
function descriptorsUnder(folder: string): string[] {
  // /proc names the real path (the fixtures are reached through a symlink).
  const real = `${realpathSync(folder)}/`;
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(real)) out.push(target);
    } catch {
      // closed while listing
    }
  }
  return out;
}

/** Byte equality without a deep comparison (vitest's toEqual walks a typed array element by element). */
function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

async function failure(promise: Promise<unknown>): Promise<LensError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LensError);
  return error as LensError;
}

/** The modification time is kept in clock ticks: a change made within the same tick as the write is not seen. */
const nextTick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

describe('FileSource reads', () => {
  const bytes = patterned(3 * 1024 * 1024 + 5);
  const file = writeFile('data.bin', bytes);

  it('returns the file’s bytes, fewer at its end and none past it, like the Blob it replaces', async () => {
    const source = await FileSource.open(file);
    const blob = new BlobSource(await openAsBlob(file));
    expect(source.size).toBe(bytes.length);
    const reads: [number, number][] = [
      [0, 1],
      [17, 65_536 * 3 + 9],
      [0, bytes.length],
      [bytes.length - 10, 100],
      [bytes.length, 10],
      [bytes.length + 1000, 10],
      [5, 0],
    ];
    for (const [offset, length] of reads) {
      const got = await source.read(offset, length);
      expect(got.length, `${offset}+${length}`).toBe(Math.max(0, Math.min(length, bytes.length - offset)));
      expect(same(got, bytes.subarray(offset, offset + length)), `${offset}+${length}`).toBe(true);
      expect(same(got, await blob.read(offset, length))).toBe(true);
    }
  });

  it('a read up to the size limit is one system read, into a plain Uint8Array of exactly its length', async () => {
    const big = patterned(20 * 1024 * 1024, 7);
    const source = await FileSource.open(writeFile('big.bin', big));
    // The handle's class is not exported by Node; its prototype is that of any handle.
    const probe = await open(file, 'r');
    const reads = vi.spyOn(Object.getPrototypeOf(probe) as { read: () => unknown }, 'read');
    await probe.close();
    const got = await source.read(1, big.length);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(got.length).toBe(big.length - 1);
    expect(Object.getPrototypeOf(got)).toBe(Uint8Array.prototype);
    expect(got.byteOffset).toBe(0);
    expect(got.buffer.byteLength).toBe(big.length - 1);
    expect(same(got, big.subarray(1))).toBe(true);
  });

  it('refuses the reads BlobSource refuses, with the same codes', async () => {
    const source = await FileSource.open(file);
    const blob = new BlobSource(await openAsBlob(file));
    const bad: [number, number, string][] = [
      [-1, 4, 'read-failed'],
      [1.5, 4, 'read-failed'],
      [0, -4, 'read-failed'],
      [Number.MAX_SAFE_INTEGER + 2, 4, 'read-failed'],
      [0, MAX_READ_BYTES + 1, 'read-too-large'],
    ];
    for (const [offset, length, code] of bad) {
      for (const each of [source, blob] as ByteSource[])
        expect((await failure(each.read(offset, length))).code, `${offset}+${length}`).toBe(code);
    }
  });

  it('an aborted signal stops a read before it starts', async () => {
    const source = await FileSource.open(file);
    const controller = new AbortController();
    controller.abort();
    await expect(source.read(0, 10, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('a file that changes after it was opened', () => {
  const original = patterned(256 * 1024, 3);
  const changes: [string, (file: string) => void, RegExp][] = [
    [
      'rewritten in place, same size',
      (file) => writeFileSync(file, patterned(original.length, 4)),
      /modification time/,
    ],
    ['appended to', (file) => appendFileSync(file, new Uint8Array(10)), /size went from 262144 to 262154 bytes/],
    ['cut short', (file) => truncateSync(file, 1000), /size went from 262144 to 1000 bytes/],
    ['touched (only its time)', (file) => utimesSync(file, new Date(), new Date(Date.now() + 5000)), /modification/],
  ];
  for (const [what, change, why] of changes) {
    it(`${what}: every read fails with a sentence, never new bytes (as the Blob's reads did)`, async () => {
      const file = writeFile(`changed-${what.replace(/\W+/g, '-')}.bin`, original);
      const source = await FileSource.open(file);
      const blob = new BlobSource(await openAsBlob(file));
      expect(same(await source.read(0, 100), original.subarray(0, 100))).toBe(true);
      await nextTick();
      change(file);
      for (const [offset, length] of [
        [0, 100],
        [200_000, 50_000],
      ] as const) {
        const error = await failure(source.read(offset, length));
        expect(error.code).toBe('read-failed');
        expect(error.details.file).toBe(file);
        expect(error.details.hint).toMatch(/^The file changed after it was opened: /);
        expect(error.details.hint).toMatch(why);
        // The Blob from fs.openAsBlob fails here too: the behaviour is kept, in words.
        expect((await failure(blob.read(offset, length))).code).toBe('read-failed');
      }
    });
  }

  it('a file replaced or removed while its handle was closed is not read when opened again', async () => {
    const replaced = writeFile('replaced.bin', original);
    const removed = writeFile('removed.bin', original);
    const a = await FileSource.open(replaced);
    const b = await FileSource.open(removed);
    await closeOpenFiles();
    expect(openFileCount()).toBe(0);
    // The same bytes, the same size, even the same time: another file all the same.
    const other = writeFile('other.bin', original);
    const { mtime } = statSync(replaced);
    utimesSync(other, mtime, mtime);
    renameSync(other, replaced);
    rmSync(removed);
    expect((await failure(a.read(0, 10))).details.hint).toMatch(/another file was put in its place/);
    expect((await failure(b.read(0, 10))).details.hint).toMatch(/removed or renamed/);
  });
});

describe('open handles are bounded and closed', () => {
  it(`never more than ${MAX_OPEN_FILES} handles open; a closed one opens again on its next read`, async () => {
    const folder = path.join(dir, 'many');
    mkdirSync(folder);
    const count = MAX_OPEN_FILES * 3;
    const contents = Array.from({ length: count }, (_, i) => patterned(100 + i, i + 10));
    const sources: FileSource[] = [];
    for (let i = 0; i < count; i += 1) {
      writeFileSync(path.join(folder, `f${i}.bin`), contents[i] as Uint8Array);
      sources.push(await FileSource.open(path.join(folder, `f${i}.bin`)));
      expect(descriptorsUnder(folder).length).toBeLessThanOrEqual(MAX_OPEN_FILES);
    }
    // Every file read twice, in an order that closes and reopens handles all along.
    for (let round = 0; round < 2; round += 1)
      for (let i = 0; i < count; i += 1) {
        const at = (i * 7) % count;
        expect(same(await sources[at]?.read(0, 1000), contents[at])).toBe(true);
        expect(descriptorsUnder(folder).length).toBeLessThanOrEqual(MAX_OPEN_FILES);
      }
    // Reads in flight at once on more files than the limit: all answered.
    const all = await Promise.all(sources.map((source) => source.read(0, 1000)));
    all.forEach((got, i) => expect(same(got, contents[i])).toBe(true));
    await closeOpenFiles();
    expect(descriptorsUnder(folder)).toEqual([]);
    expect(openFileCount()).toBe(0);
  });

  it('a read in flight when the files are closed closes its handle as it ends, even one that was reopening', async () => {
    const folder = path.join(dir, 'in-flight');
    mkdirSync(folder);
    const bytes = patterned(4096, 5);
    writeFileSync(path.join(folder, 'a.bin'), bytes);
    const source = await FileSource.open(path.join(folder, 'a.bin'));
    for (const reopening of [false, true]) {
      if (reopening) await closeOpenFiles();
      const read = source.read(0, 4096);
      await closeOpenFiles();
      expect(same(await read, bytes)).toBe(true);
      // Closed as the read ended, not by a later call.
      expect(openFileCount()).toBe(0);
      await closeOpenFiles(); // waits for the close under way
      expect(descriptorsUnder(folder)).toEqual([]);
    }
  });

  it('a command closes the files it opened, also when it fails', async () => {
    const ckpt = fixturePath('real', 'competition__lstm_crf_20_63.ckpt');
    const folder = path.dirname(ckpt);
    expect((await runCli('inspect', ckpt, '--json')).code).toBe(0);
    expect(descriptorsUnder(folder)).toEqual([]);
    const junk = writeFile('junk.ckpt', patterned(4096, 9));
    expect((await runCli('inspect', junk)).code).toBe(1);
    expect(descriptorsUnder(dir)).toEqual([]);
  });

  it('merge with worker threads closes every rank file, in the members too', async () => {
    const set = fixturePath('distributed', 'case1_tp_dp');
    const out = path.join(dir, 'merged.safetensors');
    const result = await runCli(
      'merge',
      '--strategy',
      path.join(set, 'strategy.ckpt'),
      set,
      '--input-format',
      'ckpt',
      '--out',
      out,
      '--max-process-num',
      '2',
    );
    expect(result.code, result.err.join('\n')).toBe(0);
    expect(readFileSync(out).length).toBeGreaterThan(0);
    expect(descriptorsUnder(set)).toEqual([]);
  }, 60_000);
});
