import { openAsBlob, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { BlobSource, CountingSource, MemorySource } from '../../io/byte-source';
import { fixtureBytes } from '../../test/fixtures';
import { ZipCheckedSource } from './checked-source';
import { scanPytorch } from './scan';
import { entryDataRange, readZipArchive } from './zip';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-zip-checked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const torchZips = [
  ['pytorch', 'tiny_cnn.pt'],
  ['pytorch', 'dtypes.pt'],
  ['pytorch', 'dtypes_unusual.pt'],
  ['pytorch', 'views.pt'],
  ['pytorch', 'whole_module.pt'],
  ['pytorch', 'tiny_cnn_ddp.pth'],
  ['pytorch', 'tiny_cnn_checkpoint.pth'],
  ['pytorch', 'sharded_bin/pytorch_model-00001-of-00002.bin'],
  ['pytorch', 'sharded_bin/pytorch_model-00002-of-00002.bin'],
];

/** Every tensor's bytes, read range by range through `source`. */
async function tensorBytes(source: MemorySource | ZipCheckedSource, ranges: { offset: number; length: number }[][]) {
  const out: Uint8Array[] = [];
  for (const list of ranges) {
    for (const range of list) out.push((await source.read(range.offset, range.length)).slice());
  }
  return Buffer.concat(out);
}

describe('torch zips opened without reading every local header', () => {
  it.each(torchZips)('%s/%s: the layout places every storage where its local header does', async (...parts) => {
    const bytes = fixtureBytes(...(parts as [string, string]));
    const counted = new CountingSource(new MemorySource(bytes));
    const index = await scanPytorch(counted);
    const { entries } = await readZipArchive(new MemorySource(bytes));
    // Placed from the central directory: the reads are the sniff, the tail, the directory, the
    // byteorder and the pickle (with their headers), and the windows of small values.
    expect(counted.reads).toBeLessThan(12);
    const unchecked = index.zipUnchecked ?? [];
    for (const claim of unchecked) {
      const entry = entries.find((candidate) => candidate.name === claim.name);
      if (!entry) throw new Error(`no entry ${claim.name}`);
      expect((await entryDataRange(new MemorySource(bytes), entry)).offset, claim.name).toBe(claim.dataOffset);
    }
    // Reading every tensor through the checked source checks every header on the way, and gives
    // the same bytes as the file holds there.
    const checked = new ZipCheckedSource(new MemorySource(bytes), unchecked);
    const ranges = index.tensors.map((tensor) => tensor.ranges);
    expect(Buffer.compare(await tensorBytes(checked, ranges), await tensorBytes(new MemorySource(bytes), ranges))).toBe(
      0,
    );
    const storagesRead = new Set(index.tensors.filter((t) => t.bytes > 0).map((t) => t.view?.storage));
    expect(checked.stillUnchecked().length).toBeLessThanOrEqual(
      unchecked.length - Math.min(unchecked.length, storagesRead.size),
    );
  });
});

/** tiny_cnn.pt with the local header of `entry` changed by `edit` (the central directory untouched). */
async function tampered(entry: string, edit: (bytes: Uint8Array, at: number) => void): Promise<Uint8Array> {
  const bytes = fixtureBytes('pytorch', 'tiny_cnn.pt').slice();
  const { entries } = await readZipArchive(new MemorySource(bytes));
  const target = entries.find((candidate) => candidate.name === entry);
  if (!target) throw new Error(`no ${entry}`);
  edit(bytes, target.localHeaderOffset);
  return bytes;
}

describe('a local header that disagrees with the layout is caught when its bytes are first read', () => {
  const cases: [string, (bytes: Uint8Array, at: number) => void, RegExp][] = [
    // The extra field 64 bytes longer: the header puts the data 64 bytes later.
    [
      'a longer extra field',
      (bytes, at) => {
        const view = new DataView(bytes.buffer, bytes.byteOffset);
        view.setUint16(at + 28, view.getUint16(at + 28, true) + 64, true);
      },
      /puts its data at byte \d+, not at byte \d+ where the central directory's layout puts it/,
    ],
    ['a damaged signature', (bytes, at) => (bytes[at] = 0), /local header of "tiny_cnn\/data\/3" is damaged/],
    ['another name', (bytes, at) => (bytes[at + 30 + 'tiny_cnn/data/'.length] = 0x39), /names another entry/],
  ];

  it.each(cases)('%s: reads, Blob slices and exports refuse it; other tensors read', async (_, edit, message) => {
    const bytes = await tampered('tiny_cnn/data/3', edit);
    const file = path.join(dir, `tampered-${Math.random().toString(36).slice(2)}.pt`);
    writeFileSync(file, bytes);
    const source = new BlobSource(await openAsBlob(file));
    // The index opens (it claims no more than the layout: the header is checked on read).
    const { openCheckpoint } = await import('../../core/open');
    const opened = await openCheckpoint(source);
    expect(opened.index.zipUnchecked?.some((claim) => claim.name === 'tiny_cnn/data/3')).toBe(true);
    const { buildExport, exportBlobParts, exportChunks, planExport } = await import('../../core/export');
    const victim = opened.index.tensors.find((tensor) => tensor.view?.storage === '3');
    const other = opened.index.tensors.find((tensor) => tensor.view?.storage === '5');
    if (!victim || !other) throw new Error('storages 3 and 5 hold tensors');
    const first = other.ranges[0] as { offset: number; length: number };
    expect((await opened.plaintext.read(first.offset, first.length)).length).toBe(first.length);
    const range = victim.ranges[0] as { offset: number; length: number };
    const error = await opened.plaintext.read(range.offset, range.length).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LensError);
    expect((error as LensError).code).toBe('zip-bad-archive');
    expect(String((error as LensError).details.hint)).toMatch(message);
    // A Blob export slices nothing unchecked: it checks the header first, and fails the same way.
    const again = await openCheckpoint(new BlobSource(await openAsBlob(file)));
    const job = await buildExport(again, planExport(again.index, { format: 'safetensors' }));
    await expect(exportBlobParts(job)).rejects.toMatchObject({ code: 'zip-bad-archive' });
    const streamed = await buildExport(again, planExport(again.index, { format: 'ckpt' }));
    await expect(
      (async () => {
        for await (const chunk of exportChunks(streamed)) void chunk;
      })(),
    ).rejects.toMatchObject({ code: 'zip-bad-archive' });
  });
});
